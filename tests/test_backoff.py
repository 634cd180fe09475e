"""BackoffMiddleware: the delays it schedules before retries, checked without a clock (asyncio.sleep is recorded,
not awaited). The end-to-end fault tests check that real retries are at least this far apart."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import Response
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from dvscrape.capture import backoff
from dvscrape.capture.backoff import BackoffMiddleware

URL = "https://tanbinh.hochiminhcity.gov.vn/web/neoportal/-/bai-viet"


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    recorded: list[float] = []

    async def sleep(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(backoff.asyncio, "sleep", sleep)
    return recorded


def middleware(**overrides: Any) -> BackoffMiddleware:
    settings = Settings({"RETRY_ENABLED": True, "RETRY_TIMES": 3, "RETRY_HTTP_CODES": [500, 503, 429]})
    settings.setdict({"DVSCRAPE_RETRY_BACKOFF": 0.25, "DVSCRAPE_RETRY_AFTER_MAX": 120.0, **overrides})
    crawler = SimpleNamespace(settings=settings, stats=None)
    crawler.stats = MemoryStatsCollector(crawler)  # type: ignore[arg-type]
    return BackoffMiddleware.from_crawler(crawler)  # type: ignore[arg-type]


def attempt(number: int) -> Request:
    return Request(URL, meta={"retry_times": number})


def test_each_retry_waits_twice_as_long_as_the_one_before(waits: list[float]) -> None:
    mw = middleware()
    for number in range(4):  # the 4th attempt is the last: no retry follows, so no wait
        asyncio.run(mw.process_response(attempt(number), Response(URL, status=500)))
    assert waits == [0.25, 0.5, 1.0]
    for number in range(4):
        asyncio.run(mw.process_exception(attempt(number), TimeoutError()))
    assert waits == [0.25, 0.5, 1.0] * 2


def test_retry_after_is_waited_out_up_to_its_limit(waits: list[float]) -> None:
    mw = middleware(DVSCRAPE_RETRY_AFTER_MAX=5.0)
    for retry_after in ("2", "60"):
        response = Response(URL, status=503, headers={"Retry-After": retry_after})
        asyncio.run(mw.process_response(attempt(0), response))
    # a 500 ignores Retry-After; a status that is not retried waits for nothing
    asyncio.run(mw.process_response(attempt(0), Response(URL, status=500, headers={"Retry-After": "9"})))
    asyncio.run(mw.process_response(attempt(0), Response(URL, status=404)))
    assert waits == [2.0, 5.0, 0.25]


def test_no_wait_when_no_retry_follows(waits: list[float]) -> None:
    asyncio.run(middleware(DVSCRAPE_RETRY_BACKOFF=0.0).process_response(attempt(0), Response(URL, status=500)))
    request = Request(URL, meta={"dont_retry": True})
    asyncio.run(middleware().process_response(request, Response(URL, status=500)))
    assert waits == []
