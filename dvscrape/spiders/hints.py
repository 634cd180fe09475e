"""ListingHintsMixin: what each listing shows next to its articles is noted, and a crawl's articles that wait for
every listing (capture/held.py) are stored when the spider has nothing left to fetch; the spider stays open while
the item pipelines store them. No article waits longer than DVSCRAPE_HOLD_SECONDS: when listings do not end (a trap
no guard stopped, a very long polite crawl), it is stored with the hint of the listings read so far."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from dvscrape.capture.held import HeldArticles
from dvscrape.capture.items import CAPTURE_ID_KEY, REVISIT_KEY, ArticleItem, ExtractionFailure, content_type
from dvscrape.errors import ExtractionError
from dvscrape.pages.listing import ListingEntry, extract_listing
from dvscrape.sites.profile import SiteProfile

if TYPE_CHECKING:
    from dvscrape.capture.session import CrawlSession

logger = logging.getLogger(__name__)


class ListingHintsMixin:
    """Reads the listing hints and holds the articles of PortalSpider; settles them at idle time, and the overdue
    ones on a clock."""

    held: HeldArticles
    crawler: Any
    session: CrawlSession | None
    profile: SiteProfile
    extract_enabled: bool  # DVSCRAPE_EXTRACT_ENABLED, set by the spider's from_crawler
    _canonical_of: Callable[[Response], str]
    _lastmod_of: Callable[[Response, str], str]
    _storing = 0  # held articles sent to the item pipelines and not stored yet
    _hold_loop: task.LoopingCall | None = None

    def read_listing(self, response: TextResponse) -> None:
        """Note the date and category a listing shows next to each article (the article page may hide them): an
        article's listing hint comes from every listing that shows it (capture/held.py), as in `reextract`."""
        if not self.extract_enabled:
            return
        try:
            listing = extract_listing(response.url, response.body, self.profile, content_type(response))
        except ExtractionError as error:
            logger.warning("listing %s could not be read: %s", response.url, error)
            return
        self.held.note_listing(listing)
        self.record_hint_page(response, listing.entries)

    def record_hint_page(self, response: Response, shown: Iterable[ListingEntry]) -> None:
        """Keep what the archived listing or sitemap response shows of articles, so that no rebuild reads it again
        (a revisit has no record of its own to read)."""
        capture_id = response.meta.get(CAPTURE_ID_KEY)
        if capture_id is None or response.meta.get(REVISIT_KEY) or not 200 <= response.status < 300:
            return
        if self.session is not None:
            self.session.record_hint_page(int(capture_id), shown)

    def hold(self, response: TextResponse) -> bool:
        """Hold the article of *response* until every listing is read; False once the crawl has settled (store it
        now)."""
        return self.held.hold(
            self.held.held_article(response, self._lastmod_of(response, self._canonical_of(response)))
        )

    def start_hold_clock(self, hold_seconds: float) -> None:
        """Store, from now on, every article held longer than *hold_seconds* (called once the crawl runs)."""
        self._hold_loop = task.LoopingCall(self.release_overdue, hold_seconds)
        self._hold_loop.start(max(0.5, min(5.0, hold_seconds / 4)), now=False)

    def stop_hold_clock(self) -> None:
        """Stop looking for overdue held articles (the crawl is closing)."""
        if self._hold_loop is not None and self._hold_loop.running:
            self._hold_loop.stop()

    def release_overdue(self, hold_seconds: float) -> None:
        """Send the articles held longer than *hold_seconds* to the item pipelines, with the hint read so far."""
        items = self.held.release_overdue(hold_seconds)
        if items:
            logger.warning(
                "storing %d articles held more than %.0f s for listings that have not ended (DVSCRAPE_HOLD_SECONDS)",
                len(items),
                hold_seconds,
            )
            self._send(items)

    def settle_held_articles(self) -> None:
        """At spider_idle: extract the held articles with the hint of every listing read and send them to the item
        pipelines; DontCloseSpider while they are being stored."""
        if self.held.settled:
            if self._storing:
                raise DontCloseSpider("storing the articles that waited for every listing")
            return
        items = self.held.release()
        if not items:
            return
        logger.info("storing %d articles held until every listing was read", len(items))
        self._send(items)
        raise DontCloseSpider("storing the articles that waited for every listing")

    def _send(self, items: list[ArticleItem | ExtractionFailure]) -> None:
        """Send *items* to the item pipelines; the crawl does not close while they are being stored."""
        scraper = self.crawler.engine.scraper
        self._storing += len(items)
        for item in items:
            deferred_from_coro(scraper.start_itemproc_async(item, response=None)).addBoth(self._stored)

    def _stored(self, result: object) -> object:
        """One held article went through the pipelines; after the last, the engine looks at idleness again now rather
        than at its next heartbeat (5 s later: the time of a whole small crawl)."""
        self._storing -= 1
        if self._storing == 0:
            slot = getattr(self.crawler.engine, "_slot", None)  # Scrapy has no public call for this
            if slot is not None and getattr(slot, "nextcall", None) is not None:
                slot.nextcall.schedule()
        return result
