"""The Datasette configuration dvscrape ships for an archive: descriptions of tables and columns, full-text search
on articles, facets, and canned queries (ranked search with snippets, an article's history, the captures of a URL).

The canned search query calls ``dvscrape_match`` and ``dvscrape_fold``, SQL functions registered by the plugin in
``datasette_plugin.py`` (``dvscrape serve`` loads it). The table search box of ``articles`` works without it: it
searches the accent-folded index as typed, which ignores every Vietnamese accent except đ (type 'd').
"""

from __future__ import annotations

from typing import Any

from dvscrape.archive.search import BODY_WEIGHT, FOLDED_INDEX, SNIPPET_TOKENS, TITLE_WEIGHT
from dvscrape.serving.documents import DOCUMENT_QUERIES, DOCUMENT_TABLES

ARTICLE_COLUMNS: dict[str, str] = {
    "id": "Article id: stable across re-extraction; cite it with the URL.",
    "url": "Canonical URL of the article (one per article, whatever variant was linked).",
    "fetched_url": "The URL actually fetched.",
    "locale": "Locale of the page (vi_VN, en_US…).",
    "title": "Title as published (Unicode NFC, tone marks as published).",
    "html_title": "The page's <title>.",
    "published_date": "Publication date (ISO 8601) as shown on the page, else inferred (see published_inferred).",
    "published_source": "Where published_date was read (page metadata, body text, sitemap…).",
    "published_inferred": (
        "1 when published_date was inferred (the listing entry, or the lede with a year from context), not shown "
        "by the page as its publication date."
    ),
    "modified_date": "Last modification date the page states.",
    "category": "The most specific category of the article.",
    "categories": "Every category, JSON array.",
    "body": "Body text, paragraphs separated by blank lines, without captions or boilerplate.",
    "signature": "The author or source line at the end of the article.",
    "word_count": "Words in the body.",
    "tags": "Tags, JSON array.",
    "flags": "Extraction warnings (missing-title, empty-body, generic-fallback…), JSON array.",
    "template": "Page template the extractor recognised.",
    "content_hash": "SHA-256 of the normalised title and body: equal hashes, same text.",
    "capture_id": "The capture (WARC record) the stored content was extracted from; see articles_provenance.",
    "first_seen": "When the article was first archived.",
    "last_seen": "When the article was last seen on the site.",
    "gone_since": "Date the article first answered 404/410 (empty while it is online).",
}
VERSION_COLUMNS: dict[str, str] = {
    "article_id": "The article (articles.id).",
    "version": "1 for the first archived content, then one more each time title or body changed.",
    "capture_id": "The capture this version was extracted from.",
    "content_hash": "SHA-256 of the normalised title and body of this version.",
    "changed_fields": "Fields that differ from the previous version, JSON array (empty for version 1).",
    "reason": "Why the version was appended when it is not new content from the site: the archived captures were "
    "read again (dvscrape reextract, an import); empty for content as captured.",
    "supersedes": "The earlier version whose capture this version reads again (its corrected reading).",
    "figures": "Figures of this version, JSON array of {image_url, alt, caption}.",
    "seen_at": "When this version was first seen.",
}
CAPTURE_COLUMNS: dict[str, str] = {
    "url": "The URL fetched.",
    "canonical_url": "Its canonical form.",
    "kind": "What the URL is: article, listing, home, sitemap, robots, media, page…",
    "status": "HTTP status; empty when the fetch failed without a response.",
    "fetched_at": "Time of the fetch (the WARC-Date of its record).",
    "warc_filename": "WARC file (in warc/) holding the record.",
    "warc_offset": "Offset of the record's gzip member in the WARC file.",
    "warc_length": "Length of that gzip member.",
    "warc_record_id": "WARC-Record-ID of the response or revisit record.",
    "payload_digest": "WARC-Payload-Digest (sha1, base32) of the response body.",
    "error": "Why the fetch failed, when it did.",
}
CRAWL_COLUMNS: dict[str, str] = {
    "captures": "URLs archived: response and revisit records written (Browsertrix's totalUrls).",
    "revisits": "Duplicate URLs: revisit records, an identical payload or a 304, whose payload was not stored again "
    "(dupeUrls).",
    "unique_digests": "Distinct payload digests of the response records the crawl wrote (uniqueHashes).",
    "bytes_conserved": "Payload bytes the revisits did not store again (conservedSize).",
}
QA_COLUMNS: dict[str, str] = {
    "id": "Row id.",
    "crawl_id": "The crawl whose page was checked (crawls.id).",
    "capture_id": "The page's capture (captures.id).",
    "url": "The page's URL as fetched.",
    "kind": "home, listing, article or page.",
    "checked_at": "When the QA ran (at the end of the crawl, or `dvscrape qa`).",
    "resolves": "1 when the page, looked up in the archive's CDXJ index at its capture time as pywb and "
    "ReplayWeb.page look it up (nearest capture, revisits followed), replays its own capture.",
    "requisites": "Same-host images, stylesheets, scripts, icons and fonts the replayed page (and its stylesheets) "
    "reference.",
    "crawl_good": "Requisites the archive captured with an answer below 400 (Browsertrix's crawlGood).",
    "crawl_bad": "Requisites never captured, or answered with an error (crawlBad).",
    "replay_good": "Requisites that replay: resolved to a 2xx capture at the page's time (replayGood).",
    "replay_bad": "Requisites that do not replay (replayBad); named in missing.",
    "missing": "The requisites that do not replay, JSON array.",
    "text_matches": "1 when the page object reads the replayed page as the stored article (title and body), 0 when "
    "not; empty for a page with no stored article.",
    "problem": "Why the page failed a check.",
    "screenshot_similarity": "Share of pixels (0-1) the live page and its replay in pywb have the same, from "
    "`dvscrape qa --screenshots N`; the photographs are in the archive's qa/ folder.",
}

