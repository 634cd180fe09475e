"""ArchiveExtension: opens the archive when the crawl starts and commits its writes while it runs. The run's owner
(runs/crawl.py, RunEnd) decides the outcome when the spider closes and ends the crawl through the session."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from dvscrape.archive.db import Archive
from dvscrape.capture.session import COMMIT_SECONDS, RUN_OPTIONS, ArchiveSettings, CrawlSession, site_profile
from dvscrape.errors import ArchiveError
from dvscrape.sites import profiles_dir_of

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class ArchiveExtension:
    """Owns the crawl's CrawlSession. Other components get it with `ArchiveExtension.session_of(crawler)`: the
    middlewares and pipelines once, in their from_crawler (extensions are built before them), the spider when it
    opens."""

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
        if crawler.spidercls is None or crawler.stats is None:
            raise NotConfigured("no spider: the archive is opened only for a crawl")
        extension = cls(ArchiveSettings.from_settings(crawler.settings), crawler)
        # Opened here, not on spider_opened, so that an unusable archive stops the crawl before it starts
        # (errors raised in signal handlers are only logged by Scrapy).
        extension.open()
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

    def open(self) -> None:
        """Open the archive, take its crawl lock and begin (or resume) the crawl row of the spider's site."""
        crawler = self.crawler
        assert crawler.stats is not None  # checked by from_crawler
        profile = site_profile(crawler.settings)
        name = crawler.spidercls.name
        site = profile.name if profile is not None else name
        base_url = profile.base_url if profile is not None else ""
        archive = Archive.open(self.config.archive_dir)
        try:
            archive.acquire_crawl_lock()
        except Exception:
            archive.close()
            raise
        options: dict[str, object] = {
            "spider": name,
            "max_articles": crawler.settings.getint("DVSCRAPE_MAX_ARTICLES"),
            **crawler.settings.getdict(RUN_OPTIONS),
        }
        if profile is not None and profiles_dir_of(profile):
            options["profiles_dir"] = profiles_dir_of(profile)  # read again with the same profile (reextract)
        self.session = CrawlSession.open(
            archive, self.config, site=site, base_url=base_url, options=options, stats=crawler.stats, profile=profile
        )
        self.session.on_abort = self._stop_crawl
        logger.info("archive %s opened; crawl %d of %s", self.config.archive_dir, self.session.crawl_id, base_url)

    def commit_idle(self) -> None:
        """Commit the open write group even when no write comes to do it (a slow site, a long Retry-After)."""
        if self.session is not None and not self.session.fatal_error and not self.session.closed:
            try:
                self.session.commit()
            except ArchiveError as error:
                self.session.abort(error)

    def _stop_crawl(self) -> None:
        engine = self.crawler.engine
        if engine is not None:
            deferred_from_coro(engine.close_spider_async(reason="archive_error"))

    def spider_closed(self) -> None:
        """Stop committing on a timer: the run's owner ends the crawl (RunEnd)."""
        if self.commit_loop is not None and self.commit_loop.running:
            self.commit_loop.stop()
