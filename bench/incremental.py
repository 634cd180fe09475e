"""Incremental-crawl benchmark: a first crawl of the replica, an unchanged re-crawl, and a re-crawl after k new
articles (replica edition 2 on the same port), printing requests and WARC bytes of each run and their ratios to the
first. Targets: unchanged re-crawl ≤ 5 % of the first run's requests and ≤ 1 % of its WARC bytes; every new article
of edition 2 fetched.

    python bench/incremental.py [--articles N]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from dvscrape.replica import build_corpus
from dvscrape.replica.process import start_replica_process


def crawl(url: str, archive: Path, summary: Path) -> dict[str, int]:
    """One crawl through the CLI; its counts from the summary."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "dvscrape",
            "crawl",
            "--base-url",
            url,
            "--archive",
            str(archive),
            "--fast",
            "--summary-json",
            str(summary),
            "-s",
            "LOG_LEVEL=WARNING",
            "-s",
            "DVSCRAPE_PROGRESS_INTERVAL=0",
        ],
        check=False,
        capture_output=True,
    )
    counts: dict[str, int] = json.loads(summary.read_text(encoding="utf-8"))["counts"]
    return counts


def main() -> None:
    """Run the three crawls and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=400)
    options = parser.parse_args()
    edition2 = build_corpus(2023, options.articles, edition=2)
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "archive"
        replica_options = ("--articles", str(options.articles), "--slow-delay", "0", "--edition")
        with start_replica_process(*replica_options, "1") as replica:
            url, port = replica.url, replica.port
            runs = {
                "first": crawl(url, archive, Path(tmp) / "1.json"),
                "unchanged": crawl(url, archive, Path(tmp) / "2.json"),
            }
        with start_replica_process(*replica_options, "2", port=port) as replica:
            runs["k new"] = crawl(replica.url, archive, Path(tmp) / "3.json")
        with sqlite3.connect(archive / "archive.sqlite") as db:
            stored = {row[0] for row in db.execute("select url from articles")}
    first = runs["first"]
    print(f"{'run':10s} {'requests':>9s} {'ratio':>7s} {'WARC bytes':>11s} {'ratio':>7s} {'new':>5s} {'revisits':>8s}")
    for name, counts in runs.items():
        print(
            f"{name:10s} {counts['requests']:9d} {counts['requests'] / first['requests']:7.3f} "
            f"{counts['bytes_written']:11d} {counts['bytes_written'] / first['bytes_written']:7.4f} "
            f"{counts['articles_new']:5d} {counts.get('revisits', 0):8d}"
        )
    fetched_new = sum(1 for t in edition2.added if f"{url}/web/neoportal/-/{t}" in stored)
    print(f"\nnew articles in edition 2: {len(edition2.added)}, archived: {fetched_new}")
    print("targets: unchanged requests ratio <= 0.05, unchanged WARC bytes ratio <= 0.01, every new article archived")


if __name__ == "__main__":
    main()
