"""The archive's SQLite connection: opened (its folder checked, its migrations applied), pragmas, one write
transaction at a time, errors as ArchiveError."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from dvscrape.archive.folding import register_fold
from dvscrape.archive.migrations import apply_migrations, pending_migrations
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


# SQLite's default 2 MiB cache makes every write into a large archive's indexes re-read their pages from the OS:
# 64 MiB saves about 15 % of the CPU of storing articles into a 100,000-article archive (bench/search.py's build).
PAGE_CACHE_KIB = 65536


def commit(conn: sqlite3.Connection) -> None:
    """Index the articles changed in the open transaction for search (archive.terms), then commit it."""
    index_pending(conn)
    conn.execute("COMMIT")


def configure(db: Database, *, readonly: bool) -> None:
    """Set the connection's pragmas: WAL journal, synchronous=NORMAL, foreign keys, busy timeout, a writer's page
    cache of PAGE_CACHE_KIB; register the dvscrape_fold function the search triggers call."""
    register_fold(db.conn)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        db.enable_wal()
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")


def row_id(cursor: sqlite3.Cursor) -> int:
    row_id = cursor.lastrowid
    if row_id is None:
        raise ArchiveError("SQLite did not report the id of the inserted row")
    return row_id


def open_database(
    db_path: Path, warc_dir: Path, *, readonly: bool, create: bool = True, upgrade: bool = True
) -> Database:
    """The archive's database at *db_path*, configured, its migrations applied unless *readonly*; *warc_dir* is
    made beside it when the archive is opened for writing. See Archive.open for *create*, *upgrade* and the
    ArchiveErrors raised."""
    directory = db_path.parent
    if directory.exists() and not directory.is_dir():
        raise ArchiveError(f"archive folder {directory} is a file, not a folder")
    if not readonly and directory.exists() and not os.access(directory, os.W_OK):
        raise ArchiveError(f"archive folder {directory} is not writable (read-only file system or permissions)")
    if not readonly and db_path.exists() and not os.access(db_path, os.W_OK):
        raise ArchiveError(f"{db_path} is not writable (read-only file system or permissions)")
    if (readonly or not create) and not db_path.is_file():
        raise ArchiveError(
            f"{directory} is not a dvscrape archive: {db_path.name} is missing (check --archive; `dvscrape crawl` "
            "and `dvscrape import` make an archive)"
        )
    try:
        if readonly:
            conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
        else:
            warc_dir.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(db_path))
    except OSError as error:
        raise ArchiveError(f"cannot create archive folder {directory}: {error.strerror}") from error
    except sqlite3.Error as error:
        raise ArchiveError(f"cannot open {db_path}: {error}") from error
    try:
        db = Database(conn, execute_plugins=False)
        configure(db, readonly=readonly)
        if readonly:
            pending = pending_migrations(db)
            if pending and upgrade and os.access(db_path, os.W_OK) and os.access(directory, os.W_OK):
                # An archive made by an older dvscrape: upgrade it once, then read it as asked.
                conn.close()
                open_database(db_path, warc_dir, readonly=False).close()
                return open_database(db_path, warc_dir, readonly=True, upgrade=False)
            if pending:
                raise ArchiveError(
                    f"archive {directory} needs {len(pending)} migration(s); open it once for writing to upgrade"
                )
        else:
            apply_migrations(db)
            if conn.execute("SELECT 1 FROM search_pending LIMIT 1").fetchone():  # left by a write not through us
                with WriteTransaction(conn, "index the changed articles for search"):
                    pass
    except sqlite3.Error as error:
        conn.close()
        raise ArchiveError(f"{db_path} is not a usable SQLite database: {error}") from error
    except BaseException:
        conn.close()
        raise
    return db
