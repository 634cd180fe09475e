"""`dvscrape crawl SITE --from-wayback [URL] [--since DATE] [--until DATE]`: the Wayback spider run as a crawl
(runs/crawl.run_spider: the crawl's settings, archive handling and outcome), whose end rebuilds the articles it fetched
captures of, each from every archived capture of it in capture-date order (dvscrape.runs.rebuild, the finish step of
`dvscrape import` too), so that the versions of an article follow the capture dates of the archive's snapshots,
whatever the order they were fetched in; the rest of the archive is not read again.
The articles the rebuild adds or changes are the run's articles: counted, stored with the crawl and judged by the
outcome like a live crawl's."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from dvscrape import settings as default_settings
from dvscrape.archive.lookup import version_changes, version_counts
from dvscrape.archive.replay import added_article_urls, related_article_urls
from dvscrape.capture.cdx import WaybackServer
from dvscrape.capture.counts import Count, count
from dvscrape.capture.session import RUN_OPTIONS, CrawlSession
from dvscrape.errors import DvscrapeError
from dvscrape.runs.crawl import CrawlResult, RunEnd, check_profile, run_spider
from dvscrape.runs.outcome import first_lines
from dvscrape.runs.rebuild import reextract
from dvscrape.spiders.wayback import WaybackSpider

logger = logging.getLogger(__name__)

REBUILT = "dvscrape/rebuilt"  # stats: articles and versions in the archive after the rebuild, its failures and pages


@dataclass(frozen=True)
class WaybackResult:
    """The crawl's result, with what the rebuild after it found."""

    crawl: CrawlResult
    server: str

    def summary_lines(self) -> list[str]:
        """The crawl's summary, the archive's totals after the rebuild and its failures."""
        lines = self.crawl.summary_lines()
        lines[0] = lines[0].replace("crawl ", "wayback crawl ", 1)
        stats = self.crawl.stats
        if self.crawl.crawl_id is not None:
            lines.append(f"  from {self.server}: re-read {stats.get(f'{REBUILT}/pages', 0)} archived article page(s)")
        failures = [f"extraction failed: {failure}" for failure in stats.get(f"{REBUILT}/failures", [])]
        lines += first_lines(failures, 10, "more failures")
        return lines


class WaybackRunEnd(RunEnd):
    """The end of a Wayback crawl: the rebuild, whose new and changed articles are counted as the crawl's."""

    def before_outcome(self, session: CrawlSession) -> None:
        """Rebuild the articles the run fetched captures of (in the open archive, under the crawl's lock)."""
        conn = session.archive.db.conn
        server = self.crawler.settings.getdict(RUN_OPTIONS).get("wayback", "")
        fetched = related_article_urls(conn, added_article_urls(conn, session.crawl_id))  # the run's articles
        before = version_counts(conn, fetched)
        reason = f"read again after fetching from {server} (crawl {session.crawl_id})"
        try:
            rebuilt = reextract(session.archive, added_by=session.crawl_id, reason=reason)
        except DvscrapeError as error:
            session.fatal_error = f"the articles could not be rebuilt: {error}"
            logger.error("%s", session.fatal_error)
            return
        new, updated = version_changes(before, version_counts(conn, related_article_urls(conn, fetched)))
        stats = session.stats
        for name, value in ((Count.ARTICLES_NEW, new), (Count.ARTICLES_UPDATED, updated),
                            (Count.ARTICLES_STORED, new + updated)):  # fmt: skip
            count(stats, name, value)
        stats.set_value(f"{REBUILT}/failures", list(rebuilt.failures))
        stats.set_value(f"{REBUILT}/pages", rebuilt.pages)


def run_wayback(
    site: str,
    *,
    archive_dir: Path,
    base_url: str | None = None,
    wayback_url: str | None = None,
    since: date | None = None,
    until: date | None = None,
    overrides: Mapping[str, Any] | None = None,
    fast: bool = False,
) -> WaybackResult:
    """Fetch the site's captures from the web archive at *wayback_url* into *archive_dir*; see the module."""
    check_profile(site, base_url, overrides)
    server = WaybackServer.from_url(wayback_url)
    extensions = {**default_settings.EXTENSIONS, f"{RunEnd.__module__}.RunEnd": None,
                  f"{__name__}.WaybackRunEnd": default_settings.EXTENSIONS[f"{RunEnd.__module__}.RunEnd"]}  # fmt: skip
    result = run_spider(
        WaybackSpider,
        archive_dir=archive_dir,
        overrides={**(overrides or {}), "EXTENSIONS": extensions},
        fast=fast,
        site=site,
        base_url=base_url,
        wayback_url=server.prefix,
        since=since,
        until=until,
    )
    return WaybackResult(result, server.prefix)
