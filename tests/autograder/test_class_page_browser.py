"""The report page in a real browser: it renders, its images load, the console stays quiet.

Needs Chromium (Debian: ``apt-get install chromium``); skipped where it is missing, as on a
fresh CI machine. Run it alone with ``pytest tests/autograder/test_class_page_browser.py``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import numpy as np
import pytest

from autograder.reports.class_page import PageInputs, write_page

from .test_class_page import graded_by_medl

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(BROWSER is None, reason="Chromium is not installed")

# Run after load: which images failed, written where --dump-dom shows it.
PROBE = """<script>
window.addEventListener("load", () => {
  const broken = [...document.images].filter(i => !i.complete || i.naturalWidth === 0);
  document.body.dataset.images = document.images.length;
  document.body.dataset.broken = JSON.stringify(broken.map(i => i.getAttribute("src")));
});
</script></body>"""


def chromium(*args: str) -> subprocess.CompletedProcess:
    flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
             "--v=0", "--virtual-time-budget=5000"]  # fmt: skip
    return subprocess.run([BROWSER, *flags, *args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def page(tmp_path):
    results = graded_by_medl(tmp_path)
    return write_page(results, tmp_path / "report", PageInputs(planted={"a": "double(-1)"}))


def test_every_image_loads_and_the_console_has_no_error(page):
    probe = page.with_name("probe.html")
    probe.write_text(page.read_text().replace("</body>", PROBE))
    run = chromium("--dump-dom", probe.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    body = re.search(r"<body([^>]*)>", run.stdout).group(1)
    assert 'data-images="3"' in body
    broken = json.loads(re.search(r'data-broken="([^"]*)"', body).group(1).replace("&quot;", '"'))
    assert broken == []
    console = [line for line in run.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    assert "Failed to load resource" not in run.stderr


def test_a_screenshot_shows_the_page(page):
    shot = page.with_name("screenshot.png")
    run = chromium(f"--screenshot={shot}", "--window-size=1280,2400", page.as_uri())
    assert run.returncode == 0 and shot.is_file(), run.stderr[-2000:]
    import matplotlib.image

    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[:2] == (2400, 1280)
    # not a blank page: the figures' colours are there (the cells plot's green and red bars)
    colours = np.unique((pixels[..., :3] * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(colours) > 50
