"""`dvscrape crawl SITE --from-wayback [URL] [--since DATE] [--until DATE]`: run the Wayback mode (spider.py) with
the crawl's settings and archive handling, then rebuild the articles from every archived page in capture-date
order (dvscrape.runs.rebuild, the finish step of `dvscrape import` too), so that the versions of an article follow the
capture dates of the archive's snapshots, whatever the order they were fetched in."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from twisted.python.failure import Failure

from dvscrape.archive.db import Archive
from dvscrape.capture.cdx import WaybackServer
from dvscrape.runs.crawl import CrawlResult, _result, build_settings, check_profile
from dvscrape.spiders.wayback import WaybackSpider


@dataclass(frozen=True)
class WaybackResult:
    """The crawl's result, and what the re-extraction after it found."""

    crawl: CrawlResult
    server: str
    articles: int = 0
    versions: int = 0
    extraction_failures: tuple[str, ...] = ()

    def summary_lines(self) -> list[str]:
        lines = [line.replace("crawl ", "wayback crawl ", 1) for line in self.crawl.summary_lines()[:1]]
        lines += self.crawl.summary_lines()[1:]
        lines.append(f"  from {self.server}: {self.articles} article(s), {self.versions} version(s) in the archive")
        lines += [f"  extraction failed: {failure}" for failure in self.extraction_failures[:10]]
        return lines


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
    settings = build_settings(archive_dir, overrides or {}, fast=fast)
    started = time.monotonic()
    process = CrawlerProcess(settings)
    crawler: Crawler = process.create_crawler(WaybackSpider)
    failures: list[Failure] = []
    deferred = process.crawl(crawler, site=site, base_url=base_url, wayback_url=server.prefix, since=since, until=until)
    deferred.addErrback(failures.append)
    process.start()
    result = _result(crawler, archive_dir, time.monotonic() - started, failures)
    if result.crawl_id is None:
        return WaybackResult(result, server.prefix)
    from dvscrape.runs.rebuild import reextract

    with Archive.open(archive_dir) as archive:
        archive.acquire_crawl_lock()
        conn = archive.db.conn
        (options,) = conn.execute("SELECT options FROM crawls WHERE id = ?", (result.crawl_id,)).fetchone()
        recorded = json.loads(options or "{}")
        recorded.update(
            {
                "mode": "wayback",
                "wayback": server.prefix,
                "cdx": server.cdx_endpoint,
                "since": since.isoformat() if since else None,
                "until": until.isoformat() if until else None,
            }
        )
        with archive.transaction("record the Wayback source"):
            conn.execute(
                "UPDATE crawls SET options = ? WHERE id = ?",
                (json.dumps(recorded, ensure_ascii=False), result.crawl_id),
            )
        rebuilt = reextract(archive, reason=f"read again after fetching from {server.prefix} (crawl {result.crawl_id})")
        (versions,) = conn.execute("SELECT count(*) FROM article_versions").fetchone()
    return WaybackResult(result, server.prefix, rebuilt.articles, int(versions), tuple(rebuilt.failures))
