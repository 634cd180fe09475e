"""RetryAfterMiddleware: a 429 or 503 that says when to come back (Retry-After) is retried no sooner than that."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.http import Response

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

RETRY_AFTER_STATUSES = frozenset({429, 503})


def retry_after_seconds(value: str, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or an HTTP date); None when it cannot be read."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware:
    """Downloader middleware at priority 560, just before RetryMiddleware (550) sees the response: waits out the
    server's Retry-After (capped by DVSCRAPE_RETRY_AFTER_MAX) before the retry is scheduled."""

    def __init__(self, crawler: Crawler, max_wait: float) -> None:
        self.crawler = crawler
        self.max_wait = max_wait

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        """Read DVSCRAPE_RETRY_AFTER_MAX (seconds)."""
        return cls(crawler, crawler.settings.getfloat("DVSCRAPE_RETRY_AFTER_MAX"))

    async def process_response(self, request: Request, response: Response) -> Response:
        """Sleep for Retry-After when the server asked for it, then hand the response on to the retry logic."""
        if response.status not in RETRY_AFTER_STATUSES:
            return response
        header = response.headers.get(b"Retry-After")
        wait = retry_after_seconds(header.decode("latin-1")) if header else None
        if wait is None or wait <= 0:
            return response
        if wait > self.max_wait:
            logger.warning("%s asks to retry after %.0fs, more than DVSCRAPE_RETRY_AFTER_MAX; waiting %.0fs",
                           request.url, wait, self.max_wait)
            wait = self.max_wait
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("dvscrape/retry_after/waits")
        await asyncio.sleep(wait)
        return response
