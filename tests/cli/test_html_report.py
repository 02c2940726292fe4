"""The HTML report opened in a real headless browser (Debian chromium): it renders without script
errors, the DOM tells the sample organisation's story, and a screenshot is written for people to see.
Chromium is one of the packages ./dev.sh installs: without it this test fails rather than skips."""
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import pytest

from conftest import OUT, rapport

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def chromium(*args):
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args],
                              capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def report(sample, tmp_path_factory):
    assert CHROMIUM, "chromium is not installed (./dev.sh installs it)"
    _, archive = sample
    html = tmp_path_factory.mktemp("html") / "report.html"
    p = rapport("report", archive, "--html", html, "--quiet", check=0)
    assert f"HTML report: {html}" in p.stdout
    return html


def test_self_contained(report):
    text = report.read_text()
    # no network: nothing is loaded from anywhere
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "@import" not in text and "url(" not in text
    assert "<svg" in text and "<style>" in text
    assert "@media print" in text


def test_renders_without_errors_and_tells_the_story(report):
    p = chromium("--dump-dom", report.as_uri())
    dom = p.stdout
    assert p.returncode == 0, p.stderr[-2000:]
    root = re.search(r"<html[^>]*>", dom).group(0)
    assert 'data-rendered="yes"' in root, "the page's final script did not run"
    assert "data-errors" not in root, root
    # console errors from the page itself (chromium logs them as CONSOLE(...) lines)
    console = [line for line in p.stderr.splitlines() if "CONSOLE" in line and "file://" in line]
    assert not console, console
    # the story: the local optimiser is named, the blind spot is shown, retention risk and overdue ones
    assert re.search(r'<li class="local-optimiser" data-unit="sales-keyaccount">.*?Key account sales', dom, re.S)
    assert re.search(r'<li class="blind-spot" data-unit="hr">.*?Human Resources', dom, re.S)
    assert re.search(r'<li class="retention-risk" data-unit="sales-service">', dom)
    assert 'id="overdue"' in dom and "Controlling" in dom
    # fishbones for the organisation and each unit, bones coloured by health
    assert dom.count('<svg class="fishbone"') >= 15
    assert 'class="bone red' in dom or 'class="bone yellow' in dom
    # privacy suppression applied and shown as such
    assert 'class="suppressed"' in dom


def test_screenshot(report):
    out = pathlib.Path(OUT) / "report-screenshot.png"
    if out.exists():
        out.unlink()
    p = chromium(f"--screenshot={out}", "--window-size=1200,2600", "--hide-scrollbars", report.as_uri())
    assert out.exists() and out.stat().st_size > 20000, p.stderr[-2000:]
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    print(f"screenshot: {out}", file=sys.stderr)
