"""ExtractionPool: page objects run in a worker process, so extraction neither slows the crawl's event loop nor
lets one hostile page (a parser blow-up, a runaway document) hang or kill the crawl. No Scrapy import here."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from dvscrape.errors import ExtractionError, ExtractionTimeout
from dvscrape.lifeline import die_with
from dvscrape.pages.article import Article, NotArticle
from dvscrape.pages.context import PageContext
from dvscrape.pages.extract import extract_page
from dvscrape.sites.profile import SiteProfile

logger = logging.getLogger(__name__)


class ExtractionPool:
    """A small process pool for extract_page with a per-page time limit; restarts itself when a worker dies."""

    def __init__(self, workers: int = 1, timeout: float = 60.0) -> None:
        if workers < 1:
            raise ValueError("an extraction pool needs at least one worker")
        self.workers = workers
        self.timeout = timeout
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            # forkserver: workers never inherit the crawler's event loop, sockets or open archive. A worker ends
            # with the crawl, and the fork server and resource tracker with their last worker.
            context = multiprocessing.get_context("forkserver")
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=context, initializer=die_with, initargs=(os.getpid(),)
            )
        return self._executor

    def _restart(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            for process in list(getattr(executor, "_processes", {}).values()):
                process.kill()  # a worker stuck on one page cannot be cancelled any other way
            executor.shutdown(wait=False, cancel_futures=True)

    async def extract(
        self, url: str, html: bytes, profile: SiteProfile, context: PageContext | None = None
    ) -> Article | NotArticle:
        """extract_page in a worker; ExtractionTimeout after the time limit, ExtractionError if the worker died."""
        for attempt in (1, 2):
            future = self._pool().submit(extract_page, url, html, profile, context)
            try:
                return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
            except TimeoutError as error:
                self._restart()
                raise ExtractionTimeout(f"extraction took more than {self.timeout:.0f}s") from error
            except (BrokenProcessPool, CancelledError) as error:
                # Another page killed the worker (or timed out) while this one waited: try once on a new worker.
                if self._executor is not None and not isinstance(error, CancelledError):
                    self._restart()
                if attempt == 2:
                    raise ExtractionError(f"the extraction worker died: {type(error).__name__}") from error
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Stop the workers."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
