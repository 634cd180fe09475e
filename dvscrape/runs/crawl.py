"""Run a crawl of one site into an archive, in this process, and report its outcome; RunEnd, the Scrapy extension
that ends every crawl (in this process, `scrapy crawl` or a Scrapyd job) with its outcome. No CLI code here."""

from __future__ import annotations

import logging
import sqlite3
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from twisted.python.failure import Failure

from dvscrape import settings as default_settings
from dvscrape.archive.crawl_report import first_crawl_report
from dvscrape.capture.counts import Count, counts_of, failed_urls_of, main_failure_of
from dvscrape.capture.extension import ArchiveExtension
from dvscrape.capture.guards import TRIGGERED_STAT, guard_lines
from dvscrape.capture.progress import PROGRESS_LOGGER
from dvscrape.capture.session import CrawlSession, site_profile
from dvscrape.errors import DvscrapeError
from dvscrape.runs.exitcodes import ExitCode
from dvscrape.runs.outcome import Outcome, decide_outcome, first_lines, outcome_of_error
from dvscrape.runs.qa import QA_ERROR, check_crawl, qa_line, record_in_stats, summary_of_stats
from dvscrape.sites import get_profile
from dvscrape.spiders.checks import PROFILE_MISTAKE_STAT

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CrawlResult:
    """What a finished crawl reports to the CLI and to monitoring."""

    crawl_id: int | None
    outcome: Outcome
    counts: Mapping[str, int]
    failed_urls: tuple[str, ...]
    elapsed_seconds: float
    archive_dir: str
    error: str = ""
    finish_reason: str = ""
    stats: Mapping[str, Any] = field(default_factory=dict)
    resumed: tuple[int, Mapping[str, int]] | None = None  # the killed crawl this one resumed, and its stored counts
    report: tuple[str, ...] = ()  # how the profile guessed, on a site's first crawl (archive.crawl_report)

    @property
    def status(self) -> str:
        """The outcome as stored in `crawls.status`."""
        return self.outcome.status

    @property
    def exit_code(self) -> ExitCode:
        """The exit code of `dvscrape crawl`."""
        return self.outcome.exit_code

    @property
    def deduplication(self) -> dict[str, int]:
        """The crawl's deduplication figures as Browsertrix reports them: unique payload digests, URLs archived
        (responses and revisits), duplicate URLs (revisits: identical payloads and 304s) and the payload bytes those
        did not store again."""
        counts = self.counts
        return {
            "unique_digests": int(counts.get(Count.UNIQUE_DIGESTS, 0)),
            "urls": int(counts.get(Count.CAPTURES, 0)),
            "duplicate_urls": int(counts.get(Count.REVISITS, 0)),
            "bytes_conserved": int(counts.get(Count.BYTES_CONSERVED, 0)),
        }

    @property
    def qa(self) -> dict[str, Any] | None:
        """The summary of the QA run at the crawl's end (runs/qa.py), or None when it did not run."""
        return summary_of_stats(self.stats)

    @property
    def started(self) -> bool:
        """Whether the crawl ran at all (False when it stopped before opening the archive or the spider)."""
        return self.crawl_id is not None or bool(self.finish_reason)

    def summary_lines(self) -> list[str]:
        """A short human summary."""
        counts = self.counts
        if not self.started:
            return [f"crawl not started: {self.status} (exit code {int(self.exit_code)}): {self.error}"]
        status = f"({self.finish_reason}) " if self.outcome is Outcome.INTERRUPTED and self.finish_reason else ""
        if self.outcome is Outcome.SITE_UNREACHABLE and (why := main_failure_of(self.stats)):
            status = f"({why}) "
        name = f"crawl {self.crawl_id}" if self.crawl_id is not None else "fetch-only crawl (nothing archived)"
        lines = [
            self.outcome.headline(name, f"{status}in {self.elapsed_seconds:.1f}s"),
            f"  requests {counts.get('requests', 0)}, captures {counts.get('captures', 0)}, {_articles(counts)}, "
            f"errors {counts.get('errors', 0)}, WARC bytes {counts.get('bytes_written', 0)}",
        ]
        requisites = int(self.stats.get("dvscrape/requisites/fetched", 0))
        if requisites:  # stylesheets, scripts, theme images, icons, fonts: fetched once per crawl
            unchanged = int(self.stats.get("dvscrape/requisites/unchanged", 0))
            lines.append(f"  page requisites {requisites} (unchanged, archived as revisits: {unchanged})")
        if self.resumed is not None:
            crawl_id, before = self.resumed
            lines.append(f"  resumes crawl {crawl_id}, stopped after {_articles(before)}")
        if self.crawl_id is not None:
            figures = self.deduplication
            lines.append(
                f"  deduplication: {figures['urls']} URLs, {figures['unique_digests']} unique payload digests, "
                f"{figures['duplicate_urls']} duplicate URLs, {figures['bytes_conserved']} bytes conserved"
            )
        if self.qa is not None:
            lines.append(f"  {qa_line(self.qa)}")
        elif self.stats.get(QA_ERROR):
            lines.append(f"  QA could not run: {self.stats[QA_ERROR]}")
        lines.append(f"  archive: {self.archive_dir}")
        failed = [f"failed: {url}" for url in self.failed_urls]
        lines += first_lines(failed, 10, "more failed URLs (see the captures table)")
        lines.extend(self.report)
        if self.report or self.stats.get(TRIGGERED_STAT):
            lines.extend(guard_lines(self.stats))
        if self.error:
            lines.append(f"  error: {self.error}")
        return lines


