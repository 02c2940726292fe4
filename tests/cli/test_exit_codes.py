"""Every documented exit code (docs/cli.md): 0 ok, 1 usage, 2 invalid data, 3 I/O, 4 corrupt archive, 5 internal."""
from conftest import rapport, write_folder


def test_0_ok(sample):
    _, archive = sample
    rapport("check", archive, check=0)


def test_1_usage():
    rapport(check=1)                                   # no subcommand
    rapport("frobnicate", check=1)                     # unknown subcommand
    rapport("import", "x", check=1)                    # missing -o
    rapport("check", "--no-such-option", "x", check=1)
    rapport("report", "x", "--min-group", "2", check=1)  # privacy never below 3
    rapport("export", "a", "-o", "b", "--format", "xml", check=1)


def test_1_usage_after_parsing(sample):
    _, archive = sample
    p = rapport("report", archive, "--as-of", "yesterday", check=1)
    assert "--as-of" in p.stderr
    rapport("export", archive, "-o", "-", "--format", "csv", check=1)


def test_2_invalid_data(tmp_path, sample):
    folder = write_folder(tmp_path / "bad", {"units.csv": "key,name,kind\nx,X,robot\n"})
    rapport("import", folder, "-o", tmp_path / "a.rapport", check=2)
    rapport("check", folder, check=2)
    _, archive = sample
    rapport("report", archive, "--unit", "no-such-unit", check=2)
    w = tmp_path / "w.rapport"
    w.write_bytes(archive.read_bytes())
    rapport("erase", w, "no-such-person", check=2)


def test_3_io(tmp_path, sample):
    rapport("import", tmp_path / "missing", "-o", tmp_path / "a.rapport", check=3)
    rapport("check", tmp_path / "missing.rapport", check=3)
    rapport("report", tmp_path / "missing.rapport", check=3)
    folder, archive = sample
    p = rapport("import", folder, "-o", tmp_path / "no" / "such" / "dir" / "a.rapport", "-q", check=3)
    assert "cannot" in p.stderr
    (tmp_path / "file").write_text("x")
    rapport("export", archive, "-o", tmp_path / "file" / "sub", check=3)


def test_4_corrupt_archive(tmp_path, sample):
    _, archive = sample
    junk = tmp_path / "junk.rapport"
    junk.write_bytes(b"this is not an archive at all" * 10)
    rapport("check", junk, check=4)
    rapport("report", junk, check=4)
    data = archive.read_bytes()
    cut = tmp_path / "cut.rapport"
    cut.write_bytes(data[: len(data) // 2])
    rapport("check", cut, check=4)
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x40
    bad = tmp_path / "flipped.rapport"
    bad.write_bytes(bytes(flipped))
    rapport("check", bad, check=4)
    rapport("erase", bad, "P10002", check=4)
    assert bad.read_bytes() == bytes(flipped)


def test_5_internal(sample):
    _, archive = sample
    p = rapport("check", archive, check=5, env={"RAPPORT_TEST_FAULT": "internal"})
    assert "internal error" in p.stderr
