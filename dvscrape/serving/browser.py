"""Headless Chromium, as the QA screenshots, contrib/replay_screenshot.py and the browser tests use it: found on
PATH, started with one set of flags, photographing a page; and the pixel similarity of two photographs."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from dvscrape.errors import BrowserError

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
# No sandbox (containers, CI), no GPU, and nothing the browser would fetch of its own (updates, sync, QUIC probes):
# the only requests are the page's.
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)  # fmt: skip
WINDOW = (1280, 1500)
# Two pixels are the same when no colour channel differs by more than this (anti-aliasing, font hinting).
PIXEL_TOLERANCE = 24


def chromium() -> str | None:
    """The headless browser on PATH, or None."""
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def screenshot(url: str, output: Path, *, window: tuple[int, int] = WINDOW, budget_ms: int = 8000) -> None:
    """Photograph *url* into the PNG *output*, after the page has loaded (at most *budget_ms* of virtual time: a page
    served whole, as pywb's rewritten replay and a live page are; not a service-worker app such as ReplayWeb.page)."""
    browser = chromium()
    if browser is None:
        raise BrowserError("no headless Chromium on PATH (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as profile:
        command = [
            browser, *CHROMIUM_FLAGS, "--hide-scrollbars", f"--user-data-dir={profile}",
            f"--window-size={window[0]},{window[1]}", f"--virtual-time-budget={budget_ms}", f"--screenshot={output}",
            url,
        ]  # fmt: skip
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=120)
        except (OSError, subprocess.SubprocessError) as error:
            raise BrowserError(f"Chromium could not photograph {url}: {error}") from error
    if not output.is_file():
        raise BrowserError(f"Chromium wrote no screenshot of {url}")


def similarity(first: Path, second: Path) -> float:
    """The share of pixels (0 to 1) two screenshots have the same, within PIXEL_TOLERANCE per channel; a size
    difference counts as pixels that differ."""
    import numpy as np  # here, not at the top: the crawl's QA imports this module, and photographs only on request
    from PIL import Image

    with Image.open(first) as one, Image.open(second) as other:
        a = np.asarray(one.convert("RGB"), dtype=np.int16)
        b = np.asarray(other.convert("RGB"), dtype=np.int16)
    height, width = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    same = np.abs(a[:height, :width] - b[:height, :width]).max(axis=2) <= PIXEL_TOLERANCE
    total = max(a.shape[0], b.shape[0]) * max(a.shape[1], b.shape[1])
    return float(same.sum()) / total if total else 1.0
