"""Re-check benchmark: a crawl into an archive whose held articles are all due for a re-check (an archive whose past
was imported, or one a month after its first crawl), with the re-checks handed to Scrapy a batch at a time
(DVSCRAPE_SCHEDULE_BATCH, the default) against all at once (a batch as large as the archive), in the same run.

The archive is a copy of one built by bench/scale.py (its held tanbinh and city articles are all due a day after
its last check, as bench/scale.py's crawl-start figures count); the crawl is of the replica (130 articles), stopped
after --pages responses (CLOSESPIDER_PAGECOUNT) so that both runs fetch as much. Prints each run's peak memory
(largest process), CPU seconds and wall seconds, the ratios, the articles of the replica archived, and the load.

    PYTHONPATH=. .venv/bin/python bench/due.py --archive /work/scale/archive-100000 [--pages 3000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.measured import Measured, run_dvscrape  # noqa: E402
from dvscrape.replica.process import start_replica_process  # noqa: E402

MIB = 1 << 20


def crawl(source: Path, scratch: Path, url: str, batch: int, pages: int) -> tuple[Measured, int]:
    """Crawl the replica at *url* into a copy of *source* with DVSCRAPE_SCHEDULE_BATCH=*batch*; the run and the
    articles it archived."""
    archive = scratch / f"archive-{batch}"
    shutil.rmtree(archive, ignore_errors=True)
    archive.mkdir()
    for path in source.glob("archive.sqlite*"):
        shutil.copy(path, archive / path.name)
    run = run_dvscrape(
        "crawl", "tanbinh", "--base-url", url, "--archive", str(archive), "--fast",
        "-s", f"DVSCRAPE_SCHEDULE_BATCH={batch}", "-s", f"CLOSESPIDER_PAGECOUNT={pages}",
        "-s", "DVSCRAPE_PROGRESS_INTERVAL=0", "-s", "DVSCRAPE_QA_ENABLED=False",
        workdir=scratch, timeout=3600, label=f"batch {batch}",
    )  # fmt: skip
    with sqlite3.connect(archive / "archive.sqlite") as connection:
        (articles,) = connection.execute(
            "SELECT count(*) FROM articles WHERE capture_id IN (SELECT id FROM captures WHERE crawl_id = "
            "(SELECT max(id) FROM crawls))"
        ).fetchone()
    shutil.rmtree(archive)
    return run, articles


def main() -> None:
    """Crawl twice, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, required=True, help="an archive built by bench/scale.py")
    parser.add_argument("--pages", type=int, default=3000, help="responses after which each crawl stops")
    args = parser.parse_args()
    with sqlite3.connect(args.archive / "archive.sqlite") as connection:
        (held,) = connection.execute("SELECT count(*) FROM articles WHERE gone_since IS NULL").fetchone()
    print(f"archive: {args.archive} ({held} articles held); load {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    runs = {}
    with (
        tempfile.TemporaryDirectory(dir=args.archive.parent) as scratch,
        start_replica_process("--articles", "130", "--slow-delay", "0") as site,
    ):
        for batch in (500, 10 * held):
            run, articles = runs[batch] = crawl(args.archive, Path(scratch), site.url, batch, args.pages)
            print(
                f"batch {batch:>9}: peak {run.peak_bytes / MIB:.0f} MiB, CPU {run.cpu_seconds:.1f} s, wall "
                f"{run.seconds:.1f} s, exit {run.returncode}; {articles} of the replica's 130 articles archived"
            )
    (small, _), (large, _) = runs[500], runs[10 * held]
    print(
        f"batches of 500 against all at once: peak memory {small.peak_bytes / large.peak_bytes:.2f}x, CPU "
        f"{small.cpu_seconds / large.cpu_seconds:.2f}x; load {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
