"""The sitemap as the previous visit saw it: the lastmod of each URL it listed, read back from the WARC
files, so that a crawl compares the site's lastmod with the site's own earlier lastmod, never with the crawler's
clock (sites print local time, often with no zone).

The previous visit is the newest finished crawl that was not interrupted and archived a sitemap (a 200 response,
or a revisit of one: the original it refers to is read). A URL that crawl failed to fetch (no answer, 5xx, 429) is
left out: its earlier lastmod says nothing about what the archive holds, so the re-check policy decides for it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from dvscrape.archive.lookup import crawl_profiles, original_capture_id
from dvscrape.errors import DvscrapeError, ExtractionError
from dvscrape.pages.sitemap import read_sitemap
from dvscrape.sites import profile_for
from dvscrape.sites.urls import classify
from dvscrape.warc.payload import decoded_payload
from dvscrape.warc.reader import read_record_at

_BASELINE_CRAWL = """
SELECT crawls.id FROM crawls
WHERE crawls.finished IS NOT NULL AND crawls.status NOT LIKE 'interrupted%'
  AND EXISTS (SELECT 1 FROM captures WHERE captures.crawl_id = crawls.id AND captures.kind = 'sitemap'
              AND ((captures.record_type = 'response' AND captures.status = 200)
                   OR captures.record_type = 'revisit'))
ORDER BY crawls.id DESC LIMIT 1
"""
_CAPTURE = "SELECT status, warc_filename, warc_offset, warc_length FROM captures WHERE id = ?"


@dataclass(frozen=True)
class PreviousSitemap:
    """What the previous visit's sitemap said: lastmod by canonical URL ('' when listed without one)."""

    crawl_id: int | None = None
    lastmods: dict[str, str] = field(default_factory=dict)

    def __contains__(self, canonical_url: str) -> bool:
        return canonical_url in self.lastmods

    def lastmod(self, canonical_url: str) -> str | None:
        """The lastmod the previous visit's sitemap gave *canonical_url*; None when it did not list it."""
        return self.lastmods.get(canonical_url)


def previous_sitemap(conn: sqlite3.Connection, warc_dir: Path) -> PreviousSitemap:
    """The previous visit's sitemap lastmods, keyed by canonical URL (entries read by the profile of the address the
    sitemap was fetched from, as the crawl read them: a replica's sitemap names its own port); empty when no crawl
    archived one."""
    found = conn.execute(_BASELINE_CRAWL).fetchone()
    if found is None:
        return PreviousSitemap()
    crawl_id = int(found[0])
    profiles = crawl_profiles(conn)
    lastmods: dict[str, str] = {}
    captured = conn.execute(
        "SELECT id, url FROM captures WHERE crawl_id = ? AND kind = 'sitemap' ORDER BY id", (crawl_id,)
    ).fetchall()
    for capture_id, url in captured:
        profile = profile_for(url, profiles)  # a sitemap's entries are read as the crawl read them: by its address
        if profile is None:
            continue
        try:
            pages = read_sitemap(_payload(conn, warc_dir, capture_id)).pages
        except ExtractionError:
            continue
        for loc, lastmod in pages:
            key = classify(profile.fetch_url(loc), profile).canonical
            if key:
                lastmods[key] = lastmod
    failed = conn.execute(
        "SELECT DISTINCT canonical_url FROM captures WHERE crawl_id = ? AND (status IS NULL OR status >= 500 "
        "OR status = 429)",
        (crawl_id,),
    ).fetchall()
    for (url,) in failed:
        lastmods.pop(url, None)
    return PreviousSitemap(crawl_id, lastmods)


def _payload(conn: sqlite3.Connection, warc_dir: Path, capture_id: int) -> bytes:
    """The decoded payload of the 200 response a capture holds or (for a revisit) stands for; b'' when unreadable."""
    found = conn.execute(_CAPTURE, (original_capture_id(conn, capture_id),)).fetchone()
    if found is None or found[0] != 200 or not found[1]:
        return b""
    status, filename, offset, length = found
    try:
        return decoded_payload(read_record_at(warc_dir / filename, int(offset), int(length), check_digests=False))
    except (DvscrapeError, OSError, ValueError):
        return b""
