"""The rows of imported files that an import reads back: whether a file gave a capture of the site, its captures
classified again under the address they were captured at (a mirror), and an import undone (its rows forgotten)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable

# Capture kinds of URLs that are not the site's (another host, or an address the profile does not know).
FOREIGN_KINDS = ("offsite", "other")
_FOREIGN = ", ".join(f"'{kind}'" for kind in FOREIGN_KINDS)


def files_without_site_captures(conn: sqlite3.Connection, sha256: str) -> list[int]:
    """The ids of the imported WARC files with this SHA-256 that gave captures, none of them of the site (imported
    under an address the captures are not on): an import of it is no import of the site."""
    return [
        file_id
        for (file_id,) in conn.execute(
            f"SELECT f.id FROM imported_files AS f WHERE f.sha256 = ? AND f.captures > 0 AND NOT EXISTS "
            f"(SELECT 1 FROM captures AS c WHERE c.imported_file_id = f.id AND c.kind NOT IN ({_FOREIGN}))",
            (sha256,),
        )
    ]


def foreign_captures(conn: sqlite3.Connection, crawl_id: int) -> list[tuple[int, str]] | None:
    """(id, url) of every capture of the import *crawl_id* when none of them is of the site; None when one is."""
    if conn.execute(
        f"SELECT 1 FROM captures WHERE crawl_id = ? AND kind NOT IN ({_FOREIGN}) LIMIT 1", (crawl_id,)
    ).fetchone():
        return None
    return conn.execute("SELECT id, url FROM captures WHERE crawl_id = ? ORDER BY id", (crawl_id,)).fetchall()


def rekey_captures(
    conn: sqlite3.Connection, crawl_id: int, base_url: str, keys: Iterable[tuple[str, str, int]]
) -> None:
    """Record that the import *crawl_id* captured the site at *base_url*: each capture's (kind, canonical URL, id)."""
    conn.execute("UPDATE crawls SET base_url = ? WHERE id = ?", (base_url, crawl_id))
    conn.executemany("UPDATE captures SET kind = ?, canonical_url = ? WHERE id = ?", keys)


def forget_files(conn: sqlite3.Connection, file_ids: Iterable[int], unlink: Callable[[str], None]) -> None:
    """Remove imported files from the archive: their captures, problems and rows; *unlink* is given the name of each
    kept copy (in the warc folder) once its rows are gone."""
    for file_id in file_ids:
        row = conn.execute("SELECT stored_name FROM imported_files WHERE id = ?", (file_id,)).fetchone()
        conn.execute("DELETE FROM captures WHERE imported_file_id = ?", (file_id,))
        conn.execute("DELETE FROM import_problems WHERE file_id = ?", (file_id,))
        conn.execute("DELETE FROM imported_files WHERE id = ?", (file_id,))
        if row is not None and row[0]:
            unlink(row[0])


def files_of_import(conn: sqlite3.Connection, crawl_id: int) -> list[int]:
    """The ids of the files the import *crawl_id* recorded."""
    return [file_id for (file_id,) in conn.execute("SELECT id FROM imported_files WHERE crawl_id = ?", (crawl_id,))]
