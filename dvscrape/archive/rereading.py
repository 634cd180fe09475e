"""Keeping an article's history when its archived captures are read again (``dvscrape reextract``, an import).

A rebuild replays every capture through the current extractor and writes the article's versions afresh. When the
fresh versions hold the same contents as the stored ones, or only add contents of captures that were not read
before (an import of an older WARC file), the fresh versions stand: versions are in capture order. When the extractor
now reads a capture differently (a repaired legacy encoding, a boilerplate line no longer kept), the stored versions
are what users saw and cited, so they are kept as they were, and the fresh reading is appended after them as new
versions carrying the ``reason`` and, in ``supersedes``, the number of the stored version whose capture they read
again.

The *current* history of an article is its versions with each superseded run replaced by the versions that
superseded it (``current_history``); a rebuild compares the fresh reading with that, so reading the same captures
again with the same extractor appends nothing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Sequence
from typing import Any

from dvscrape.archive.rows import dict_rows
from dvscrape.archive.versions import VERSIONED_FIELDS, changed_fields, comparable

StoredRow = dict[str, Any]


def _versions(conn: sqlite3.Connection, table: str, article_id: int) -> list[StoredRow]:
    """Every version row (all columns) of *article_id* in *table*, in version order."""
    return dict_rows(conn.execute(f"SELECT * FROM {table} WHERE article_id = ? ORDER BY version", (article_id,)))


def current_history(rows: Sequence[StoredRow]) -> list[StoredRow]:
    """The versions that stand: a version that supersedes an earlier one takes its place and drops what followed it."""
    current: list[StoredRow] = []
    for row in rows:
        superseded = row.get("supersedes")
        if superseded is not None:
            numbers = [int(kept["version"]) for kept in current]
            if superseded in numbers:
                del current[numbers.index(superseded) :]
        current.append(row)
    return current


def _reading(row: StoredRow) -> str:
    """What a version says, every versioned field (the content hash covers title and body only)."""
    return json.dumps([comparable(name, row.get(name)) for name in VERSIONED_FIELDS], ensure_ascii=False)


def _is_subsequence(part: Sequence[str], whole: Sequence[str]) -> bool:
    remaining = iter(whole)
    return all(any(item == candidate for candidate in remaining) for item in part)


def snapshot_versions(conn: sqlite3.Connection, article_ids: Sequence[int]) -> None:
    """Keep the stored versions of *article_ids* as they were before this rebuild touched them, in this connection's
    temporary database: the first call for an article keeps them, a later one (the article read again by a later
    batch of the rebuild) leaves them as kept. keep_history compares with these; forget_snapshot drops them."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS versions_before AS SELECT * FROM main.article_versions WHERE 0")
    conn.execute("CREATE INDEX IF NOT EXISTS temp.versions_before_article ON versions_before(article_id)")
    for start in range(0, len(article_ids), 500):
        ids = list(article_ids[start : start + 500])
        marks = ", ".join("?" for _ in ids)
        conn.execute(
            f"INSERT INTO temp.versions_before SELECT * FROM main.article_versions WHERE article_id IN ({marks}) "
            "AND article_id NOT IN (SELECT article_id FROM temp.versions_before)",
            ids,
        )


def forget_snapshot(conn: sqlite3.Connection) -> None:
    """Drop what snapshot_versions kept."""
    conn.execute("DROP TABLE IF EXISTS temp.versions_before")


def keep_history(conn: sqlite3.Connection, article_id: int, reason: str) -> tuple[int, bool]:
    """Reconcile the versions a rebuild just wrote for *article_id* with the ones stored before it (as
    snapshot_versions kept them).

    Returns (versions appended with *reason*, whether the stored versions were kept). Runs inside the caller's
    transaction.
    """
    before = _versions(conn, "temp.versions_before", article_id)
    if not before:
        return 0, False
    fresh = _versions(conn, "main.article_versions", article_id)
    current = current_history(before)
    fresh_readings = [_reading(row) for row in fresh]
    current_readings = [_reading(row) for row in current]
    reread_before = any(row.get("supersedes") is not None or row.get("reason") for row in before)
    if fresh_readings != current_readings and not reread_before and _is_subsequence(current_readings, fresh_readings):
        return 0, False  # only captures not read before were added: the fresh versions, in capture order, stand
    conn.execute("DELETE FROM article_versions WHERE article_id = ?", (article_id,))
    for row in before:
        _insert(conn, row)
    if fresh_readings == current_readings:
        return 0, True
    agreed = 0
    while agreed < len(current) and current_readings[agreed] == fresh_readings[agreed]:
        agreed += 1
    previous = before[-1]
    number = int(previous["version"])
    for index, row in enumerate(fresh[agreed:]):
        number += 1
        row.update(
            version=number,
            reason=reason,
            supersedes=int(current[agreed]["version"]) if index == 0 and agreed < len(current) else None,
            changed_fields=json.dumps(changed_fields(previous, row)),
        )
        _insert(conn, row)
        previous = row
    return number - int(before[-1]["version"]), True


def _insert(conn: sqlite3.Connection, row: StoredRow) -> None:
    # Row ids are not kept: the rebuild's fresh versions of other articles may hold them by now.
    names = [name for name in row if name != "id"]
    conn.execute(
        f"INSERT INTO article_versions ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
        [row[name] for name in names],
    )


_DERIVED = ("article_versions", "figures", "attachments", "article_tags", "related_links")


def article_ids(conn: sqlite3.Connection, urls: Collection[str] | None = None) -> dict[str, int]:
    """The id of every stored article (or of the ones at *urls*), by URL."""
    if urls is None:
        found = conn.execute("SELECT url, id FROM articles")
    else:
        found = conn.execute("SELECT url, id FROM articles WHERE url IN (SELECT value FROM json_each(?))",
                             (json.dumps(sorted(urls)),))  # fmt: skip
    return {str(url): int(article_id) for url, article_id in found}


def restart_articles(conn: sqlite3.Connection, first_seen: dict[int, str]) -> None:
    """Clear what a rebuild writes again for each article of *first_seen* (its versions, figures, attachments, tags
    and related links) and give it that first_seen and no content hash, so that its next save writes version 1; its
    id and row stay. The caller holds the write transaction."""
    ids = list(first_seen)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for table in _DERIVED:
            conn.execute(f"DELETE FROM {table} WHERE article_id IN ({marks})", chunk)
    conn.executemany(
        "UPDATE articles SET content_hash = '', first_seen = ? WHERE id = ?",
        [(seen, article_id) for article_id, seen in first_seen.items()],
    )


def remove_articles(conn: sqlite3.Connection, ids: Sequence[int]) -> None:
    """Delete the articles *ids* with everything derived from them; the caller holds the write transaction."""
    for article_id in ids:
        for table in _DERIVED:
            conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
        conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))


def stored_articles(conn: sqlite3.Connection) -> int:
    """How many articles the archive holds (a count over the whole table: for whole-archive runs only)."""
    (articles,) = conn.execute("SELECT count(*) FROM articles").fetchone()
    return int(articles)
