"""Crawl benchmark: CPU time per response of the full crawl against a bare Scrapy spider fetching the same URLs.

    PYTHONPATH=. .venv/bin/python bench/crawl.py [--articles N] [--rounds R] [--fetch-only] [-s NAME=VALUE ...]

One replica subprocess (`--slow-delay 0`, 130 articles: about 520 URLs) serves every run. Each round runs, one after
the other, each in a child process measured by bench/measured.py (CPU seconds are user + system of the child's whole
process tree, extraction workers and start-up included; wall seconds from start to the end of the last process):

- full: `dvscrape crawl tanbinh --base-url REPLICA --fast` into a fresh archive;
- bare: bench/bare_spider.py under `python -m scrapy runspider`, fetching the very URLs the full crawl archived
  (every response and revisit record of its WARC files, read with warcio, in the order written) with every plain
  Scrapy setting of dvscrape's `--fast` crawl (concurrency, delays, AutoThrottle, retries, robots.txt, timeouts,
  log level; printed at the start), no pipeline, no extraction, a callback that only counts;
- with --fetch-only, also dvscrape's own fetch-only crawl (the same spider and routing, no WARC, no extraction, no
  database: `-s DVSCRAPE_ARCHIVE_DIR= -s DVSCRAPE_WARC_ENABLED=False -s DVSCRAPE_EXTRACT_ENABLED=False`).

Each run prints its responses, wall seconds, CPU seconds and CPU milliseconds per response, and each round the ratio
of CPU per response full / bare (goal <= 1.5) and the wall-clock ratio bare / full (goal >= 0.97). The summary gives
the median over the rounds of every figure and of each round's ratios (with --fetch-only, also full / fetch-only CPU
per response), and the machine's load averages at the start and the end: the machine may be shared, so the CPU-time
ratio is the figure to trust, not the wall clock. The bare spider obeys robots.txt as the crawl does, so it fetches
robots.txt once more than its list (that fetch's CPU is in its figure, not in its responses).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

# The repository first on the path, so that bench.measured is imported as part of the bench package.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from scrapy.settings import default_settings  # noqa: E402
from warcio.archiveiterator import ArchiveIterator  # noqa: E402

from bench.measured import Measured, run_dvscrape, run_measured  # noqa: E402
from dvscrape.replica.process import start_replica_process  # noqa: E402
from dvscrape.runs.crawl import build_settings  # noqa: E402

BARE_SPIDER = Path(__file__).resolve().with_name("bare_spider.py")
TIMEOUT = 900.0
CPU_GOAL, WALL_GOAL = 1.5, 0.97
FETCH_ONLY = ("DVSCRAPE_ARCHIVE_DIR=", "DVSCRAPE_WARC_ENABLED=False", "DVSCRAPE_EXTRACT_ENABLED=False")


@dataclass(frozen=True)
class Run:
    """One measured child: responses, wall seconds and CPU seconds (user + system of its process tree)."""

    responses: int
    seconds: float
    cpu_seconds: float

    @property
    def cpu_ms(self) -> float:
        """CPU milliseconds per response."""
        return 1000 * self.cpu_seconds / self.responses if self.responses else float("nan")


def load() -> str:
    """The load averages over 1, 5 and 15 minutes, as `uptime` prints them."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def checked(run: Measured, what: str) -> Measured:
    """*run*, or exit naming *what* failed and how."""
    if run.returncode != 0:
        sys.exit(f"{what}: exit {run.returncode}: {(run.stderr or run.stdout).strip()[-1000:]}")
    return run


def bare_settings() -> list[str]:
    """`NAME=VALUE` of every Scrapy setting with a plain value that dvscrape's `--fast` crawl sets (above Scrapy's
    defaults, whose priority is 0), for the bare spider; dvscrape's own settings left out."""
    settings = build_settings(Path("unused"), {}, fast=True)
    return sorted(
        f"{name}={value}"
        for name, value in settings.items()
        if hasattr(default_settings, name)
        and isinstance(value, bool | int | float | str)
        and settings.getpriority(name) not in (None, 0)
    )


def full_crawl(url: str, workdir: Path, name: str, extra: list[str], *, fetch_only: bool = False) -> Run:
    """One `dvscrape crawl --fast` of the replica at *url* into `workdir/name`."""
    summary = workdir / f"{name}.json"
    settings = [*extra, "DVSCRAPE_PROGRESS_INTERVAL=0", *(FETCH_ONLY if fetch_only else ())]
    run = run_dvscrape(
        "crawl",
        "tanbinh",
        "--base-url",
        url,
        "--fast",
        "--archive",
        str(workdir / name),
        "--summary-json",
        str(summary),
        *(a for setting in settings for a in ("-s", setting)),
        workdir=workdir,
        timeout=TIMEOUT,
    )
    checked(run, f"the {name} crawl")
    counts = json.loads(summary.read_text(encoding="utf-8"))["counts"]
    return Run(int(counts.get("responses", 0)), run.seconds, run.cpu_seconds)


