"""ArchiveExtension: opens the archive when the spider opens, closes it and records the outcome when it closes."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from dvscrape.archive.db import Archive
from dvscrape.archive.incremental import RecheckPolicy
from dvscrape.capture.session import COMMIT_SECONDS, CrawlSession
from dvscrape.errors import ArchiveError

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class ArchiveExtension:
    """Owns the crawl's CrawlSession; other components reach it through `session_of(crawler)`."""

    def __init__(
        self,
        archive_dir: Path,
        *,
        warc_enabled: bool,
        warc_max_size: int,
        operator: str,
        user_agent: str,
        incremental: bool,
        policy: RecheckPolicy,
        crawler: Crawler,
    ) -> None:
        self.archive_dir = archive_dir
        self.warc_enabled = warc_enabled
        self.warc_max_size = warc_max_size
        self.operator = operator
        self.user_agent = user_agent
        self.incremental = incremental
        self.policy = policy
        self.crawler = crawler
        self.session: CrawlSession | None = None
        self.commit_loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveExtension:
        """Read the DVSCRAPE_* settings and connect to the spider's open/close signals."""
        settings = crawler.settings
        if not settings.get("DVSCRAPE_ARCHIVE_DIR"):
            raise NotConfigured("DVSCRAPE_ARCHIVE_DIR is empty: nothing will be archived")
        extension = cls(
            Path(settings.get("DVSCRAPE_ARCHIVE_DIR")),
            warc_enabled=settings.getbool("DVSCRAPE_WARC_ENABLED"),
            warc_max_size=settings.getint("DVSCRAPE_WARC_MAX_SIZE"),
            operator=settings.get("DVSCRAPE_OPERATOR", ""),
            user_agent=settings.get("USER_AGENT", ""),
            incremental=settings.getbool("DVSCRAPE_INCREMENTAL"),
            policy=RecheckPolicy(
                month_interval_days=settings.getfloat("DVSCRAPE_RECHECK_MONTH_DAYS"),
                old_interval_days=settings.getfloat("DVSCRAPE_RECHECK_OLD_DAYS"),
            ),
            crawler=crawler,
        )
        # Opened here, not on spider_opened, so that an unusable archive stops the crawl before it starts
        # (errors raised in signal handlers are only logged by Scrapy).
        if crawler.spider is None:
            raise NotConfigured("no spider: the archive is opened only for a crawl")
        extension.open(crawler.spider)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        extension.commit_loop = task.LoopingCall(extension.commit_idle)
        extension.commit_loop.start(COMMIT_SECONDS, now=False)
        return extension

    def commit_idle(self) -> None:
        """Commit the open write group even when no write comes to do it (a slow site, a long Retry-After)."""
        if self.session is not None and not self.session.fatal_error:
            try:
                self.session.commit()
            except ArchiveError as error:
                ArchiveExtension.abort(self.crawler, error)

    @staticmethod
    def abort(crawler: Crawler, error: BaseException) -> None:
        """Stop the crawl because the archive cannot be written (disk full, read-only, database error)."""
        session = ArchiveExtension.session_of(crawler)
        message = f"the archive cannot be written: {error}"
        if session is not None and not session.fatal_error:
            session.fatal_error = message
            logger.error("%s; stopping the crawl (what is archived so far is kept)", message)
            engine = crawler.engine
            if engine is not None:
                deferred_from_coro(engine.close_spider_async(reason="archive_error"))

    @staticmethod
    def session_of(crawler: Crawler) -> CrawlSession | None:
        """The open session of *crawler*'s ArchiveExtension, or None when archiving is off."""
        try:
            extensions = crawler.extensions
        except (AttributeError, RuntimeError):  # Scrapy raises RuntimeError before the crawl has started
            return None
        for component in getattr(extensions, "middlewares", ()):
            if isinstance(component, ArchiveExtension):
                return component.session
        return None

    def open(self, spider: Spider) -> None:
        """Open the archive and begin the crawl row."""
        profile = getattr(spider, "profile", None)
        site = getattr(profile, "name", spider.name)
        base_url = getattr(profile, "base_url", "")
        archive = Archive.open(self.archive_dir)
        try:
            archive.acquire_crawl_lock()
        except Exception:
            archive.close()
            raise
        options: dict[str, Any] = {
            "spider": spider.name,
            "user_agent": self.user_agent,
            "max_articles": getattr(spider, "max_articles", 0),
            "incremental": self.incremental,
        }
        self.session = CrawlSession.open(
            archive,
            site=site,
            base_url=base_url,
            options=options,
            warc_enabled=self.warc_enabled,
            warc_max_size=self.warc_max_size,
            operator=self.operator,
            incremental=self.incremental,
            policy=self.policy,
        )
        logger.info("archive %s opened; crawl %d of %s", self.archive_dir, self.session.crawl_id, base_url)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Close the WARC writer and record the crawl's status and counts."""
        if self.commit_loop is not None and self.commit_loop.running:
            self.commit_loop.stop()
        if self.session is None:
            return
        counts = self.session.counts
        if self.session.fatal_error:
            status = "archive error"
        elif reason != "finished":
            status = f"interrupted ({reason})"
        elif counts.errors:
            status = "partial"
        elif self.incremental and not counts.articles_new and not counts.articles_updated:
            status = "nothing new"
        else:
            status = "success"
        self.session.close(status)
        try:
            self.session.archive.close()
        except Exception as error:  # closing must not hide the crawl's own outcome
            logger.error("could not close the archive database: %s", error)
