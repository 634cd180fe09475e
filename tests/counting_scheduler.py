"""A Scrapy scheduler for tests: Scrapy's own, which also notes the most re-check requests (held articles scheduled
by the spider's start, not found on a page: article requests without a Referer) waiting in it at once, and writes
that number to the file named by the environment variable COUNTING_SCHEDULER_OUT when the crawl closes."""

from __future__ import annotations

import os
from pathlib import Path

from scrapy import Request
from scrapy.core.scheduler import Scheduler

from dvscrape.capture.items import KIND_KEY


def _is_recheck(request: Request) -> bool:
    return request.meta.get(KIND_KEY) == "article" and not request.headers.get("Referer")


class CountingScheduler(Scheduler):
    """Scrapy's scheduler, counting the re-check requests it holds."""

    waiting = 0
    most_waiting = 0

    def enqueue_request(self, request: Request) -> bool:
        queued = super().enqueue_request(request)
        if queued and _is_recheck(request):
            self.waiting += 1
            self.most_waiting = max(self.most_waiting, self.waiting)
        return queued

    def next_request(self) -> Request | None:
        request = super().next_request()
        if request is not None and _is_recheck(request):
            self.waiting -= 1
        return request

    def close(self, reason: str) -> None:
        Path(os.environ["COUNTING_SCHEDULER_OUT"]).write_text(str(self.most_waiting))
        return super().close(reason)
