"""The archive's schema, as an ordered list of recorded migrations.

Each migration is a named function of a sqlite-utils Database. Applied migrations are recorded in the ``_migrations``
table (migration set, name, applied_at); opening an archive applies only the ones not recorded yet, each in its own
transaction. Never edit a migration that has shipped: add a new one at the end of MIGRATIONS.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database
from sqlite_utils.db import Table
from sqlite_utils.migrations import Migrations

from dvscrape.documents.schema import m0011_documents
from dvscrape.errors import ArchiveError

MIGRATION_SET = "dvscrape"
MIGRATIONS_TABLE = "_migrations"

Migration = Callable[[Database], None]


def _table(db: Database, name: str) -> Table:
    table = db[name]
    assert isinstance(table, Table)
    return table


def m0001_core_tables(db: Database) -> None:
    """Crawls, captures, articles and their figures and attachments."""
    _table(db, "crawls").create(
        {
            "id": int,
            "site": str,
            "base_url": str,
            "started": str,
            "finished": str,
            "status": str,
            "options": str,
            "requests": int,
            "captures": int,
            "articles_new": int,
            "articles_updated": int,
            "errors": int,
            "bytes_written": int,
            "counts": str,
        },
        pk="id",
        not_null={"site", "base_url", "started", "status"},
    )
    _table(db, "captures").create(
        {
            "id": int,
            "crawl_id": int,
            "url": str,
            "canonical_url": str,
            "kind": str,
            "status": int,
            "content_type": str,
            "fetched_at": str,
            "content_length": int,
            "warc_filename": str,
            "warc_offset": int,
            "warc_length": int,
            "warc_record_id": str,
            "payload_digest": str,
            "error": str,
            "attempts": int,
            "etag": str,
            "last_modified": str,
        },
        pk="id",
        foreign_keys=[("crawl_id", "crawls", "id")],
        not_null={"crawl_id", "url", "canonical_url", "kind", "fetched_at"},
    )
    captures = _table(db, "captures")
    captures.create_index(["canonical_url"], index_name="idx_captures_canonical_url")
    captures.create_index(["crawl_id"], index_name="idx_captures_crawl_id")

    _table(db, "articles").create(
        {
            "id": int,
            "url": str,
            "fetched_url": str,
            "locale": str,
            "title": str,
            "html_title": str,
            "published_date": str,
            "published_source": str,
            "modified_date": str,
            "category": str,
            "categories": str,
            "body": str,
            "signature": str,
            "word_count": int,
            "tags": str,
            "flags": str,
            "template": str,
            "content_hash": str,
            "capture_id": int,
            "first_seen": str,
            "last_seen": str,
        },
        pk="id",
        foreign_keys=[("capture_id", "captures", "id")],
        not_null={"url", "title", "content_hash", "first_seen", "last_seen"},
    )
    articles = _table(db, "articles")
    articles.create_index(["url"], index_name="idx_articles_url", unique=True)
    articles.create_index(["published_date"], index_name="idx_articles_published_date")
    articles.create_index(["capture_id"], index_name="idx_articles_capture_id")

    _table(db, "figures").create(
        {"id": int, "article_id": int, "position": int, "image_url": str, "alt": str, "caption": str},
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "position", "image_url"},
    )
    _table(db, "figures").create_index(["article_id", "position"], index_name="idx_figures_article")
    _table(db, "attachments").create(
        {
            "id": int,
            "article_id": int,
            "position": int,
            "url": str,
            "file_name": str,
            "file_type": str,
            "content_type": str,
            "text": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "position", "url"},
    )
    _table(db, "attachments").create_index(["article_id", "position"], index_name="idx_attachments_article")


def m0002_tags_and_related_links(db: Database) -> None:
    """One row per article tag and per related link, for queries the JSON columns make awkward."""
    _table(db, "article_tags").create(
        {"article_id": int, "position": int, "tag": str},
        pk=("article_id", "position"),
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"tag"},
    )
    _table(db, "article_tags").create_index(["tag"], index_name="idx_article_tags_tag")
    _table(db, "related_links").create(
        {"article_id": int, "position": int, "url": str},
        pk=("article_id", "position"),
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"url"},
    )


def m0003_articles_provenance_view(db: Database) -> None:
    """A view from each article to the WARC record of the capture it was extracted from."""
    db.create_view(
        "articles_provenance",
        """
        SELECT
            articles.id AS article_id,
            articles.url AS url,
            articles.title AS title,
            articles.content_hash AS content_hash,
            articles.capture_id AS capture_id,
            captures.url AS fetched_url,
            captures.fetched_at AS fetched_at,
            captures.status AS status,
            captures.warc_filename AS warc_filename,
            captures.warc_offset AS warc_offset,
            captures.warc_length AS warc_length,
            captures.warc_record_id AS warc_record_id,
            captures.payload_digest AS payload_digest
        FROM articles
        LEFT JOIN captures ON captures.id = articles.capture_id
        """,
    )


def m0004_article_versions(db: Database) -> None:
    """One row per distinct content of an article (version 1..n), and version 1 for articles already stored."""
    from dvscrape.archive.versions import backfill_versions

    db.execute(
        """
        CREATE TABLE article_versions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            version INTEGER NOT NULL,
            capture_id INTEGER REFERENCES captures(id),
            content_hash TEXT NOT NULL,
            title TEXT,
            body TEXT,
            published_date TEXT,
            category TEXT,
            signature TEXT,
            figures TEXT,
            changed_fields TEXT,
            seen_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX idx_article_versions_article ON article_versions (article_id, version)")
    db.execute("CREATE INDEX idx_article_versions_capture ON article_versions (capture_id)")
    backfill_versions(db.conn)


