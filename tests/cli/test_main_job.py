"""The README's main job: sample -> import -> HTML report, telling where the report is.

The time it takes is printed, not asserted (tests never assert a time); the README states it."""
import time

from conftest import rapport


def test_main_job(tmp_path):
    start = time.monotonic()
    folder, archive, html = tmp_path / "sample", tmp_path / "sample.rapport", tmp_path / "report.html"
    rapport("sample", folder, check=0)
    rapport("import", folder, "-o", archive, check=0)
    p = rapport("report", archive, "--html", html, check=0)
    elapsed = time.monotonic() - start
    assert html.exists() and html.stat().st_size > 10000
    assert p.stdout.rstrip().splitlines()[-1] == f"HTML report: {html}"
    print(f"main job: {elapsed:.1f} s")
