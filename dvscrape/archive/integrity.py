"""`dvscrape verify` over an archive: the rows warc.verify checks the WARC files against, read from the database."""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Iterator

from dvscrape.archive.db import Archive
from dvscrape.warc.verify import CaptureRow, VerifyReport, verify_archive


def verify(archive: Archive) -> VerifyReport:
    """Every WARC file of *archive* read through, every capture row checked against its record, every article and
    version checked to name an existing capture (see warc.verify)."""
    conn = archive.db.conn
    return verify_archive(
        archive.warc_dir, _Captures(conn), import_defects=import_defects(conn), dangling=dangling_captures(conn)
    )


class _Captures:
    """The captures rows that point at WARC records, a file at a time (warc.verify.CaptureIndex)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def by_file(self) -> Iterator[tuple[str, list[CaptureRow]]]:
        found = self.conn.execute(
            "SELECT id, url, warc_filename, warc_offset, warc_length, warc_record_id, payload_digest FROM captures "
            "WHERE warc_filename IS NOT NULL AND warc_filename != '' ORDER BY warc_filename, id"
        )
        for filename, rows in itertools.groupby(found, key=lambda row: str(row[2])):
            yield filename, [CaptureRow(*row) for row in rows]

    def cited(self, record_ids: set[str]) -> set[str]:
        found = self.conn.execute(
            "SELECT DISTINCT warc_record_id FROM captures WHERE warc_record_id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(record_ids)),),
        )
        return {str(record_id) for (record_id,) in found}


def import_defects(conn: sqlite3.Connection) -> frozenset[tuple[str, int]]:
    """(file name, offset) of every unreadable part of an imported file that its import recorded."""
    try:
        found = conn.execute(
            'SELECT f.stored_name, p."offset" FROM import_problems AS p JOIN imported_files AS f ON f.id = p.file_id '
            'WHERE p."offset" IS NOT NULL'
        ).fetchall()
    except sqlite3.Error:  # an archive read-only from before the imports migration
        return frozenset()
    return frozenset((str(name), int(offset)) for name, offset in found)


def dangling_captures(conn: sqlite3.Connection) -> list[tuple[str, int, int]]:
    """(table, row id, capture id) of every article and version that names a capture that does not exist."""
    dangling: list[tuple[str, int, int]] = []
    for table in ("articles", "article_versions"):
        found = conn.execute(
            f"SELECT t.id, t.capture_id FROM {table} AS t LEFT JOIN captures AS c ON c.id = t.capture_id "
            "WHERE t.capture_id IS NOT NULL AND c.id IS NULL ORDER BY t.id"
        )
        dangling.extend((table, int(row_id), int(capture)) for row_id, capture in found)
    return dangling