SEARCH_SQL = f"""
SELECT a.id, a.url, a.title, a.published_date, a.category,
       snippet({FOLDED_INDEX}, 1, '[', ']', '…', {SNIPPET_TOKENS}) AS snippet,
       bm25({FOLDED_INDEX}, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS score
FROM {FOLDED_INDEX} JOIN articles AS a ON a.id = {FOLDED_INDEX}.rowid
WHERE {FOLDED_INDEX} MATCH dvscrape_match(:q)
ORDER BY score, a.id
LIMIT 100
""".strip()

HISTORY_SQL = """
SELECT v.version, v.seen_at, v.changed_fields, v.reason, v.supersedes, v.title, v.published_date, v.category,
       v.signature, v.content_hash, c.warc_filename, c.warc_offset, c.warc_length, c.warc_record_id
FROM article_versions AS v
JOIN articles AS a ON a.id = v.article_id
LEFT JOIN captures AS c ON c.id = v.capture_id
WHERE a.url = :url OR CAST(a.id AS TEXT) = :url
ORDER BY v.version
""".strip()

CAPTURES_SQL = """
SELECT c.id, c.fetched_at, c.url, c.status, c.kind, c.content_type, c.content_length,
       c.warc_filename, c.warc_offset, c.warc_length, c.warc_record_id, c.payload_digest, c.error
FROM captures AS c
WHERE c.canonical_url = :url OR c.url = :url
ORDER BY c.fetched_at, c.id
""".strip()


def _search_config() -> dict[str, str]:
    return {"fts_table": FOLDED_INDEX, "fts_pk": "id", "searchmode": "escaped"}


def datasette_metadata(database: str = "archive") -> dict[str, Any]:
    """Datasette metadata for an archive opened as database *database* (the file name without .sqlite)."""
    return {
        "title": "dvscrape archive",
        "description": "Articles archived from a Vietnamese government portal, with the WARC record each comes from.",
        "databases": {
            database: {
                "tables": {
                    "articles": {
                        "description": "One row per article, latest content; search ignores accents.",
                        "columns": ARTICLE_COLUMNS,
                        "facets": ["category", "signature"],
                        "sort_desc": "published_date",
                        "label_column": "title",
                        **_search_config(),
                    },
                    "article_list": {
                        "description": "Articles with their publication year, for browsing by year, category, "
                        "signature.",
                        "facets": ["year", "category", "signature"],
                        "sort_desc": "published_date",
                        **_search_config(),
                    },
                    "article_versions": {
                        "description": "Every distinct content of each article (version 1..n).",
                        "columns": VERSION_COLUMNS,
                        "facets": ["version"],
                    },
                    "captures": {
                        "description": "Every fetch: status, time and where its WARC record is.",
                        "columns": CAPTURE_COLUMNS,
                        "facets": ["kind", "status", "crawl_id"],
                        "sort_desc": "fetched_at",
                    },
                    "articles_provenance": {
                        "description": "Each article's WARC record (file, offset, length, record id): cite this.",
                    },
                    "figures": {"description": "Images of articles with their captions, in order."},
                    "attachments": {"description": "Documents (PDF, DOC…) linked from articles."},
                    "crawls": {
                        "description": "One row per crawl: when, of what, with what counts.",
                        "columns": CRAWL_COLUMNS,
                    },
                    "qa": {
                        "description": "How each page a crawl archived replays from the archive's own index: "
                        "its capture, its requisites, its text (dvscrape qa).",
                        "columns": QA_COLUMNS,
                        "facets": ["crawl_id", "kind", "resolves", "replay_bad", "text_matches"],
                    },
                    **DOCUMENT_TABLES,
                },
                "queries": {
                    "search": {
                        "title": "Search articles (accents ignored)",
                        "description": 'Words all must match; "quoted words" as a phrase; word* prefix; OR; -word.',
                        "sql": SEARCH_SQL,
                    },
                    "article_history": {
                        "title": "History of an article",
                        "description": "Every version of the article with this canonical URL (or id).",
                        "sql": HISTORY_SQL,
                    },
                    "url_captures": {
                        "title": "Captures of a URL",
                        "description": "Every fetch of a URL (canonical or as fetched), with its WARC record.",
                        "sql": CAPTURES_SQL,
                    },
                    **DOCUMENT_QUERIES,
                },
            }
        },
    }
