"""ArchiveExtension: opens the archive when the crawl starts, closes it and records the outcome when it closes."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from dvscrape.archive.db import Archive
from dvscrape.capture.session import COMMIT_SECONDS, ArchiveSettings, CrawlSession
from dvscrape.errors import ArchiveError
from dvscrape.runs.outcome import Outcome, decide_outcome
from dvscrape.sites import profiles_dir_of
from dvscrape.sites.profile import SiteProfile

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class ArchiveExtension:
    """Owns the crawl's CrawlSession. Other components get it with `ArchiveExtension.session_of(crawler)`: the
    middlewares and pipelines once, in their from_crawler (extensions are built before them)."""

    def __init__(self, config: ArchiveSettings, crawler: Crawler) -> None:
        self.config = config
        self.crawler = crawler
        self.session: CrawlSession | None = None
        self.commit_loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveExtension:
        """Read the archive settings, open the archive and connect to the spider's close signal."""
        if not crawler.settings.get("DVSCRAPE_ARCHIVE_DIR"):
            raise NotConfigured("DVSCRAPE_ARCHIVE_DIR is empty: nothing will be archived")
        if crawler.spider is None:
            raise NotConfigured("no spider: the archive is opened only for a crawl")
        extension = cls(ArchiveSettings.from_settings(crawler.settings), crawler)
        # Opened here, not on spider_opened, so that an unusable archive stops the crawl before it starts
        # (errors raised in signal handlers are only logged by Scrapy).
        extension.open(crawler.spider)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        extension.commit_loop = task.LoopingCall(extension.commit_idle)
        extension.commit_loop.start(COMMIT_SECONDS, now=False)
        return extension

    @staticmethod
    def session_of(crawler: Crawler) -> CrawlSession | None:
        """The crawl's open CrawlSession, or None when nothing is archived (no archive folder) or when asked before
        the extensions are built."""
        try:
            extension = crawler.get_extension(ArchiveExtension)
        except RuntimeError:  # asked before the extension manager exists
            return None
        return extension.session if extension is not None else None

    def open(self, spider: Spider) -> None:
        """Open the archive, take its crawl lock and begin (or resume) the crawl row."""
        profile = getattr(spider, "profile", None)
        site = getattr(profile, "name", spider.name)
        base_url = getattr(profile, "base_url", "")
        archive = Archive.open(self.config.archive_dir)
        try:
            archive.acquire_crawl_lock()
        except Exception:
            archive.close()
            raise
        options: dict[str, object] = {"spider": spider.name, "max_articles": getattr(spider, "max_articles", 0)}
        if isinstance(profile, SiteProfile) and profiles_dir_of(profile):
            options["profiles_dir"] = profiles_dir_of(profile)  # read again with the same profile (reextract)
        self.session = CrawlSession.open(archive, self.config, site=site, base_url=base_url, options=options)
        self.session.on_abort = self._stop_crawl
        logger.info("archive %s opened; crawl %d of %s", self.config.archive_dir, self.session.crawl_id, base_url)

    def commit_idle(self) -> None:
        """Commit the open write group even when no write comes to do it (a slow site, a long Retry-After)."""
        if self.session is not None and not self.session.fatal_error:
            try:
                self.session.commit()
            except ArchiveError as error:
                self.session.abort(error)

    def _stop_crawl(self) -> None:
        engine = self.crawler.engine
        if engine is not None:
            deferred_from_coro(engine.close_spider_async(reason="archive_error"))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Close the WARC writer and record the crawl's outcome and counts."""
        if self.session is None:
            return
        session = self.session
        self.finish(
            decide_outcome(
                session.counts,
                finish_reason=reason,
                archive_failed=bool(session.fatal_error),
                incremental=session.planner.incremental,
            )
        )

    def finish(self, outcome: Outcome) -> None:
        """Record *outcome* and close the archive, once."""
        if self.commit_loop is not None and self.commit_loop.running:
            self.commit_loop.stop()
        if self.session is not None and self.session.outcome is None:
            self.session.close(outcome)
