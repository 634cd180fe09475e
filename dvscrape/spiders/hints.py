"""ListingHintsMixin: a crawl's articles that wait for every listing (capture/held.py) are stored when the spider has
nothing left to fetch; the spider stays open while the item pipelines store them."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro

from dvscrape.capture.held import HeldArticles

logger = logging.getLogger(__name__)


class ListingHintsMixin:
    """Settles the held articles of PortalSpider at idle time."""

    held: HeldArticles
    crawler: Any
    _storing = 0  # held articles sent to the item pipelines and not stored yet

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
        scraper = self.crawler.engine.scraper
        self._storing = len(items)
        for item in items:
            deferred_from_coro(scraper.start_itemproc_async(item, response=None)).addBoth(self._stored)
        raise DontCloseSpider("storing the articles that waited for every listing")

    def _stored(self, result: object) -> object:
        """One held article went through the pipelines; after the last, the engine looks at idleness again now rather
        than at its next heartbeat (5 s later: the time of a whole small crawl)."""
        self._storing -= 1
        if self._storing == 0:
            slot = getattr(self.crawler.engine, "_slot", None)  # Scrapy has no public call for this
            if slot is not None and getattr(slot, "nextcall", None) is not None:
                slot.nextcall.schedule()
        return result
