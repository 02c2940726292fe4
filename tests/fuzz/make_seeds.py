#!/usr/bin/env python3
"""Writes the hand-made seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/seed-*).

    python3 tests/fuzz/make_seeds.py [path to the rapport CLI, default build/src/cli/rapport]

- csv:     the bad-row cases of tests/cli/test_bad_rows.py on their valid base folder, a trimmed but
           consistent excerpt of tests/data/sample, a custom guide, syntax oddities (BOM, CRLF, quotes).
- archive: tests/data/golden-v1.rapport and small organisations imported with the CLI, each as is,
           truncated and bit-flipped (envelope checks), and as 'W' + payload (the harness adds a valid
           envelope, so mutations reach the payload decoder) and 'H' + header + payload.
- capi:    hand-written call sequences in the byte encoding of fuzz_capi.cpp.
Inputs found by fuzzing are merged next to them by run.sh --merge (named by their SHA-1).
"""
import csv
import hashlib
import importlib.util
import io
import pathlib
import random
import struct
import subprocess
import sys
import tempfile
import types

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SEP = b"\x1e"
FILES = ["units.csv", "relationships.csv", "guides.csv", "conversations.csv", "answers.csv",
         "agreements.csv", "complaints.csv", "referrals.csv"]


def write(target, name, data):
    d = HERE / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    (d / f"seed-{name}").write_bytes(data)


def encode_folder(files, keep_going=False):
    """The input of fuzz_csv for a folder {name: text or bytes}."""
    parts = []
    for f in FILES:
        v = files.get(f, b"")
        parts.append(v.encode() if isinstance(v, str) else v)
    while parts and not parts[-1]:
        parts.pop()
    return (b"!" if keep_going else b"") + SEP.join(parts)


def bad_row_cases():
    """CASES and base() from tests/cli/test_bad_rows.py, without running pytest."""
    sys.modules.setdefault("pytest", types.SimpleNamespace(mark=types.SimpleNamespace(
        parametrize=lambda *a, **k: (lambda f: f))))
    sys.modules["conftest"] = types.SimpleNamespace(rapport=None, write_folder=None)
    spec = importlib.util.spec_from_file_location("bad_rows", ROOT / "tests/cli/test_bad_rows.py")
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


def sample_excerpt(units_wanted=14, conversations_wanted=24):
    """A consistent small part of tests/data/sample: units with their ancestors, and what refers to them."""
    s = ROOT / "tests/data/sample"
    read = lambda f: list(csv.DictReader(open(s / f, newline="", encoding="utf-8")))
    units = read("units.csv")
    by_key = {u["key"]: u for u in units}
    keep = []
    def add(k):
        if not k or k in keep:
            return
        u = by_key[k]
        add(u["parent"]), add(u["payer"])
        keep.append(k)
    for u in units[:units_wanted]:
        add(u["key"])
    rels = [r for r in read("relationships.csv") if r["provider"] in keep and r["recipient"] in keep]
    # Relationships that carry data, whatever their units, make the excerpt interesting: pull them in.
    convs_all = read("conversations.csv")
    rel_all = {r["key"]: r for r in read("relationships.csv")}
    for c in convs_all[:200:9]:
        r = rel_all[c["relationship"]]
        add(r["provider"]), add(r["recipient"])
        if r not in rels:
            rels.append(r)
    rel_keys = {r["key"] for r in rels}
    convs = [c for c in convs_all if c["relationship"] in rel_keys][:conversations_wanted]
    conv_keys = {c["id"] for c in convs}
    answers = [a for a in read("answers.csv") if a["conversation"] in conv_keys][:8]
    agreements = [a for a in read("agreements.csv") if a["conversation"] in conv_keys and a["owner"] in keep][:8]
    complaints = [c for c in read("complaints.csv") if c["relationship"] in rel_keys][:4]
    referrals = [r for r in read("referrals.csv") if r["relationship"] in rel_keys and
                 (not r["referred"] or r["referred"] in keep)][:4]
    def text(rows, header):
        out = io.StringIO()
        w = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        return out.getvalue()
    header = lambda f: next(csv.reader(open(s / f, newline="", encoding="utf-8")))
    return {
        "units.csv": text([by_key[k] for k in keep], header("units.csv")),
        "relationships.csv": text(rels, header("relationships.csv")),
        "conversations.csv": text(convs, header("conversations.csv")),
        "answers.csv": text(answers, header("answers.csv")),
        "agreements.csv": text(agreements, header("agreements.csv")),
        "complaints.csv": text(complaints, header("complaints.csv")),
        "referrals.csv": text(referrals, header("referrals.csv")),
    }