def m0005_article_search(db: Database) -> None:
    """Full-text indexes over article title and body: exact (diacritics kept) and folded (dvscrape_fold, đ→d).

    Both are external-content FTS5 tables over ``articles`` kept in step by triggers; the folded one indexes
    ``dvscrape_fold(text)``, so every connection that writes articles must register that function (Archive.open
    does).
    """
    from dvscrape.archive.folding import register_fold

    register_fold(db.conn)
    for name, diacritics in (("articles_fts", 0), ("articles_fts_folded", 2)):
        db.execute(
            f"CREATE VIRTUAL TABLE {name} USING fts5(title, body, content='articles', content_rowid='id', "
            f"tokenize='unicode61 remove_diacritics {diacritics}')"
        )
    exact_delete = (
        "INSERT INTO articles_fts (articles_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);"
    )
    folded_delete = (
        "INSERT INTO articles_fts_folded (articles_fts_folded, rowid, title, body) "
        "VALUES ('delete', old.id, dvscrape_fold(old.title), dvscrape_fold(old.body));"
    )
    exact_insert = "INSERT INTO articles_fts (rowid, title, body) VALUES (new.id, new.title, new.body);"
    folded_insert = (
        "INSERT INTO articles_fts_folded (rowid, title, body) "
        "VALUES (new.id, dvscrape_fold(new.title), dvscrape_fold(new.body));"
    )
    db.execute(
        f"CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN {exact_insert} {folded_insert} END"
    )
    db.execute(
        f"CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN {exact_delete} {folded_delete} END"
    )
    db.execute(
        "CREATE TRIGGER articles_search_update AFTER UPDATE OF title, body ON articles "
        "WHEN old.title IS NOT new.title OR old.body IS NOT new.body "
        f"BEGIN {exact_delete} {folded_delete} {exact_insert} {folded_insert} END"
    )
    db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
    db.execute(
        "INSERT INTO articles_fts_folded (rowid, title, body) "
        "SELECT id, dvscrape_fold(title), dvscrape_fold(body) FROM articles"
    )


def m0006_incremental_crawls(db: Database) -> None:
    """Columns for incremental and resumed crawls.

    captures: ``record_type`` ('response', 'revisit', or '' for a fetch that wrote no WARC record; old rows with a
    record become 'response', old rows without one ''), ``revisit_profile`` ('server-not-modified',
    'identical-payload-digest' or '') and ``refers_to_capture_id`` (the capture holding the content a revisit stands
    for). articles: ``gone_since`` (ISO date of the first 404/410 answer; NULL while live), ``gone_status`` (that
    status) and ``last_checked`` (ISO time of the last fetch or revisit; old rows take last_seen). crawls:
    ``articles_unchanged``, ``articles_gone``, ``revisits``, ``missing`` counts and ``resumed_from`` (the interrupted
    crawl a run continues).
    """
    statements = (
        "ALTER TABLE captures ADD COLUMN record_type TEXT NOT NULL DEFAULT 'response'",
        "ALTER TABLE captures ADD COLUMN revisit_profile TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE captures ADD COLUMN refers_to_capture_id INTEGER REFERENCES captures(id)",
        "UPDATE captures SET record_type = '' WHERE warc_record_id IS NULL OR warc_record_id = ''",
        "CREATE INDEX idx_captures_refers_to ON captures (refers_to_capture_id)",
        "ALTER TABLE articles ADD COLUMN gone_since TEXT",
        "ALTER TABLE articles ADD COLUMN gone_status INTEGER",
        "ALTER TABLE articles ADD COLUMN last_checked TEXT",
        "UPDATE articles SET last_checked = last_seen",
        "ALTER TABLE crawls ADD COLUMN articles_unchanged INTEGER",
        "ALTER TABLE crawls ADD COLUMN articles_gone INTEGER",
        "ALTER TABLE crawls ADD COLUMN revisits INTEGER",
        "ALTER TABLE crawls ADD COLUMN missing INTEGER",
        "ALTER TABLE crawls ADD COLUMN resumed_from INTEGER REFERENCES crawls(id)",
    )
    for statement in statements:
        db.execute(statement)


