"""Held articles due for a re-check are handed to Scrapy a batch at a time (DVSCRAPE_SCHEDULE_BATCH), so that a
crawl's memory does not grow with how many are due: a re-crawl of the replica with every held article due, in
batches of 3, re-checks each of them exactly once and never has more than 3 of those requests waiting."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from tests.conftest import CrawledArchive, run_cli

ROOT = Path(__file__).resolve().parents[1]


def test_every_due_recheck_is_fetched_once_and_never_more_than_a_batch_waits(
    crawled_archive: CrawledArchive, tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(crawled_archive.directory, archive)
    with sqlite3.connect(archive / "archive.sqlite") as connection:
        held = {url for (url,) in connection.execute("SELECT url FROM articles WHERE gone_since IS NULL")}
    out = tmp_path / "most-waiting"
    settings = {
        "DVSCRAPE_SCHEDULE_BATCH": "3",
        "DVSCRAPE_RECHECK_OLD_DAYS": "0",  # every held article is due
        "DVSCRAPE_RECHECK_MONTH_DAYS": "0",
        "DVSCRAPE_PROGRESS_INTERVAL": "0",
        "SCHEDULER": "tests.counting_scheduler.CountingScheduler",
    }
    options = [part for name, value in settings.items() for part in ("-s", f"{name}={value}")]
    result = run_cli(
        "crawl",
        "tanbinh",
        "--base-url",
        crawled_archive.replica_url,
        "--archive",
        str(archive),
        "--fast",
        *options,
        cwd=ROOT,
        env={"COUNTING_SCHEDULER_OUT": str(out), "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode in (0, 4), result.stdout + result.stderr[-3000:]
    assert 1 <= int(out.read_text()) <= 3
    with sqlite3.connect(archive / "archive.sqlite") as connection:
        fetched = connection.execute(
            "SELECT canonical_url, count(*) FROM captures WHERE crawl_id = (SELECT max(id) FROM crawls)"
            " AND kind = 'article' GROUP BY canonical_url"
        ).fetchall()
    assert {url for url, _ in fetched} >= held
    assert all(times == 1 for _, times in fetched), [row for row in fetched if row[1] != 1]
