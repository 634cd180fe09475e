"""BackoffMiddleware: retries wait before they go out. A 429/503 that says when to come back (Retry-After) is
retried no sooner than that; other retryable failures wait DVSCRAPE_RETRY_BACKOFF × 2^attempt seconds, so a
struggling server is not hit again at once."""

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


class BackoffMiddleware:
    """Downloader middleware at priority 560: its process_response/process_exception run just before
    RetryMiddleware's (550), so the wait happens before the retry is scheduled."""

    def __init__(
        self, crawler: Crawler, *, backoff: float, max_wait: float, retry_times: int, retry_statuses: frozenset[int]
    ) -> None:
        self.crawler = crawler
        self.backoff = backoff
        self.max_wait = max_wait
        self.retry_times = retry_times
        self.retry_statuses = retry_statuses

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffMiddleware:
        """Read DVSCRAPE_RETRY_BACKOFF, DVSCRAPE_RETRY_AFTER_MAX and Scrapy's retry settings."""
        settings = crawler.settings
        return cls(
            crawler,
            backoff=settings.getfloat("DVSCRAPE_RETRY_BACKOFF"),
            max_wait=settings.getfloat("DVSCRAPE_RETRY_AFTER_MAX"),
            retry_times=settings.getint("RETRY_TIMES"),
            retry_statuses=frozenset(int(code) for code in settings.getlist("RETRY_HTTP_CODES")),
        )

    def _will_retry(self, request: Request) -> bool:
        if request.meta.get("dont_retry") or not self.crawler.settings.getbool("RETRY_ENABLED"):
            return False
        limit = int(request.meta.get("max_retry_times", self.retry_times))
        return int(request.meta.get("retry_times", 0)) < limit

    def _backoff_seconds(self, request: Request) -> float:
        return min(self.backoff * 2 ** int(request.meta.get("retry_times", 0)), self.max_wait)

    async def _wait(self, seconds: float, why: str) -> None:
        if seconds <= 0:
            return
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"dvscrape/backoff/{why}")
        await asyncio.sleep(seconds)

    async def process_response(self, request: Request, response: Response) -> Response:
        """Wait out Retry-After, or back off, before a retryable status is retried."""
        if response.status not in self.retry_statuses or not self._will_retry(request):
            return response
        header = response.headers.get(b"Retry-After")
        wait = retry_after_seconds(header.decode("latin-1")) if header else None
        if wait is not None and response.status in RETRY_AFTER_STATUSES:
            if wait > self.max_wait:
                logger.warning(
                    "%s asks to retry after %.0fs, more than DVSCRAPE_RETRY_AFTER_MAX; waiting %.0fs",
                    request.url,
                    wait,
                    self.max_wait,
                )
            await self._wait(min(wait, self.max_wait), "retry_after")
        else:
            await self._wait(self._backoff_seconds(request), "status")
        return response

    async def process_exception(self, request: Request, exception: Exception) -> None:
        """Back off before a failed connection, timeout or truncated response is retried."""
        if self._will_retry(request):
            await self._wait(self._backoff_seconds(request), "exception")
        return None
