"""Fleet benchmark: sites per hour on one Scrapyd node against two, at the default politeness, on replicas.

Each site is a replica portal of its own (a port of its own); each node runs at most --max-proc crawls at a time.
The same sites are crawled by a fleet of one node, then (fresh archives) by a fleet of two. Printed per run: wall
time, sites per hour and the scheduler's overhead per job (how long a job's process ran minus how long its crawl ran,
from Scrapyd's job times and the crawls table: process start, egg activation, shut-down).

    python bench/fleet.py [--sites 4] [--articles 8] [--max-proc 2] [--fast]

--fast drops the politeness delay (a quick check of the machinery, not the sizing figure).
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

from dvscrape.replica.process import start_replica_process
from dvscrape.runs.fleet.config import parse_fleet
from dvscrape.runs.fleet.egg import build_egg
from dvscrape.runs.fleet.local import start_scrapyd
from dvscrape.runs.fleet.run import FleetRunner
from dvscrape.runs.fleet.scrapyd import ScrapydNode

FAST = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}


def crawl_seconds(archive: Path) -> float:
    """Seconds the site's crawls ran, from their recorded start and finish times."""
    with sqlite3.connect(archive / "archive.sqlite") as conn:
        rows = conn.execute("SELECT started, finished FROM crawls WHERE finished IS NOT NULL").fetchall()
    return sum(
        (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()
        for started, finished in rows
    )


def run_fleet(
    work: Path, urls: list[str], nodes: int, max_proc: int, settings: dict[str, object]
) -> tuple[float, float]:
    """Crawl every replica with a fleet of *nodes* nodes; return (wall seconds, mean seconds per job that its
    process ran but its crawl did not: start-up, egg activation, shut-down)."""
    with ExitStack() as stack:
        started = [stack.enter_context(start_scrapyd(work / f"node-{i}", max_proc=max_proc)) for i in range(nodes)]
        data = {
            "nodes": [{"url": node.url} for node in started],
            "sites": [
                {"name": f"site{i}", "profile": "tanbinh", "archive": str(work / f"site{i}"), "base_url": url}
                for i, url in enumerate(urls)
            ],
            "settings": settings,
        }
        fleet = parse_fleet(data, base_dir=work)
        runner = FleetRunner(fleet, poll_seconds=0.5, echo=lambda _: None, egg=build_egg())
        begin = time.monotonic()
        report = runner.run()
        wall = time.monotonic() - begin
        jobs = [job for node in started for job in ScrapydNode(node.url).jobs(fleet.project) if job.end_time]
    failed = [site.line() for site in report.sites if site.outcome.exit_code not in (0, 4)]
    if failed:
        raise SystemExit("a site failed:\n" + "\n".join(failed))
    job_seconds = sum(
        (datetime.fromisoformat(job.end_time) - datetime.fromisoformat(job.start_time)).total_seconds() for job in jobs
    )
    busy = sum(crawl_seconds(work / f"site{i}") for i in range(len(urls)))
    return wall, (job_seconds - busy) / max(1, len(jobs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=4)
    parser.add_argument("--articles", type=int, default=8)
    parser.add_argument("--max-proc", type=int, default=2)
    parser.add_argument("--fast", action="store_true")
    args = parser.parse_args()
    settings: dict[str, object] = {"DVSCRAPE_FETCH_MEDIA": False, **(FAST if args.fast else {})}
    with ExitStack() as stack:
        replicas = [
            stack.enter_context(
                start_replica_process("--articles", str(args.articles), "--seed", str(7 + i), quiet=True)
            )
            for i in range(args.sites)
        ]
        urls = [replica.url for replica in replicas]
        print(
            f"{args.sites} sites of {args.articles} articles, {args.max_proc} crawls per node at a time, "
            f"{'no delay (--fast)' if args.fast else 'default politeness'}"
        )
        results = {}
        for nodes in (1, 2):
            with tempfile.TemporaryDirectory() as folder:
                wall, overhead = run_fleet(Path(folder), urls, nodes, args.max_proc, settings)
            results[nodes] = wall
            print(
                f"{nodes} node(s): {wall:7.1f} s wall, {args.sites / wall * 3600:7.1f} sites/hour, "
                f"scheduler overhead {overhead:5.2f} s per job"
            )
        print(f"two nodes vs one: {results[1] / results[2]:.2f}x the sites per hour")


if __name__ == "__main__":
    main()
