"""Import benchmark: pages per second of `dvscrape import` of a large WARC set, against a plain iteration of the same
records with warcio (every record parsed, its payload read through) in the same run.

The WARC set is made by crawling the replica (N articles) with dvscrape, then imported, as another tool's files
would be, into a fresh archive: files checksummed and kept, one capture per response/revisit/resource record, and
every article page re-extracted in capture-date order: once with the pages extracted one at a time in the importing
process (--workers 1) and once by worker processes (--workers 0: one per core), and the same for `dvscrape
reextract` of the imported archive. "Pages" are the article pages (2xx responses of article URLs) the import
extracts; records per second are given too, and each run's pages/s as a share of the plain iteration's.

Then the cost of an import into a large archive against the same import into an empty one (goal: at most 1.2x): a
further small WARC (--further article pages of the replica, as another tool writes them, dated after the crawl) is
imported in process, timed around import_paths, into a fresh empty archive and into a copy of the crawled archive
that already had one small import (the first import after a crawl reads the crawl's listing and sitemap pages once;
its time is printed too). Two further WARC files are measured: pages of articles the crawl left out (the goal's case)
and pages of articles the archive holds (their archived captures are read again with them, for their history). The
pages each import read again are printed with it; the median of --further-repeat runs is taken. The machine's load
average is printed before and after.

    python bench/import.py [--articles N] [--repeat R] [--further K] [--further-repeat R]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

# The repository first on the path, so that bench.measured is imported as part of the bench package.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from warcio.archiveiterator import ArchiveIterator  # noqa: E402
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from bench.measured import compiled_as_installed  # noqa: E402
from dvscrape.archive.db import Archive  # noqa: E402
from dvscrape.pages.sitemap import read_sitemap  # noqa: E402
from dvscrape.replica.process import start_replica_process  # noqa: E402
from dvscrape.runs.imports import ImportResult, import_paths  # noqa: E402
from dvscrape.sites import get_profile  # noqa: E402
from dvscrape.sites.urls import classify  # noqa: E402


def crawl(url: str, archive: Path, max_articles: int) -> None:
    subprocess.run(
        [
            sys.executable, "-m", "dvscrape", "crawl", "--base-url", url, "--archive", str(archive), "--fast",
            "--max-articles", str(max_articles),
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


def small_warc(path: Path, urls: list[str], moment: datetime) -> None:
    """The article pages at *urls*, fetched from the replica now, as warcio writes them, dated *moment*."""
    with open(path, "wb") as output:
        writer = WARCWriter(output, gzip=True)
        for url in urls:
            with urllib.request.urlopen(url) as answer:
                body = answer.read()
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html;charset=UTF-8")], protocol="HTTP/1.1")
            headers = {"WARC-Date": moment.strftime("%Y-%m-%dT%H:%M:%SZ")}
            writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http,
                                                          warc_headers_dict=headers))  # fmt: skip


def timed_import(archive: Path, warc: Path, url: str) -> tuple[float, ImportResult]:
    """Seconds of import_paths of *warc* into *archive* (opened and locked before the clock starts)."""
    with Archive.open(archive) as opened:
        opened.acquire_crawl_lock()
        started = time.perf_counter()
        result = import_paths(opened, [warc], get_profile("tanbinh", url))
        return time.perf_counter() - started, result


def small_warcs(source: Path, url: str, tmp: Path, pages: int) -> dict[str, Path]:
    """Small WARC files of *pages* article pages of the replica each (fetched while it runs), dated after the crawl:
    'first' (articles the crawl archived: the first import after it), 'new' (articles the crawl left out: the goal's
    case) and 'history' (other articles the crawl archived: their archived captures are read again with them)."""
    with sqlite3.connect(source / "archive.sqlite") as connection:
        crawled = [str(found) for (found,) in connection.execute(
            "SELECT min(url) FROM captures WHERE kind = 'article' AND status = 200 AND record_type = 'response' "
            "GROUP BY canonical_url ORDER BY canonical_url")]  # fmt: skip
        archived = {str(found) for (found,) in connection.execute("SELECT url FROM articles")}
    with urllib.request.urlopen(f"{url}/sitemap.xml") as answer:
        locs = [loc for loc, _ in read_sitemap(answer.read()).pages]
    profile = get_profile("tanbinh", url)
    listed = [loc for loc in locs if "/-/" in loc and classify(loc, profile).canonical not in archived]
    later = datetime.now(UTC) + timedelta(days=1)
    warcs = {"first": (crawled[:pages], 1), "new": (listed[:pages], 2), "history": (crawled[pages : 2 * pages], 2)}
    for name, (urls, days) in warcs.items():
        small_warc(tmp / f"{name}.warc.gz", urls, later + timedelta(days=days))
    return {name: tmp / f"{name}.warc.gz" for name in warcs}


def further_imports(source: Path, url: str, tmp: Path, warcs: dict[str, Path], repeat: int) -> None:
    """Print the time of a further small import into the crawled archive against the same import into an empty one."""
    with sqlite3.connect(source / "archive.sqlite") as connection:
        (articles,) = connection.execute("SELECT count(*) FROM articles").fetchone()
    times: dict[str, list[float]] = {}
    results: dict[str, ImportResult] = {}
    for run in range(repeat):
        for name in ("new", "history"):
            seconds, results[f"empty {name}"] = timed_import(tmp / f"empty-{name}-{run}", warcs[name], url)
            times.setdefault(f"empty {name}", []).append(seconds)
        large = tmp / f"large-{run}"
        shutil.copytree(source, large)
        for name in ("first", "new", "history"):
            seconds, results[name] = timed_import(large, warcs[name], url)
            times.setdefault(name, []).append(seconds)
        shutil.rmtree(large)
    median = {name: statistics.median(found) for name, found in times.items()}
    for name, what in (("new", "articles it does not hold"), ("history", "articles it holds (their history read too)")):
        result = results[name]
        print(
            f"further import of {result.captures} pages of {what}: {median[f'empty {name}']:.2f} s into an empty "
            f"archive, {median[name]:.2f} s into the {articles}-article archive: "
            f"{median[name] / median[f'empty {name}']:.2f}x (goal <= 1.2x); re-read {result.pages_reread} article and "
            f"{result.hint_pages_read} listing or sitemap page(s) (median of {repeat})"
        )
    first = results["first"]
    print(
        f"first import after the crawl: {median['first']:.2f} s, re-reading {first.pages_reread} article page(s) and "
        f"the crawl's {first.hint_pages_read} listing and sitemap pages (read once)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1, help="Import runs (each into a fresh archive).")
    parser.add_argument("--further", type=int, default=20, help="Article pages of the further small WARC.")
    parser.add_argument("--further-repeat", type=int, default=3, help="Runs of the further imports (median).")
    options = parser.parse_args()
    compiled_as_installed()
    print(f"load average before: {' '.join(f'{load:.2f}' for load in os.getloadavg())}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "source"
        with start_replica_process("--articles", str(options.articles), "--slow-delay", "0", quiet=True) as replica:
            url = replica.url
            crawl(url, source, options.articles - options.further)  # leaves articles out for the further import
            warcs = small_warcs(source, url, Path(tmp), options.further)
        files = sorted((source / "warc").glob("*.warc.gz"))
        size = sum(path.stat().st_size for path in files)
        print(
            f"WARC set: {len(files)} file(s), {size / 1e6:.1f} MB, crawled from {options.articles} articles "
            f"({options.further} left out)"
        )
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
        further_imports(source, url, Path(tmp), warcs, options.further_repeat)
    print(f"load average after: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")


if __name__ == "__main__":
    main()
