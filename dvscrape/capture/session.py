"""The state one crawl shares between its Scrapy components: the open archive, the WARC writer, the planner."""

from __future__ import annotations

import logging
import socket
import sqlite3
import sys
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from dvscrape import __version__
from dvscrape.archive.db import Archive
from dvscrape.archive.incremental import IncrementalState, RecheckPolicy
from dvscrape.archive.lookup import (
    archived_capture_times,
    capture_record,
    capture_warc_record,
    crawl_profiles,
    newest_response,
)
from dvscrape.archive.records import Capture
from dvscrape.archive.recovery import check_newest_warc, recover_after_crash
from dvscrape.archive.replay import listing_entries_near, record_hint_page
from dvscrape.archive.sitemaps import PreviousSitemap, previous_sitemap
from dvscrape.archive.times import now_stored, parse_time
from dvscrape.capture.counts import Count, counts_of
from dvscrape.capture.held import HeldArticles
from dvscrape.capture.planner import FetchPlanner
from dvscrape.errors import ArchiveError, DvscrapeError
from dvscrape.pages.listing import ListingEntry
from dvscrape.sites import profile_for
from dvscrape.warc.payload import decoded_payload
from dvscrape.warc.writer import WarcWriter

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

    from dvscrape.capture.counts import Stats
    from dvscrape.sites.profile import SiteProfile

logger = logging.getLogger(__name__)

# Refused URLs are written in batches: a page can link hundreds of traps, one transaction each would be wasteful.
REFUSAL_BATCH = 500
# Database writes are committed in groups (every COMMIT_EVERY writes or COMMIT_SECONDS): one transaction per row
# made SQLite's commits the largest archiving cost. A kill loses at most the open group, whose WARC records the
# next run's recovery sees as unreferenced and whose URLs it fetches again.
COMMIT_EVERY = 200
COMMIT_SECONDS = 1.0
# The SiteProfile a crawl's spider crawls, set by the spider as it is made (before the components that read it); not
# a setting a user gives.
SITE_PROFILE = "DVSCRAPE_SITE_PROFILE"
# What else a spider says of its crawl (a dict stored with the crawl's options), set the same way.
RUN_OPTIONS = "DVSCRAPE_RUN_OPTIONS"


def site_profile(settings: BaseSettings) -> SiteProfile | None:
    """The profile the crawl's spider declared (None: a spider of no site)."""
    return settings.get(SITE_PROFILE)


@dataclass(frozen=True)
class ArchiveSettings:
    """The settings of the archive side of a crawl, read once from the crawl's effective settings."""

    archive_dir: Path
    warc_enabled: bool
    warc_max_size: int
    operator: str
    user_agent: str
    incremental: bool
    policy: RecheckPolicy

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> ArchiveSettings:
        """DVSCRAPE_ARCHIVE_DIR, DVSCRAPE_WARC_*, DVSCRAPE_OPERATOR, USER_AGENT, DVSCRAPE_INCREMENTAL and the
        DVSCRAPE_RECHECK_* intervals."""
        return cls(
            archive_dir=Path(settings.get("DVSCRAPE_ARCHIVE_DIR")),
            warc_enabled=settings.getbool("DVSCRAPE_WARC_ENABLED"),
            warc_max_size=settings.getint("DVSCRAPE_WARC_MAX_SIZE"),
            operator=settings.get("DVSCRAPE_OPERATOR", ""),
            user_agent=settings.get("USER_AGENT", ""),
            incremental=settings.getbool("DVSCRAPE_INCREMENTAL"),
            policy=RecheckPolicy(
                month_interval_days=settings.getfloat("DVSCRAPE_RECHECK_MONTH_DAYS"),
                old_interval_days=settings.getfloat("DVSCRAPE_RECHECK_OLD_DAYS"),
                page_interval_days=settings.getfloat("DVSCRAPE_RECHECK_PAGE_DAYS"),
                missing_page_interval_days=settings.getfloat("DVSCRAPE_RECHECK_MISSING_DAYS"),
            ),
        )


def _repair_or_refuse(archive: Archive, interrupted: int | None) -> None:
    """After a killed run, cut what it left half-written; otherwise only check that the newest WARC file is whole.
    Damage that no interrupted write explains is never repaired silently: the crawl refuses to start."""
    if interrupted is None:
        check_newest_warc(archive.warc_dir)
        return
    report = recover_after_crash(archive)
    if report.damaged:
        damage = "; ".join(f"{name}: {why}" for name, why in report.damaged.items())
        raise ArchiveError(
            f"WARC file(s) damaged other than by an interrupted write, left as they are: {damage}. "
            "Run `dvscrape verify`, then move the damaged file aside or restore it from a copy"
        )
    if report.truncated or report.deleted_captures:
        logger.warning("recovered after the interrupted crawl %d: %s", interrupted, report.summary())


