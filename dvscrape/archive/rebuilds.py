"""The rebuilds of the archive's articles (``dvscrape reextract``, the rebuild after an import or a Wayback run),
kept so that an interrupted one is taken up where it stopped.

A rebuild commits a batch of article URLs at a time (runs.rebuild). ``rebuilds`` holds a row per rebuild: the run
whose captures it reads again (``crawl_id``; NULL for a full rebuild), the ``reason`` its appended versions carry,
when it started and finished, and its ``counts`` so far (JSON). ``rebuild_urls`` names each canonical URL an
unfinished rebuild has replayed, whether it stored an article at it and whether its pages read as no article; the
rows go when the rebuild finishes. A rebuild of the same scope that starts while one is unfinished takes it up: its
reason and counts, and the URLs it did are not replayed again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from dvscrape.archive.replay import RESUMED_RUNS


@dataclass
class RebuildProgress:
    """What an unfinished rebuild has done (nothing, for a new one)."""

    rebuild_id: int
    reason: str
    counts: dict[str, Any] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)  # canonical URLs replayed
    stored: set[str] = field(default_factory=set)  # of those, the ones an article was stored at
    not_article: set[str] = field(default_factory=set)  # of those, the ones whose pages read as no article
    taken_up: bool = False


def take_up_rebuild(conn: sqlite3.Connection, crawl_id: int | None, reason: str, started_at: str) -> RebuildProgress:
    """The unfinished rebuild of the same scope (a full one for None; else one of *crawl_id* or of a run it resumed)
    with what it did, or a new rebuild with *reason*. The caller holds the write transaction."""
    if crawl_id is None:
        row = conn.execute(
            "SELECT id, reason, counts FROM rebuilds WHERE crawl_id IS NULL AND finished_at IS NULL "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
    else:
        row = conn.execute(
            f"{RESUMED_RUNS} SELECT id, reason, counts FROM rebuilds WHERE crawl_id IN runs AND finished_at IS NULL "
            "ORDER BY id DESC LIMIT 1",
            (crawl_id,),
        ).fetchone()
    if row is None:
        cursor = conn.execute(
            "INSERT INTO rebuilds (crawl_id, reason, started_at) VALUES (?, ?, ?)", (crawl_id, reason, started_at)
        )
        return RebuildProgress(int(cursor.lastrowid or 0), reason)
    progress = RebuildProgress(int(row[0]), str(row[1]), json.loads(row[2]), taken_up=True)
    for url, stored, not_article in conn.execute(
        "SELECT url, stored, not_article FROM rebuild_urls WHERE rebuild_id = ?", (progress.rebuild_id,)
    ):
        progress.done.add(url)
        if stored:
            progress.stored.add(url)
        if not_article:
            progress.not_article.add(url)
    return progress


def record_batch(
    conn: sqlite3.Connection, rebuild_id: int, urls: Iterable[tuple[str, bool, bool]], counts: dict[str, Any]
) -> None:
    """Record a batch done: each (canonical URL, an article stored at it, its pages read as no article), and the
    rebuild's counts so far. The caller holds the batch's write transaction."""
    conn.executemany(
        "INSERT OR REPLACE INTO rebuild_urls (rebuild_id, url, stored, not_article) VALUES (?, ?, ?, ?)",
        ((rebuild_id, url, int(stored), int(not_article)) for url, stored, not_article in urls),
    )
    conn.execute("UPDATE rebuilds SET counts = ? WHERE id = ?", (json.dumps(counts, ensure_ascii=False), rebuild_id))


def finish_rebuild(conn: sqlite3.Connection, rebuild_id: int, finished_at: str, counts: dict[str, Any]) -> None:
    """Record the rebuild finished with its *counts* and forget its URLs; a full rebuild also ends every unfinished
    rebuild of a part of the archive (it read their pages again)."""
    full = conn.execute("SELECT crawl_id IS NULL FROM rebuilds WHERE id = ?", (rebuild_id,)).fetchone()[0]
    ended = "finished_at IS NULL" if full else "id = ?"
    ids = [rid for (rid,) in conn.execute(f"SELECT id FROM rebuilds WHERE {ended}", () if full else (rebuild_id,))]
    for ended_id in ids:
        conn.execute("DELETE FROM rebuild_urls WHERE rebuild_id = ?", (ended_id,))
    conn.executemany("UPDATE rebuilds SET finished_at = ? WHERE id = ?", [(finished_at, rid) for rid in ids])
    conn.execute("UPDATE rebuilds SET counts = ? WHERE id = ?", (json.dumps(counts, ensure_ascii=False), rebuild_id))
