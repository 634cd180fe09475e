"""QA benchmark: what checking a crawl's replay costs next to the crawl, and whether it grows with the archive.

The replica is crawled (`dvscrape crawl --fast`, QA off) into a small archive, which is copied into a large one: the
same crawl plus filler WARC files (another portal's pages, written by dvscrape's WARC writer). QA of that first crawl
runs in this process on each (the archive's index built for every file: what every QA cost before the index was
kept). A second, small crawl (every page due again: 304 revisits) then goes into both, and its QA runs on each: only
the new files are read, so the large archive's QA should take about the small one's. For comparison, the index of
every file of the large archive built from scratch (what QA built at each crawl's end before).

    python bench/qa.py [--articles N] [--filler-files F] [--filler-records R]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dvscrape.archive.db import Archive
from dvscrape.replica.process import start_replica_process
from dvscrape.runs.qa import QaReport, check_crawl
from dvscrape.sites import get_profile
from dvscrape.sites.profile import SiteProfile
from dvscrape.warc.files import warc_files
from dvscrape.warc.index_store import index_lines
from dvscrape.warc.model import HttpExchange
from dvscrape.warc.writer import WarcWriter

EVERY_PAGE_DUE = ["-s", "DVSCRAPE_RECHECK_OLD_DAYS=0", "-s", "DVSCRAPE_RECHECK_MONTH_DAYS=0"]
EVERY_PAGE_DUE += ["-s", "DVSCRAPE_RECHECK_PAGE_DAYS=0"]
TEXT = "Ủy ban nhân dân quận thông báo lịch tiếp công dân và kết quả giải quyết hồ sơ hành chính. " * 20


def crawl(url: str, archive: Path, *extra: str) -> float:
    started = time.monotonic()
    command = [sys.executable, "-m", "dvscrape", "crawl", "--base-url", url, "--archive", str(archive), "--fast"]
    command += ["-s", "DVSCRAPE_QA_ENABLED=0", "-s", "DVSCRAPE_PROGRESS_INTERVAL=0", *extra]
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    if done.returncode not in (0, 4):
        raise SystemExit(f"crawl failed ({done.returncode}): {done.stderr[-2000:]}")
    return time.monotonic() - started


def add_filler(warc_dir: Path, files: int, records: int) -> int:
    """Write *files* WARC files of *records* pages each of another portal; return the records written."""
    moment = datetime(2023, 1, 1, tzinfo=UTC)
    for number in range(files):
        with WarcWriter(warc_dir, prefix=f"filler{number:03d}", warcinfo={"operator": "bench"}) as writer:
            for page in range(records):
                body = f"<html><title>Tin {number}-{page}</title><body><p>{TEXT}</p></body></html>".encode()
                headers = (("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body))))
                url = f"https://filler.hochiminhcity.gov.vn/tin-tuc/-/{number}/{page}"
                when = moment + timedelta(seconds=number * records + page)
                writer.write_exchange(HttpExchange(url, "GET", (), b"", "HTTP/1.1", 200, "OK", headers, body, when))
    return files * records


def timed_qa(archive_dir: Path, crawl_id: int, profile: SiteProfile) -> tuple[float, QaReport]:
    with Archive.open(archive_dir) as archive:
        started = time.monotonic()
        report = check_crawl(archive, crawl_id, profile)
        return time.monotonic() - started, report


def megabytes(archive_dir: Path) -> float:
    return sum(path.stat().st_size for path in warc_files(archive_dir / "warc")) / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--filler-files", type=int, default=20)
    parser.add_argument("--filler-records", type=int, default=1500)
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{value:.2f}' for value in os.getloadavg())} ({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory() as temporary:
        small, large = Path(temporary) / "small", Path(temporary) / "large"
        with start_replica_process("--articles", str(args.articles), "--slow-delay", "0", quiet=True) as replica:
            profile = get_profile("tanbinh", replica.url)
            crawl_seconds = crawl(replica.url, small)
            shutil.copytree(small, large)
            filler = add_filler(large / "warc", args.filler_files, args.filler_records)
            first_small, report = timed_qa(small, 1, profile)
            first_large, _ = timed_qa(large, 1, profile)
            crawl(replica.url, small, *EVERY_PAGE_DUE)
            crawl(replica.url, large, *EVERY_PAGE_DUE)
        started = time.monotonic()
        lines = len(index_lines(warc_files(large / "warc")))
        scratch = time.monotonic() - started
        second_small, small_report = timed_qa(small, 2, profile)
        second_large, large_report = timed_qa(large, 2, profile)
        sizes = megabytes(small), megabytes(large)
    pages = len(report.checks)
    print(f"first crawl: {args.articles} articles, {pages} pages, {crawl_seconds:.1f}s (--fast, QA off)")
    print(f"  its QA, every file indexed: small archive {first_small:.2f}s ({pages / first_small:.0f} pages/s, "
          f"{first_small / crawl_seconds:.0%} of the crawl); large archive {first_large:.2f}s")  # fmt: skip
    print(f"archives: small {sizes[0]:.1f} MB of WARC, large {sizes[1]:.1f} MB "
          f"(+{args.filler_files} files, {filler} pages of another portal, not in its database; "
          f"{lines} index lines)")  # fmt: skip
    print(f"second crawl (every page due): QA of {len(small_report.checks)} pages reads {len(small_report.indexed)} "
          f"new file(s) in the small archive, {len(large_report.indexed)} in the large one")  # fmt: skip
    print(f"  QA small {second_small:.2f}s, large {second_large:.2f}s: large/small = {second_large / second_small:.2f}")
    print(f"  the large archive's index built from scratch (QA's share before): {scratch:.2f}s = "
          f"{scratch / second_large:.1f}x the whole QA now")  # fmt: skip
    findings = [{**report.summary(), "warc_files_indexed": 0} for report in (small_report, large_report)]
    print(f"  same findings in both archives: {findings[0] == findings[1]}; {small_report.summary()}")
    print(f"load average after: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
