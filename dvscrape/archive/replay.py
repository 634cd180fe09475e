"""What a rebuild (runs/rebuild.py: ``dvscrape reextract``, an import, a Wayback run's end) reads of the archive.

A rebuild replays the archived captures of the article URLs it selects (every URL, or the ones an import added
captures of), in capture-date order, each read from its WARC record by its file, offset and length. What a listing
or a sitemap capture shows of an article (the hint pages: the date and category a listing shows next to it, the
lastmod a sitemap gives it) is read from its record once and kept in ``page_links``; ``hint_pages_read`` names every
hint page read, whatever it showed. Rebuilding a few articles thus reads their own captures and the hint pages not
read before, not every listing page of the archive; a full rebuild reads every hint page again (the extractor may read
them differently now). The caller holds the write transaction for the writes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from dvscrape.archive.times import parse_time
from dvscrape.pages.listing import SHOWN_DATE_SOURCES, ListingEntry

GONE_STATUSES = frozenset({404, 410})  # an answer that says the article is gone (Archive.mark_gone)


@dataclass(frozen=True)
class ArchivedPage:
    """A capture to replay, and where its WARC record is."""

    capture_id: int
    crawl_id: int
    url: str
    canonical_url: str
    kind: str
    record_type: str
    status: int
    fetched_at: str
    filename: str
    offset: int
    length: int


_COLUMNS = (
    "c.id, c.crawl_id, c.url, c.canonical_url, c.kind, c.record_type, COALESCE(c.status, 0), c.fetched_at, "
    "c.warc_filename, c.warc_offset, c.warc_length"
)
_HAS_RECORD = "c.warc_filename IS NOT NULL AND c.warc_filename != '' AND c.record_type IN ('response', 'revisit')"
REPLAYED = (
    f"c.kind = 'article' AND {_HAS_RECORD} AND (c.record_type = 'revisit' OR c.status BETWEEN 200 AND 299 "
    f"OR c.status IN ({', '.join(str(status) for status in sorted(GONE_STATUSES))}))"
)
_PICKED = "(SELECT value FROM json_each(?))"


def _pages(cursor: Iterable[tuple[object, ...]]) -> list[ArchivedPage]:
    pages = [ArchivedPage(*row) for row in cursor]  # type: ignore[arg-type]
    return sorted(pages, key=lambda page: (page.fetched_at, page.capture_id))


def article_captures(conn: sqlite3.Connection, canonical_urls: Collection[str]) -> list[ArchivedPage]:
    """Every capture of an article page to replay (a 2xx response, a revisit or a 404/410 answer, with its WARC
    record) of *canonical_urls*, in capture-date order."""
    return _pages(
        conn.execute(
            f"SELECT {_COLUMNS} FROM captures c WHERE c.canonical_url IN {_PICKED} AND {REPLAYED}",
            (json.dumps(sorted(canonical_urls)),),
        )
    )


RESUMED_RUNS = (
    "WITH RECURSIVE runs(id) AS (SELECT ? UNION SELECT crawls.resumed_from FROM crawls JOIN runs "
    "ON crawls.id = runs.id WHERE crawls.resumed_from IS NOT NULL)"
)  # a run and the interrupted runs it resumed (their articles may never have been rebuilt)


def added_article_urls(conn: sqlite3.Connection, crawl_id: int) -> set[str]:
    """The canonical URLs of the article pages the crawl or import *crawl_id* (or a run it resumed) added captures
    of (to replay)."""
    found = conn.execute(
        f"{RESUMED_RUNS} SELECT DISTINCT c.canonical_url FROM captures c WHERE c.crawl_id IN runs AND {REPLAYED}",
        (crawl_id,),
    )
    return {str(url) for (url,) in found}


def hinted_article_urls(conn: sqlite3.Connection, crawl_id: int) -> set[str]:
    """The stored articles whose record rests on a listing hint (no date or no category of the page's own) and whose
    hint a listing capture of the crawl or import *crawl_id* (or of a run it resumed) may change: an article's hint
    comes from each listing URL's capture nearest its own (listing_entries_near), and a new capture can only take
    the place of the earlier captures next to it in time, so the articles it, or those, show."""
    sources = ", ".join(f"'{source}'" for source in sorted(SHOWN_DATE_SOURCES))
    neighbour = (
        "SELECT o.id FROM captures o JOIN hint_pages_read r ON r.capture_id = o.id WHERE o.kind = 'listing' "
        "AND o.url = added.url AND o.crawl_id NOT IN runs AND o.fetched_at {} added.at ORDER BY o.fetched_at {} LIMIT 1"
    )
    found = conn.execute(
        f"""
        {RESUMED_RUNS},
        added(id, url, at) AS (
            SELECT c.id, c.url, c.fetched_at FROM captures c WHERE c.crawl_id IN runs AND c.kind = 'listing'
            AND c.record_type = 'response' AND c.status = 200
        ),
        shown(capture_id) AS (
            SELECT id FROM added
            UNION SELECT ({neighbour.format("<=", "DESC")}) FROM added
            UNION SELECT ({neighbour.format(">=", "ASC")}) FROM added
        )
        SELECT DISTINCT a.url FROM page_links p JOIN articles a ON a.url = p.article_url
        WHERE p.capture_id IN shown
        AND (a.published_source NOT IN ({sources}) OR a.categories IN ('', '[]')
             OR a.flags LIKE '%"categories-from-listing"%')
        """,
        (crawl_id,),
    )
    return {str(url) for (url,) in found}


def related_article_urls(conn: sqlite3.Connection, urls: Collection[str]) -> set[str]:
    """*urls* with what replaying them rebuilds: the URL of every stored article one of their captures was read as,
    and the canonical URLs of that article's other captures (a page that names another canonical address than
    the one it was fetched at)."""
    found = conn.execute(
        f"""
        WITH picked(url) AS {_PICKED},
        rebuilt(id) AS (
            SELECT id FROM articles WHERE url IN picked
            UNION SELECT v.article_id FROM article_versions v JOIN captures c ON c.id = v.capture_id
            WHERE c.canonical_url IN picked
        )
        SELECT url FROM picked
        UNION SELECT url FROM articles WHERE id IN rebuilt
        UNION SELECT c.canonical_url FROM article_versions v JOIN captures c ON c.id = v.capture_id
        WHERE v.article_id IN rebuilt
        """,
        (json.dumps(sorted(urls)),),
    )
    return {str(url) for (url,) in found}


def hint_pages_to_read(conn: sqlite3.Connection, *, again: bool) -> list[ArchivedPage]:
    """The listing (200) and sitemap (2xx) responses not read yet, in capture-date order; with *again*, every one,
    forgetting what was read of them before."""
    if again:
        conn.execute("DELETE FROM page_links")
        conn.execute("DELETE FROM hint_pages_read")
    return _pages(
        conn.execute(
            f"SELECT {_COLUMNS} FROM captures c INDEXED BY idx_captures_hint_pages "
            f"WHERE c.kind IN ('listing', 'sitemap') AND c.record_type = 'response' AND {_HAS_RECORD} "
            "AND ((c.kind = 'listing' AND c.status = 200) OR (c.kind = 'sitemap' AND c.status BETWEEN 200 AND 299)) "
            "AND NOT EXISTS (SELECT 1 FROM hint_pages_read r WHERE r.capture_id = c.id)"
        )
    )


def record_hint_page(conn: sqlite3.Connection, capture_id: int, shown: Iterable[ListingEntry]) -> None:
    """Record what the hint page *capture_id* shows: one entry per article, the last one the page shows of it (for a
    sitemap, the lastmod as its date). The crawl records its listing and sitemap pages as it reads them, a rebuild
    the ones no one read."""
    entries = {entry.url: entry for entry in shown if entry.url}
    conn.execute("INSERT OR REPLACE INTO hint_pages_read (capture_id) VALUES (?)", (capture_id,))
    conn.execute("DELETE FROM page_links WHERE capture_id = ?", (capture_id,))
    conn.executemany(
        "INSERT INTO page_links (capture_id, article_url, title, shown_date, category) VALUES (?, ?, ?, ?, ?)",
        [(capture_id, entry.url, entry.title, entry.published, entry.category) for entry in entries.values()],
    )


def sitemap_lastmod(conn: sqlite3.Connection, canonical_url: str) -> str:
    """The lastmod the newest sitemap capture that lists *canonical_url* gives it ('' when none lists it)."""
    found = conn.execute(
        "SELECT p.shown_date FROM page_links p JOIN captures c ON c.id = p.capture_id "
        "WHERE p.article_url = ? AND c.kind = 'sitemap' ORDER BY c.fetched_at DESC, c.id DESC LIMIT 1",
        (canonical_url,),
    ).fetchone()
    return str(found[0] or "") if found else ""


def listing_entries_near(conn: sqlite3.Connection, canonical_url: str, moment: str) -> dict[str, ListingEntry]:
    """The entry for *canonical_url* of every listing URL that ever showed it, each as captured nearest in time to
    *moment* (the earlier of two equally near), by listing URL (as fetched): a listing capture that no longer shows it
    gives nothing. Only the captures of each listing URL just before and just after *moment* are looked at."""
    side = (
        "SELECT c.id, c.fetched_at FROM captures c JOIN hint_pages_read r ON r.capture_id = c.id "
        "WHERE c.kind = 'listing' AND c.url = shown.url AND c.fetched_at {} :moment ORDER BY c.fetched_at {}, c.id "
        "LIMIT 1"
    )
    at = _seconds(moment)
    nearest: dict[int, str] = {}
    for listing_url, before, after in conn.execute(
        f"""
        WITH shown(url) AS (
            SELECT DISTINCT l.url FROM page_links p JOIN captures l ON l.id = p.capture_id
            WHERE p.article_url = :url AND l.kind = 'listing'
        )
        SELECT shown.url, (SELECT json_array(id, fetched_at) FROM ({side.format("<=", "DESC")})),
               (SELECT json_array(id, fetched_at) FROM ({side.format(">=", "ASC")}))
        FROM shown ORDER BY shown.url
        """,
        {"url": canonical_url, "moment": moment},
    ):
        sides = [json.loads(found) for found in (before, after) if found]
        if sides:
            nearest[min(sides, key=lambda capture: (abs(_seconds(capture[1]) - at), capture[1]))[0]] = listing_url
    if not nearest:
        return {}
    entries = {
        int(capture_id): ListingEntry(str(url), str(title), published, str(category))
        for capture_id, url, title, published, category in conn.execute(
            f"SELECT capture_id, article_url, title, shown_date, category FROM page_links "
            f"WHERE article_url = ? AND capture_id IN {_PICKED}",
            (canonical_url, json.dumps(list(nearest))),
        )
    }
    return {listing_url: entries[capture_id] for capture_id, listing_url in nearest.items() if capture_id in entries}


def _seconds(stored: str) -> float:
    try:
        return parse_time(stored).timestamp()
    except ValueError:
        return 0.0
