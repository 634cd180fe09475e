"""The archive's SQLite connection: pragmas, one write transaction at a time, errors as ArchiveError."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from dvscrape.archive.folding import register_fold
from dvscrape.archive.terms import index_pending
from dvscrape.errors import ArchiveError

BUSY_TIMEOUT_MS = 10_000


class WriteTransaction:
    """One write transaction on the connection: BEGIN, then COMMIT, or ROLLBACK on error; sqlite errors become
    ArchiveError. A savepoint is used instead when a transaction is already open. The articles it changed are
    indexed for search (archive.terms) before it commits."""

    def __init__(self, conn: sqlite3.Connection, action: str) -> None:
        self._conn = conn
        self._action = action
        self._savepoint = False

    def __enter__(self) -> None:
        try:
            if self._conn.in_transaction:
                self._savepoint = True
                self._conn.execute("SAVEPOINT dvscrape_write")
            else:
                self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise ArchiveError(f"cannot {self._action}: {error}") from error

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        try:
            if exc_type is None:
                if self._savepoint:
                    self._conn.execute("RELEASE dvscrape_write")
                else:
                    commit(self._conn)
                return
            if self._savepoint:
                self._conn.execute("ROLLBACK TO dvscrape_write")
                self._conn.execute("RELEASE dvscrape_write")
            elif self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
        except sqlite3.Error as error:
            raise ArchiveError(f"cannot {self._action}: {error}") from error
        if isinstance(exc, sqlite3.Error):
            raise ArchiveError(f"cannot {self._action}: {exc}") from exc


def commit(conn: sqlite3.Connection) -> None:
    """Index the articles changed in the open transaction for search (archive.terms), then commit it."""
    index_pending(conn)
    conn.execute("COMMIT")


def configure(db: Database, *, readonly: bool) -> None:
    """Set the connection's pragmas: WAL journal, synchronous=NORMAL, foreign keys, busy timeout; register the
    dvscrape_fold function the search triggers call."""
    register_fold(db.conn)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        db.enable_wal()
        db.execute("PRAGMA synchronous = NORMAL")


def row_id(cursor: sqlite3.Cursor) -> int:
    row_id = cursor.lastrowid
    if row_id is None:
        raise ArchiveError("SQLite did not report the id of the inserted row")
    return row_id
