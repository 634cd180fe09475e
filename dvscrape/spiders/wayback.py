"""The Wayback mode of a crawl: the site's past fetched from a web archive instead of the site.

WaybackSpider asks the archive's CDX API for every capture of the site's host, keeps those of article, listing,
home and sitemap URLs (as the site profile classifies them: locale prefixes, redirect parameters and the other URL
forms it canonicalises map to one page), collapses them by digest, and fetches each remaining capture raw (``id_``)
through the ordinary Scrapy machinery: the same delay, AutoThrottle, concurrency, retry and back-off settings as a
live crawl. Captures already in the archive (same original URL and capture time) are not fetched again, so a killed
run is resumed by running the same command.

WaybackCaptureMiddleware takes the place of the crawl's WarcCaptureMiddleware for this spider: each raw capture is
written as a response record whose WARC-Target-URI and WARC-Date are the original URL and capture time (so
extraction, history and replay see the page as it was), with WARC-Source-URI (the address fetched) and
WARC-Creation-Date (when); its request record is the request really sent to the archive. The CDX answers are
archived too, as what they are. Articles are extracted after the fetches, by re-extraction in capture-date order
(wayback/run.py).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from dvscrape.archive.records import Capture
from dvscrape.capture.cdx import KEPT_STATUSES, ArchivedCapture, WaybackServer, collapsed, parse_cdx, resume_key
from dvscrape.capture.extension import ArchiveExtension
from dvscrape.errors import ArchiveError
from dvscrape.sites import get_profile
from dvscrape.sites.urls import UrlKind, classify
from dvscrape.warc.model import HttpExchange, warc_date

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

ORIGINAL_KEY = "dvscrape_wayback_original"  # (original URL, capture time ISO) of a raw-capture request
WANTED_KINDS = frozenset({UrlKind.ARTICLE, UrlKind.LISTING, UrlKind.HOME, UrlKind.SITEMAP})


class WaybackSpider(scrapy.Spider):
    """See the module. Arguments: site, base_url (the site's address in the archive's captures), wayback_url,
    since and until (dates, inclusive)."""

    name = "wayback"
    custom_settings = {
        "DOWNLOADER_MIDDLEWARES": {
            "dvscrape.capture.scope.ScopeMiddleware": None,
            "dvscrape.capture.middleware.WarcCaptureMiddleware": None,
            "dvscrape.spiders.wayback.WaybackCaptureMiddleware": 950,
        },
        "ITEM_PIPELINES": {},
        "REDIRECT_ENABLED": False,  # an archived redirect is archived as it is, not followed
    }

    def __init__(
        self,
        site: str = "tanbinh",
        base_url: str | None = None,
        wayback_url: str | None = None,
        since: date | None = None,
        until: date | None = None,
        profiles_dir: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.profile = get_profile(site, base_url, profiles_dir or None)
        self.server = WaybackServer.from_url(wayback_url)
        self.since, self.until = since, until
        self.allowed_domains = [self.server.host]
        self.planned = 0
        self.skipped_known = 0
        self.cdx_pages = 0
        self.resume_keys: set[str] = set()
        self.skipped_limit = 0  # captures of articles beyond DVSCRAPE_MAX_ARTICLES
        self.articles: set[str] = set()  # canonical URLs of the wanted captures that are articles
        self.wanted: list[tuple[str, ArchivedCapture]] = []  # over every CDX page, collapsed once all are read

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> WaybackSpider:
        """The site's profile is looked up where the crawl's DVSCRAPE_PROFILES_DIR says, as for the live crawl."""
        kwargs.setdefault("profiles_dir", crawler.settings.get("DVSCRAPE_PROFILES_DIR") or None)
        spider: WaybackSpider = super().from_crawler(crawler, *args, **kwargs)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        yield self._cdx_request(None)

    def _cdx_request(self, resume: str | None) -> scrapy.Request:
        """The CDX query for the site's host: its first page, or the page after the resume key *resume*."""
        host = urlsplit(self.profile.base_url).netloc  # with its port: the site's address in the captures
        page_rows = self.server.page_rows(self.crawler.settings.getint("DVSCRAPE_WAYBACK_CDX_PAGE_ROWS"))
        query = self.server.cdx_query(
            host, match_type="host", since=self.since, until=self.until, page_rows=page_rows, resume_key=resume
        )
        return scrapy.Request(query, callback=self.parse_cdx, dont_filter=True, meta={"dont_redirect": True})

    def _known(self) -> set[tuple[str, str]]:
        """(original URL, capture time) of every capture the archive already holds."""
        session = ArchiveExtension.session_of(self.crawler)
        if session is None:
            return set()
        return {
            (str(url), str(fetched_at)[:19])
            for url, fetched_at in session.archive.db.conn.execute(
                "SELECT url, fetched_at FROM captures WHERE warc_record_id IS NOT NULL"
            )
        }

    def parse_cdx(self, response: Response) -> Iterator[scrapy.Request]:
        """Keep the wanted captures of a CDX page; ask for the next page while the answer ends with a resume key, then
        schedule a raw fetch of every wanted capture the archive does not hold yet."""
        if response.status != 200:
            self._cdx_failed(response.url, f"the CDX server answered {response.status}")
            if self.cdx_pages:  # the pages read so far are fetched; the run is then resumed by running it again
                yield from self._fetch_wanted()
            return
        self.cdx_pages += 1
        try:
            captures = parse_cdx(response.text)
            resume = resume_key(response.text)
        except ValueError as error:  # not CDX at all (an error page, cut JSON): what was read so far is fetched
            self._cdx_failed(response.url, f"the CDX server's answer is unreadable: {error}")
            yield from self._fetch_wanted()
            return
        for capture in captures:
            if capture.status not in KEPT_STATUSES:
                continue
            decision = classify(capture.original, self.profile)
            if decision.kind not in WANTED_KINDS:
                continue
            self.wanted.append((decision.canonical or capture.original, capture))
            if decision.kind is UrlKind.ARTICLE:
                self.articles.add(decision.canonical or capture.original)
        if resume and resume in self.resume_keys:
            self._cdx_failed(response.url, f"the CDX server gave the resume key {resume!r} twice: paging stops there")
            resume = None
        if resume:
            self.resume_keys.add(resume)
            yield self._cdx_request(resume)
        else:
            yield from self._fetch_wanted()

    def _cdx_failed(self, url: str, reason: str) -> None:
        """A CDX page that could not be used: logged, and counted as a failed URL (the run is then partial)."""
        logger.error("%s: %s", reason, url)
        session = ArchiveExtension.session_of(self.crawler)
        if session is not None:
            session.counts.errors += 1
            session.counts.failed_urls.append(url)

    def _fetch_wanted(self) -> Iterator[scrapy.Request]:
        """A raw fetch of every wanted capture (collapsed by digest) that the archive does not hold yet; with
        DVSCRAPE_MAX_ARTICLES, every capture of the first that many articles (by first capture) and none of the
        others."""
        known = self._known()
        limit = self.crawler.settings.getint("DVSCRAPE_MAX_ARTICLES")
        chosen: set[str] = set()
        for canonical, capture in collapsed(self.wanted):
            moment = capture.captured_at.strftime("%Y-%m-%dT%H:%M:%S")
            if (capture.original, moment) in known:
                self.skipped_known += 1
                continue
            if limit and canonical in self.articles and canonical not in chosen:
                if len(chosen) >= limit:
                    self.skipped_limit += 1
                    continue
                chosen.add(canonical)
            self.planned += 1
            yield scrapy.Request(
                self.server.raw_url(capture),
                callback=self.parse_capture,
                errback=self.fetch_failed,
                dont_filter=True,
                meta={ORIGINAL_KEY: (capture.original, capture.captured_at.isoformat()), "dont_redirect": True},
            )
        logger.info("%d capture(s) to fetch from %s (%d already archived, %d beyond the article limit; %d CDX "
                    "page(s))", self.planned, self.server.prefix, self.skipped_known, self.skipped_limit,
                    self.cdx_pages)  # fmt: skip

    def parse_capture(self, response: Response) -> Iterator[Any]:
        """Nothing to do: the capture middleware archived it; articles are extracted after the fetches."""
        return iter(())

    def fetch_failed(self, failure: Any) -> None:
        """A raw capture that could not be fetched after the retries: recorded as a failed capture."""
        request = failure.request
        session = ArchiveExtension.session_of(self.crawler)
        if session is None:
            return
        original, captured = request.meta.get(ORIGINAL_KEY, (request.url, ""))
        decision = classify(original, self.profile)
        session.counts.errors += 1
        session.counts.failed_urls.append(request.url)
        try:
            session.archive.record_capture(
                Capture(
                    crawl_id=session.crawl_id,
                    url=original,
                    canonical_url=decision.canonical or original,
                    kind=decision.kind.value,
                    status=None,
                    content_type="",
                    fetched_at=warc_date(datetime.now(UTC)),
                    content_length=None,
                    location=None,
                    error=f"from {request.url}: {failure.value}"[:500],
                    attempts=int(request.meta.get("retry_times", 0)) + 1,
                )
            )
            session.wrote()
        except (OSError, sqlite3.Error, ArchiveError) as error:
            session.abort(error)