def _articles(counts: Mapping[str, int]) -> str:
    """The articles part of a summary line, from the counts as the crawl's row stores them."""
    text = (
        f"articles archived {counts.get('articles_stored', 0)} (new {counts.get('articles_new', 0)}, "
        f"updated {counts.get('articles_updated', 0)})"
    )
    return text + (f", gone {counts['articles_gone']}" if counts.get("articles_gone") else "")


# Scrapy's retry and robots.txt middlewares log a fetch that failed for good as an ERROR with a traceback; the crawl
# records it in captures, and its summary lists the URLs and says why in one line.
_FAILED_FETCH_LOGGERS = ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt")


class _BelowWarning(logging.Filter):
    """Lowers the records of a logger to INFO: shown with `-s LOG_LEVEL=INFO`, not by default."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO:
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


class RunEnd:
    """Scrapy extension (EXTENSIONS) that ends a crawl when its spider closes: it stops the archive's writes,
    decides the outcome from the crawl's counts and Scrapy's close reason (runs/outcome.py) and stores it with the
    counts, for every crawl (`dvscrape crawl`, `scrapy crawl`, a Scrapyd job of the fleet)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.outcome: Outcome | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunEnd:
        """Connect to the spider's close signal; Scrapy's records of fetches that failed for good go to INFO."""
        for name in _FAILED_FETCH_LOGGERS:
            scrapy_logger = logging.getLogger(name)
            if not any(isinstance(found, _BelowWarning) for found in scrapy_logger.filters):
                scrapy_logger.addFilter(_BelowWarning())
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, reason: str) -> None:
        """End the crawl with the outcome of what it did."""
        session = ArchiveExtension.session_of(self.crawler)
        if session is None or session.closed:
            return
        session.stop_writing()
        if not session.fatal_error:
            self.before_outcome(session)
        counts = counts_of(session.stats.get_stats())
        archive_failed = bool(session.fatal_error)
        outcome = decide_outcome(
            counts, finish_reason=reason, archive_failed=archive_failed, incremental=session.incremental
        )
        if outcome not in (Outcome.ARCHIVE_UNUSABLE, Outcome.INTERRUPTED):
            self.check_replay(session)
        self.finish(session, outcome)

    def before_outcome(self, session: CrawlSession) -> None:
        """What the run does with the archive between its last fetch and its outcome (nothing, for a crawl)."""

    def check_replay(self, session: CrawlSession) -> None:
        """The QA of the crawl's replay (runs/qa.py) unless DVSCRAPE_QA_ENABLED is off, into its stats: a finding
        about the archive, never the crawl's outcome; a QA that cannot run is logged and said in the summary."""
        settings = self.crawler.settings
        if not settings.getbool("DVSCRAPE_QA_ENABLED"):
            return
        try:
            report = check_crawl(session.archive, session.crawl_id, site_profile(settings))
        except (DvscrapeError, OSError, sqlite3.Error) as error:
            logger.error("the QA of crawl %d could not run: %s", session.crawl_id, error)
            session.stats.set_value(QA_ERROR, str(error))
            return
        record_in_stats(report.summary(), session.stats)

    def finish(self, session: CrawlSession, outcome: Outcome) -> Outcome:
        """Store *outcome* and the counts, close the archive; the outcome (ARCHIVE_UNUSABLE when not stored)."""
        self.outcome = outcome if session.finish(outcome.status) else Outcome.ARCHIVE_UNUSABLE
        return self.outcome


def build_settings(archive_dir: Path, overrides: Mapping[str, Any], *, fast: bool) -> Settings:
    """dvscrape's Scrapy settings, the fast local profile when asked, then the user's overrides."""
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    if fast:
        # Above a site profile's politeness (set at the "spider" priority, 30), below -s overrides ("cmdline", 40).
        settings.setdict(default_settings.FAST_LOCAL_SETTINGS, priority=35)
    settings.set("DVSCRAPE_ARCHIVE_DIR", str(archive_dir), priority="cmdline")
    settings.setdict(dict(overrides), priority="cmdline")
    return settings


def check_profile(site: str, base_url: str | None, overrides: Mapping[str, Any] | None) -> None:
    """Raise ConfigurationError for a bad site name, profile or base URL before Scrapy starts; the profile is looked
    up where the crawl's DVSCRAPE_PROFILES_DIR (a `-s` override, else the environment variable) says."""
    get_profile(site, base_url, str((overrides or {}).get("DVSCRAPE_PROFILES_DIR") or "") or None)


