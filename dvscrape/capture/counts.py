"""The counts of one crawl, kept where Scrapy keeps a crawl's figures: its stats collector (crawler.stats), under
``dvscrape/<name>``. Each component counts what it does (the capture middleware its requests and captures, the store
pipeline the articles, the planner what was not due); the crawls row, the progress line, the summary and the outcome
read them back with counts_of, so they cannot disagree."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrapy.statscollectors import StatsCollector as Stats

PREFIX = "dvscrape/"
FAILED_URLS = "dvscrape/failed_urls"  # the URLs counted as errors, in order (a list)
FAILURE_REASONS = "dvscrape/failure_reasons"  # why they failed: how many gave each reason (a dict)


class Count(StrEnum):
    """A count of the crawls row (see COUNT_COLUMNS in archive/records.py for the ones with columns)."""

    REQUESTS = "requests"
    CAPTURES = "captures"
    ARTICLES_FOUND = "articles_found"
    ARTICLES_STORED = "articles_stored"
    ARTICLES_NEW = "articles_new"
    ARTICLES_UPDATED = "articles_updated"
    ARTICLES_UNCHANGED = "articles_unchanged"
    ARTICLES_GONE = "articles_gone"
    MEDIA = "media"  # images and documents captured (a response or a revisit)
    REVISITS = "revisits"  # duplicate URLs: identical-payload revisits and 304s, whose payload is not stored again
    UNIQUE_DIGESTS = "unique_digests"  # distinct payload digests of the response records written
    BYTES_CONSERVED = "bytes_conserved"  # payload bytes the revisits did not store again
    NOT_DUE = "not_due"
    ERRORS = "errors"
    MISSING = "missing"
    BYTES_WRITTEN = "bytes_written"

    @property
    def key(self) -> str:
        """The stats key."""
        return PREFIX + self.value


def count(stats: Stats, name: Count, value: int = 1) -> None:
    """Add *value* to the count *name*."""
    stats.inc_value(name.key, value)


def failed(stats: Stats, url: str, reason: str = "") -> None:
    """Count one error, for *url*, and its *reason* ("ExceptionName: message", or a plain message)."""
    count(stats, Count.ERRORS)
    urls = stats.get_value(FAILED_URLS) or []
    urls.append(url)
    stats.set_value(FAILED_URLS, urls)
    if reason:
        reasons = stats.get_value(FAILURE_REASONS) or {}
        reasons[reason] = reasons.get(reason, 0) + 1
        stats.set_value(FAILURE_REASONS, reasons)


def counts_of(stats: Mapping[str, Any]) -> dict[str, int]:
    """Every count of *stats* (a crawler's get_stats()), 0 for the ones never counted."""
    return {name.value: int(stats.get(name.key, 0)) for name in Count}


def failed_urls_of(stats: Mapping[str, Any]) -> tuple[str, ...]:
    """The URLs counted as errors."""
    return tuple(stats.get(FAILED_URLS, ()))


def main_failure_of(stats: Mapping[str, Any]) -> str:
    """The reason most failures gave, its message without the exception's name ("" when none gave one)."""
    reasons: Mapping[str, int] = stats.get(FAILURE_REASONS) or {}
    if not reasons:
        return ""
    reason = max(reasons, key=lambda text: reasons[text])
    name, _, message = reason.partition(": ")
    return message if message and name.isidentifier() else reason