GUIDES = ("guide,title,kind,scale_min,scale_max,question,text_en,text_de\n"
          "pulse,Pulse check,ad_hoc,1,5,mood,How do you feel?,Wie geht es?\n"
          "pulse,,,,,blockers,What blocks you?,\n"
          "empty,Empty guide,customer_review,0,10,,,\n")
GUIDED_CONVERSATIONS = ("id,relationship,date,kind,guide,score,self_assessment\n"
                        "c1,r1,2025-03-01,customer_review,,7,9\n"
                        "c2,r2,2025-04-01,employee_review,employee_review,8,\n"
                        "c9,r1,2025-05-01,ad_hoc,pulse,4,5\n")


def csv_seeds(cli):
    m = bad_row_cases()
    base = m.base()
    write("csv", "base", encode_folder(base))
    write("csv", "base-keep-going", encode_folder(base, keep_going=True))
    for i, (case, file, content, _) in enumerate(m.CASES):
        files = dict(base)
        files[file] = content
        name = "".join(c if c.isalnum() else "-" for c in case)
        write("csv", f"bad-{i:02d}-{name}", encode_folder(files, keep_going=(i % 4 == 0)))
    write("csv", "units-only", encode_folder({"units.csv": m.UNITS}))
    write("csv", "missing-units", encode_folder({"relationships.csv": m.RELATIONSHIPS}))
    write("csv", "empty-units", encode_folder({"units.csv": "\n"}))
    bom = dict(base)
    bom["units.csv"] = b"\xef\xbb\xbf" + m.UNITS.replace("\n", "\r\n").encode() + \
        b'"joe","Joe\r\nthe second",person,hr,\r\n"x,y","say ""hi""",team,co,\r\n'
    write("csv", "bom-crlf-quotes", encode_folder(bom))
    extra = dict(base)
    extra["units.csv"] = m.UNITS.replace("payer\n", "payer,x_colour\n", 1).replace(",\n", ",,red\n")
    write("csv", "x-column", encode_folder(extra))
    with_guides = dict(base)
    with_guides["guides.csv"] = GUIDES
    with_guides["conversations.csv"] = GUIDED_CONVERSATIONS
    with_guides["answers.csv"] = m.ANSWERS + "c9,mood,Fine\n"
    write("csv", "guides", encode_folder(with_guides))
    bad_guides = dict(base)
    bad_guides["guides.csv"] = GUIDES + "pulse,Other title,ad_hoc,1,5,mood,again,\nbad,,ad_hoc,7,3,,,\n"
    write("csv", "guides-bad", encode_folder(bad_guides, keep_going=True))
    ex = sample_excerpt()
    write("csv", "sample-excerpt", encode_folder(ex))
    write("csv", "sample-excerpt-keep-going", encode_folder(ex, keep_going=True))
    return base


def archive_variants(name, archive, rng):
    write("archive", f"{name}", archive)
    payload = archive[40:]
    write("archive", f"{name}-W", b"W" + payload)
    write("archive", f"{name}-H", b"H" + archive[:36] + b"\0\0\0\0" + payload)
    write("archive", f"{name}-truncated-header", archive[:rng.randrange(8, 40)])
    write("archive", f"{name}-truncated", archive[:rng.randrange(41, len(archive))])
    flipped = bytearray(archive)
    i = rng.randrange(len(flipped))
    flipped[i] ^= 1 << rng.randrange(8)
    write("archive", f"{name}-bitflip", bytes(flipped))
    wflip = bytearray(payload)
    if wflip:
        wflip[rng.randrange(len(wflip))] ^= 1 << rng.randrange(8)
    write("archive", f"{name}-W-bitflip", b"W" + bytes(wflip))
    write("archive", f"{name}-W-truncated", b"W" + payload[:rng.randrange(0, max(1, len(payload)))])