def run_crawl(
    site: str,
    *,
    archive_dir: Path,
    base_url: str | None = None,
    max_articles: int | None = None,
    overrides: Mapping[str, Any] | None = None,
    fast: bool = False,
) -> CrawlResult:
    """Crawl *site* into *archive_dir* and block until done. Can run once per process (Twisted's reactor)."""
    check_profile(site, base_url, overrides)
    limit = {} if max_articles is None else {"DVSCRAPE_MAX_ARTICLES": max_articles}  # recorded with the crawl
    return run_spider("portal", archive_dir=archive_dir, overrides={**(overrides or {}), **limit}, fast=fast,
                      site=site, base_url=base_url)  # fmt: skip


def run_spider(
    spider: str | type[Spider],
    *,
    archive_dir: Path,
    overrides: Mapping[str, Any] | None = None,
    fast: bool = False,
    **spider_arguments: Any,
) -> CrawlResult:
    """Run *spider* (a spider class, or the name of one of dvscrape's) with dvscrape's settings into *archive_dir*,
    block until done and report the outcome. Settings are checked (SettingsAddon) before anything is opened."""
    settings = build_settings(archive_dir, overrides or {}, fast=fast)
    started = time.monotonic()
    process = CrawlerProcess(settings)
    _progress_through_quiet_logging(settings)
    spider_class = process.spider_loader.load(spider) if isinstance(spider, str) else spider
    crawler: Crawler = process.create_crawler(spider_class)
    failures: list[Failure] = []
    deferred = process.crawl(crawler, **spider_arguments)
    deferred.addErrback(failures.append)
    process.start()
    return _result(crawler, archive_dir, time.monotonic() - started, failures)


def _progress_through_quiet_logging(settings: Settings) -> None:
    """By default (LOG_LEVEL WARNING) a person sees warnings, the progress lines and the summary, not Scrapy's
    start-up and per-request logging; the progress logger gets its own handler at INFO then. `-s LOG_LEVEL=INFO`
    (or DEBUG) brings everything back through Scrapy's handler, progress lines included."""
    progress = logging.getLogger(PROGRESS_LOGGER)
    for handler in [h for h in progress.handlers if getattr(h, "dvscrape_progress", False)]:
        progress.removeHandler(handler)
    progress.propagate = True
    level = settings.get("LOG_LEVEL") or "DEBUG"
    if not settings.getbool("LOG_ENABLED", True) or logging.getLevelName(str(level).upper()) <= logging.INFO:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(settings.get("LOG_FORMAT"), settings.get("LOG_DATEFORMAT")))
    handler.setLevel(logging.INFO)
    handler.dvscrape_progress = True  # type: ignore[attr-defined]
    progress.addHandler(handler)
    progress.setLevel(logging.INFO)
    progress.propagate = False


def _result(crawler: Crawler, archive_dir: Path, elapsed: float, failures: list[Failure]) -> CrawlResult:
    try:
        stats = crawler.stats.get_stats() if crawler.stats is not None else {}
    except RuntimeError:  # the crawl failed before its stats collector was made
        stats = {}
    reason = str(stats.get("finish_reason", ""))
    error = failures[0].value if failures else None
    session = ArchiveExtension.session_of(crawler)
    if session is None:
        if error is not None or not reason:
            outcome = outcome_of_error(error) if error is not None else Outcome.INTERNAL_ERROR
            message = _message(error) if error is not None else "the crawl did not start"
            return CrawlResult(None, outcome, {}, (), elapsed, str(archive_dir), message, reason, stats)
        # Archiving switched off (DVSCRAPE_ARCHIVE_DIR empty): a fetch-only run, judged from Scrapy's stats.
        requests, responses = (int(stats.get(f"downloader/{name}_count", 0)) for name in ("request", "response"))
        judged = {Count.CAPTURES.value: responses}
        outcome = decide_outcome(judged, finish_reason=reason, archive_failed=False, incremental=False)
        fetched = {"requests": requests, "responses": responses}
        return CrawlResult(None, outcome, fetched, (), elapsed, "", "", reason, stats)
    end = crawler.get_extension(RunEnd)
    ended = end.outcome if end is not None else None
    if not session.closed and end is not None:
        # The crawl failed after the archive was opened, before the spider closed (so no outcome was recorded);
        # without an error it was stopped hard (a second Ctrl-C), and the next run resumes it like a killed one.
        ended = end.finish(session, outcome_of_error(error)) if error is not None else Outcome.INTERRUPTED
    row = {**counts_of(stats), "responses": int(stats.get("downloader/response_count", 0))}
    mistake = str(stats.get(PROFILE_MISTAKE_STAT, ""))  # a site profile found wrong (spiders/checks.py)
    message = session.fatal_error or mistake or (_message(error) if error is not None else "")
    resumed = (session.resumed_from, session.resumed_counts) if session.resumed_from is not None else None
    report = first_crawl_report(archive_dir, session.crawl_id) if not session.fatal_error else None
    return CrawlResult(
        session.crawl_id, ended or Outcome.INTERNAL_ERROR, row, failed_urls_of(stats), elapsed,
        str(archive_dir), message, reason, stats, resumed, tuple(report.lines()) if report is not None else (),
    )  # fmt: skip


def _message(error: BaseException) -> str:
    return str(error) if isinstance(error, DvscrapeError) else f"{type(error).__name__}: {error}"