class CrawlSession:
    """One crawl's open archive and WARC writer and its FetchPlanner; created by ArchiveExtension, used by the
    spider, the middlewares and the pipelines. Its counts are the crawl's stats (capture/counts.py), written to the
    crawl's row with every commit, so that a killed run's row holds what it did."""

    def __init__(
        self,
        archive: Archive,
        crawl_id: int,
        site: str,
        warc_writer: WarcWriter | None,
        *,
        state: IncrementalState,
        incremental: bool,
        policy: RecheckPolicy,
        stats: Stats,
        profile: SiteProfile | None = None,
        resumed_from: int | None = None,
    ) -> None:
        self.archive = archive
        self.crawl_id = crawl_id
        self.site = site
        self.warc_writer = warc_writer
        self.state = state
        self.resumed_from = resumed_from
        self.resumed_counts: dict[str, int] = {}  # as the killed crawl being resumed stored them
        self.stats = stats
        self.incremental = incremental
        self.planner = FetchPlanner(state, policy, incremental=incremental, stats=stats)
        self.held = HeldArticles(profile, self) if profile is not None else None
        self.fatal_error = ""
        self.closed = False
        self.on_abort: Callable[[], None] = lambda: None
        self._writes = 0
        self._batch_started = time.monotonic()
        self._refusals: dict[str, tuple[str, str, str, str]] = {}
        self._refused_urls: set[str] = set()
        self._profiles: list[SiteProfile] | None = None

    def profile_for(self, url: str) -> SiteProfile | None:
        """The profile that reads *url*, fetched by this or an earlier crawl of the archive (sites.profile_for over
        the archive's crawl profiles, read once)."""
        if self._profiles is None:
            self._profiles = crawl_profiles(self.archive.db.conn)
        return profile_for(url, self._profiles)

    @classmethod
    def open(
        cls,
        archive: Archive,
        config: ArchiveSettings,
        *,
        site: str,
        base_url: str,
        options: dict[str, object],
        stats: Stats,
        profile: SiteProfile | None = None,
    ) -> CrawlSession:
        """Repair what a killed run left, resume it or begin a crawl, load what the archive holds, open the WARC
        writer. *options* (the run's own, such as the spider and its article limit) are stored with the crawl, with
        the User-Agent and the incremental flag. The caller holds the archive's crawl lock."""
        options = {**options, "user_agent": config.user_agent, "incremental": config.incremental}
        interrupted = archive.unfinished_crawl(site)
        _repair_or_refuse(archive, interrupted)
        resumed_counts = archive.crawl_counts(interrupted) if interrupted is not None else {}
        if interrupted is not None:
            crawl_id = archive.resume_crawl(interrupted, options, base_url=base_url)
            logger.info("resuming interrupted crawl %d as crawl %d", interrupted, crawl_id)
        else:
            crawl_id = archive.begin_crawl(site, base_url, options)
        state = IncrementalState.load(archive, resume_crawl_id=interrupted)
        writer = None
        if config.warc_enabled:
            writer = WarcWriter(
                archive.warc_dir,
                prefix=f"dvscrape-{site}",
                max_file_size=config.warc_max_size,
                warcinfo={
                    "operator": config.operator or "not set",
                    "hostname": socket.gethostname(),
                    "crawl-id": str(crawl_id),
                    "isPartOf": f"{site}-crawl-{crawl_id}",
                    "robots": "obey",
                    "http-header-user-agent": config.user_agent,
                    "description": f"dvscrape {__version__} crawl of {base_url} (python {sys.version.split()[0]})",
                },
            )
        session = cls(
            archive,
            crawl_id,
            site,
            writer,
            state=state,
            incremental=config.incremental,
            policy=config.policy,
            stats=stats,
            profile=profile,
            resumed_from=interrupted,
        )
        session.resumed_counts = resumed_counts
        session.begin()
        return session

    def begin(self) -> None:
        """Open the first write group."""
        self.archive.begin_batch()
        self._batch_started = time.monotonic()

    def wrote(self) -> None:
        """Count one database write; commit the group when it is big or old enough."""
        self._writes += 1
        if self._writes >= COMMIT_EVERY or time.monotonic() - self._batch_started >= COMMIT_SECONDS:
            self.commit()

    def commit(self) -> None:
        """Commit the open write group, with the counts so far, and open the next one."""
        self.record_counts()
        self.archive.commit_batch()
        self._writes = 0
        self.begin()

    def refuse(self, url: str, kind: str, reason: str, found_on: str = "") -> None:
        """Remember a URL the crawl will not fetch; written to `refused_urls` in batches and at close."""
        if url in self._refused_urls:
            return
        self._refused_urls.add(url)
        self.stats.inc_value(f"dvscrape/refused/{kind}")
        self._refusals[url] = (url, kind, reason, found_on)
        if len(self._refusals) >= REFUSAL_BATCH:
            self.flush_refusals()

    def record_hint_page(self, capture_id: int, shown: Iterable[ListingEntry]) -> None:
        """Record what the listing or sitemap capture *capture_id* shows of articles, as a rebuild reads it
        (archive.replay.record_hint_page), so that no rebuild reads its record again."""
        record_hint_page(self.archive.db.conn, capture_id, shown)
        self.wrote()

    def record_failed_fetch(self, url: str, canonical_url: str, kind: str, error: str, attempts: int) -> None:
        """Record in `captures` a fetch that got no HTTP response after its *attempts*, with the *error*."""
        self.archive.record_capture(
            Capture(
                crawl_id=self.crawl_id,
                url=url,
                canonical_url=canonical_url,
                kind=kind,
                status=None,
                content_type="",
                fetched_at=now_stored(),
                content_length=None,
                location=None,
                error=error[:500],
                attempts=attempts,
            )
        )

    def archived_payload(self, capture_id: int | None) -> tuple[bytes, str | None]:
        """The payload (Content-Encoding and chunking undone) of the capture's WARC record, and the Content-Type it
        came with; DvscrapeError, OSError or ValueError when it cannot be read."""
        record = capture_warc_record(self.archive, capture_record(self.archive.db.conn, capture_id))
        return decoded_payload(record), record.http_header("Content-Type")

    def newest_payload(self, url: str) -> tuple[bytes, str | None]:
        """The payload and Content-Type of the newest archived 200 response for *url*; (b"", None) when there is
        none or it cannot be read."""
        try:
            record = newest_response(self.archive, url)
            return decoded_payload(record), record.http_header("Content-Type")
        except (DvscrapeError, OSError, ValueError):
            return b"", None

    def listing_entries_near(self, canonical_url: str, moment: str) -> dict[str, ListingEntry]:
        """What each listing URL that showed *canonical_url* showed of it, as captured nearest *moment*
        (archive.replay.listing_entries_near)."""
        return listing_entries_near(self.archive.db.conn, canonical_url, moment)

    def archived_capture_times(self, urls: Collection[str]) -> set[tuple[str, datetime]]:
        """(URL, capture time) of every capture of *urls* whose WARC record the archive holds."""
        return {(url, parse_time(moment)) for url, moment in archived_capture_times(self.archive.db.conn, urls)}

    def previous_sitemap(self) -> PreviousSitemap:
        """The previous visit's sitemap (empty for a crawl that is not incremental); see archive/sitemaps.py."""
        if not self.incremental:
            return PreviousSitemap()
        return previous_sitemap(self.archive.db.conn, self.archive.warc_dir)

    def flush_refusals(self) -> None:
        """Write the remembered refusals."""
        if self._refusals:
            self.archive.record_refusals(self.crawl_id, self._refusals.values())
            self._refusals.clear()
            self.wrote()

    def abort(self, error: BaseException) -> None:
        """Stop the crawl because the archive cannot be written (disk full, read-only, database error); what is
        archived so far is kept."""
        if self.fatal_error:
            return
        self.fatal_error = f"the archive cannot be written: {error}"
        logger.error("%s; stopping the crawl (what is archived so far is kept)", self.fatal_error)
        self.on_abort()

    def record_counts(self) -> None:
        """Write the counts so far to the crawl's row (in the open write group)."""
        if self.warc_writer is not None:
            self.stats.set_value(Count.BYTES_WRITTEN.key, self.warc_writer.bytes_written)
        self.archive.record_crawl_counts(self.crawl_id, counts_of(self.stats.get_stats()))

    def stop_writing(self) -> None:
        """Close the WARC writer, write the remembered refusals and the counts, and commit. After a fatal archive
        error this is best effort: what cannot be written is logged and the crawl's fatal_error says so; the next
        run's crash recovery repairs the rest."""
        steps = [self.flush_refusals, self.commit]
        if self.warc_writer is not None:
            steps.insert(0, self.warc_writer.close)
        for step in steps:
            try:
                step()
            except (OSError, sqlite3.Error, ArchiveError) as error:
                self.fatal_error = self.fatal_error or f"could not close the archive: {error}"
                logger.error("could not record the end of crawl %d: %s", self.crawl_id, error)

    def finish(self, status: str) -> bool:
        """Record the crawl's end with its *status* and counts, and close the archive, once; False when the end
        could not be recorded."""
        if self.closed:
            return True
        self.closed = True
        recorded = True
        try:
            self.archive.finish_crawl(self.crawl_id, status, counts_of(self.stats.get_stats()))
            self.archive.commit_batch()
        except (OSError, sqlite3.Error, ArchiveError) as error:
            recorded = False
            self.fatal_error = self.fatal_error or f"could not close the archive: {error}"
            logger.error("could not record the end of crawl %d: %s", self.crawl_id, error)
        try:
            self.archive.close()
        except Exception as error:  # closing must not hide the crawl's own outcome
            logger.error("could not close the archive database: %s", error)
        return recorded