def m0007_article_list_view(db: Database) -> None:
    """A view of articles with their publication year, for browsing by year in Datasette."""
    db.create_view(
        "article_list",
        """
        SELECT id, url, title, published_date, CAST(substr(published_date, 1, 4) AS INTEGER) AS year, category,
               signature, word_count, first_seen, last_seen, capture_id
        FROM articles
        """,
    )


def m0008_scope_decisions(db: Database) -> None:
    """``refused_urls``: every URL a crawl decided not to fetch (trap, off-site, refused redirect), once per crawl,
    with the reason and the page it was found on; ``captures.problem``: what went wrong after a fetch succeeded
    (e.g. the page could not be extracted)."""
    db.execute(
        """
        CREATE TABLE refused_urls (
            id INTEGER PRIMARY KEY,
            crawl_id INTEGER NOT NULL REFERENCES crawls(id),
            url TEXT NOT NULL,
            kind TEXT NOT NULL,
            reason TEXT NOT NULL,
            found_on TEXT NOT NULL DEFAULT ''
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX idx_refused_urls_crawl_url ON refused_urls (crawl_id, url)")
    db.execute("ALTER TABLE captures ADD COLUMN problem TEXT NOT NULL DEFAULT ''")


def m0009_imported_files(db: Database) -> None:
    """Imports of other tools' WARC and WACZ files.

    ``imported_files``: one row per file given to ``dvscrape import`` (or WARC file found in a WACZ), by SHA-256, so
    importing the same file twice changes nothing: where it came from (``source``, ``member`` inside a WACZ), its name
    in the archive's warc folder (``stored_name``; '' when it was refused), size, WARC version, the tool its
    ``warcinfo`` names, counts, ``status`` ('imported' or 'refused') and the import run (``crawl_id``).
    ``import_problems``: what an import refused or skipped (unparsable record, unsafe zip member, …), with the reason.
    ``captures.imported_file_id``: the imported file a capture's record is in (NULL for crawled captures).
    """
    db.execute(
        """
        CREATE TABLE imported_files (
            id INTEGER PRIMARY KEY,
            crawl_id INTEGER NOT NULL REFERENCES crawls(id),
            sha256 TEXT NOT NULL,
            source TEXT NOT NULL,
            member TEXT NOT NULL DEFAULT '',
            stored_name TEXT NOT NULL DEFAULT '',
            size INTEGER NOT NULL,
            warc_version TEXT NOT NULL DEFAULT '',
            tool TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL,
            records INTEGER NOT NULL DEFAULT 0,
            captures INTEGER NOT NULL DEFAULT 0,
            problems INTEGER NOT NULL DEFAULT 0,
            imported_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX idx_imported_files_sha256 ON imported_files (sha256)")
    db.execute(
        """
        CREATE TABLE import_problems (
            id INTEGER PRIMARY KEY,
            crawl_id INTEGER NOT NULL REFERENCES crawls(id),
            file_id INTEGER REFERENCES imported_files(id),
            source TEXT NOT NULL,
            "offset" INTEGER,
            length INTEGER,
            reason TEXT NOT NULL
        )
        """
    )
    db.execute("ALTER TABLE captures ADD COLUMN imported_file_id INTEGER REFERENCES imported_files(id)")
    db.execute("CREATE INDEX idx_captures_record_id ON captures (warc_record_id)")


STORED_TIME_COLUMNS: tuple[tuple[str, str], ...] = (
    ("crawls", "started"),
    ("crawls", "finished"),
    ("captures", "fetched_at"),
    ("articles", "first_seen"),
    ("articles", "last_seen"),
    ("articles", "last_checked"),
    ("article_versions", "seen_at"),
    ("imported_files", "imported_at"),
)


def m0010_one_time_format(db: Database) -> None:
    """Every stored time in one format, UTC ISO 8601 to the microsecond with a Z (dvscrape.archive.times).

    Older archives hold '2024-03-01T08:01:00+00:00' (crawl and pipeline writes), '2024-03-01T08:01:00.123456Z'
    (WARC dates, crawl start and end) and '2024-03-01T08:01:00Z' side by side in one column, which sort wrongly as
    strings. Each value of STORED_TIME_COLUMNS is rewritten to the one format; a value that is not a time is left.
    """
    from dvscrape.archive.times import restored_or_unchanged

    db.register_function(restored_or_unchanged, name="dvscrape_stored_time", deterministic=True, replace=True)
    tables = set(db.table_names())
    for table, column in STORED_TIME_COLUMNS:
        if table in tables and column in _table(db, table).columns_dict:
            db.execute(
                f"UPDATE [{table}] SET [{column}] = dvscrape_stored_time([{column}]) "
                f"WHERE [{column}] IS NOT dvscrape_stored_time([{column}])"
            )


def m0012_site_canonical_urls(db: Database) -> None:
    """Canonical URLs on the site's own address: articles, versions and history keyed by the site, not by
    the mirror or replica port that served them. captures.canonical_url, articles.url and the URLs in figures,
    attachments and related_links are rewritten; articles doubled by crawls from two ports become one (oldest id,
    content seen last, every distinct version kept); a resumed crawl's base_url becomes the one it fetched from.
    See dvscrape.archive.identity."""
    from dvscrape.archive.folding import register_fold
    from dvscrape.archive.identity import rebase_on_site

    register_fold(db.conn)  # the search triggers run when merged articles change
    rebase_on_site(db.conn)


def m0013_published_inferred(db: Database) -> None:
    """``articles.published_inferred``: 1 when published_date was inferred, from the listing entry that
    linked the article or from its lede ('Ngày 8/2, …', the year from the listing or the sitemap's lastmod), rather
    than shown by the page as its publication date; published_source says which. Older rows are set from their
    published_source (pages.article.INFERRED_SOURCES)."""
    from dvscrape.pages.article import INFERRED_SOURCES

    db.execute("ALTER TABLE articles ADD COLUMN published_inferred INTEGER NOT NULL DEFAULT 0")
    marks = ", ".join("?" for _ in INFERRED_SOURCES)
    db.execute(
        f"UPDATE articles SET published_inferred = 1 "
        f"WHERE published_date IS NOT NULL AND published_source IN ({marks})",
        sorted(INFERRED_SOURCES),
    )


MIGRATIONS: tuple[Migration, ...] = (
    m0001_core_tables,
    m0002_tags_and_related_links,
    m0003_articles_provenance_view,
    m0004_article_versions,
    m0005_article_search,
    m0006_incremental_crawls,
    m0007_article_list_view,
    m0008_scope_decisions,
    m0009_imported_files,
    m0011_documents,
    m0010_one_time_format,
    m0012_site_canonical_urls,
    m0013_published_inferred,
)


class _DvscrapeMigrations(Migrations):
    migrations_table = MIGRATIONS_TABLE


def migration_set(migrations: tuple[Migration, ...] = MIGRATIONS) -> Migrations:
    """A sqlite-utils Migrations set holding *migrations* in order, recorded in the ``_migrations`` table."""
    result = _DvscrapeMigrations(MIGRATION_SET)
    for function in migrations:
        result(name=function.__name__)(function)
    return result


def applied_migrations(db: Database) -> list[str]:
    """Names of the migrations recorded in *db*, in the order they were applied."""
    return [migration.name for migration in migration_set().applied(db)]


def pending_migrations(db: Database) -> list[str]:
    """Names of the migrations not yet applied to *db*."""
    return [migration.name for migration in migration_set().pending(db)]


def apply_migrations(db: Database, *, stop_before: str | None = None) -> list[str]:
    """Apply the pending migrations to *db* (up to, not including, *stop_before*); return the names applied.

    Raises ArchiveError when *db* records migrations this version does not know (it was written by a newer dvscrape).
    """
    known = {function.__name__ for function in MIGRATIONS}
    unknown = [name for name in applied_migrations(db) if name not in known]
    if unknown:
        raise ArchiveError(
            f"the archive database has migrations this dvscrape does not know ({', '.join(unknown)}); "
            "it was written by a newer version"
        )
    migrations = migration_set()
    before = set(applied_migrations(db))
    migrations.apply(db, stop_before=stop_before)
    return [name for name in applied_migrations(db) if name not in before]
