"""What an incremental or resumed crawl needs to know about the archive before it starts.

IncrementalState is loaded once per crawl and reads each URL's rows when the crawl first asks (one indexed SELECT):

- ``last_capture(url)``: the latest capture holding a full 200 response record for a canonical URL (a revisit is
  followed to the capture it refers to), with the validators (ETag, Last-Modified) for a conditional request and the
  WARC-Target-URI / WARC-Date / WARC-Record-ID a new revisit record must refer to;
- ``article(url)``: the article already held, and ``recheck_candidates(now, policy)`` the held articles that may be
  due for a re-check;
- ``is_due(url, now, policy)``: whether a URL should be fetched again now, under a RecheckPolicy.

This module reads the archive only; the writes of an incremental crawl are Archive.record_capture (with record_type
'revisit'), save_article, touch_article and mark_gone; what a crawl fetches of what it holds is decided by
capture.planner.FetchPlanner from this state.

A crawl that starts (capture.session.CrawlSession.open) does, holding the crawl lock::

    interrupted = archive.unfinished_crawl(site)
    recover_after_crash(archive) if interrupted else check_newest_warc(archive.warc_dir)   # archive.recovery
    crawl_id = archive.resume_crawl(interrupted) if interrupted else archive.begin_crawl(site, base_url, options)
    state = IncrementalState.load(archive, resume_crawl_id=interrupted)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta

from dvscrape.archive.db import Archive
from dvscrape.archive.lookup import original_capture_id
from dvscrape.archive.times import day_of, parse_time
from dvscrape.warc.model import RevisitTarget, target_uri

# Each lookup reads one URL's rows through an index, and only captures recorded before the crawl started (id at
# most the snapshot's): what a crawl asks costs what it visits, not what the archive holds.
# The latest capture of a canonical URL that is a 200 response record or a revisit referring to a capture; columns
# as _CAPTURE_BY_ID (a revisit is replaced by the capture holding its content).
_LATEST_CAPTURE = """
SELECT id, url, fetched_at, warc_record_id, payload_digest, etag, last_modified, kind, record_type, status,
       content_length
FROM captures
WHERE canonical_url = ? AND id <= ?
  AND ((record_type = 'response' AND status = 200 AND warc_record_id IS NOT NULL)
       OR (record_type = 'revisit' AND refers_to_capture_id IS NOT NULL))
ORDER BY id DESC LIMIT 1
"""
_CAPTURE_BY_ID = """
SELECT id, url, fetched_at, warc_record_id, payload_digest, etag, last_modified, kind, record_type, status,
       content_length
FROM captures WHERE id = ?
"""
_ARTICLE = """
SELECT articles.id, articles.published_date, articles.first_seen, articles.last_seen, articles.last_checked,
       articles.gone_since, articles.gone_status, articles.capture_id, captures.crawl_id
FROM articles LEFT JOIN captures ON captures.id = articles.capture_id
WHERE articles.url = ? AND articles.id <= ?
"""
# The latest answered fetch (a WARC record was written: a response or a revisit) of a page that is neither an article
# nor a listing, of a page requisite, or of an article URL (kept when that answer was 404/410).
_LATEST_PAGE_FETCH = """
SELECT kind, status, fetched_at FROM captures
WHERE canonical_url = ? AND id <= ? AND kind IN ('page', 'requisite', 'article') AND record_type != ''
ORDER BY id DESC LIMIT 1
"""
# Whether an image, document or page requisite was archived (a 200 response or a revisit) under a WARC-Target-URI:
# the URL itself, or the URL with a fragment (never sent to the server).
_MEDIA_HELD = """
SELECT 1 FROM captures
WHERE (url = :target OR (url > :target || '#' AND url < :target || '$')) AND id <= :snapshot
  AND kind IN ('media', 'requisite') AND ((record_type = 'response' AND status = 200) OR record_type = 'revisit')
