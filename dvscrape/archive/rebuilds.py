"""The rebuilds of the archive's articles (``dvscrape reextract``, the rebuild after an import or a Wayback run),
kept so that an interrupted one is taken up where it stopped, and so that what a rebuild holds in memory does not
grow with the archive.

A rebuild commits a batch of article URLs at a time (runs.rebuild). ``rebuilds`` holds a row per rebuild: the run
whose captures it reads again (``crawl_id``; NULL for a full rebuild), the ``reason`` its appended versions carry,
when it started and finished, and its ``counts`` (JSON). ``rebuild_urls`` holds each canonical URL an unfinished
rebuild has replayed: whether it stored an article there, whether its pages read as no article, and that article's
later versions, unchanged re-captures and versions appended with the reason (a URL replayed again replaces its
row); the rows go when the rebuild finishes. The URLs to replay wait, in order, in a temporary table. A rebuild of
the same scope that starts while one is unfinished takes it up: its reason and counts, and the URLs it did are not
replayed again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from dvscrape.archive.replay import REPLAYED, RESUMED_RUNS


@dataclass
class RebuildProgress:
    """A rebuild, and what it did before it was interrupted (nothing, for a new one)."""

    rebuild_id: int
    reason: str
    counts: dict[str, Any] = field(default_factory=dict)
    done: int = 0  # canonical URLs replayed
    not_article: set[str] = field(default_factory=set)  # of those, the ones whose pages read as no article


@dataclass(frozen=True)
class Replayed:
    """What replaying one canonical URL gave."""

    url: str
    stored: bool = False  # an article was stored at it
    not_article: bool = False  # its pages read as no article
    updated: int = 0  # the article's later versions
    unchanged: int = 0  # its re-captures with the same content
    appended: int = 0  # versions appended after the stored ones, with the rebuild's reason


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
    progress = RebuildProgress(int(row[0]), str(row[1]), json.loads(row[2]))
    done = conn.execute("SELECT count(*) FROM rebuild_urls WHERE rebuild_id = ?", (progress.rebuild_id,)).fetchone()
    progress.done = int(done[0])
    progress.not_article = {str(url) for (url,) in conn.execute(
        "SELECT url FROM rebuild_urls WHERE rebuild_id = ? AND not_article", (progress.rebuild_id,)
    )}  # fmt: skip
    return progress


def queue_urls(conn: sqlite3.Connection, canonical_urls: Collection[str] | None) -> None:
    """Put the canonical URLs of the article pages to replay (of *canonical_urls*; None: every one) in the
    temporary table next_urls takes them from, by the date of their first capture (so that new articles are stored
    in capture order)."""
    conn.execute("DROP TABLE IF EXISTS temp.rebuild_queue")
    picked = "" if canonical_urls is None else "AND c.canonical_url IN (SELECT value FROM json_each(?))"
    conn.execute(
        f"CREATE TEMP TABLE rebuild_queue AS SELECT c.canonical_url AS url FROM captures c WHERE {REPLAYED} {picked} "
        "GROUP BY c.canonical_url ORDER BY min(c.fetched_at), min(c.id)",
        () if canonical_urls is None else (json.dumps(sorted(canonical_urls)),),
    )


def next_urls(conn: sqlite3.Connection, rebuild_id: int, after: int, count: int) -> tuple[int, list[str]]:
    """The next *count* queued URLs after queue position *after* that the rebuild has not replayed, and the position
    of the last one taken (the queue's end when none is left)."""
    rows = conn.execute(
        "SELECT q.rowid, q.url FROM temp.rebuild_queue q WHERE q.rowid > ? ORDER BY q.rowid LIMIT ?", (after, count)
    ).fetchall()
    if not rows:
        return after, []
    done = {str(url) for (url,) in conn.execute(
        "SELECT url FROM rebuild_urls WHERE rebuild_id = ? AND url IN (SELECT value FROM json_each(?))",
        (rebuild_id, json.dumps([url for _, url in rows])),
    )}  # fmt: skip
    return int(rows[-1][0]), [str(url) for _, url in rows if url not in done]


def record_batch(
    conn: sqlite3.Connection, rebuild_id: int, replayed: Iterable[Replayed], counts: dict[str, Any]
) -> None:
    """Record a batch done: what replaying each of its URLs gave, and the rebuild's counts so far. The caller holds
    the batch's write transaction."""
    conn.executemany(
        "INSERT OR REPLACE INTO rebuild_urls (rebuild_id, url, stored, not_article, updated, unchanged, appended) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        ((rebuild_id, item.url, int(item.stored), int(item.not_article), item.updated, item.unchanged, item.appended)
         for item in replayed),
    )  # fmt: skip
    conn.execute("UPDATE rebuilds SET counts = ? WHERE id = ?", (json.dumps(counts, ensure_ascii=False), rebuild_id))


def rebuild_tallies(conn: sqlite3.Connection, rebuild_id: int) -> dict[str, int]:
    """Over the URLs the rebuild replayed: articles stored, their later versions and unchanged re-captures, the
    articles with versions appended and those versions."""
    row = conn.execute(
        "SELECT count(*) FILTER (WHERE stored), total(updated), total(unchanged), "
        "count(*) FILTER (WHERE appended > 0), total(appended) FROM rebuild_urls WHERE rebuild_id = ?",
        (rebuild_id,),
    ).fetchone()
    names = ("new", "updated", "unchanged", "reread", "appended_versions")
    return {name: int(value or 0) for name, value in zip(names, row, strict=True)}


def not_rebuilt(conn: sqlite3.Connection, rebuild_id: int, *, full: bool) -> dict[str, int]:
    """The stored articles (URL → id) the rebuild did not store again: of every article (*full*), or of the ones at
    the URLs it replayed."""
    if full:
        found = conn.execute(
            "SELECT url, id FROM articles WHERE url NOT IN "
            "(SELECT url FROM rebuild_urls WHERE rebuild_id = ? AND stored)",
            (rebuild_id,),
        )
    else:
        found = conn.execute(
            "SELECT a.url, a.id FROM rebuild_urls r JOIN articles a ON a.url = r.url "
            "WHERE r.rebuild_id = ? AND NOT r.stored",
            (rebuild_id,),
        )
    return {str(url): int(article_id) for url, article_id in found}


def finish_rebuild(conn: sqlite3.Connection, rebuild_id: int, finished_at: str, counts: dict[str, Any]) -> None:
    """Record the rebuild finished with its *counts* and forget its URLs and queue; a full rebuild also ends every
    unfinished rebuild of a part of the archive (it read their pages again)."""
    full = conn.execute("SELECT crawl_id IS NULL FROM rebuilds WHERE id = ?", (rebuild_id,)).fetchone()[0]
    ended = "finished_at IS NULL" if full else "id = ?"
    ids = [rid for (rid,) in conn.execute(f"SELECT id FROM rebuilds WHERE {ended}", () if full else (rebuild_id,))]
    for ended_id in ids:
        conn.execute("DELETE FROM rebuild_urls WHERE rebuild_id = ?", (ended_id,))
    conn.executemany("UPDATE rebuilds SET finished_at = ? WHERE id = ?", [(finished_at, rid) for rid in ids])
    conn.execute("UPDATE rebuilds SET counts = ? WHERE id = ?", (json.dumps(counts, ensure_ascii=False), rebuild_id))
    conn.execute("DROP TABLE IF EXISTS temp.rebuild_queue")
