"""The crawls an archive recorded, read back: what a scheduler needs to judge a crawl run elsewhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dvscrape.archive.db import DB_FILENAME, Archive
from dvscrape.archive.rows import counts_from_json


@dataclass(frozen=True)
class CrawlRecord:
    """One row of the crawls table: its id, status (an Outcome's status, or 'running'), times and counts."""

    crawl_id: int
    status: str
    started: str
    finished: str
    counts: dict[str, int] = field(default_factory=dict)


def newest_crawl_id(archive_dir: Path) -> int:
    """The id of the newest crawl recorded in *archive_dir*, 0 when there is no archive or no crawl yet."""
    records = crawls_after(archive_dir, 0)
    return records[-1].crawl_id if records else 0


def crawls_after(archive_dir: Path, crawl_id: int) -> list[CrawlRecord]:
    """The crawls of *archive_dir* whose id is above *crawl_id*, oldest first (read-only; [] without archive)."""
    if not (Path(archive_dir) / DB_FILENAME).is_file():
        return []
    with Archive.open(Path(archive_dir), readonly=True, upgrade=False) as archive:
        rows = archive.db.conn.execute(
            "SELECT id, status, started, finished, counts FROM crawls WHERE id > ? ORDER BY id", (crawl_id,)
        ).fetchall()
    return [
        CrawlRecord(int(row[0]), str(row[1]), str(row[2] or ""), str(row[3] or ""), counts_from_json(row[4]))
        for row in rows
    ]
