"""ProgressExtension: what a crawl is doing, while it does it. On a terminal, one status line redrawn in place
(a bar of archived over found articles, rates, errors); elsewhere (cron, systemd) a plain log line every
DVSCRAPE_PROGRESS_INTERVAL seconds."""

from __future__ import annotations

import logging
import sys
import time
from typing import TYPE_CHECKING, TextIO

from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from dvscrape.capture.counts import counts_of

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

PROGRESS_LOGGER = "dvscrape.progress"  # shown by default even when Scrapy logs only warnings (crawl.py)
logger = logging.getLogger(PROGRESS_LOGGER)

BAR_WIDTH = 24
TERMINAL_INTERVAL = 0.5


def progress_bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    """A text bar like [#######.........] for done out of total (total may still grow)."""
    filled = width if total <= 0 and done else (width * min(done, total) // total if total else 0)
    return "[" + "#" * filled + "." * (width - filled) + "]"


class ProgressExtension:
    """Shows progress on a terminal, logs it elsewhere; DVSCRAPE_PROGRESS_INTERVAL=0 switches it off."""

    def __init__(self, crawler: Crawler, interval: float, terminal: TextIO | None) -> None:
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.archived = bool(crawler.settings.get("DVSCRAPE_ARCHIVE_DIR"))
        self.interval = interval
        self.terminal = terminal
        self.loop: task.LoopingCall | None = None
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        """Read the interval, decide between terminal and log output, hook the spider's open/close signals."""
        interval = crawler.settings.getfloat("DVSCRAPE_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured("DVSCRAPE_PROGRESS_INTERVAL is 0")
        terminal = sys.stderr if sys.stderr.isatty() else None
        extension = cls(crawler, interval, terminal)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        """Start the periodic report (the archive, if any, is open by now)."""
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.report, spider)
        self.loop.start(TERMINAL_INTERVAL if self.terminal else self.interval, now=False)

    def report(self, spider: Spider) -> None:
        """Redraw the status line, or log one progress line."""
        if self.terminal is not None:
            self.terminal.write("\r" + self.line(spider, bar=True) + "\033[K")
            self.terminal.flush()
        else:
            logger.info("progress: %s", self.line(spider))

    def line(self, spider: Spider, bar: bool = False) -> str:
        """The progress figures as one line of text."""
        elapsed = max(time.monotonic() - self.started, 1e-6)
        counts = counts_of(self.stats.get_stats())
        found = counts["articles_found"]
        if not self.archived:
            return (
                f"{self.stats.get_value('downloader/response_count', 0)} responses (nothing archived), {elapsed:.0f}s"
            )
        stored, captures = counts["articles_stored"], counts["captures"]
        prefix = f"{progress_bar(stored + counts['articles_unchanged'], found)} " if bar else ""
        line = (
            f"{prefix}{found} articles found, {stored} archived ({stored / elapsed:.1f}/s), {captures} captures "
            f"({captures / elapsed:.1f}/s), {counts['errors']} errors, {elapsed:.0f}s"
        )
        held, listings = held_book.waiting() if (held_book := getattr(spider, "held", None)) else (0, 0)
        if held:  # stored once every listing is read (capture/held.py): what the archived count waits for
            waits = f"{listings} listing page{'s' * (listings != 1)}" if listings else "the crawl's last requests"
            line += f"; held articles: {held} waiting for {waits}"
        return line

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Stop the report, with a last line so that even a short crawl shows its figures."""
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.terminal is not None:
            self.terminal.write("\r" + self.line(spider, bar=True) + "\033[K\n")
            self.terminal.flush()
        logger.info("progress: %s", self.line(spider))