def archive_seeds(cli, base):
    rng = random.Random(7)
    archive_variants("golden-v1", (ROOT / "tests/data/golden-v1.rapport").read_bytes(), rng)
    m = bad_row_cases()
    orgs = {
        "units-only": {"units.csv": "key,kind\nco,company\n"},
        "small": base,
        "guides": {**base, "guides.csv": GUIDES,
                   "conversations.csv": GUIDED_CONVERSATIONS,
                   "answers.csv": m.ANSWERS + "c9,mood,Fine\n"},
    }
    with tempfile.TemporaryDirectory() as t:
        for name, files in orgs.items():
            folder = pathlib.Path(t) / name
            folder.mkdir()
            for f, text in files.items():
                (folder / f).write_text(text) if isinstance(text, str) else (folder / f).write_bytes(text)
            out = pathlib.Path(t) / f"{name}.rapport"
            subprocess.run([cli, "import", str(folder), "-o", str(out), "-q"], check=True)
            archive_variants(name, out.read_bytes(), rng)
    write("archive", "empty", b"")
    write("archive", "not-an-archive", b"key,kind\nco,company\n")
    write("archive", "magic-only", b"\x89RAPPORT")


# --- C API sequences, in fuzz_capi.cpp's encoding -------------------------------------------------
# op byte % 16 picks the family, the next byte `which` the operation inside it; then the arguments.
ORG, UNIT, REL, GUIDE, CONV, REC, SCORE, BATCH, MISUSE = 0, 1, 4, 6, 7, 10, 12, 14, 15
S = {"a": 0, "b": 1, "c": 2, "d": 3, "e": 4, "better": 5, "goals": 6, "en": 7, "de": 8, "": 9,
     None: 200, "bad-utf8": 210}
NO_ID = 230


def day(n):
    """A date byte: 20000 + 3n days (n < 208)."""
    return n


def unit_add(slot, key, name, kind, parent=NO_ID, payer=NO_ID):
    return bytes([UNIT, 0, slot, S[key], S[name], kind, parent, payer])


def rel_add(slot, p, r, bond, label="a"):
    return bytes([REL, 0, slot, p, r, bond, S[label]])


def conv_add(slot, rel, d, kind, guide, score, self_score, answers=()):
    b = bytes([CONV, 0, slot, rel, day(d), kind, guide, score, self_score, len(answers)])
    for q, t in answers:
        b += bytes([S[q], S[t]])
    return b


