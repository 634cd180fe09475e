"""The `qa` table: how each page a crawl archived replays from the archive's own index (runs/qa.py checks it),
and the statements that read what the check needs (the crawl's pages, the captures of requisites, the stored
article) and store what it found."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dvscrape.archive.db import Archive
from dvscrape.archive.lookup import original_capture_id
from dvscrape.archive.rows import to_json
from dvscrape.archive.times import now_stored
from dvscrape.errors import NotInArchiveError

PAGE_KINDS = ("home", "listing", "article", "page")
_PAGES = f"""
SELECT id, url, canonical_url, kind, fetched_at FROM captures
WHERE crawl_id = ? AND kind IN ({", ".join(f"'{kind}'" for kind in PAGE_KINDS)}) AND warc_record_id IS NOT NULL
  AND (status = 200 OR record_type = 'revisit')
ORDER BY fetched_at, id
"""
_RECORD = "SELECT warc_filename, warc_offset, payload_digest FROM captures WHERE id = ?"
# The content of the article at a capture: the newest reading of the newest version captured at or before it.
_STORED_ARTICLE = """
SELECT v.content_hash, v.title FROM article_versions AS v
JOIN articles AS a ON a.id = v.article_id JOIN captures AS c ON c.id = v.capture_id
WHERE a.url = ? AND c.fetched_at <= ?
ORDER BY c.fetched_at DESC, v.version DESC LIMIT 1
"""
_INSERT = """
INSERT INTO qa (crawl_id, capture_id, url, kind, checked_at, resolves, requisites, crawl_good, crawl_bad,
                replay_good, replay_bad, missing, text_matches, problem)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


@dataclass(frozen=True)
class PageCapture:
    """A page a crawl archived (a 200 response or a revisit of one): what QA replays, and the record that holds its
    content (for a revisit, the response at the end of its chain; none for a broken chain)."""

    capture_id: int
    url: str
    canonical_url: str
    kind: str
    fetched_at: str
    warc_filename: str
    warc_offset: int
    payload_digest: str


@dataclass(frozen=True)
class PageCheck:
    """What QA found of one page (a row of the `qa` table)."""

    page: PageCapture
    resolves: bool
    crawl_good: int = 0
    crawl_bad: int = 0
    replay_good: int = 0
    replay_bad: int = 0
    missing: tuple[str, ...] = ()
    text_matches: bool | None = None
    problem: str = ""

    @property
    def complete(self) -> bool:
        """The page resolves to its capture and every requisite to a 2xx capture."""
        return self.resolves and not self.missing


def newest_crawl(conn: sqlite3.Connection) -> int:
    """The id of the archive's newest crawl; NotInArchiveError when it has none."""
    found = conn.execute("SELECT max(id) FROM crawls").fetchone()
    if found is None or found[0] is None:
        raise NotInArchiveError("the archive has no crawl to check")
    return int(found[0])


def crawl_site(conn: sqlite3.Connection, crawl_id: int) -> tuple[str, str]:
    """(site, base_url) of the crawl *crawl_id*; NotInArchiveError when there is none."""
    found = conn.execute("SELECT site, base_url FROM crawls WHERE id = ?", (crawl_id,)).fetchone()
    if found is None:
        raise NotInArchiveError(f"there is no crawl {crawl_id} in the archive")
    return str(found[0]), str(found[1])


def crawl_pages(conn: sqlite3.Connection, crawl_id: int) -> list[PageCapture]:
    """The pages (home, listings, articles, other pages) crawl *crawl_id* archived with content, in fetch order."""
    pages: list[PageCapture] = []
    for capture_id, url, canonical_url, kind, fetched_at in conn.execute(_PAGES, (crawl_id,)).fetchall():
        holder = original_capture_id(conn, capture_id)  # a revisit's content is in the response it refers to
        found = conn.execute(_RECORD, (holder,)).fetchone() if holder is not None else None
        filename, offset, digest = found or ("", 0, "")
        pages.append(PageCapture(capture_id, url, canonical_url, kind, fetched_at, filename, offset, digest or ""))
    return pages


def fetched_well(conn: sqlite3.Connection, urls: Sequence[str]) -> set[str]:
    """Those of *urls* the archive holds a capture of that was answered without error (status below 400)."""
    found: set[str] = set()
    for start in range(0, len(urls), 500):
        chunk = urls[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = conn.execute(f"SELECT DISTINCT url FROM captures WHERE url IN ({marks}) AND status < 400", chunk)
        found.update(str(row[0]) for row in rows)
    return found


def stored_article(conn: sqlite3.Connection, canonical_url: str, fetched_at: str) -> tuple[str, str] | None:
    """(content hash, title) of the article at *canonical_url* as stored for a capture at *fetched_at*, or None
    when the archive holds no article there."""
    found = conn.execute(_STORED_ARTICLE, (canonical_url, fetched_at)).fetchone()
    return None if found is None else (str(found[0]), str(found[1] or ""))


def store_checks(archive: Archive, crawl_id: int, checks: Iterable[PageCheck]) -> None:
    """Replace the QA rows of crawl *crawl_id* with *checks*."""
    checked_at = now_stored()
    with archive.transaction("record the QA of the crawl"):
        conn = archive.db.conn
        conn.execute("DELETE FROM qa WHERE crawl_id = ?", (crawl_id,))
        conn.executemany(_INSERT, [_row(crawl_id, checked_at, check) for check in checks])


def _row(crawl_id: int, checked_at: str, c: PageCheck) -> tuple[object, ...]:
    """The `qa` row of one check, in the columns of _INSERT."""
    text_matches = None if c.text_matches is None else int(c.text_matches)
    return (crawl_id, c.page.capture_id, c.page.url, c.page.kind, checked_at, int(c.resolves),
            c.crawl_good + c.crawl_bad, c.crawl_good, c.crawl_bad, c.replay_good, c.replay_bad, to_json(c.missing),
            text_matches, c.problem)  # fmt: skip


def store_similarity(archive: Archive, crawl_id: int, capture_id: int, similarity: float) -> None:
    """Record the pixel similarity of the live and replayed screenshots of a checked page."""
    with archive.transaction("record a QA screenshot similarity"):
        archive.db.conn.execute(
            "UPDATE qa SET screenshot_similarity = ? WHERE crawl_id = ? AND capture_id = ?",
            (similarity, crawl_id, capture_id),
        )
