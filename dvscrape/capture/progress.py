"""ProgressExtension: a progress line every few seconds (articles scheduled/archived, media, errors, rate)."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from dvscrape.capture.extension import ArchiveExtension

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger("dvscrape.progress")


class ProgressExtension:
    """Logs progress at DVSCRAPE_PROGRESS_INTERVAL seconds; 0 switches it off."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.loop: task.LoopingCall | None = None
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        """Read the interval and hook the spider's open/close signals."""
        interval = crawler.settings.getfloat("DVSCRAPE_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured("DVSCRAPE_PROGRESS_INTERVAL is 0")
        extension = cls(crawler, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        """Start the periodic report."""
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.report, spider)
        self.loop.start(self.interval, now=False)

    def report(self, spider: Spider) -> None:
        """Log one progress line."""
        logger.info("progress: %s", self.line(spider))

    def line(self, spider: Spider) -> str:
        """The progress figures as one line of text."""
        session = ArchiveExtension.session_of(self.crawler)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        scheduled = getattr(spider, "articles_scheduled", 0)
        if session is None:
            return f"{scheduled} articles found, {elapsed:.0f}s"
        counts = session.counts
        return (
            f"{scheduled} articles found, {counts.articles_stored} archived, {counts.captures} captures "
            f"({counts.captures / elapsed:.1f}/s), {counts.errors} errors"
        )

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Stop the report, with a last line so that even a short crawl shows its figures."""
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.report(spider)
