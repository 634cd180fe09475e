"""Run a crawl of one site into an archive, in this process, and report its outcome. No CLI code here."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from twisted.python.failure import Failure

from dvscrape import settings as default_settings
from dvscrape.capture.extension import ArchiveExtension
from dvscrape.errors import ArchiveError, ArchiveLockedError, ConfigurationError
from dvscrape.exitcodes import ExitCode
from dvscrape.sites import get_profile


@dataclass(frozen=True)
class CrawlResult:
    """What a finished crawl reports to the CLI and to monitoring."""

    crawl_id: int | None
    status: str
    exit_code: ExitCode
    counts: Mapping[str, int]
    failed_urls: tuple[str, ...]
    elapsed_seconds: float
    archive_dir: str
    error: str = ""
    finish_reason: str = ""
    stats: Mapping[str, Any] = field(default_factory=dict)

    def summary_lines(self) -> list[str]:
        """A short human summary."""
        counts = self.counts
        if self.crawl_id is None and self.error:
            return [f"crawl not started (exit code {int(self.exit_code)}): {self.error}"]
        lines = [
            f"crawl {self.crawl_id}: {self.status} in {self.elapsed_seconds:.1f}s (exit code {int(self.exit_code)})",
            f"  requests {counts.get('requests', 0)}, captures {counts.get('captures', 0)}, "
            f"articles archived {counts.get('articles_stored', 0)} (new {counts.get('articles_new', 0)}, "
            f"updated {counts.get('articles_updated', 0)}), errors {counts.get('errors', 0)}, "
            f"WARC bytes {counts.get('bytes_written', 0)}",
            f"  archive: {self.archive_dir}",
        ]
        requisites = int(self.stats.get("dvscrape/requisites/fetched", 0))
        if requisites:  # stylesheets, scripts, theme images, icons, fonts: fetched once per crawl
            unchanged = int(self.stats.get("dvscrape/requisites/unchanged", 0))
            lines.insert(2, f"  page requisites {requisites} (unchanged, archived as revisits: {unchanged})")
        for url in self.failed_urls[:10]:
            lines.append(f"  failed: {url}")
        if len(self.failed_urls) > 10:
            lines.append(f"  … and {len(self.failed_urls) - 10} more failed URLs (see the captures table)")
        if self.error:
            lines.append(f"  error: {self.error}")
        return lines


def build_settings(archive_dir: Path, overrides: Mapping[str, Any], *, fast: bool) -> Settings:
    """dvscrape's Scrapy settings, the fast local profile when asked, then the user's overrides."""
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    if fast:
        settings.setdict(default_settings.FAST_LOCAL_SETTINGS, priority="project")
    settings.set("DVSCRAPE_ARCHIVE_DIR", str(archive_dir), priority="cmdline")
    settings.setdict(dict(overrides), priority="cmdline")
    return settings


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
    get_profile(site, base_url)  # a bad site name or base URL fails here, before Scrapy starts
    settings = build_settings(archive_dir, overrides or {}, fast=fast)
    started = time.monotonic()
    process = CrawlerProcess(settings)
    spider_class = process.spider_loader.load(site)
    crawler: Crawler = process.create_crawler(spider_class)
    failures: list[Failure] = []
    deferred = process.crawl(crawler, base_url=base_url, max_articles=max_articles)
    deferred.addErrback(failures.append)
    process.start()
    return _result(crawler, archive_dir, time.monotonic() - started, failures)


def _start_failure(failures: list[Failure]) -> tuple[ExitCode, str]:
    """The exit code and message for a crawl that could not start."""
    if not failures:
        return ExitCode.INTERNAL_ERROR, "the crawl did not start"
    failure = failures[0]
    message = failure.getErrorMessage()
    if failure.check(ArchiveLockedError):
        return ExitCode.LOCKED, message
    if failure.check(ArchiveError):
        return ExitCode.ARCHIVE_ERROR, message
    if failure.check(ConfigurationError):
        return ExitCode.BAD_CONFIGURATION, message
    return ExitCode.INTERNAL_ERROR, f"{getattr(failure.type, '__name__', 'error')}: {message}"


def _result(crawler: Crawler, archive_dir: Path, elapsed: float, failures: list[Failure]) -> CrawlResult:
    session = ArchiveExtension.session_of(crawler)
    stats = crawler.stats.get_stats() if crawler.stats is not None else {}
    reason = str(stats.get("finish_reason", ""))
    if session is None:
        if failures or not reason:
            code, message = _start_failure(failures)
            return CrawlResult(None, "not started", code, {}, (), elapsed, str(archive_dir), message, reason, stats)
        # Archiving switched off (DVSCRAPE_ARCHIVE_DIR empty): a fetch-only run, reported from Scrapy's stats.
        fetch_counts = {
            "requests": int(stats.get("downloader/request_count", 0)),
            "responses": int(stats.get("downloader/response_count", 0)),
        }
        code = ExitCode.SUCCESS if fetch_counts["responses"] else ExitCode.SITE_UNREACHABLE
        return CrawlResult(None, "fetch only", code, fetch_counts, (), elapsed, "", "", reason, stats)
    counts = session.counts
    if session.fatal_error:
        code, status = ExitCode.ARCHIVE_ERROR, "archive error"
    elif counts.captures == 0:
        code, status = ExitCode.SITE_UNREACHABLE, "site unreachable"
    elif counts.errors:
        code, status = ExitCode.PARTIAL_FAILURE, "partial"
    elif (
        session.planner.incremental
        and counts.articles_new == 0
        and counts.articles_updated == 0
        and (counts.articles_unchanged or counts.not_due)
    ):
        code, status = ExitCode.NOTHING_TO_DO, "nothing new"
    elif reason not in ("finished", "closespider_itemcount", "closespider_pagecount"):
        code, status = ExitCode.INTERNAL_ERROR, f"interrupted ({reason})"
    else:
        code, status = ExitCode.SUCCESS, "success"
    row = {**counts.as_row(), "responses": int(stats.get("downloader/response_count", 0))}
    return CrawlResult(
        session.crawl_id,
        status,
        code,
        row,
        tuple(counts.failed_urls),
        elapsed,
        str(archive_dir),
        session.fatal_error,
        reason,
        stats,
    )