def _pairs(headers: Any) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name.decode("latin-1"), value.decode("latin-1")) for name, values in headers.items() for value in values
    )


class WaybackCaptureMiddleware:
    """Downloader middleware (950) of WaybackSpider: archives each exchange; see the module."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WaybackCaptureMiddleware:
        if not crawler.settings.getbool("DVSCRAPE_WARC_ENABLED"):
            raise NotConfigured("DVSCRAPE_WARC_ENABLED is off")
        return cls(crawler)

    def process_request(self, request: scrapy.Request) -> None:
        session = ArchiveExtension.session_of(self.crawler)
        if session is not None:
            session.counts.requests += 1

    def process_response(self, request: scrapy.Request, response: Response) -> Response:
        session = ArchiveExtension.session_of(self.crawler)
        if session is None or session.warc_writer is None:
            return response
        if session.fatal_error:
            raise IgnoreRequest("the crawl is stopping: the archive cannot be written")
        now = datetime.now(UTC)
        original = request.meta.get(ORIGINAL_KEY)
        url, fetched_at, source = request.url, now, ""
        if original is not None:
            url, fetched_at, source = original[0], datetime.fromisoformat(original[1]), request.url
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = "Unknown"
        exchange = HttpExchange(
            url=url,
            method=request.method,
            request_headers=_pairs(request.headers),
            request_body=request.body,
            protocol=response.protocol or "HTTP/1.1",
            status=response.status,
            reason=reason,
            response_headers=_pairs(response.headers),
            response_body=response.body,
            fetched_at=fetched_at,
            ip_address=str(response.ip_address) if response.ip_address else None,
            source_url=source,
            source_fetched_at=now if source else None,
        )
        profile = getattr(self.crawler.spider, "profile", None)
        decision = classify(url, profile) if profile is not None else None
        kind = decision.kind.value if decision is not None else "other"
        try:
            location = session.warc_writer.write_exchange(exchange)
            session.archive.record_capture(
                Capture(
                    crawl_id=session.crawl_id,
                    url=url,
                    canonical_url=(decision.canonical if decision else "") or url,
                    kind=kind if original is not None else "offsite",  # a CDX answer: the archive's, not the site's
                    status=response.status,
                    content_type=(response.headers.get(b"Content-Type") or b"").decode("latin-1"),
                    fetched_at=warc_date(fetched_at),
                    content_length=len(response.body),
                    location=location,
                    attempts=int(request.meta.get("retry_times", 0)) + 1,
                    etag=(response.headers.get(b"ETag") or b"").decode("latin-1"),
                    last_modified=(response.headers.get(b"Last-Modified") or b"").decode("latin-1"),
                )
            )
            session.wrote()
        except (OSError, sqlite3.Error, ArchiveError) as error:
            session.abort(error)
            raise IgnoreRequest(f"not archived: {error}") from error
        session.counts.captures += 1
        if original is not None and decision is not None and decision.kind is UrlKind.ARTICLE:
            session.counts.articles_found += 1
        return response
