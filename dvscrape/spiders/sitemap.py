"""Change signals for PortalSpider: the sitemap (read with its lastmods, compared with the previous visit's), the
sitemap URLs scheduled once listings are done, and the held articles that vanished from the sitemap or from a listing
page, re-checked in the same run so that a removal is found at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import scrapy
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response

from dvscrape.capture.items import CANONICAL_KEY, REVISIT_KEY, FetchFailure
from dvscrape.errors import DvscrapeError, ExtractionError
from dvscrape.pages.dom import decode_document
from dvscrape.pages.listing import ListingEntry, sitemap_entries
from dvscrape.pages.sitemap import read_sitemap
from dvscrape.sites.urls import UrlDecision, UrlKind, classify

if TYPE_CHECKING:
    from dvscrape.capture.planner import FetchPlanner
    from dvscrape.capture.session import CrawlSession
    from dvscrape.sites.profile import SiteProfile

LASTMOD_KEY = "dvscrape_lastmod"
RECHECK_KEY = "dvscrape_recheck"  # a held article re-checked now whatever its schedule (it left the sitemap)


class SitemapMixin:
    """Sitemap reading, idle-time scheduling and vanished-article re-checks; mixed into PortalSpider."""

    profile: SiteProfile
    session: CrawlSession | None
    record_hint_page: Callable[[Response, Iterable[ListingEntry]], None]  # ListingHintsMixin's
    crawler: Any
    schedule_batch: int

    def init_change_signals(self) -> None:
        """The per-run state of the change signals (called once by the spider's __init__)."""
        # Sitemap URLs wait until the spider is idle: an article reached from a listing carries the date and
        # category the listing shows, which some article pages hide; the sitemap fills in what listings missed.
        self._sitemap_entries: list[tuple[str, str, str]] = []
        # Every URL the sitemap lists in this run (canonical), and the sitemap of the previous visit: an article
        # that vanished from it is re-checked in this run, and lastmods are compared with the previous ones.
        self._sitemap_locs: set[str] = set()
        # The sitemap's lastmod of each URL (canonical): the year of a lede's 'Ngày 8/2' for an article that shows no
        # date, however the crawl reached it.
        self._sitemap_lastmods: dict[str, str] = {}
        self._sitemap_read = False
        self._vanished_checked = False
        self._vanished: list[tuple[str, str, str]] = []  # held articles left to re-check, as (url, "", "")
        # Held articles a listing page showed at the previous visit and no longer shows (re-checked at the end of
        # the run unless a listing page or the sitemap of this run still shows them), and the articles listed now.
        self._left_listing: set[str] = set()
        self._listed: set[str] = set()
        self._previous: dict[str, str] | None = None  # lastmod by canonical URL in the previous visit's sitemap

    _request_for: Callable[..., scrapy.Request | None]
    _schedule: Callable[[scrapy.Request | None], Iterator[scrapy.Request]]
    _planner: Callable[[], FetchPlanner | None]
    _failed_status: Callable[[Response], FetchFailure | None]

    def _compare_with_previous_listing(self, response: Response, decisions: list[UrlDecision]) -> None:
        """Note the articles this listing page shows, and (when its content changed since the previous visit) the
        held articles the archived copy showed that it no longer does."""
        listed = {decision.canonical for decision in decisions if decision.kind is UrlKind.ARTICLE}
        self._listed |= listed
        planner = self._planner()
        if planner is None or not planner.incremental or response.status != 200 or response.meta.get(REVISIT_KEY):
            return
        canonical = str(response.meta.get(CANONICAL_KEY, ""))
        known = planner.state.last_capture(canonical) if canonical else None
        if known is None or self.session is None:
            return
        profile = self.session.profile_for(known.url)  # the address it was fetched from (another replica port)
        try:
            body, kind = self.session.archived_payload(known.capture_id)
            text = decode_document(body, kind).text
        except (DvscrapeError, OSError, ValueError):
            return
        if profile is None:
            return
        before: set[str] = set()
        for href in scrapy.Selector(text=text).xpath("//a/@href").getall():
            url = classify(profile.fetch_url(urljoin(known.url, href.strip())), profile).canonical
            if (
                url
                and planner.holds_article(url)
                and classify(self.profile.fetch_url(url), self.profile).kind is UrlKind.ARTICLE
            ):
                before.add(url)
        self._left_listing |= before - listed

    def _previous_sitemap(self) -> dict[str, str]:
        """The lastmods of the sitemap as the previous visit archived it (read once, when first needed)."""
        if self._previous is None:
            session = self.session
            self._previous = session.previous_sitemap().lastmods if session is not None else {}
        return self._previous

    def _archived_sitemap(self, response: Response) -> bytes:
        """The body of a sitemap answered 304 (not modified): the archived copy it confirms."""
        return self.session.newest_payload(response.url)[0] if self.session is not None else b""

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        """sitemap.xml (or a sitemap index): schedule every in-scope URL, passing lastmod on as a date hint."""
        failure = self._failed_status(response)
        if failure is not None:
            yield failure
            return
        body = response.body
        if response.status == 304 or (not body and response.meta.get(REVISIT_KEY)):
            body = self._archived_sitemap(response)
            if not body:
                return
        try:
            sitemap = read_sitemap(body)
        except ExtractionError as error:
            yield FetchFailure(response.url, response.url, "sitemap", str(error), response.status, 1)
            return
        self.record_hint_page(response, sitemap_entries(sitemap.pages, self.profile))
        self._sitemap_entries += [(loc, "", response.url) for loc, _ in sitemap.sitemaps]  # an index's sitemaps
        for loc, lastmod in sitemap.pages:
            self._sitemap_entries.append((loc, lastmod, response.url))
            canonical = classify(self.profile.fetch_url(loc), self.profile).canonical
            self._sitemap_locs.add(canonical)
            if lastmod:
                self._sitemap_lastmods[canonical] = lastmod
        self._sitemap_read = True

    def spider_idle(self) -> None:
        """Schedule the sitemap's URLs that listings did not reach; keep the spider open while there are some. Then
        re-check the held articles that left the sitemap (listed by the previous visit's, not by this one) or left a
        listing page (shown by its archived copy, and by no listing page nor sitemap of this run): a removal is then
        found in this run. At most a batch of requests (DVSCRAPE_SCHEDULE_BATCH) is scheduled per idle spell."""
        scheduled = self._schedule_batch(self._sitemap_entries, {})
        if not scheduled and not self._vanished_checked:
            self._vanished_checked = True
            vanished = self._left_listing - self._listed - self._sitemap_locs
            if self._sitemap_read:
                vanished |= set(self._previous_sitemap()) - self._sitemap_locs
            self._vanished = [(canonical, "", "") for canonical in sorted(vanished)]
        if not scheduled:
            scheduled = self._schedule_batch(self._vanished, {RECHECK_KEY: True})
        if scheduled:
            raise DontCloseSpider("sitemap URLs scheduled")

    def _schedule_batch(self, entries: list[tuple[str, str, str]], meta: dict[str, Any]) -> bool:
        """Schedule the first of *entries* (url, lastmod, found on), up to a batch of requests, and take them off the
        list; whether any request was scheduled."""
        scheduled = taken = 0
        for loc, lastmod, found_on in entries:
            taken += 1
            wanted = self._request_for(loc, meta={**meta, LASTMOD_KEY: lastmod}, found_on=found_on)
            for request in self._schedule(wanted):
                if found_on:  # as if linked from the sitemap (reextract reads it)
                    request.headers.setdefault("Referer", found_on)
                self.crawler.engine.crawl(request)
                scheduled += 1
            if scheduled >= self.schedule_batch:
                break
        del entries[:taken]
        return scheduled > 0
