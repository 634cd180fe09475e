"""Finding an archived article or capture from a URL as an archivist would paste it.

A URL may be the canonical one stored in ``articles.url``, any variant the site profile canonicalises to it (locale
prefix, asset-publisher or print view, redirect parameters), or the same path on another host (the live portal for an
archive made from a mirror or the replica). Article ids ("42") are accepted too. Then what the commands show of what
was found: the stored article row, the span of the crawls, and the archived WARC record of a capture.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from dvscrape.archive.rows import dict_rows
from dvscrape.errors import ConfigurationError, NotInArchiveError
from dvscrape.sites import get_profile
from dvscrape.sites.profile import SiteProfile
from dvscrape.sites.urls import canonicalize
from dvscrape.warc.reader import WarcRecord, read_record_at

if TYPE_CHECKING:
    from dvscrape.archive.db import Archive

_CAPTURE_ORIGINS = "SELECT crawl_id, origin FROM crawl_origins"  # kept as captures are recorded (m0021)
ARTICLE_CAPTURE = (
    "SELECT c.url, c.fetched_at FROM articles AS a JOIN captures AS c ON c.id = a.capture_id WHERE a.id = ?"
)
"""The URL and time of the capture an article's content comes from (parameter: the article id); Datasette runs it."""
_MAX_CHAIN = 16  # revisits referring to revisits: a longer chain is taken as broken (a loop)
_RECORD_TYPE = "SELECT record_type, refers_to_capture_id FROM captures WHERE id = ?"


def crawl_profiles(conn: sqlite3.Connection, captured: Iterable[tuple[int, str]] | None = None) -> list[SiteProfile]:
    """A profile for every address the archive's crawls fetched from, most recent crawl first: each crawl's recorded
    base URL and the origin of its captures (an archive resumed by an older dvscrape recorded a base URL it did not
    crawl), or of the *captured* ones only ((crawl id, URL) of the captures to be read, so that reading a few does not
    scan every capture). A profile is read from the user's folder of today (DVSCRAPE_PROFILES_DIR) or else the folder
    the crawl recorded; a site with no profile is left out. sites.profile_for picks the one that reads a URL."""
    crawls = {int(crawl_id): (str(site), str(base_url), _profiles_dir(options)) for crawl_id, site, base_url, options
              in conn.execute("SELECT id, site, base_url, options FROM crawls ORDER BY id DESC")}  # fmt: skip
    bases = dict.fromkeys(crawls.values())
    for crawl_id, url in conn.execute(_CAPTURE_ORIGINS) if captured is None else sorted(set(captured)):
        parts = urlsplit(url or "")
        if crawl_id in crawls and parts.scheme in ("http", "https") and parts.netloc:
            site, _, recorded_folder = crawls[crawl_id]
            bases[(site, f"{parts.scheme}://{parts.netloc}", recorded_folder)] = None
    profiles: list[SiteProfile] = []
    for site, base_url, recorded in bases:
        for folder in dict.fromkeys((None, recorded or None)):
            try:
                profiles.append(get_profile(site, base_url, folder))
                break
            except ConfigurationError:
                continue
    return profiles


def _profiles_dir(options: str | None) -> str:
    try:
        recorded = json.loads(options or "{}").get("profiles_dir", "")
    except (ValueError, AttributeError):
        return ""
    return recorded if isinstance(recorded, str) else ""


def candidate_urls(conn: sqlite3.Connection, url: str) -> list[str]:
    """The URLs to look *url* up under, most likely first: as given, canonicalised with each crawl's profile, and
    rebased onto each crawl's base URL and canonicalised."""
    url = url.strip()
    candidates = [url]
    for profile in crawl_profiles(conn):
        parts = urlsplit(url)
        base_parts = urlsplit(profile.base_url)
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


