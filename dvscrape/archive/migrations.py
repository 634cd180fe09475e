"""The archive's schema, as an ordered list of recorded migrations.

Each migration is a named function of a sqlite-utils Database. Applied migrations are recorded in the ``_migrations``
table (migration set, name, applied_at); opening an archive applies only the ones not recorded yet, each in its own
transaction. Never edit a migration that has shipped: add a new one at the end of MIGRATIONS.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from dvscrape.archive.document_tables import m0011_documents
from dvscrape.archive.first_migrations import FIRST_MIGRATIONS, table_of
from dvscrape.errors import ArchiveError

MIGRATION_SET = "dvscrape"
MIGRATIONS_TABLE = "_migrations"

Migration = Callable[[Database], None]


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
        if table in tables and column in table_of(db, table).columns_dict:
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


def m0014_version_reasons(db: Database) -> None:
    """``article_versions.reason`` and ``supersedes``: a version appended because archived captures were read again
    (``dvscrape reextract``, an import) says why in ``reason`` ('' for a version the site served as captured) and,
    when it replaces the reading of an earlier version's capture, that version's number in ``supersedes``
    (archive.rereading)."""
    db.execute("ALTER TABLE article_versions ADD COLUMN reason TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE article_versions ADD COLUMN supersedes INTEGER")


def m0015_qa(db: Database) -> None:
    """The ``qa`` table: per page a crawl archived, how it replays from the archive's own index (`dvscrape qa`,
    run at the end of each crawl): whether it resolves to its capture, its requisites as the crawl fetched them and
    as they replay (Browsertrix's crawlGood/crawlBad/replayGood/replayBad), the ones missing, whether the replayed
    text is the stored article's, and the similarity of live and replayed screenshots when taken. An index on
    ``captures.url`` finds the captures of a requisite by the URL a page names."""
    db.execute(
        """
        CREATE TABLE qa (
            id INTEGER PRIMARY KEY,
            crawl_id INTEGER NOT NULL REFERENCES crawls(id),
            capture_id INTEGER NOT NULL REFERENCES captures(id),
            url TEXT NOT NULL,
            kind TEXT NOT NULL,
            checked_at TEXT NOT NULL,
            resolves INTEGER NOT NULL,
            requisites INTEGER NOT NULL,
            crawl_good INTEGER NOT NULL,
            crawl_bad INTEGER NOT NULL,
            replay_good INTEGER NOT NULL,
            replay_bad INTEGER NOT NULL,
            missing TEXT NOT NULL DEFAULT '[]',
            text_matches INTEGER,
            problem TEXT NOT NULL DEFAULT '',
            screenshot_similarity REAL
        )
        """
    )
    db.execute("CREATE INDEX idx_qa_crawl ON qa (crawl_id, capture_id)")
    db.execute("CREATE INDEX idx_captures_url ON captures (url)")


def m0016_deduplication_counts(db: Database) -> None:
    """``crawls.unique_digests`` and ``crawls.bytes_conserved``: a crawl's deduplication figures as Browsertrix
    reports them, with ``captures`` (URLs) and ``revisits`` (duplicate URLs): the distinct payload digests of the
    response records it wrote, and the payload bytes its revisits (identical payloads and 304s) did not store again.
    Empty for older crawls."""
    db.execute("ALTER TABLE crawls ADD COLUMN unique_digests INTEGER")
    db.execute("ALTER TABLE crawls ADD COLUMN bytes_conserved INTEGER")


def m0017_figures_on_site(db: Database) -> None:
    """Figure URLs (of articles and of their versions) and related links on the site's own address, as the page
    objects now write them: a figure served from another port or mirror is not a changed figure
    (dvscrape.archive.identity)."""
    m0012_site_canonical_urls(db)


def m0018_search_statistics(db: Database) -> None:
    """The statistics search ranks with (dvscrape.archive.terms): ``search_segments`` (the articles indexed together,
    their lengths in tokens, and those superseded since), ``search_postings`` (per index, term and segment: the
    articles holding the term and their weighted frequencies) and ``search_pending`` (articles changed since, filled
    by triggers on ``articles``); every article is indexed."""
    from dvscrape.archive.terms import rebuild

    db.execute(
        """
        CREATE TABLE search_segments (
            id INTEGER PRIMARY KEY,
            articles BLOB NOT NULL,
            lengths BLOB NOT NULL,
            dropped BLOB NOT NULL,
            live_articles INTEGER NOT NULL,
            live_tokens INTEGER NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE search_postings (
            folded INTEGER NOT NULL,
            term TEXT NOT NULL,
            segment INTEGER NOT NULL,
            articles BLOB NOT NULL,
            weights BLOB NOT NULL,
            PRIMARY KEY (folded, term, segment)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE TABLE search_pending (article_id INTEGER PRIMARY KEY)")
    pending = "INSERT OR IGNORE INTO search_pending (article_id) VALUES"
    db.execute(f"CREATE TRIGGER articles_terms_insert AFTER INSERT ON articles BEGIN {pending} (new.id); END")
    db.execute(f"CREATE TRIGGER articles_terms_delete AFTER DELETE ON articles BEGIN {pending} (old.id); END")
    db.execute(
        "CREATE TRIGGER articles_terms_update AFTER UPDATE OF title, body ON articles "
        f"WHEN old.title IS NOT new.title OR old.body IS NOT new.body BEGIN {pending} (new.id); END"
    )
    rebuild(db.conn)


def m0019_hint_pages(db: Database) -> None:
    """What listing and sitemap captures show of articles, read once from their WARC records (archive.replay):
    ``hint_pages_read`` names every such capture read (whether it showed any article or none), ``page_links`` holds
    one row per article it shows, by canonical URL, with the title, date and category a listing shows next to it
    or the lastmod a sitemap gives it (``shown_date``). Rebuilding a few articles then reads their own captures only;
    partial indexes find the listing and sitemap captures not read yet and the imported revisits not linked to their
    original yet (archive.imports), with no scan of every capture."""
    db.execute(
        "CREATE TABLE hint_pages_read (capture_id INTEGER PRIMARY KEY REFERENCES captures(id) ON DELETE CASCADE)"
    )
    db.execute(
        """
        CREATE TABLE page_links (
            capture_id INTEGER NOT NULL REFERENCES hint_pages_read(capture_id) ON DELETE CASCADE,
            article_url TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            shown_date TEXT,
            category TEXT NOT NULL DEFAULT ''
        )
        """
    )
    db.execute("CREATE INDEX idx_page_links_article ON page_links (article_url)")
    db.execute("CREATE INDEX idx_page_links_capture ON page_links (capture_id)")
    db.execute(
        "CREATE INDEX idx_captures_hint_pages ON captures (id) WHERE kind IN ('listing', 'sitemap') "
        "AND record_type = 'response'"
    )
    db.execute(
        "CREATE INDEX idx_captures_unlinked_revisits ON captures (id) WHERE record_type = 'revisit' "
        "AND refers_to_capture_id IS NULL AND imported_file_id IS NOT NULL"
    )


def m0020_rebuilds(db: Database) -> None:
    """Rebuilds kept so that an interrupted one is taken up where it stopped (archive.rebuilds): ``rebuilds`` (the
    run whose captures it reads again, NULL for a full rebuild; the reason its appended versions carry; started,
    finished; counts as JSON) and ``rebuild_urls`` (each canonical URL an unfinished rebuild replayed, whether it
    stored an article there, whether its pages read as no article, that article's later versions, unchanged
    re-captures and versions appended)."""
    db.execute(
        """
        CREATE TABLE rebuilds (
            id INTEGER PRIMARY KEY,
            crawl_id INTEGER REFERENCES crawls(id) ON DELETE CASCADE,
            reason TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            counts TEXT NOT NULL DEFAULT '{}'
        )
        """
    )
    db.execute(
        """
        CREATE TABLE rebuild_urls (
            rebuild_id INTEGER NOT NULL REFERENCES rebuilds(id) ON DELETE CASCADE,
            url TEXT NOT NULL,
            stored INTEGER NOT NULL,
            not_article INTEGER NOT NULL,
            updated INTEGER NOT NULL DEFAULT 0,
            unchanged INTEGER NOT NULL DEFAULT 0,
            appended INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (rebuild_id, url)
        ) WITHOUT ROWID
        """
    )


def origin_of(column: str) -> str:
    """SQL for the origin (scheme, host and the first '/') of the URL in *column*; the URL itself when it has no
    path."""
    slash = f"instr(substr({column}, 9), '/')"
    return f"CASE WHEN {slash} > 0 THEN substr({column}, 1, {slash} + 8) ELSE {column} END"


def m0021_crawl_origins(db: Database) -> None:
    """``crawl_origins``: each address (origin) a crawl or import captured pages of (offsite ones aside), kept by a
    trigger as captures are recorded, so that the profiles reading the archive's URLs (archive.lookup.crawl_profiles,
    at each crawl's start and each lookup of an article by URL) come from a few rows, not a scan of every capture."""
    db.execute(
        """
        CREATE TABLE crawl_origins (
            crawl_id INTEGER NOT NULL REFERENCES crawls(id) ON DELETE CASCADE,
            origin TEXT NOT NULL,
            PRIMARY KEY (crawl_id, origin)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        "CREATE TRIGGER captures_crawl_origin AFTER INSERT ON captures WHEN new.kind != 'offsite' BEGIN "
        f"INSERT OR IGNORE INTO crawl_origins (crawl_id, origin) VALUES (new.crawl_id, {origin_of('new.url')}); END"
    )
    db.execute(
        f"INSERT OR IGNORE INTO crawl_origins (crawl_id, origin) SELECT crawl_id, {origin_of('url')} FROM captures "
        "WHERE kind != 'offsite'"
    )


def m0022_listing_capture_times(db: Database) -> None:
    """An index of the listing captures by URL and time: a rebuild takes each listing URL's capture nearest an
    article's (archive.replay.listing_entries_near), and an import the captures next to the ones it added, with a
    seek each rather than a walk through every capture of a listing URL (a category's first page is captured at
    every crawl)."""
    db.execute("CREATE INDEX idx_captures_listing_times ON captures (url, fetched_at) WHERE kind = 'listing'")


def m0023_articles_checked(db: Database) -> None:
    """An index of the articles by last check: a crawl's start finds the held articles a re-check may find due
    (archive.incremental.IncrementalState.recheck_candidates) from it and the published-date index, not from a
    scan of every article."""
    db.execute("CREATE INDEX idx_articles_checked ON articles (coalesce(last_checked, last_seen))")


def m0024_postings_by_rowid(db: Database) -> None:
    """``search_postings`` as a rowid table with a unique index on (folded, term, segment). As a WITHOUT ROWID table
    its whole rows were the B-tree's keys, blobs of up to megabytes at a million articles, and a page split copies a
    divider key into the parent page: writing a segment's postings cost more as the archive grew (1,332 small rows
    took 3.2 s into a million-article archive), and an import into a large archive spent most of its time there."""
    db.execute(
        """
        CREATE TABLE search_postings_by_rowid (
            id INTEGER PRIMARY KEY,
            folded INTEGER NOT NULL,
            term TEXT NOT NULL,
            segment INTEGER NOT NULL,
            articles BLOB NOT NULL,
            weights BLOB NOT NULL
        )
        """
    )
    db.execute(
        "INSERT INTO search_postings_by_rowid (folded, term, segment, articles, weights) "
        "SELECT folded, term, segment, articles, weights FROM search_postings ORDER BY folded, term, segment"
    )
    db.execute("DROP TABLE search_postings")
    db.execute("ALTER TABLE search_postings_by_rowid RENAME TO search_postings")
    db.execute("CREATE UNIQUE INDEX idx_search_postings_term ON search_postings (folded, term, segment)")


def m0025_postings_top(db: Database) -> None:
    """Each posting of ``search_postings`` says how many articles hold its term (``holders``), and for a term held
    by more than TOP_HOLDERS of its segment's articles keeps the best of them apart (``top``) with a bound on the
    others (``rest``), so that a query for common words ranks a few thousand articles instead of every match
    (archive.ranking)."""
    from dvscrape.archive.terms import fill_tops

    for column in ("holders INTEGER NOT NULL DEFAULT 0", "top BLOB", "rest BLOB"):
        db.execute(f"ALTER TABLE search_postings ADD COLUMN {column}")
    fill_tops(db.conn)


MIGRATIONS: tuple[Migration, ...] = (
    *FIRST_MIGRATIONS,
    m0009_imported_files,
    m0011_documents,
    m0010_one_time_format,
    m0012_site_canonical_urls,
    m0013_published_inferred,
    m0014_version_reasons,
    m0015_qa,
    m0016_deduplication_counts,
    m0017_figures_on_site,
    m0018_search_statistics,
    m0019_hint_pages,
    m0020_rebuilds,
    m0021_crawl_origins,
    m0022_listing_capture_times,
    m0023_articles_checked,
    m0024_postings_by_rowid,
    m0025_postings_top,
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
