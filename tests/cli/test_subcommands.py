"""Each subcommand does its job: sample, import, check, report, export, erase; --help on each."""
import json
import re

import pytest

from conftest import rapport

SUBCOMMANDS = ["import", "check", "report", "export", "erase", "sample"]


@pytest.mark.parametrize("sub", SUBCOMMANDS)
def test_help(sub):
    p = rapport(sub, "--help", check=0)
    assert "Usage" in p.stdout or "usage" in p.stdout.lower()
    assert sub in p.stdout


def test_top_level_help_lists_subcommands_and_exit_codes():
    p = rapport("--help", check=0)
    for sub in SUBCOMMANDS:
        assert sub in p.stdout
    assert "Exit codes" in p.stdout


def test_version():
    p = rapport("--version", check=0)
    assert re.match(r"\d+\.\d+\.\d+", p.stdout.strip())


def test_sample_is_deterministic(tmp_path, sample):
    folder, _ = sample
    again = tmp_path / "again"
    rapport("sample", again, check=0)
    for f in folder.iterdir():
        assert (again / f.name).read_bytes() == f.read_bytes(), f.name


def test_sample_has_the_promised_shape(sample):
    folder, _ = sample
    units = (folder / "units.csv").read_text().splitlines()
    people = [u for u in units if ",person," in u]
    assert 200 <= len(people) <= 600
    for name in ("Human Resources", "Payroll", "Training", "IT", "Finance", "Sales and service", "Works council"):
        assert any(name in u for u in units), name
    assert any(",customer," in u for u in units) and any(",supplier," in u for u in units)
    convs = (folder / "conversations.csv").read_text()
    for year in (2023, 2024, 2025, 2026):
        assert f",{year}-" in convs
    agreements = (folder / "agreements.csv").read_text()
    assert ",kept," in agreements and ",broken," in agreements
    assert (folder / "complaints.csv").exists() and (folder / "referrals.csv").exists()


def test_import_summary_and_check(sample):
    folder, archive = sample
    p = rapport("check", archive, check=0)
    assert p.stdout.startswith("ok: archive")
    q = rapport("check", folder, check=0)
    assert q.stdout.startswith("ok: CSV folder")
    # the same counts either way
    assert p.stdout.split(": ", 2)[2] == q.stdout.split(": ", 2)[2]


def test_report_fits_80_columns_and_tells_the_story(sample):
    _, archive = sample
    p = rapport("report", archive, check=0)
    lines = p.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    text = p.stdout
    assert "Blind spot       Human Resources" in text
    assert "Local optimiser  Key account sales" in text
    assert "Retention risk   Customer service centre" in text
    assert "Overdue" in text
    assert "<5" in text  # privacy suppression is shown as such


def test_report_of_one_unit(sample):
    _, archive = sample
    p = rapport("report", archive, "--unit", "sales-keyaccount", check=0)
    assert "Key account sales" in p.stdout
    assert "local optimiser index" in p.stdout and "FLAGGED" in p.stdout
    assert "throughput (colleagues)" in p.stdout
    assert max(len(line) for line in p.stdout.splitlines()) <= 80


def test_report_reads_a_csv_folder_too(sample):
    folder, _ = sample
    p = rapport("report", folder, check=0)
    assert "Stadtwerke Rheinfeld" in p.stdout


def test_export_csv_round_trip(tmp_path, sample):
    folder, archive = sample
    out = tmp_path / "out"
    rapport("export", archive, "-o", out, check=0)
    for f in folder.iterdir():
        assert (out / f.name).read_text() == f.read_text(), f.name


def test_export_json(tmp_path, sample):
    _, archive = sample
    p = rapport("export", archive, "-o", "-", check=0)
    doc = json.loads(p.stdout)
    assert doc["format"] == "rapport-csv-json"
    for table in ("units", "relationships", "conversations", "answers", "agreements", "complaints", "referrals"):
        assert table in doc and doc[table]
    assert {"key", "name", "kind", "parent", "payer"} <= set(doc["units"][0])
    f = tmp_path / "org.json"
    rapport("export", archive, "-o", f, check=0)
    assert json.loads(f.read_text()) == doc


def test_export_pseudonymised_hides_people(tmp_path, sample):
    folder, archive = sample
    names = [line.split(",")[1] for line in (folder / "units.csv").read_text().splitlines()[1:]
             if ",person," in line or ",candidate," in line]
    out = tmp_path / "pseudo"
    rapport("export", archive, "-o", out, "--pseudonymise", check=0)
    text = "".join(p.read_text() for p in out.iterdir())
    for n in names[:50]:
        assert n not in text
    assert "person-00001" in text
    assert not (out / "answers.csv").exists()  # free text is left out
    assert "Human Resources" in text  # departments keep their names
    # and it imports again
    rapport("import", out, "-o", tmp_path / "p.rapport", "-q", check=0)
    j = rapport("export", archive, "-o", "-", "-p", check=0)
    assert names[0] not in j.stdout


def test_erase_removes_a_person_completely(tmp_path, sample):
    folder, archive = sample
    work = tmp_path / "w.rapport"
    work.write_bytes(archive.read_bytes())
    # a service-centre employee with conversations, answers maybe, agreements
    units = (folder / "units.csv").read_text().splitlines()
    person = next(u.split(",")[0] for u in units if u.endswith(",person,sales-service,"))
    name = next(u.split(",")[1] for u in units if u.startswith(person + ","))
    before = rapport("check", work, check=0).stdout
    p = rapport("erase", work, person, check=0)
    assert f"erased '{person}'" in p.stdout and "conversations" in p.stdout
    after = rapport("check", work, check=0).stdout
    assert before != after
    out = tmp_path / "after"
    rapport("export", work, "-o", out, check=0)
    text = "".join(f.read_text() for f in out.iterdir())
    assert f"{person}," not in text and name not in text
    assert person.encode() not in work.read_bytes()
    # erasing again: the person is unknown now
    rapport("erase", work, person, check=2)


def test_erase_refuses_a_team(tmp_path, sample):
    _, archive = sample
    work = tmp_path / "w.rapport"
    work.write_bytes(archive.read_bytes())
    p = rapport("erase", work, "hr-payroll", check=2)
    assert "not a person" in p.stderr
    assert work.read_bytes() == archive.read_bytes()


def test_bundled_sample_matches_the_generator(tmp_path):
    """tests/data/sample is `rapport sample` output; after an intended change of the generator,
    regenerate it with `rapport sample tests/data/sample`."""
    import os
    import pathlib
    bundled = pathlib.Path(os.environ.get("RAPPORT_SOURCE", ".")) / "tests" / "data" / "sample"
    fresh = tmp_path / "fresh"
    rapport("sample", fresh, check=0)
    assert sorted(p.name for p in bundled.iterdir()) == sorted(p.name for p in fresh.iterdir())
    for f in bundled.iterdir():
        assert (fresh / f.name).read_bytes() == f.read_bytes(), f.name
