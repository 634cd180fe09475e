"""Finding an archived article or capture from a URL as an archivist would paste it.

A URL may be the canonical one stored in ``articles.url``, any variant the site profile canonicalises to it (locale
prefix, asset-publisher or print view, redirect parameters), or the same path on another host (the live portal for an
archive made from a mirror or the replica). Article ids ("42") are accepted too. Then what the commands show of what
was found: the stored article row, the span of the crawls, and the archived WARC record of a capture.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from dvscrape.errors import ConfigurationError, NotInArchiveError
from dvscrape.sites import get_profile
from dvscrape.sites.urls import canonicalize
from dvscrape.warc.reader import WarcRecord, read_record_at

if TYPE_CHECKING:
    from dvscrape.archive.db import Archive


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
        fetched: list[str] = [rebased]
        for variant in (url, rebased):
            canonical = canonicalize(variant, profile)
            if canonical:
                candidates.append(canonical)
                fetched.append(profile.fetch_url(canonical))
        candidates.extend(fetched)  # captures keep the URL fetched (and rows of older archives their canonical)
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
    record: dict[str, object] = dict(zip(names, row, strict=True))
    origin = provenance(conn, capture_id)
    if origin is not None:  # imported from another tool's file (dvscrape import)
        record["imported"] = origin
    return record


def article_span(conn: sqlite3.Connection, article_id: int) -> tuple[str, str, str]:
    """(url, first_seen, last_seen) of the article *article_id*; raises NotInArchiveError when there is none."""
    found = conn.execute("SELECT url, first_seen, last_seen FROM articles WHERE id = ?", (article_id,)).fetchone()
    if found is None:
        raise NotInArchiveError(f"there is no article with id {article_id} in the archive")
    return str(found[0]), str(found[1]), str(found[2])


def stored_article(conn: sqlite3.Connection, article_id: int) -> dict[str, Any]:
    """The stored row of the article *article_id* (every column), with its figures and attachments as lists."""
    cursor = conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,))
    row = cursor.fetchone()
    if row is None:
        raise NotInArchiveError(f"there is no article with id {article_id} in the archive")
    names = [column[0] for column in cursor.description]
    data: dict[str, Any] = dict(zip(names, row, strict=True))
    for child, columns in (
        ("figures", "image_url, alt, caption"),
        ("attachments", "url, file_name, file_type, content_type, text"),
    ):
        cursor = conn.execute(f"SELECT {columns} FROM {child} WHERE article_id = ? ORDER BY position", (article_id,))
        child_names = [column[0] for column in cursor.description]
        data[child] = [dict(zip(child_names, child_row, strict=True)) for child_row in cursor.fetchall()]
    return data


def crawl_span(conn: sqlite3.Connection) -> tuple[str, str, str, str]:
    """(site, base_url, first start, last start) over the archive's crawls; empty strings when there is none."""
    site, base_url, first, last = conn.execute(
        "SELECT site, base_url, min(started), max(started) FROM crawls"
    ).fetchone()
    return str(site or ""), str(base_url or ""), str(first or ""), str(last or "")


def capture_warc_record(archive: Archive, record: Mapping[str, object] | None) -> WarcRecord:
    """The WARC record a capture_record() points to; raises NotInArchiveError when it points to none, and
    ArchiveError when the record cannot be read."""
    if record is None or not record.get("warc_filename"):
        raise NotInArchiveError("this capture has no WARC record")
    path = archive.path_of(str(record["warc_filename"]))
    return read_record_at(path, int(str(record["warc_offset"])), int(str(record["warc_length"])))


def newest_response(archive: Archive, url: str) -> WarcRecord:
    """The newest archived 200 response for *url* (any variant of it); raises NotInArchiveError when none."""
    conn = archive.db.conn
    for capture_id in reversed(find_capture_ids(conn, url)):
        record = capture_record(conn, capture_id)
        if record is not None and record.get("status") == 200 and record.get("warc_filename"):
            return capture_warc_record(archive, record)
    raise NotInArchiveError(f"{url} has no archived 200 response in {archive.directory}")


def provenance(conn: sqlite3.Connection, capture_id: int | None) -> dict[str, object] | None:
    """Where an imported capture came from (file, package member, tool, original capture date), or None for a
    capture dvscrape fetched itself."""
    if capture_id is None:
        return None
    try:
        found = conn.execute(
            "SELECT f.source, f.member, f.stored_name, f.tool, f.warc_version, f.sha256, c.fetched_at, f.imported_at "
            "FROM captures AS c JOIN imported_files AS f ON f.id = c.imported_file_id WHERE c.id = ?",
            (capture_id,),
        ).fetchone()
    except sqlite3.Error:  # an archive opened read-only before the imports migration
        return None
    if found is None:
        return None
    keys = ("source", "member", "stored_name", "tool", "warc_version", "sha256", "captured_at", "imported_at")
    return dict(zip(keys, found, strict=True))


def captured_urls(conn: sqlite3.Connection, kind: str) -> list[str]:
    """The canonical URLs of every capture of *kind* (listing, article, …), each once."""
    return [str(row[0]) for row in conn.execute("SELECT DISTINCT canonical_url FROM captures WHERE kind = ?", (kind,))]


def archived_capture_times(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    """(URL, stored capture time) of every capture whose WARC record the archive holds."""
    found = conn.execute("SELECT url, fetched_at FROM captures WHERE warc_record_id IS NOT NULL")
    return {(str(url), str(fetched_at)) for url, fetched_at in found}


def version_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """The number of versions of every stored article, by URL."""
    found = conn.execute(
        "SELECT articles.url, count(article_versions.id) FROM articles "
        "LEFT JOIN article_versions ON article_versions.article_id = articles.id GROUP BY articles.id"
    )
    return {str(url): int(versions) for url, versions in found}
