"""QA benchmark: what checking a crawl's replay costs next to the crawl itself.

The replica is crawled once (`dvscrape crawl --fast`, QA off), then QA runs in this process: the CDXJ index of every
WARC file built (warc/resolve.py), every page checked and stored (runs/qa.py). Figures: crawl seconds, index seconds,
check seconds, pages per second, WARC megabytes, QA time as a share of the crawl's.

    python bench/qa.py [--articles N]
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
from dvscrape.runs.qa import check_crawl
from dvscrape.sites import get_profile
from dvscrape.warc.files import warc_files
from dvscrape.warc.resolve import ReplayIndex


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        archive_dir = Path(temporary) / "archive"
        with start_replica_process("--articles", str(args.articles), "--slow-delay", "0", quiet=True) as replica:
            started = time.monotonic()
            command = [sys.executable, "-m", "dvscrape", "crawl", "--base-url", replica.url, "--archive"]
            command += [str(archive_dir), "--fast", "-s", "DVSCRAPE_QA_ENABLED=0", "-s", "DVSCRAPE_PROGRESS_INTERVAL=0"]
            subprocess.run(command, check=True, capture_output=True, timeout=3600)
            crawl_seconds = time.monotonic() - started
            with Archive.open(archive_dir) as archive:
                files = warc_files(archive.warc_dir)
                megabytes = sum(path.stat().st_size for path in files) / 1e6
                started = time.monotonic()
                ReplayIndex.of_files(files, archive.warc_dir)
                index_seconds = time.monotonic() - started
                started = time.monotonic()
                report = check_crawl(archive, 1, get_profile("tanbinh", replica.url))
                qa_seconds = time.monotonic() - started
    pages = len(report.checks)
    print(f"articles {args.articles}: {pages} pages, {megabytes:.1f} MB of WARC, crawl {crawl_seconds:.1f}s")
    print(f"  index {index_seconds:.2f}s, QA (index included) {qa_seconds:.2f}s = {pages / qa_seconds:.0f} pages/s")
    print(f"  QA / crawl: {qa_seconds / crawl_seconds:.0%}")
    print(f"  {report.summary()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
