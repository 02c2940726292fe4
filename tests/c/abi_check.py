#!/usr/bin/env python3
"""The ABI policy of librapport, on top of libabigail (Debian `abigail-tools`).

    abi_check.py dump    <librapport.so> <out.abi> [--headers-dir include]
    abi_check.py compare <baseline.abi> <librapport.so | current.abi> [--headers-dir include]

`compare` passes when every function and variable of the baseline is still there unchanged; added ones
pass (the API grows by adding functions); a removed or changed one fails, and so does any abidiff
error. Exit status 0 = compatible, 1 = incompatible, 2 = the tools failed.

A release updates the baseline with `dump` (see docs/c-api.md)."""
import argparse
import os
import re
import subprocess
import sys
import tempfile

# The options the committed baseline was written with: only what rapport.h declares, and no paths
# or build-directory details, so that the file does not change with where or by whom it was built.
DUMP_OPTIONS = ["--drop-private-types", "--exported-interfaces-only", "--no-corpus-path", "--no-comp-dir-path",
                "--short-locs", "--type-id-style", "hash"]
_SUMMARY = re.compile(r"^(.*?) changes summary: (\d+) Removed(?:[^,]*), (\d+) Changed(?:[^,]*)?(?:, (\d+) Added)?",
                      re.M)
_SYMBOLS = re.compile(r"^(.*?symbols?) changes summary: (\d+) Removed(?:[^,]*), (\d+) Added", re.M)


def default_headers_dir():
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "include")


def dump(library, out, headers_dir=None):
    subprocess.run(["abidw", "--headers-dir", headers_dir or default_headers_dir(), *DUMP_OPTIONS,
                    "--out-file", out, library], check=True)


def compare(baseline, current, headers_dir=None):
    """(compatible, report). `current` may be a library (dumped first) or an .abi file."""
    with tempfile.TemporaryDirectory() as tmp:
        if not current.endswith(".abi"):
            dumped = os.path.join(tmp, "current.abi")
            dump(current, dumped, headers_dir)
            current = dumped
        run = subprocess.run(["abidiff", baseline, current], capture_output=True, text=True)
    report = run.stdout + run.stderr
    if run.returncode & 3:  # 1: abidiff error, 2: usage error
        raise RuntimeError(f"abidiff failed ({run.returncode}):\n{report}")
    if run.returncode == 0:
        return True, report
    broken = []
    for what, removed, changed, _added in _SUMMARY.findall(report):
        if int(removed) or int(changed):
            broken.append(f"{what}: {removed} removed, {changed} changed")
    for what, removed, _added in _SYMBOLS.findall(report):
        if int(removed):
            broken.append(f"{what}: {removed} removed")
    if not _SUMMARY.search(report):
        raise RuntimeError(f"abidiff reported a change this policy cannot read:\n{report}")
    return not broken, report


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["dump", "compare"])
    p.add_argument("first")
    p.add_argument("second")
    p.add_argument("--headers-dir")
    a = p.parse_args()
    try:
        if a.command == "dump":
            dump(a.first, a.second, a.headers_dir)
            return 0
        ok, report = compare(a.first, a.second, a.headers_dir)
    except (RuntimeError, subprocess.CalledProcessError, FileNotFoundError) as e:
        print(e, file=sys.stderr)
        return 2
    print(report)
    print("ABI compatible with the baseline" if ok else "ABI BROKEN: a released function was removed or changed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
