"""Import benchmark: pages per second of `dvscrape import` of a large WARC set, against a plain iteration of the same
records with warcio (every record parsed, its payload read through) in the same run.

The WARC set is made by crawling the replica (N articles) with dvscrape, then imported, as another tool's files
would be, into a fresh archive: files checksummed and kept, one capture per response/revisit/resource record, and
every article page re-extracted in capture-date order: once with the pages extracted one at a time in the importing
process (--workers 1) and once by worker processes (--workers 0: one per core), and the same for `dvscrape
reextract` of the imported archive. "Pages" are the article pages (2xx responses of article URLs) the import
extracts; records per second are given too, and each run's pages/s as a share of the plain iteration's.

    python bench/import.py [--articles N] [--repeat R]
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from dvscrape.replica.process import start_replica_process


def crawl(url: str, archive: Path) -> None:
    subprocess.run(
        [
            sys.executable, "-m", "dvscrape", "crawl", "--base-url", url, "--archive", str(archive), "--fast",
            "-s", "LOG_LEVEL=WARNING", "-s", "DVSCRAPE_PROGRESS_INTERVAL=0",
        ],
        check=False,
        capture_output=True,
    )  # fmt: skip


def warcio_pass(files: list[Path]) -> tuple[float, int, int]:
    """Seconds, records and article-page responses of a plain warcio iteration over *files*."""
    started = time.perf_counter()
    records = pages = 0
    for path in files:
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                records += 1
                record.content_stream().read()
                if record.rec_type == "response" and "/-/" in (record.rec_headers.get_header("WARC-Target-URI") or ""):
                    pages += 1
    return time.perf_counter() - started, records, pages


def _cpu() -> float:
    """CPU seconds of the finished child processes and theirs (a command's extraction workers included)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(*arguments: str) -> tuple[float, float]:
    """Seconds and CPU seconds of one dvscrape command, which must succeed."""
    started, cpu = time.perf_counter(), _cpu()
    result = subprocess.run([sys.executable, "-m", "dvscrape", *arguments], check=False, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{arguments[0]} failed: {result.stderr[-2000:]}")
    return elapsed, _cpu() - cpu


def import_pass(files: list[Path], url: str, archive: Path, workers: int) -> tuple[float, float, int, int]:
    """Seconds, CPU seconds, records and extracted article pages of `dvscrape import` of *files* into a fresh
    *archive*."""
    elapsed, cpu = timed(
        "import", *map(str, files), "--archive", str(archive), "--base-url", url, "--workers", str(workers)
    )
    with sqlite3.connect(archive / "archive.sqlite") as connection:
        (records,) = connection.execute("SELECT sum(records) FROM imported_files").fetchone()
        (pages,) = connection.execute(
            "SELECT count(*) FROM captures WHERE kind = 'article' AND record_type = 'response' AND status = 200"
        ).fetchone()
    return elapsed, cpu, int(records or 0), int(pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1, help="Import runs (each into a fresh archive).")
    options = parser.parse_args()
    print(f"load average before: {' '.join(f'{load:.2f}' for load in os.getloadavg())}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "source"
        with start_replica_process("--articles", str(options.articles), "--slow-delay", "0", quiet=True) as replica:
            url = replica.url
            crawl(url, source)
        files = sorted((source / "warc").glob("*.warc.gz"))
        size = sum(path.stat().st_size for path in files)
        print(f"WARC set: {len(files)} file(s), {size / 1e6:.1f} MB, crawled from {options.articles} articles")
        seconds, records, pages = warcio_pass(files)
        print(
            f"warcio iteration: {seconds:.2f} s, {records / seconds:,.0f} records/s, {pages / seconds:,.0f} pages/s "
            f"({records} records, {pages} article pages)"
        )
        baseline = pages / seconds
        for run in range(options.repeat):
            rates: dict[str, float] = {}
            for workers, label in ((1, "serial"), (0, "parallel")):
                archive = Path(tmp) / f"import-{run}-{label}"
                imported_seconds, cpu, imported_records, imported_pages = import_pass(files, url, archive, workers)
                rates[f"import {label}"] = rate = imported_pages / imported_seconds
                print(
                    f"dvscrape import --workers {workers} ({label}):  {imported_seconds:.2f} s ({cpu:.2f} s of CPU), "
                    f"{imported_records / imported_seconds:,.0f} records/s, {rate:,.1f} pages/s "
                    f"({imported_records} records, {imported_pages} article pages extracted); "
                    f"{rate / baseline:.0%} of the plain iteration's pages/s"
                )
                rebuilt_seconds, cpu = timed("reextract", "--archive", str(archive), "--workers", str(workers))
                rates[f"reextract {label}"] = rate = imported_pages / rebuilt_seconds
                print(
                    f"dvscrape reextract --workers {workers} ({label}): {rebuilt_seconds:.2f} s ({cpu:.2f} s of CPU), "
                    f"{rate:,.1f} pages/s; "
                    f"{rate / baseline:.0%} of the plain iteration's pages/s"
                )
            for command in ("import", "reextract"):
                print(f"{command}: parallel / serial = {rates[f'{command} parallel'] / rates[f'{command} serial']:.2f}")
    print(f"load average after: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")


if __name__ == "__main__":
    main()
