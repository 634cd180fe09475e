"""Crawl benchmark: the replica crawled twice in one run, fetch-only and with the full pipeline.

Fetch-only = Scrapy with the same spider and routing, but no WARC, no extraction, no database
(`-s DVSCRAPE_ARCHIVE_DIR= -s DVSCRAPE_WARC_ENABLED=False -s DVSCRAPE_EXTRACT_ENABLED=False`). Full = the normal
crawl. Both run as `dvscrape crawl --fast` subprocesses against one replica subprocess; the figure is responses per
second of wall time, and the ratio full / fetch-only (target ≥ 0.8).

    python bench/crawl.py [--articles N] [--rounds R]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from dvscrape.replica.process import start_replica_process


def crawl(url: str, workdir: Path, name: str, fetch_only: bool, extra: list[str]) -> dict[str, float]:
    """One crawl through the CLI; returns responses, seconds and responses/s."""
    summary = workdir / f"{name}.json"
    args = [
        sys.executable,
        "-m",
        "dvscrape",
        "crawl",
        "tanbinh",
        "--base-url",
        url,
        "--fast",
        "--archive",
        str(workdir / name),
        "--summary-json",
        str(summary),
        "-s",
        "LOG_LEVEL=WARNING",
        "-s",
        "DVSCRAPE_PROGRESS_INTERVAL=0",
    ] + [a for s in extra for a in ("-s", s)]
    if fetch_only:
        args += [
            "-s",
            "DVSCRAPE_ARCHIVE_DIR=",
            "-s",
            "DVSCRAPE_WARC_ENABLED=False",
            "-s",
            "DVSCRAPE_EXTRACT_ENABLED=False",
        ]
    subprocess.run(args, check=False, capture_output=True)
    data = json.loads(summary.read_text(encoding="utf-8"))
    responses = float(data["counts"].get("responses", 0))
    seconds = float(data["crawl_seconds"]) or float(data["elapsed_seconds"])
    return {
        "responses": responses,
        "seconds": seconds,
        "rate": responses / seconds if seconds else 0.0,
        "articles": float(data["counts"].get("articles_stored", 0)),
    }


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds; the best rate of each mode counts")
    parser.add_argument("-s", dest="setting", action="append", default=[], help="extra -s NAME=VALUE for both crawls")
    options = parser.parse_args()
    with start_replica_process("--articles", str(options.articles), "--slow-delay", "0") as replica:
        url = replica.url
        with tempfile.TemporaryDirectory() as tmp:
            best: dict[str, dict[str, float]] = {}
            for round_number in range(options.rounds):
                for mode, fetch_only in (("fetch-only", True), ("full", False)):
                    result = crawl(url, Path(tmp), f"{mode}-{round_number}", fetch_only, options.setting)
                    print(
                        f"round {round_number + 1} {mode:10s} {result['responses']:6.0f} responses "
                        f"{result['seconds']:6.2f} s {result['rate']:7.1f} responses/s"
                    )
                    if mode not in best or result["rate"] > best[mode]["rate"]:
                        best[mode] = result
    ratio = best["full"]["rate"] / best["fetch-only"]["rate"] if best["fetch-only"]["rate"] else 0.0
    print()
    print(f"replica articles: {options.articles}; articles archived by the full crawl: {best['full']['articles']:.0f}")
    print(f"fetch-only: {best['fetch-only']['rate']:.1f} responses/s")
    print(f"full:       {best['full']['rate']:.1f} responses/s")
    print(f"ratio full/fetch-only: {ratio:.2f} (target >= 0.80)")


if __name__ == "__main__":
    main()