def fetched_urls(archive_dir: Path) -> list[str]:
    """The URL of every response or revisit record of the crawl's WARC files, read with warcio, in the order it
    wrote them (a URL fetched twice, twice)."""
    urls = []
    for path in sorted((archive_dir / "warc").glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type in ("response", "revisit"):
                    urls.append(str(record.rec_headers.get_header("WARC-Target-URI")))
    return urls


def bare_fetch(urls: list[str], workdir: Path, name: str, settings: list[str]) -> Run:
    """The bare spider fetching *urls*, run in an empty folder (no scrapy.cfg: Scrapy's own defaults, then
    *settings*)."""
    folder = workdir / name
    folder.mkdir()
    (folder / "urls.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
    command = [sys.executable, "-m", "scrapy", "runspider", str(BARE_SPIDER), "-a", "urls=urls.txt"]
    command += ["-a", "counts=counts.json", *(a for setting in settings for a in ("-s", setting))]
    run = checked(run_measured(command, workdir=workdir, timeout=TIMEOUT, cwd=folder), f"the {name} spider")
    counts = json.loads((folder / "counts.json").read_text(encoding="utf-8"))
    if counts["responses"] != len(urls):
        print(f"  {name}: {counts['responses']} responses to {len(urls)} URLs ({counts})", file=sys.stderr)
    return Run(int(counts["responses"]), run.seconds, run.cpu_seconds)


def show(label: str, responses: float, seconds: float, cpu_seconds: float, cpu_ms: float) -> None:
    """One line of figures."""
    print(
        f"{label:22s} {responses:6.0f} responses {seconds:7.2f} s wall {cpu_seconds:7.2f} s CPU "
        f"{cpu_ms:6.2f} ms CPU/response",
        flush=True,
    )


def show_run(label: str, run: Run) -> None:
    """The figures of one run."""
    show(label, run.responses, run.seconds, run.cpu_seconds, run.cpu_ms)


def main() -> None:
    """Run the rounds and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=130, help="replica articles (130: about 520 URLs)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, one after the other; medians are reported")
    parser.add_argument("--fetch-only", action="store_true", help="also dvscrape's fetch-only crawl each round")
    parser.add_argument("-s", dest="setting", action="append", default=[], help="extra -s NAME=VALUE, full crawl")
    options = parser.parse_args()
    settings = bare_settings()
    print(f"bare spider settings (dvscrape --fast): {' '.join(settings)}")
    print(f"load at the start: {load()}", flush=True)
    runs: dict[str, list[Run]] = {"full": [], "bare": [], "fetch-only": []}
    cpu_ratios: list[float] = []
    wall_ratios: list[float] = []
    with (
        start_replica_process("--articles", str(options.articles), "--slow-delay", "0") as replica,
        tempfile.TemporaryDirectory() as tmp,
    ):
        workdir = Path(tmp)
        for number in range(1, options.rounds + 1):
            full = full_crawl(replica.url, workdir, f"full-{number}", options.setting)
            bare = bare_fetch(fetched_urls(workdir / f"full-{number}"), workdir, f"bare-{number}", settings)
            runs["full"].append(full)
            runs["bare"].append(bare)
            show_run(f"round {number} full", full)
            show_run(f"round {number} bare", bare)
            if options.fetch_only:
                fetch_only = full_crawl(replica.url, workdir, f"fetch-only-{number}", options.setting, fetch_only=True)
                runs["fetch-only"].append(fetch_only)
                show_run(f"round {number} fetch-only", fetch_only)
            cpu_ratios.append(full.cpu_ms / bare.cpu_ms)
            wall_ratios.append(bare.seconds / full.seconds)
            print(
                f"round {number} CPU/response full/bare {cpu_ratios[-1]:.2f}, wall bare/full {wall_ratios[-1]:.2f} "
                f"(load {load()})",
                flush=True,
            )
    print()
    print(f"replica articles: {options.articles}; medians over {options.rounds} rounds:")
    for mode, measured in runs.items():
        if measured:
            median = statistics.median
            show(
                mode,
                median(run.responses for run in measured),
                median(run.seconds for run in measured),
                median(run.cpu_seconds for run in measured),
                median(run.cpu_ms for run in measured),
            )
    print(f"CPU per response full/bare: {statistics.median(cpu_ratios):.2f} (goal <= {CPU_GOAL})")
    print(f"wall-clock bare/full:       {statistics.median(wall_ratios):.2f} (goal >= {WALL_GOAL})")
    if runs["fetch-only"]:
        fetch_ratios = [
            full.cpu_ms / fetch.cpu_ms for full, fetch in zip(runs["full"], runs["fetch-only"], strict=True)
        ]
        print(f"CPU per response full/fetch-only: {statistics.median(fetch_ratios):.2f}")
    print(f"load at the end: {load()}")


if __name__ == "__main__":
    main()