def capi_seeds():
    org = unit_add(0, "a", "a", 3) + unit_add(0, "b", "b", 2, 0) + unit_add(0, "c", "c", 0, 1) + \
        unit_add(0, "d", "d", 4) + unit_add(0, "e", None, 0, 1)
    rels = rel_add(0, 1, 3, 0) + rel_add(0, 1, 2, 2) + rel_add(0, 1, 4, 2) + rel_add(0, 2, 4, 1)
    convs = b"".join(conv_add(0, i % 3, 10 + 7 * i, [0, 2, 2][i % 3], [0, 2, 2][i % 3], (3 + i) % 11,
                              (5 + i) % 11, [("better", "a")] if i % 3 == 0 else []) for i in range(9))
    records = bytes([REC, 0, 0, 0, 1, S["c"], day(60)]) + bytes([REC, 1, 0, 0, 1, day(50)]) + \
        bytes([REC, 4, 0, 0, day(20), 2, S["d"]]) + bytes([REC, 5, 0, 0, 1, day(25), 0]) + \
        bytes([REC, 5, 0, 0, 4, day(40), 1]) + bytes([REC, 8, 0, 0, day(30), 0, NO_ID]) + \
        bytes([REC, 9, 0, 0, 1, day(90)])
    scores = bytes([SCORE, 0, 0, 0, 1, 1, 0, 100, 0, 100, 3, 1, 3, 0]) + \
        bytes([SCORE, 1, 1, 0, 4, 0, 0, 100, 100, 0]) + \
        bytes([SCORE, 6, 0, 0, 1, 1, 0, day(200), 0, 100, 3, 1, 3, 0]) + \
        bytes([SCORE, 10, 0, 0, 2, day(200), 0]) + \
        bytes([SCORE, 9, 0, 0, 1, 0, 0, 0])
    batch = bytes([BATCH, 0, 0, 0, 0, 0, 0]) + bytes([BATCH, 1, 0, 2]) + bytes([BATCH, 2, 0]) + \
        bytes([BATCH, 1, 0, 2])
    round_trip = bytes([ORG, 5, 0, 0]) + bytes([ORG, 5, 0, 2, 7, 0, 0, 0, 3]) + bytes([ORG, 5, 0, 1, 40, 0, 0, 0])
    write("capi", "build-org", org + rels + convs + records)
    write("capi", "scores", org + rels + convs + records + scores + batch)
    write("capi", "round-trip", org + rels + convs + records + round_trip)
    write("capi", "stale", org + bytes([ORG, 2, 0]) + bytes([ORG, 1, 0]) + unit_add(0, "a", "a", 1) +
          bytes([ORG, 1, 0]) + bytes([MISUSE, 6, 0]) + bytes([ORG, 3, 1]))
    write("capi", "misuse", b"".join(bytes([MISUSE, i, i % 3]) for i in range(10)) +
          bytes([MISUSE, 8, 0, 1]) + bytes([MISUSE, 9, 0xE9, 0x07, 0, 0, 2, 29]))
    write("capi", "erase", org + rels + convs + records + bytes([UNIT, 9, 0, 2]) + bytes([UNIT, 9, 0, 4]) +
          bytes([UNIT, 3, 0, 2]) + bytes([UNIT, 7, 0, 1]))
    guide = bytes([GUIDE, 0, 0, S["e"], S["a"], 6, 3, 7, 1, 3, S["a"], S["en"], S["b"], S["a"], S["de"], S["c"],
                   S["b"], S[None], S[None]])
    write("capi", "guide", org + rels + guide + conv_add(0, 0, 5, 6, 3, 5, 4, [("a", "d")]) +
          bytes([GUIDE, 1, 0, 3, S["e"], 0, S["de"]]))
    bulk = bytes([CONV, 4, 0, 4])
    for i in range(4):
        bulk += bytes([i % 4, day(3 * i), 0, 0, 7, 8])
    bulk += bytes([0])
    write("capi", "bulk", org + rels + bulk + bytes([CONV, 6, 0]) + bytes([ORG, 4, 0]) + bytes([CONV, 5, 0, 2]))
    update = org + rels + convs + bytes([CONV, 2, 0, 1, 0, day(11), 0, 0, 9, 9, 1, S["goals"], S["b"]]) + \
        bytes([REL, 2, 0, 0, S["bad-utf8"]]) + bytes([UNIT, 2, 0, 1, S["b"], S["b"], 1, 3, NO_ID]) + \
        bytes([CONV, 3, 0, 0]) + bytes([REL, 3, 0, 0])
    write("capi", "update-remove", update)


def main():
    cli = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "build/src/cli/rapport")
    for t in ("archive", "csv", "capi"):
        for old in (HERE / "corpus" / t).glob("seed-*"):
            old.unlink()
    base = csv_seeds(cli)
    archive_seeds(cli, base)
    capi_seeds()
    for t in ("archive", "csv", "capi"):
        files = list((HERE / "corpus" / t).iterdir())
        print(f"{t}: {len(files)} files, {sum(f.stat().st_size for f in files)} bytes")


if __name__ == "__main__":
    main()
