"""The first eight recorded migrations (m0001–m0008): the schema of dvscrape's first release. Shipped migrations
never change; the list they belong to, and the later ones, are in archive/migrations.py."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.db import Table


def table_of(db: Database, name: str) -> Table:
    """The table *name* of *db* (typed: sqlite-utils' db[name] may also be a view)."""
    table = db[name]
    assert isinstance(table, Table)
    return table


def m0001_core_tables(db: Database) -> None:
    """Crawls, captures, articles and their figures and attachments."""
    table_of(db, "crawls").create(
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
    table_of(db, "captures").create(
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
    captures = table_of(db, "captures")
    captures.create_index(["canonical_url"], index_name="idx_captures_canonical_url")
    captures.create_index(["crawl_id"], index_name="idx_captures_crawl_id")

    table_of(db, "articles").create(
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
    articles = table_of(db, "articles")
    articles.create_index(["url"], index_name="idx_articles_url", unique=True)
    articles.create_index(["published_date"], index_name="idx_articles_published_date")
    articles.create_index(["capture_id"], index_name="idx_articles_capture_id")

    table_of(db, "figures").create(
        {"id": int, "article_id": int, "position": int, "image_url": str, "alt": str, "caption": str},
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "position", "image_url"},
    )
    table_of(db, "figures").create_index(["article_id", "position"], index_name="idx_figures_article")
    table_of(db, "attachments").create(
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
    table_of(db, "attachments").create_index(["article_id", "position"], index_name="idx_attachments_article")


def m0002_tags_and_related_links(db: Database) -> None:
    """One row per article tag and per related link, for queries the JSON columns make awkward."""
    table_of(db, "article_tags").create(
        {"article_id": int, "position": int, "tag": str},
        pk=("article_id", "position"),
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"tag"},
    )
    table_of(db, "article_tags").create_index(["tag"], index_name="idx_article_tags_tag")
    table_of(db, "related_links").create(
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
    from dvscrape.archive.folding import create_search_indexes

    create_search_indexes(db, "articles", "title", "body")
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


FIRST_MIGRATIONS = (
    m0001_core_tables,
    m0002_tags_and_related_links,
    m0003_articles_provenance_view,
    m0004_article_versions,
    m0005_article_search,
    m0006_incremental_crawls,
    m0007_article_list_view,
    m0008_scope_decisions,
)
"""The first eight migrations, in the order they are applied (archive.migrations.MIGRATIONS continues them)."""