LIMIT 1
"""
# Held articles a re-check may find due (is_due decides): published within month_days or undated, or not checked
# within the old interval (a day of margin on each bound: stored times carry their own UTC offsets).
_RECHECK_CANDIDATES = """
SELECT url FROM articles
WHERE published_date IS NULL OR published_date >= :month_bound OR coalesce(last_checked, last_seen) < :checked_bound
"""


@dataclass(frozen=True)
class KnownCapture:
    """The capture of a canonical URL whose WARC response record holds the content last fetched (status 200).

    *url* is the record's WARC-Target-URI, *warc_date* its WARC-Date (captures.fetched_at as the capture
    middleware stores it), *record_id* its WARC-Record-ID: what a revisit record refers to (revisit_target()).
    """

    canonical_url: str
    capture_id: int
    url: str
    warc_date: str
    record_id: str
    payload_digest: str
    etag: str
    last_modified: str
    kind: str
    content_length: int = 0  # of its payload: what a revisit of it does not store again

    def revisit_target(self) -> RevisitTarget:
        """The RevisitTarget for WarcWriter.write_revisit(refers_to=...)."""
        return RevisitTarget(target_uri=self.url, date=parse_time(self.warc_date), record_id=self.record_id)

    def conditional_headers(self) -> tuple[tuple[str, str], ...]:
        """The request headers of a conditional re-fetch: If-None-Match and/or If-Modified-Since (may be empty)."""
        headers: list[tuple[str, str]] = []
        if self.etag:
            headers.append(("If-None-Match", self.etag))
        if self.last_modified:
            headers.append(("If-Modified-Since", self.last_modified))
        return tuple(headers)


@dataclass(frozen=True)
class KnownArticle:
    """An article held in the archive, as IncrementalState sees it.

    *last_checked* is the ISO time of the last fetch or revisit (last_seen for rows the migration could not tell),
    *gone_since* the ISO date of its first 404/410 answer (None while live), *crawl_id* the crawl of the capture its
    content comes from (None when that capture is unknown).
    """

    url: str
    article_id: int
    published_date: str | None
    first_seen: str
    last_seen: str
    last_checked: str | None
    gone_since: str | None
    gone_status: int | None
    capture_id: int | None
    crawl_id: int | None

    @property
    def is_gone(self) -> bool:
        """Whether the article answered 404/410 at its last check."""
        return self.gone_since is not None


@dataclass(frozen=True)
class RecheckPolicy:
    """How often a held article is fetched again, by its age (calendar days since its published date).

    - published within *recent_days* (7): every *recent_interval_hours* (0: every run);
    - within *month_days* (60): every *month_interval_days* (3);
    - older: every *old_interval_days* (30). Articles that are gone (404/410) and articles without a published
      date are re-checked on the old and the month interval respectively.

    Pages that are neither articles nor listings (static pages such as 'Giới thiệu', 'Liên hệ') are re-checked every
    *page_interval_days* (7), and one that answered 404/410 (a dead menu link) every *missing_page_interval_days* (30).

    An interval counts from the article's last check (last_checked). *stop_after_known* (10) is for the spider's
    listing pager: stop paging a listing after a run of this many entries already held.
    """

    recent_days: int = 7
    recent_interval_hours: float = 0
    month_days: int = 60
    month_interval_days: float = 3
    old_interval_days: float = 30
    stop_after_known: int = 10
    page_interval_days: float = 7
    missing_page_interval_days: float = 30

    def __post_init__(self) -> None:
        for name in (field.name for field in fields(self) if field.name != "stop_after_known"):
            if getattr(self, name) < 0:
                raise ValueError(f"RecheckPolicy.{name} must not be negative, got {getattr(self, name)}")
        if self.month_days < self.recent_days:
            raise ValueError(f"RecheckPolicy.month_days ({self.month_days}) is less than recent_days")
        if self.stop_after_known < 1:
            raise ValueError(f"RecheckPolicy.stop_after_known must be at least 1, got {self.stop_after_known}")

    def interval(self, published: date | None, *, today: date, gone: bool = False) -> timedelta:
        """The re-check interval of an article published on *published* (None: unknown), as of *today*."""
        if gone:
            return timedelta(days=self.old_interval_days)
        if published is None:
            return timedelta(days=self.month_interval_days)
        age = (today - published).days
        if age <= self.recent_days:
            return timedelta(hours=self.recent_interval_hours)
        if age <= self.month_days:
            return timedelta(days=self.month_interval_days)
        return timedelta(days=self.old_interval_days)


# id, url, fetched_at, record id, digest, etag, last_modified, kind, content_length
_CaptureRow = tuple[int, str, str, str, str, str, str, str, int]
_ArticleRow = tuple[int, str | None, str, str, str | None, str | None, int | None, int | None, int | None]


class IncrementalState:
    """The archive's captures and articles as one crawl needs them, by canonical URL.

    A URL's rows are read from the archive when the crawl first asks for them and kept. Only rows that existed when
    the crawl started are seen (ids up to the last ones at load()): the captures the crawl records and the articles
    it stores are not, however late the crawl first asks (a listing page showing articles this run just stored does
    not count them as held). The dictionaries given to the constructor are answers already known (the planner's
    tests give them without an archive).
    """

    def __init__(
        self,
        captures: dict[str, _CaptureRow | None],
        articles: dict[str, _ArticleRow | None],
        done_urls: frozenset[str],
        resumed_crawl_ids: frozenset[int],
        page_fetches: dict[str, tuple[int | None, str] | None] | None = None,
        media_urls: frozenset[str] = frozenset(),
        *,
        conn: sqlite3.Connection | None = None,
        snapshot: int = 0,
        articles_snapshot: int = 0,
    ) -> None:
        self._captures = captures
        self._articles = articles
        self._done = done_urls
        self.resumed_crawl_ids = resumed_crawl_ids
        self._page_fetches = page_fetches if page_fetches is not None else {}
        self._media: dict[str, bool] = dict.fromkeys(media_urls, True)
        self._conn = conn
        self._snapshot = snapshot
        self._articles_snapshot = articles_snapshot

    @classmethod
    def load(cls, archive: Archive, *, resume_crawl_id: int | None) -> IncrementalState:
        """The state of *archive* as the crawl starts. With *resume_crawl_id* (the interrupted crawl, or the crawl
        that resumed it: the chain of ``resumed_from`` is followed both ways up to the interrupted runs), the URLs
        those runs already fetched are not due again (see is_due)."""
        conn = archive.db.conn
        (snapshot,) = conn.execute("SELECT coalesce(max(id), 0) FROM captures").fetchone()
        (articles,) = conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()
        state = cls(
            {}, {}, frozenset(), frozenset(), conn=conn, snapshot=int(snapshot), articles_snapshot=int(articles)
        )
        if resume_crawl_id is not None:
            state.resumed_crawl_ids = _resume_chain(conn, resume_crawl_id)
            state._done = _done_urls(conn, state.resumed_crawl_ids, state)
        return state

    def _capture_row(self, canonical_url: str) -> _CaptureRow | None:
        if canonical_url in self._captures or self._conn is None or not self._snapshot:  # no capture before the crawl
            return self._captures.get(canonical_url)
        found = self._conn.execute(_LATEST_CAPTURE, (canonical_url, self._snapshot)).fetchone()
        if found is not None and found[8] == "revisit":
            original = original_capture_id(self._conn, found[0])
            found = self._conn.execute(_CAPTURE_BY_ID, (original,)).fetchone() if original is not None else None
        row: _CaptureRow | None = None
        if found is not None and found[8] == "response" and found[9] == 200 and found[3]:
            row = (found[0], found[1], found[2], found[3], found[4] or "", found[5] or "", found[6] or "", found[7],
                   found[10] or 0)  # fmt: skip
        self._captures[canonical_url] = row
        return row

    def _article_row(self, canonical_url: str) -> _ArticleRow | None:
        if canonical_url in self._articles or self._conn is None:
            return self._articles.get(canonical_url)
        found = self._conn.execute(_ARTICLE, (canonical_url, self._articles_snapshot)).fetchone()
        self._articles[canonical_url] = tuple(found) if found is not None else None
        return self._articles[canonical_url]

    def _page_fetch(self, canonical_url: str) -> tuple[int | None, str] | None:
        if canonical_url in self._page_fetches or self._conn is None or not self._snapshot:
            return self._page_fetches.get(canonical_url)
        found = self._conn.execute(_LATEST_PAGE_FETCH, (canonical_url, self._snapshot)).fetchone()
        answer = None
        if found is not None and (found[0] != "article" or found[1] in (404, 410)):
            answer = (found[1], str(found[2]))
        self._page_fetches[canonical_url] = answer
        return answer

    def last_capture(self, canonical_url: str) -> KnownCapture | None:
        """The capture holding the content last fetched for *canonical_url* (a 200 response record), or None."""
        row = self._capture_row(canonical_url)
        # the row's columns are KnownCapture's fields in order
        return None if row is None else KnownCapture(canonical_url, row[0], target_uri(row[1]), *row[2:])

    def archived_media_url(self, url: str) -> bool:
        """Whether an image, document or page requisite was archived under the fetched URL *url* itself (not only
        under a variant)."""
        target = target_uri(url)
        if target not in self._media and self._conn is not None and self._snapshot:
            query = {"target": target, "snapshot": self._snapshot}
            self._media[target] = self._conn.execute(_MEDIA_HELD, query).fetchone() is not None
        return self._media.get(target, False)

    def recheck_candidates(self, now: datetime, policy: RecheckPolicy) -> list[str]:
        """The held articles whose re-check may be due at *now* under *policy* (is_due decides), by URL."""
        if self._conn is None:
            return sorted(url for url, row in self._articles.items() if row is not None)
        bounds = {
            "month_bound": (now.astimezone(UTC).date() - timedelta(days=policy.month_days + 2)).isoformat(),
            "checked_bound": (now - timedelta(days=policy.old_interval_days - 1)).astimezone(UTC).isoformat(),
        }
        return sorted(str(url) for (url,) in self._conn.execute(_RECHECK_CANDIDATES, bounds))

    def article(self, canonical_url: str) -> KnownArticle | None:
        """The article held at *canonical_url*, or None."""
        row = self._article_row(canonical_url)
        return None if row is None else KnownArticle(canonical_url, *row)

    def fetched_in_resumed_crawl(self, canonical_url: str) -> bool:
        """Whether the interrupted run(s) being resumed already fetched and stored *canonical_url*."""
        return canonical_url in self._done

    def is_due(
        self,
        canonical_url: str,
        now: datetime,
        policy: RecheckPolicy,
        *,
        lastmod: str = "",
        previous_lastmod: str | None = None,
    ) -> bool:
        """Whether *canonical_url* should be fetched in this run at *now* (timezone-aware).

        False when the interrupted run being resumed already fetched it (for an article: and stored it). Otherwise
        True for any URL that is not a held article (new articles, listings, media: capture.planner decides what
        to ask). For a held article the site decides when it can: with the sitemap's *lastmod* now and the
        *previous_lastmod* the previous visit's sitemap gave it (None: not listed then), it is due exactly when the
        two differ, in either direction (never compared with the crawler's clock: sites print local time, often
        without a zone). Otherwise it is due when its policy interval has passed since its last check.
        """
        if now.tzinfo is None:
            raise ValueError(f"is_due needs a timezone-aware time, got naive {now!r}")
        if canonical_url in self._done:
            return False
        row = self._article_row(canonical_url)
        if row is None:
            return True
        published_text, last_seen, last_checked, gone_since = row[1], row[3], row[4], row[5]
        if lastmod and previous_lastmod is not None:
            return lastmod.strip() != previous_lastmod.strip()
        try:
            last = parse_time(last_checked or last_seen)
        except ValueError:
            return True
        interval = policy.interval(
            day_of(published_text), today=now.astimezone(UTC).date(), gone=gone_since is not None
        )
        return now - last >= interval

    def page_due(self, canonical_url: str, now: datetime, policy: RecheckPolicy) -> bool:
        """Whether a page that is neither an article nor a listing (a static page, a menu link), a page requisite
        or a link that answered 404/410 is fetched at *now*: never fetched, or its interval (page_interval_days;
        missing_page_interval_days after a 404/410) has passed since its last answered fetch (a 304 counts)."""
        if canonical_url in self._done:
            return False
        fetched = self._page_fetch(canonical_url)
        if fetched is None:
            return True
        status, fetched_at = fetched
        try:
            last = parse_time(fetched_at)
        except ValueError:
            return True
        days = policy.missing_page_interval_days if status in (404, 410) else policy.page_interval_days
        return now - last >= timedelta(days=days)

    def answered_missing(self, canonical_url: str) -> bool:
        """Whether the latest answer for *canonical_url* (a page, requisite or article link) was 404/410."""
        fetched = self._page_fetch(canonical_url)
        return fetched is not None and fetched[0] in (404, 410)


def _resume_chain(conn: sqlite3.Connection, crawl_id: int) -> frozenset[int]:
    """*crawl_id* and the crawls it continues (resumed_from, transitively)."""
    parents = dict(conn.execute("SELECT id, resumed_from FROM crawls").fetchall())
    chain: set[int] = set()
    current: int | None = crawl_id
    while current is not None and current not in chain:
        chain.add(current)
        current = parents.get(current)
    return frozenset(chain)


def _done_urls(conn: sqlite3.Connection, crawl_ids: Iterable[int], state: IncrementalState) -> frozenset[str]:
    """Canonical URLs the runs *crawl_ids* fetched with a WARC record. An article page (200 or 304) counts only
    when its article was stored or touched at or after that fetch, so a run killed between fetch and store fetches
    it again."""
    ids = sorted(crawl_ids)
    if not ids:
        return frozenset()
    placeholders = ", ".join("?" for _ in ids)
    done: set[str] = set()
    for url, kind, status, fetched_at in conn.execute(
        f"SELECT canonical_url, kind, status, fetched_at FROM captures "
        f"WHERE crawl_id IN ({placeholders}) AND record_type != '' ORDER BY id",
        ids,
    ):
        if status is None or status >= 500 or status == 429:
            continue  # a transient server failure is not done: the resumed run tries again
        if kind == "article" and status in (200, 304):
            held = state.article(url)
            checked = held.last_checked if held is not None else None
            if not checked or not _not_before(checked, fetched_at):
                done.discard(url)
                continue
        done.add(url)
    return frozenset(done)


def _not_before(later: str, earlier: str) -> bool:
    """Whether ISO time *later* is at or after *earlier* (False when either cannot be read)."""
    try:
        return parse_time(later) >= parse_time(earlier)
    except ValueError:
        return False
