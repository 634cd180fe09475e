"""Finding an archived article or capture from a URL as an archivist would paste it.

A URL may be the canonical one stored in ``articles.url``, any variant the site profile canonicalises to it (locale
prefix, asset-publisher or print view, redirect parameters), or the same path on another host (the live portal for an
archive made from a mirror or the replica). Article ids ("42") are accepted too.
"""

from __future__ import annotations

import sqlite3
from urllib.parse import urlsplit, urlunsplit

from dvscrape.errors import ConfigurationError, NotInArchiveError
from dvscrape.sites import get_profile
from dvscrape.sites.urls import canonicalize


def _crawl_bases(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(site, base_url) of every crawl of the archive, most recent first."""
    found = conn.execute("SELECT site, base_url FROM crawls GROUP BY site, base_url ORDER BY max(id) DESC").fetchall()
    return [(str(site), str(base)) for site, base in found]


def candidate_urls(conn: sqlite3.Connection, url: str) -> list[str]:
    """The URLs to look *url* up under, most likely first: as given, canonicalised with each crawl's profile, and
    rebased onto each crawl's base URL and canonicalised."""
    url = url.strip()
    candidates = [url]
    for site, base in _crawl_bases(conn):
        try:
            profile = get_profile(site, base)
        except ConfigurationError:
            continue
        parts = urlsplit(url)
        base_parts = urlsplit(base)
        rebased = urlunsplit((base_parts.scheme, base_parts.netloc, parts.path or "/", parts.query, ""))
        for variant in (url, rebased):
            canonical = canonicalize(variant, profile)
            if canonical:
                candidates.append(canonical)
    return list(dict.fromkeys(candidates))


def find_article_id(conn: sqlite3.Connection, url_or_id: str) -> int:
    """The id of the article *url_or_id* names; raises NotInArchiveError when there is none."""
    text = url_or_id.strip()
    if text.isdigit():
        found = conn.execute("SELECT id FROM articles WHERE id = ?", (int(text),)).fetchone()
        if found:
            return int(found[0])
        raise NotInArchiveError(f"there is no article with id {text} in the archive")
    for candidate in candidate_urls(conn, text):
        found = conn.execute("SELECT id FROM articles WHERE url = ?", (candidate,)).fetchone()
        if found:
            return int(found[0])
    raise NotInArchiveError(f"no archived article has the URL {text} (or its canonical form)")


def find_capture_ids(conn: sqlite3.Connection, url: str) -> list[int]:
    """Ids of the captures of *url* (any variant), oldest first; empty when there is none."""
    ids: list[int] = []
    for candidate in candidate_urls(conn, url):
        found = conn.execute(
            "SELECT id FROM captures WHERE canonical_url = ? OR url = ? ORDER BY fetched_at, id", (candidate, candidate)
        ).fetchall()
        ids.extend(int(row[0]) for row in found if int(row[0]) not in ids)
    return ids


def capture_record(conn: sqlite3.Connection, capture_id: int | None) -> dict[str, object] | None:
    """Where the capture's WARC record is (file, offset, length, record id, digest) and what was fetched, or None
    when there is no such capture."""
    if capture_id is None:
        return None
    cursor = conn.execute(
        "SELECT id AS capture_id, url AS fetched_url, fetched_at, status, content_type, warc_filename, warc_offset, "
        "warc_length, warc_record_id, payload_digest FROM captures WHERE id = ?",
        (capture_id,),
    )
    row = cursor.fetchone()
    if row is None:
        return None
    names = [column[0] for column in cursor.description]
    return dict(zip(names, row, strict=True))
