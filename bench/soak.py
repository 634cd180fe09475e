"""Soak test: a long crawl of a large replica with faults on, watching the crawl's memory over time.

    .venv/bin/python bench/soak.py --articles 3000 --faults 500=0.05,503-retry-after=0.02,429=0.02,reset=0.03

Starts ``dvscrape replica`` with the fault spec (every fault transient: it strikes a URL on its first
attempt only), crawls it through the ``dvscrape crawl`` CLI into a temporary archive, samples the VmRSS of the crawl
process and its worker processes every 0.5 s, then prints: pages archived, whether every article was archived,
faults met by kind, failed attempts recorded in the archive by kind, the exit code, the peak RSS, and whether memory
grew between the first and the last third of the crawl (the target: it does not).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

from dvscrape.replica import build_corpus
from dvscrape.replica.process import ReplicaProcess, start_replica_process

DEFAULT_FAULTS = "500=0.04,503-retry-after=0.02,429=0.02,reset=0.03,short=0.03,slow-drip=0.01,timeout=0.005"
SAMPLE_SECONDS = 0.5
GROWTH_TOLERANCE = 1.15  # the last third's peak may exceed the first third's by 15 % before we call it growth


def rss_bytes(pid: int) -> int | None:
    """VmRSS of a process, or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) * 1024 if match else None


def start_replica(articles: int, faults: str, seed: int) -> ReplicaProcess:
    """The replica subprocess, every fault transient, quick retries."""
    return start_replica_process(
        *("--articles", str(articles), "--seed", str(seed), "--slow-delay", "0", "--faults", faults),
        *("--retry-after", "1", "--drip-seconds", "3", "--hang-seconds", "6"),
        quiet=True,
    )


def tree_rss_bytes(pid: int) -> int | None:
    """VmRSS of a process plus its descendants (the crawl's extraction worker processes), None once it is gone."""
    total = rss_bytes(pid)
    if total is None:
        return None
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return total
    for task in tasks:
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            total += tree_rss_bytes(int(child)) or 0
    return total


def crawl(url: str, archive: Path, retry_times: int, timeout: float) -> tuple[int, list[tuple[float, int]], float]:
    """Run the crawl, sampling its RSS; (exit code, [(seconds, rss)], seconds)."""
    started = time.monotonic()
    process = subprocess.Popen(
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
            str(archive.parent / "summary.json"),
            "-s",
            f"RETRY_TIMES={retry_times}",
            "-s",
            f"DOWNLOAD_TIMEOUT={timeout}",
            "-s",
            "DVSCRAPE_PROGRESS_INTERVAL=0",
            "-s",
            "LOG_LEVEL=WARNING",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    samples: list[tuple[float, int]] = []
    while process.poll() is None:
        rss = tree_rss_bytes(process.pid)
        if rss is not None:
            samples.append((time.monotonic() - started, rss))
        time.sleep(SAMPLE_SECONDS)
    return process.returncode, samples, time.monotonic() - started


def failures_by_kind(database: Path) -> Counter[str]:
    """Failed attempts recorded in the archive (every 5xx/429 answer, every final network failure), by kind."""
    counts: Counter[str] = Counter()
    with sqlite3.connect(database) as connection:
        for status, error in connection.execute(
            "select status, error from captures where (status >= 500 or status = 429) or (error is not null "
            "and error != '')"
        ):
            counts[f"HTTP {status}" if status else (error or "?").split(":", 1)[0]] += 1
    return counts


def memory_grew(samples: list[tuple[float, int]]) -> tuple[bool, int, int]:
    """(grew, first third's peak, last third's peak)."""
    values = [rss for _, rss in samples]
    if len(values) < 3:
        return False, max(values, default=0), max(values, default=0)
    third = len(values) // 3
    first, last = max(values[:third]), max(values[-third:])
    return last > first * GROWTH_TOLERANCE, first, last


def main() -> None:
    """Run the soak and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000, help="articles in the replica (default 2000)")
    parser.add_argument("--faults", default=DEFAULT_FAULTS, help=f"fault spec (default {DEFAULT_FAULTS})")
    parser.add_argument("--seed", type=int, default=2023, help="corpus and fault seed")
    parser.add_argument("--retry-times", type=int, default=3, help="RETRY_TIMES for the crawl (default 3)")
    parser.add_argument("--download-timeout", type=float, default=2.0, help="DOWNLOAD_TIMEOUT (default 2 s)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    replica = start_replica(args.articles, args.faults, args.seed)
    url = replica.url
    try:
        with tempfile.TemporaryDirectory(prefix="dvscrape-soak-") as folder:
            archive = Path(folder) / "archive"
            code, samples, seconds = crawl(url, archive, args.retry_times, args.download_timeout)
            with urllib.request.urlopen(f"{url}/__replica__/stats") as response:
                injected = json.load(response).get("faults", {}).get("injected", {})
            database = archive / "archive.sqlite"
            with sqlite3.connect(database) as connection:
                stored = {row[0] for row in connection.execute("select url from articles")}
                captures = connection.execute("select count(*) from captures").fetchone()[0]
            failures = failures_by_kind(database)
    finally:
        replica.stop()
    corpus = build_corpus(args.seed, args.articles)
    missing = [a.url_title for a in corpus.articles if f"{url}{a.path}" not in stored]
    grew, first, last = memory_grew(samples)
    figures = {
        "articles": args.articles,
        "faults": args.faults,
        "exit_code": code,
        "seconds": round(seconds, 1),
        "pages_archived": len(stored),
        "captures": captures,
        "every_article_archived": not missing,
        "missing_articles": missing[:20],
        "faults_injected_by_kind": injected,
        "failed_attempts_by_kind": dict(failures.most_common()),
        "peak_rss_mb": round(max((rss for _, rss in samples), default=0) / 2**20, 1),
        "first_third_peak_mb": round(first / 2**20, 1),
        "last_third_peak_mb": round(last / 2**20, 1),
        "memory_grew": grew,
        "rss_samples": len(samples),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for name, value in figures.items():
        print(f"{name:26} {value}")


if __name__ == "__main__":
    main()
