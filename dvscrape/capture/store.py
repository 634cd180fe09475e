"""StorePipeline: articles into the SQLite archive; failed fetches into `captures` with their reason."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured

from dvscrape.archive.records import ArticleOutcome
from dvscrape.capture.counts import Count, count, failed
from dvscrape.capture.extension import ArchiveExtension
from dvscrape.capture.items import ArticleItem, ArticleUnchanged, ExtractionFailure, FetchFailure
from dvscrape.errors import ArchiveError
from dvscrape.pages.finish import validated

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from dvscrape.capture.counts import Stats
    from dvscrape.capture.session import CrawlSession

logger = logging.getLogger(__name__)

MISSING_STATUSES = frozenset({404, 410})


class StorePipeline:
    """Writes each item through the crawl's open archive."""

    def __init__(self, session: CrawlSession) -> None:
        self.session = session
        self.stats: Stats = session.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        """Enabled whenever the crawl has an archive."""
        session = ArchiveExtension.session_of(crawler)
        if session is None:
            raise NotConfigured("no archive (DVSCRAPE_ARCHIVE_DIR is empty)")
        return cls(session)

    def close_spider(self) -> None:
        """Store the articles still held for their listing hint (capture/held.py): a crawl stopped before it went
        idle (time limit, profile mistake, interruption) keeps them, read with the listings it read."""
        items = self.session.held.release() if self.session.held is not None else []
        if items:
            logger.info("storing %d articles held for their listing hint as the crawl closes", len(items))
        for item in items:
            if isinstance(item, ArticleItem):
                article = validated(item.article)
                if article is None:
                    continue
                item = replace(item, article=article)
            self.process_item(item)

    def process_item(self, item: Any) -> Any:
        """Store an article or record a failure; an archive that cannot be written stops the crawl."""
        session = self.session
        if session.fatal_error:
            return item
        try:
            self._store(session, item)
            session.wrote()
        except (OSError, sqlite3.Error, ArchiveError) as error:
            session.abort(error)
        return item

    def _store(self, session: CrawlSession, item: Any) -> None:
        if isinstance(item, ArticleItem):
            if item.capture_id is None:
                logger.warning("article %s has no capture (WARC off?); stored without provenance", item.article.url)
            stored = session.archive.save_article(item.article, capture_id=item.capture_id, seen_at=item.fetched_at)
            count(self.stats, Count.ARTICLES_STORED)
            if stored.outcome is ArticleOutcome.NEW:
                count(self.stats, Count.ARTICLES_NEW)
            elif stored.outcome is ArticleOutcome.UPDATED:
                count(self.stats, Count.ARTICLES_UPDATED)
        elif isinstance(item, ArticleUnchanged):
            session.archive.touch_article(item.url, seen_at=item.seen_at, capture_id=item.capture_id)
            count(self.stats, Count.ARTICLES_UNCHANGED)
        elif isinstance(item, FetchFailure):
            self._record_failure(session, item)
        elif isinstance(item, ExtractionFailure):
            failed(self.stats, item.url)
            if item.capture_id is not None:
                session.archive.note_capture_problem(item.capture_id, item.reason)

    def _record_failure(self, session: CrawlSession, failure: FetchFailure) -> None:
        if failure.status in MISSING_STATUSES:
            # A dead link is a fact about the site, recorded in captures, not a failure of this crawl.
            count(self.stats, Count.MISSING)
            logger.info("missing: %s (%s)", failure.url, failure.reason)
            if failure.kind == "article" and failure.status is not None:
                gone = session.archive.mark_gone(failure.canonical_url, seen_at=failure.seen_at, status=failure.status)
                if gone is not None:
                    count(self.stats, Count.ARTICLES_GONE)
            return
        failed(self.stats, failure.url, failure.reason)  # the summary lists them and says why
        logger.info("failed: %s (%s, %d attempt(s))", failure.url, failure.reason, failure.attempts)
        if failure.status is not None:
            return  # the HTTP response itself is already a capture with its status
        session.record_failed_fetch(
            failure.url, failure.canonical_url, failure.kind, failure.reason, attempts=failure.attempts
        )
