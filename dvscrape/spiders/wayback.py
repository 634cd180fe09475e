"""The Wayback mode of a crawl: the site's past fetched from a web archive instead of the site.

WaybackSpider asks the archive's CDX API for every capture of the site's host, keeps those of article, listing,
home and sitemap URLs (as the site profile classifies them: locale prefixes, redirect parameters and the other URL
forms it canonicalises map to one page), collapses them by digest, and fetches each remaining capture raw (``id_``)
through the ordinary Scrapy machinery: the same delay, AutoThrottle, concurrency, retry and back-off settings as a
live crawl. Captures already in the archive (same original URL and capture time) are not fetched again, so a killed
run is resumed by running the same command.

The crawl's capture middleware archives each exchange, told by ARCHIVED_KEY which original URL and capture time the
bytes are (capture/middleware.py); the CDX answers are archived too, as what they are. Articles are extracted after
the fetches, by re-extraction in capture-date order (runs/wayback.py).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from scrapy.settings import BaseSettings

from dvscrape.capture.cdx import KEPT_STATUSES, ArchivedCapture, WaybackServer, collapsed, parse_cdx, resume_key
from dvscrape.capture.counts import Count, failed
from dvscrape.capture.extension import ArchiveExtension
from dvscrape.capture.items import ARCHIVED_KEY, CANONICAL_KEY, KIND_KEY, FetchFailure
from dvscrape.capture.session import RUN_OPTIONS, SITE_PROFILE
from dvscrape.sites import get_profile
from dvscrape.sites.urls import UrlKind, classify

logger = logging.getLogger(__name__)

WANTED_KINDS = frozenset({UrlKind.ARTICLE, UrlKind.LISTING, UrlKind.HOME, UrlKind.SITEMAP})
CDX_KEY = "dvscrape_cdx"  # (digest, status) the CDX gave the capture fetched


class WaybackSpider(scrapy.Spider):
    """See the module. Arguments: site, base_url (the site's address in the archive's captures), wayback_url,
    since and until (dates, inclusive)."""

    name = "wayback"
    custom_settings = {"REDIRECT_ENABLED": False}  # an archived redirect is archived as it is, not followed

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
        self.kinds: dict[str, UrlKind] = {}  # the kind of each wanted canonical URL
        self.spare: dict[str, list[ArchivedCapture]] = {}  # same content captured again, by canonical URL

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """The crawl's downloader middlewares but its scope: requests go to the web archive's host."""
        super().update_settings(settings)
        middlewares = {**settings.getdict("DOWNLOADER_MIDDLEWARES"), "dvscrape.capture.scope.ScopeMiddleware": None}
        settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> WaybackSpider:
        """Declare the site profile (looked up where the crawl's DVSCRAPE_PROFILES_DIR says, as for the live crawl),
        and the web archive the crawl reads, to the crawl's components."""
        kwargs.setdefault("profiles_dir", crawler.settings.get("DVSCRAPE_PROFILES_DIR") or None)
        spider: WaybackSpider = super().from_crawler(crawler, *args, **kwargs)
        if not crawler.settings.frozen:
            crawler.settings.set(SITE_PROFILE, spider.profile, priority="spider")
            server, since, until = spider.server, spider.since, spider.until
            options = {
                "mode": "wayback",
                "wayback": server.prefix,
                "cdx": server.cdx_endpoint,
                "since": since.isoformat() if since else None,
                "until": until.isoformat() if until else None,
            }
            crawler.settings.set(RUN_OPTIONS, options, priority="spider")
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
        meta = {KIND_KEY: UrlKind.OFFSITE.value, CANONICAL_KEY: query, "dont_redirect": True}  # the archive's answer
        return scrapy.Request(query, callback=self.parse_cdx, dont_filter=True, meta=meta)

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
            self.kinds[decision.canonical or capture.original] = decision.kind
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
        failed(self.crawler.stats, url)

    def _fetch_wanted(self) -> Iterator[scrapy.Request]:
        """A raw fetch of every wanted capture (collapsed by digest) that the archive does not hold yet; with
        DVSCRAPE_MAX_ARTICLES, every capture of the first that many articles (by first capture) and none of the
        others."""
        session = ArchiveExtension.session_of(self.crawler)
        limit = self.crawler.settings.getint("DVSCRAPE_MAX_ARTICLES")
        self.crawler.stats.set_value(Count.ARTICLES_FOUND.key, len(self.articles))
        chosen: set[str] = set()
        kept, self.spare = collapsed(self.wanted)
        originals = {capture.original for _, capture in kept}
        known = session.archived_capture_times(originals) if session is not None else set()
        for canonical, capture in kept:
            if (capture.original, capture.captured_at) in known:
                self.skipped_known += 1
                continue
            if limit and canonical in self.articles and canonical not in chosen:
                if len(chosen) >= limit:
                    self.skipped_limit += 1
                    continue
                chosen.add(canonical)
            self.planned += 1
            yield self._capture_request(canonical, capture)
        logger.info("%d capture(s) to fetch from %s (%d already archived, %d beyond the article limit; %d CDX "
                    "page(s))", self.planned, self.server.prefix, self.skipped_known, self.skipped_limit,
                    self.cdx_pages)  # fmt: skip

    def _capture_request(self, canonical: str, capture: ArchivedCapture) -> scrapy.Request:
        """The raw fetch of *capture*; one that has a spare (the same content captured again) is not retried: the
        spare is fetched instead (a server that stalls on one capture costs one timeout, not the page)."""
        meta: dict[str, Any] = {
            ARCHIVED_KEY: (capture.original, capture.captured_at),
            KIND_KEY: self.kinds[canonical].value,
            CANONICAL_KEY: canonical,
            "dont_redirect": True,
            CDX_KEY: (capture.digest, capture.status),
        }
        if self._spare_of(canonical, capture.digest) is not None:
            meta["max_retry_times"] = 0
        return scrapy.Request(
            self.server.raw_url(capture), self.parse_capture, errback=self.fetch_failed, dont_filter=True, meta=meta
        )

    def _spare_of(self, canonical: str, digest: str) -> ArchivedCapture | None:
        """The next capture of *canonical* with the content *digest* that may be fetched instead of a failed one."""
        return next((capture for capture in self.spare.get(canonical, ()) if capture.digest == digest), None)

    def parse_capture(self, response: Response) -> Iterator[Any]:
        """The capture middleware archived it; articles are extracted after the fetches. A server error where the CDX
        promised none is the web archive failing: its spare is fetched instead, or it is a failed fetch."""
        if response.status < 500 or response.meta.get(CDX_KEY, ("", "5"))[1].startswith("5"):
            return
        request = response.request
        assert request is not None
        yield self._instead_or_failure(request, f"the web archive answered {response.status}", response.status)

    def fetch_failed(self, failure: Any) -> Iterator[FetchFailure | scrapy.Request]:
        """A raw capture that could not be fetched after the retries: its spare is fetched instead, or it is recorded
        as a failed capture of its URL."""
        yield self._instead_or_failure(failure.request, str(failure.value), None)

    def _instead_or_failure(
        self, request: scrapy.Request, reason: str, status: int | None
    ) -> scrapy.Request | FetchFailure:
        """The fetch of a spare capture in place of the failed *request*, or, when it has none, the failure recorded
        as a failed capture of its original URL."""
        canonical = str(request.meta.get(CANONICAL_KEY, ""))
        spare = self._spare_of(canonical, request.meta.get(CDX_KEY, ("", ""))[0])
        if spare is not None:
            self.spare[canonical].remove(spare)
            logger.info("%s failed; fetching its capture of %s instead", request.url, spare.timestamp)
            return self._capture_request(canonical, spare)
        original = request.meta.get(ARCHIVED_KEY, (request.url, ""))[0]
        return FetchFailure.of(original, request.meta, f"from {request.url}: {reason}"[:500], status)