def original_capture_id(conn: sqlite3.Connection, capture_id: int | None) -> int | None:
    """The capture whose record holds the content *capture_id* stands for: itself when it holds a response or
    resource record; for a revisit, the end of its chain (a revisit may refer to a revisit); None when the chain is
    broken (a capture missing, a fetch that wrote no record) or longer than _MAX_CHAIN."""
    current = capture_id
    for _ in range(_MAX_CHAIN):
        found = conn.execute(_RECORD_TYPE, (current,)).fetchone() if current is not None else None
        if found is None:
            return None
        record_type, refers_to = found
        if record_type != "revisit":
            return current if record_type in ("response", "resource") else None
        current = refers_to
    return None


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
    record: dict[str, object] | None = next(iter(dict_rows(cursor)), None)
    if record is None:
        return None
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
    found = dict_rows(conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)))
    if not found:
        raise NotInArchiveError(f"there is no article with id {article_id} in the archive")
    data = found[0]
    for child, columns in (
        ("figures", "image_url, alt, caption"),
        ("attachments", "url, file_name, file_type, content_type, text"),
    ):
        query = f"SELECT {columns} FROM {child} WHERE article_id = ? ORDER BY position"
        data[child] = dict_rows(conn.execute(query, (article_id,)))
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


def replay_home(conn: sqlite3.Connection) -> tuple[str, str, int | None] | None:
    """(URL, capture time, the newest 200 response of it) of the home page at its newest capture with content (a 200
    response, or a revisit that confirmed one); None when none was captured."""
    home = conn.execute(
        """
        SELECT id, url, fetched_at FROM captures
        WHERE kind = 'home' AND warc_record_id IS NOT NULL
          AND (status = 200 OR (status = 304 AND record_type = 'revisit'))
        ORDER BY fetched_at DESC, id DESC LIMIT 1
        """
    ).fetchone()
    if home is None:
        return None
    original = conn.execute(
        "SELECT id FROM captures WHERE canonical_url = (SELECT canonical_url FROM captures WHERE id = ?) "
        "AND status = 200 AND record_type = 'response' ORDER BY fetched_at DESC, id DESC LIMIT 1",
        (home[0],),
    ).fetchone()
    return str(home[1]), str(home[2]), int(original[0]) if original else None


def replay_articles(conn: sqlite3.Connection) -> Iterator[tuple[str, str, str]]:
    """(URL fetched, capture time, title) of every article not gone, at the capture its content comes from, in capture
    order."""
    found = conn.execute(
        """
        SELECT c.url, c.fetched_at, a.title FROM articles AS a JOIN captures AS c ON c.id = a.capture_id
        WHERE c.warc_record_id IS NOT NULL AND a.gone_since IS NULL
        ORDER BY c.fetched_at, a.id
        """
    )
    return ((str(url), str(fetched_at), str(title or url)) for url, fetched_at, title in found)


def captured_origins(conn: sqlite3.Connection) -> list[str]:
    """Every address (scheme://host) the archive's crawls and imports captured pages of, offsite ones aside."""
    return [str(origin) for (origin,) in conn.execute("SELECT DISTINCT origin FROM crawl_origins")]


def archived_capture_times(conn: sqlite3.Connection, urls: Collection[str]) -> set[tuple[str, str]]:
    """(URL, stored capture time) of every capture of *urls* whose WARC record the archive holds."""
    found = conn.execute(
        "SELECT url, fetched_at FROM captures WHERE warc_record_id IS NOT NULL "
        "AND url IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(urls)),),
    )
    return {(str(url), str(fetched_at)) for url, fetched_at in found}


def version_counts(conn: sqlite3.Connection, urls: Collection[str]) -> dict[str, int]:
    """The number of versions of each stored article at *urls*, by URL."""
    found = conn.execute(
        "SELECT articles.url, count(article_versions.id) FROM articles "
        "LEFT JOIN article_versions ON article_versions.article_id = articles.id "
        "WHERE articles.url IN (SELECT value FROM json_each(?)) GROUP BY articles.id",
        (json.dumps(sorted(urls)),),
    )
    return {str(url): int(versions) for url, versions in found}


def version_changes(before: Mapping[str, int], after: Mapping[str, int]) -> tuple[int, int]:
    """(new, updated): the articles of *after* (version_counts once a run has stored) that *before* (version_counts
    of the same URLs before it) did not hold, and those it holds with fewer versions."""
    new = sum(1 for url in after if url not in before)
    return new, sum(1 for url, versions in after.items() if before.get(url, versions) < versions)


SAMPLE_QUERY = "select published_date, category, title from articles order by published_date desc limit 5"
"""The query `dvscrape demo` shows, to be run with sqlite3 as it prints it."""


def sample_articles(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """The rows of SAMPLE_QUERY: (published date, category, title) of the five newest articles."""
    return [(str(published), str(category), str(title)) for published, category, title in conn.execute(SAMPLE_QUERY)]
