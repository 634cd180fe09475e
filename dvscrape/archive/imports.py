"""The archive's record of imports (``dvscrape import``): the files brought in (``imported_files``), the parts of them
that could not be read (``import_problems``), and the imported revisits linked to the captures holding their
originals; whether a file gave a capture of the site, an import's captures classified again under the address they
were captured at (a mirror), and an import undone (its rows forgotten). The caller holds the write transaction, except
for link_imported_revisits, which takes its own."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from dvscrape.archive.db import Archive
from dvscrape.archive.migrations import origin_of
from dvscrape.archive.times import now_stored
from dvscrape.errors import DvscrapeError
from dvscrape.warc.reader import read_record_at

Problem = tuple[str, int | None, int | None, str]  # source, offset, length (None: the whole input), reason


@dataclass(frozen=True)
class ImportedFile:
    """An input (a WARC file, a WACZ package or a WARC member of one) as imported_files records it."""

    sha256: str
    source: str
    member: str
    stored_name: str
    size: int
    warc_version: str
    status: str  # 'imported' or, for a package none of whose members could be kept, 'refused'


def imported_digests(conn: sqlite3.Connection) -> set[str]:
    """The SHA-256 of every input imported (or refused) before."""
    return {str(digest) for (digest,) in conn.execute("SELECT sha256 FROM imported_files")}


def record_imported_file(conn: sqlite3.Connection, crawl_id: int, imported: ImportedFile) -> int:
    """Record *imported* as part of the import *crawl_id*; return its id."""
    cursor = conn.execute(
        "INSERT INTO imported_files (crawl_id, sha256, source, member, stored_name, size, warc_version, tool, status, "
        "imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?)",
        (crawl_id, imported.sha256, imported.source, imported.member, imported.stored_name, imported.size,
         imported.warc_version, imported.status, now_stored()),
    )  # fmt: skip
    return int(cursor.lastrowid or 0)


def record_import_problems(
    conn: sqlite3.Connection, crawl_id: int, file_id: int | None, problems: Sequence[Problem]
) -> None:
    """Record the parts of an input that could not be imported, with the reason."""
    conn.executemany(
        'INSERT INTO import_problems (crawl_id, file_id, source, "offset", length, reason) VALUES (?, ?, ?, ?, ?, ?)',
        [(crawl_id, file_id, *problem) for problem in problems],
    )


def finish_imported_file(
    conn: sqlite3.Connection, file_id: int, *, tools: Sequence[str], records: int, captures: int, problems: int
) -> None:
    """Record what reading an imported file gave: the tools its warcinfo records name and its counts."""
    conn.execute(
        "UPDATE imported_files SET tool = ?, records = ?, captures = ?, problems = ? WHERE id = ?",
        ("; ".join(tools), records, captures, problems, file_id),
    )


def link_imported_revisits(archive: Archive) -> tuple[int, int]:
    """Point every unlinked imported revisit at the capture holding its original: by WARC-Refers-To (the record id),
    else by WARC-Refers-To-Target-URI and the payload digest; note on the others that their original is nowhere in
    the archive. Return (linked, unresolved)."""
    conn = archive.db.conn
    unlinked = conn.execute(
        "SELECT id, url, warc_filename, warc_offset, warc_length, payload_digest, fetched_at FROM captures "
        "INDEXED BY idx_captures_unlinked_revisits "  # the planner would scan every capture with no original
        "WHERE record_type = 'revisit' AND refers_to_capture_id IS NULL AND imported_file_id IS NOT NULL"
    ).fetchall()
    linked = unresolved = 0
    with archive.transaction("link the imported revisits"):
        for capture_id, url, filename, offset, length, digest, fetched_at in unlinked:
            try:
                record = read_record_at(archive.path_of(filename), offset, length, check_digests=False)
            except (DvscrapeError, OSError):  # readable at import; a vanished file is a verify matter
                continue
            refers_to = (record.header("WARC-Refers-To") or "").strip()
            target = (record.header("WARC-Refers-To-Target-URI") or url).strip("<> ")
            found = None
            if refers_to:
                found = conn.execute(
                    "SELECT id FROM captures WHERE warc_record_id = ? AND record_type IN ('response', 'resource') "
                    "ORDER BY id LIMIT 1",
                    (refers_to,),
                ).fetchone()
            if found is None and digest:
                found = conn.execute(
                    "SELECT id FROM captures WHERE url = ? AND payload_digest = ? AND record_type = 'response' "
                    "AND fetched_at <= ? ORDER BY fetched_at DESC LIMIT 1",
                    (target, digest, fetched_at),
                ).fetchone()
            if found is None:
                unresolved += 1
                conn.execute(
                    "UPDATE captures SET problem = ? WHERE id = ?",
                    (f"revisit: its original ({refers_to or target}) is not in the archive", capture_id),
                )
                continue
            linked += 1
            conn.execute(
                "UPDATE captures SET refers_to_capture_id = ?, "
                "problem = CASE WHEN problem LIKE 'revisit:%' THEN '' ELSE problem END WHERE id = ?",
                (found[0], capture_id),
            )
    return linked, unresolved


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
        row = conn.execute("SELECT stored_name, crawl_id FROM imported_files WHERE id = ?", (file_id,)).fetchone()
        conn.execute("DELETE FROM captures WHERE imported_file_id = ?", (file_id,))
        conn.execute("DELETE FROM import_problems WHERE file_id = ?", (file_id,))
        conn.execute("DELETE FROM imported_files WHERE id = ?", (file_id,))
        if row is None:
            continue
        conn.execute("DELETE FROM crawl_origins WHERE crawl_id = ?", (row[1],))  # the addresses still captured
        conn.execute(
            f"INSERT OR IGNORE INTO crawl_origins (crawl_id, origin) SELECT crawl_id, {origin_of('url')} "
            "FROM captures WHERE crawl_id = ? AND kind != 'offsite'",
            (row[1],),
        )
        if row[0]:
            unlink(row[0])


def files_of_import(conn: sqlite3.Connection, crawl_id: int) -> list[int]:
    """The ids of the files the import *crawl_id* recorded."""
    return [file_id for (file_id,) in conn.execute("SELECT id FROM imported_files WHERE crawl_id = ?", (crawl_id,))]


def unfinished_import(conn: sqlite3.Connection, site: str) -> int | None:
    """The id of *site*'s newest import that never finished (its process was killed), or None. Call it holding the
    crawl lock, so that it cannot be an import still running."""
    found = conn.execute(
        "SELECT id FROM crawls WHERE site = ? AND finished IS NULL AND json_extract(options, '$.mode') = 'import' "
        "ORDER BY id DESC LIMIT 1",
        (site,),
    ).fetchone()
    return None if found is None else int(found[0])
