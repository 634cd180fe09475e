"""The SQLite archive: crawls, captures (pointing into the WARC files) and articles, in ``archive.sqlite``.

The schema is created and upgraded by the recorded migrations in ``migrations.py`` (with sqlite-utils). The hot
paths (one call per capture, one per article) use fixed prepared statements on the connection with no schema
introspection; each is its own transaction, or a savepoint inside a write batch (begin_batch/commit_batch) when a
crawl groups its writes. The records stored are in ``records.py``; opening the database and the connection handling
in ``connection.py``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from sqlite_utils import Database

from dvscrape.archive import rows
from dvscrape.archive.connection import WriteTransaction, commit, open_database, row_id
from dvscrape.archive.lock import CrawlLock
from dvscrape.archive.records import (
    CAPTURE_KINDS,
    COUNT_COLUMNS,
    CRAWL_INTERRUPTED,
    CRAWL_RUNNING,
    ArticleOutcome,
    Capture,
    StoredArticle,
    record_type_and_profile,
)
from dvscrape.archive.times import now_stored, stored_time
from dvscrape.archive.versions import record_version
from dvscrape.errors import ArchiveError
from dvscrape.pages.article import Article
from dvscrape.warc.model import WarcLocation

DB_FILENAME = "archive.sqlite"
WARC_FOLDER = "warc"

# The kinds of the brief, plus "page", "trap" and "offsite", which sites.urls.UrlKind also gives the middleware.
_INSERT_CAPTURE = """
INSERT INTO captures (
    crawl_id, url, canonical_url, kind, status, content_type, fetched_at, content_length,
    warc_filename, warc_offset, warc_length, warc_record_id, payload_digest,
    error, attempts, etag, last_modified, record_type, revisit_profile, refers_to_capture_id, problem,
    imported_file_id
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_INSERT_ARTICLE = (
    f"INSERT INTO articles ({', '.join(rows.ARTICLE_COLUMNS)}, capture_id, first_seen, last_seen, last_checked) "
    f"VALUES ({', '.join('?' for _ in rows.ARTICLE_COLUMNS)}, ?, ?, ?, ?)"
)
_UPDATE_ARTICLE = (
    f"UPDATE articles SET {', '.join(f'{name} = ?' for name in rows.ARTICLE_COLUMNS)}, "
    "capture_id = ?, last_seen = ?, last_checked = ?, gone_since = NULL, gone_status = NULL WHERE id = ?"
)
_CHILD_TABLES: tuple[tuple[str, str], ...] = (
    ("figures", "INSERT INTO figures (article_id, position, image_url, alt, caption) VALUES (?, ?, ?, ?, ?)"),
    (
        "attachments",
        "INSERT INTO attachments (article_id, position, url, file_name, file_type, content_type, text) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
    ),
    ("article_tags", "INSERT INTO article_tags (article_id, position, tag) VALUES (?, ?, ?)"),
    ("related_links", "INSERT INTO related_links (article_id, position, url) VALUES (?, ?, ?)"),
)


class Archive:
    """An archive folder: ``archive.sqlite`` and the ``warc/`` folder. Open it with Archive.open()."""

    def __init__(self, directory: Path, db: Database, *, readonly: bool, clock: Callable[[], str]) -> None:
        self.directory = directory
        self.warc_dir = directory / WARC_FOLDER
        self.db = db
        self.readonly = readonly
        self._clock = clock
        self._conn: sqlite3.Connection = db.conn
        self._lock = CrawlLock(directory)
        self._closed = False
        self._paths: dict[str, Path] = {}  # WARC file name → its resolved path

    @classmethod
    def open(
        cls,
        directory: Path,
        *,
        readonly: bool = False,
        create: bool = True,
        clock: Callable[[], str] = now_stored,
        upgrade: bool = True,
    ) -> Archive:
        """Open the archive in *directory*, creating it (with *create*) and applying pending migrations unless
        *readonly*.

        A read-only open of an archive that needs migrations upgrades it first when the files are writable and
        *upgrade* is on. Raises ArchiveError when the folder or database cannot be used, when the archive does not
        exist and is not to be created (*readonly*, or *create* off), and when a read-only open needs migrations it
        cannot apply.
        """
        directory = Path(directory)
        db = open_database(
            directory / DB_FILENAME, directory / WARC_FOLDER, readonly=readonly, create=create, upgrade=upgrade
        )
        return cls(directory, db, readonly=readonly, clock=clock)

    # -- crawls --------------------------------------------------------------------------------------------------

    def begin_crawl(self, site: str, base_url: str, options: Mapping[str, object]) -> int:
        """Record the start of a crawl; return its id."""
        with self.transaction("begin the crawl"):
            cursor = self._conn.execute(
                "INSERT INTO crawls (site, base_url, started, status, options) VALUES (?, ?, ?, ?, ?)",
                (site, base_url, stored_time(self._clock()), CRAWL_RUNNING, rows.to_json_object(options)),
            )
        return row_id(cursor)

    def finish_crawl(self, crawl_id: int, status: str, counts: Mapping[str, int]) -> None:
        """Record the end of a crawl: its status and counts (known ones in columns, all of them as JSON)."""
        self._crawl_counts(crawl_id, counts, "finished = ?, status = ?, ", (stored_time(self._clock()), status))

    def crawl_counts(self, crawl_id: int) -> dict[str, int]:
        """The counts stored for a crawl ({} when it stored none)."""
        found = self._conn.execute("SELECT counts FROM crawls WHERE id = ?", (crawl_id,)).fetchone()
        return rows.counts_from_json(found[0] if found else None)

    def record_crawl_counts(self, crawl_id: int, counts: Mapping[str, int]) -> None:
        """Record the counts of a crawl so far (a crawl killed before it finishes keeps them)."""
        self._crawl_counts(crawl_id, counts, "", ())

    def _crawl_counts(self, crawl_id: int, counts: Mapping[str, int], more: str, values: tuple[str, ...]) -> None:
        known = [counts.get(name) for name in COUNT_COLUMNS]
        assignments = ", ".join(f"{name} = COALESCE(?, {name})" for name in COUNT_COLUMNS)
        with self.transaction("record the crawl's counts"):
            cursor = self._conn.execute(
                f"UPDATE crawls SET {more}{assignments}, counts = ? WHERE id = ?",
                (*values, *known, rows.to_json_object(counts), crawl_id),
            )
            if cursor.rowcount != 1:
                raise ArchiveError(f"no crawl {crawl_id} in {self.directory}")

    # -- captures ------------------------------------------------------------------------------------------------

    def record_capture(self, capture: Capture) -> int:
        """Record one capture, whatever its source (a crawl, a web archive, an imported file); return its id.
        ValueError for a capture whose kind, record type or revisit fields are not ones the archive knows."""
        if capture.kind not in CAPTURE_KINDS:
            raise ValueError(f"unknown capture kind {capture.kind!r}; expected one of {sorted(CAPTURE_KINDS)}")
        location = capture.location
        record_type, profile = record_type_and_profile(capture)
        where: tuple[object, ...] = (None,) * 5  # no WARC record
        if location is not None:
            where = (location.filename, location.offset, location.length, location.record_id, location.payload_digest)
        values = (capture.crawl_id, capture.url, capture.canonical_url, capture.kind, capture.status,
                  capture.content_type, stored_time(capture.fetched_at), capture.content_length, *where,
                  capture.error, capture.attempts, capture.etag, capture.last_modified, record_type, profile,
                  capture.refers_to_capture_id, capture.problem, capture.imported_file_id)  # fmt: skip
        with self.transaction("record the capture"):
            cursor = self._conn.execute(_INSERT_CAPTURE, values)
        return row_id(cursor)

    # -- articles ------------------------------------------------------------------------------------------------

    def save_article(self, article: Article, *, capture_id: int | None, seen_at: str) -> StoredArticle:
        """Insert or update the article by canonical URL in one transaction, with its figures, attachments, tags
        and related links (replaced). first_seen is kept; last_seen and capture_id are set to this sighting.
        """
        seen_at = stored_time(seen_at)
        digest = rows.content_hash(article)
        columns = rows.article_columns(article, content_digest=digest)
        with self.transaction("store the article"):
            existing = self._conn.execute(
                "SELECT id, content_hash FROM articles WHERE url = ?", (article.url,)
            ).fetchone()
            if existing is None:
                cursor = self._conn.execute(_INSERT_ARTICLE, (*columns, capture_id, seen_at, seen_at, seen_at))
                article_id = row_id(cursor)
                outcome = ArticleOutcome.NEW
            else:
                article_id = int(existing[0])
                outcome = ArticleOutcome.UNCHANGED if existing[1] == digest else ArticleOutcome.UPDATED
                self._conn.execute(_UPDATE_ARTICLE, (*columns, capture_id, seen_at, seen_at, article_id))
                for table, _ in _CHILD_TABLES:
                    self._conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
            for (_, insert), child_rows in zip(
                _CHILD_TABLES,
                (
                    rows.figure_rows(article_id, article),
                    rows.attachment_rows(article_id, article),
                    rows.tag_rows(article_id, article),
                    rows.related_rows(article_id, article),
                ),
                strict=True,
            ):
                if child_rows:
                    self._conn.executemany(insert, child_rows)
            if outcome is not ArticleOutcome.UNCHANGED:
                record_version(
                    self._conn, article_id, article, capture_id=capture_id, content_hash=digest, seen_at=seen_at
                )
        return StoredArticle(article_id, outcome, digest)

    # -- incremental crawls (see incremental.py) ------------------------------------------------------------------

    def record_refusals(self, crawl_id: int, refusals: Iterable[tuple[str, str, str, str]]) -> None:
        """Record URLs the crawl refused to fetch: (url, kind, reason, found_on) rows, each URL once per crawl."""
        batch = [(crawl_id, url, kind, reason, found_on) for url, kind, reason, found_on in refusals]
        if not batch:
            return
        with self.transaction("record refused URLs"):
            self._conn.executemany(
                "INSERT OR IGNORE INTO refused_urls (crawl_id, url, kind, reason, found_on) VALUES (?, ?, ?, ?, ?)",
                batch,
            )

    def note_capture_problem(self, capture_id: int, problem: str) -> None:
        """Record what went wrong with a capture after its fetch succeeded (the page could not be extracted, …)."""
        with self.transaction("record a capture problem"):
            self._conn.execute("UPDATE captures SET problem = ? WHERE id = ?", (problem, capture_id))

    def touch_article(self, url: str, *, seen_at: str, capture_id: int | None) -> int | None:
        """Record an unchanged re-check of the article at canonical *url* (a 304 or identical-payload revisit):
        last_seen and last_checked become *seen_at*, gone_since is cleared, no version is added. The article's
        capture_id moves to *capture_id* only when that capture is a 200 response record, so articles_provenance
        always leads to a record holding the content. Return the article id, or None when no article has that URL.
        """
        seen_at = stored_time(seen_at)
        return self._update_article(
            "touch the article",
            url,
            "UPDATE articles SET last_seen = ?, last_checked = ?, gone_since = NULL, gone_status = NULL, "
            "capture_id = COALESCE((SELECT id FROM captures WHERE id = ? AND record_type = 'response' "
            "AND status = 200), capture_id) WHERE id = ?",
            (seen_at, seen_at, capture_id),
        )

    def mark_gone(self, url: str, *, seen_at: str, status: int) -> int | None:
        """Record that the article at canonical *url* answered *status* (404/410): gone_since is set to the date of
        *seen_at* the first time (kept afterwards), gone_status to *status*, last_checked to *seen_at*. The row, its
        versions and last_seen (last seen alive) are kept. Return the article id, or None when there is none."""
        seen_at = stored_time(seen_at)
        return self._update_article(
            "mark the article gone",
            url,
            "UPDATE articles SET gone_since = COALESCE(gone_since, ?), gone_status = COALESCE(gone_status, ?), "
            "last_checked = ? WHERE id = ?",
            (seen_at[:10], status, seen_at),
        )

    def _update_article(self, action: str, url: str, sql: str, values: tuple[object, ...]) -> int | None:
        """Run *sql* (its last parameter: the article id) on the article at canonical *url*, in one write; return the
        article id, or None (and change nothing) when no article has that URL."""
        with self.transaction(action):
            found = self._conn.execute("SELECT id FROM articles WHERE url = ?", (url,)).fetchone()
            if found is None:
                return None
            article_id = int(found[0])
            self._conn.execute(sql, (*values, article_id))
        return article_id

    def unfinished_crawl(self, site: str) -> int | None:
        """The id of the latest crawl of *site* that never finished (finished is NULL: the process was killed), or
        None. Call it before begin_crawl, holding the crawl lock, so that it cannot be a crawl still running."""
        found = self._conn.execute(
            "SELECT id FROM crawls WHERE site = ? AND finished IS NULL ORDER BY id DESC LIMIT 1", (site,)
        ).fetchone()
        return None if found is None else int(found[0])

    def resume_crawl(
        self, crawl_id: int, options: Mapping[str, object] | None = None, *, base_url: str | None = None
    ) -> int:
        """Start a crawl that continues the unfinished crawl *crawl_id*; return the new crawl's id.

        The interrupted crawl is closed: status 'interrupted', finished = the time of its last capture (or its
        start, when later: an import's captures keep the dates of their records). The new row copies its site,
        records *base_url* (the base URL this run crawls, which may differ from the interrupted run's: a mirror or
        replica on a new port; the interrupted run's when not given), copies the options unless *options* is given,
        and records ``resumed_from = crawl_id``, so each process run keeps its own start, end and counts, and
        captures stay with the run that made them. Raises ArchiveError when *crawl_id* is not an unfinished crawl.
        """
        with self.transaction("resume the crawl"):
            found = self._conn.execute(
                "SELECT site, base_url, options FROM crawls WHERE id = ? AND finished IS NULL", (crawl_id,)
            ).fetchone()
            if found is None:
                raise ArchiveError(f"crawl {crawl_id} is not an unfinished crawl of {self.directory}")
            self._conn.execute(
                "UPDATE crawls SET status = ?, finished = max(started, COALESCE("
                "(SELECT max(fetched_at) FROM captures WHERE crawl_id = ?), started)) WHERE id = ?",
                (CRAWL_INTERRUPTED, crawl_id, crawl_id),
            )
            stored_options = found[2] if options is None else rows.to_json_object(options)
            cursor = self._conn.execute(
                "INSERT INTO crawls (site, base_url, started, status, options, resumed_from) VALUES (?, ?, ?, ?, ?, ?)",
                (found[0], base_url or found[1], stored_time(self._clock()), CRAWL_RUNNING, stored_options, crawl_id),
            )
        return row_id(cursor)

    # -- files ---------------------------------------------------------------------------------------------------

    def path_of(self, location: WarcLocation | str) -> Path:
        """The absolute path of the WARC file a location (or a bare file name) refers to."""
        filename = location if isinstance(location, str) else location.filename
        if not filename or "/" in filename or "\\" in filename or filename.startswith("."):
            raise ArchiveError(f"not a WARC file name of this archive: {filename!r}")
        return self._paths.get(filename) or self._paths.setdefault(filename, (self.warc_dir / filename).resolve())

    # -- lifecycle -----------------------------------------------------------------------------------------------

    def acquire_crawl_lock(self) -> None:
        """Take the archive's crawl lock until close(); raise ArchiveLockedError if another crawl holds it."""
        if self.readonly:
            raise ArchiveError(f"cannot lock archive {self.directory} for a crawl: it is open read-only")
        self._lock.acquire()

    @property
    def holds_crawl_lock(self) -> bool:
        """Whether this Archive object holds the crawl lock (acquire_crawl_lock)."""
        return self._lock.held

    def close(self) -> None:
        """Close the database connection and release the crawl lock if held. Safe to call twice."""
        if not self._closed:
            self._closed = True
            try:
                self.db.close()
            finally:
                self._lock.release()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def begin_batch(self) -> None:
        """Open a long write transaction: until commit_batch(), every write joins it (as a savepoint). A crawl
        groups its many small writes this way; a crash loses at most the open batch, never a committed row."""
        if self.readonly:
            raise ArchiveError(f"cannot write: archive {self.directory} is open read-only")
        if not self._conn.in_transaction:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as error:
                raise ArchiveError(f"cannot begin a write batch: {error}") from error

    def commit_batch(self) -> None:
        """Commit the open write batch, if any."""
        if self._conn.in_transaction:
            try:
                commit(self._conn)
            except sqlite3.Error as error:
                raise ArchiveError(f"cannot commit the write batch: {error}") from error

    def transaction(self, action: str) -> WriteTransaction:
        """One write transaction around several calls (their own transactions become savepoints in it); any error
        rolls all of it back. *action* names the work in error messages."""
        if self.readonly:
            raise ArchiveError(f"cannot {action}: archive {self.directory} is open read-only")
        return WriteTransaction(self._conn, action)
