"""Regenerate docs/replay-article.png: a replayed article in pywb, as a person sees it, by headless Chromium.

    python contrib/replay_screenshot.py [--output docs/replay-article.png]

Starts the replica, crawls it into a temporary archive, starts `dvscrape replay`'s pywb on it and photographs the
newest capture of one article in pywb's framed view (the banner with the capture date above the page). Needs pywb
(see README, Replay) and Debian's `chromium` (apt-get install chromium).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dvscrape.archive.db import Archive
from dvscrape.replica.process import start_replica_process
from dvscrape.serving.browser import screenshot
from dvscrape.serving.replay import pywb_serving, replay_pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("docs/replay-article.png"))
    parser.add_argument("--article", type=int, default=3, help="which article of the page list (default 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        archive_dir = Path(temporary) / "archive"
        with start_replica_process("--articles", "12", "--slow-delay", "0", quiet=True) as replica:
            command = [
                sys.executable,
                "-m",
                "dvscrape",
                "crawl",
                "--base-url",
                replica.url,
                "--archive",
                str(archive_dir),
            ]
            subprocess.run([*command, "--fast"], check=True, capture_output=True, timeout=600)
        with Archive.open(archive_dir, readonly=True) as archive, pywb_serving(archive) as base:
            pages = [page for page in replay_pages(archive) if page.kind == "article"]
            page = pages[min(args.article, len(pages) - 1)]
            time.sleep(1)
            args.output.parent.mkdir(parents=True, exist_ok=True)
            screenshot(f"{base}/{page.timestamp}/{page.url}", args.output)
    print(f"{args.output}: {args.output.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
