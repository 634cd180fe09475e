"""The state one crawl shares between its Scrapy components: the open archive, the WARC writer and the counts."""

from __future__ import annotations

import logging
import socket
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from dvscrape import __version__
from dvscrape.archive.db import Archive
from dvscrape.archive.incremental import IncrementalState, RecheckPolicy
from dvscrape.archive.lookup import crawl_profiles
from dvscrape.archive.records import Capture
from dvscrape.archive.recovery import check_newest_warc, recover_after_crash
from dvscrape.capture.planner import FetchPlanner
from dvscrape.errors import ArchiveError
from dvscrape.runs.outcome import Outcome
from dvscrape.sites import profile_for
from dvscrape.sites.profile import SiteProfile
from dvscrape.warc.writer import WarcWriter

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

# Refused URLs are written in batches: a page can link hundreds of traps, one transaction each would be wasteful.
REFUSAL_BATCH = 500
# Database writes are committed in groups (every COMMIT_EVERY writes or COMMIT_SECONDS): one transaction per row
# made SQLite's commits the largest archiving cost. A kill loses at most the open group, whose WARC records the
# next run's recovery sees as unreferenced and whose URLs it fetches again.
COMMIT_EVERY = 200
COMMIT_SECONDS = 1.0


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


@dataclass
class CrawlCounts:
    """Running totals of one crawl, written to the `crawls` row at the end."""

    requests: int = 0
    captures: int = 0
    articles_found: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_stored: int = 0
    media: int = 0  # images and documents captured (a response or a revisit)
    articles_unchanged: int = 0
    articles_gone: int = 0
    revisits: int = 0
    not_due: int = 0
    errors: int = 0
    missing: int = 0
    failed_urls: list[str] = field(default_factory=list)
    bytes_written: int = 0
    refused: Counter[str] = field(default_factory=Counter)

    def as_row(self) -> dict[str, int]:
        """The counts as stored in `crawls`: every count above (not the failed URLs or the refusals)."""
        return {name: value for name, value in vars(self).items() if isinstance(value, int)}


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
    """One crawl's open archive and WARC writer, its counts and its FetchPlanner; created by ArchiveExtension,
    used by the spider, the middlewares and the pipelines."""

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
        resumed_from: int | None = None,
    ) -> None:
        self.archive = archive
        self.crawl_id = crawl_id
        self.site = site
        self.warc_writer = warc_writer
        self.state = state
        self.resumed_from = resumed_from
        self.counts = CrawlCounts()
        self.planner = FetchPlanner(state, policy, incremental=incremental, counts=self.counts)
        self.started = datetime.now(UTC)
        self.fatal_error = ""
        self.outcome: Outcome | None = None
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
        cls, archive: Archive, config: ArchiveSettings, *, site: str, base_url: str, options: dict[str, object]
    ) -> CrawlSession:
        """Repair what a killed run left, resume it or begin a crawl, load what the archive holds, open the WARC
        writer. *options* (the run's own, such as the spider and its article limit) are stored with the crawl, with
        the User-Agent and the incremental flag. The caller holds the archive's crawl lock."""
        options = {**options, "user_agent": config.user_agent, "incremental": config.incremental}
        interrupted = archive.unfinished_crawl(site)
        _repair_or_refuse(archive, interrupted)
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
            resumed_from=interrupted,
        )
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
        """Commit the open write group and open the next one."""
        self.archive.commit_batch()
        self._writes = 0
        self.begin()

    def refuse(self, url: str, kind: str, reason: str, found_on: str = "") -> None:
        """Remember a URL the crawl will not fetch; written to `refused_urls` in batches and at close."""
        if url in self._refused_urls:
            return
        self._refused_urls.add(url)
        self.counts.refused[kind] += 1
        self._refusals[url] = (url, kind, reason, found_on)
        if len(self._refusals) >= REFUSAL_BATCH:
            self.flush_refusals()

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
                fetched_at=datetime.now(UTC).isoformat(),
                content_length=None,
                location=None,
                error=error[:500],
                attempts=attempts,
            )
        )

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

    def close(self, outcome: Outcome) -> None:
        """Close the WARC writer and record the crawl's *outcome* and counts. After a fatal archive error this is
        best effort: what cannot be written is logged, the outcome becomes ARCHIVE_UNUSABLE, and the next run's
        crash recovery repairs the rest."""
        self.outcome = outcome
        if self.warc_writer is not None:
            self.counts.bytes_written = self.warc_writer.bytes_written
        steps = [
            self.flush_refusals,
            self.archive.commit_batch,
            lambda: self.archive.finish_crawl(self.crawl_id, outcome.status, self.counts.as_row()),
        ]
        if self.warc_writer is not None:
            steps.insert(0, self.warc_writer.close)
        for step in steps:
            try:
                step()
            except (OSError, sqlite3.Error, ArchiveError) as error:
                self.fatal_error = self.fatal_error or f"could not close the archive: {error}"
                self.outcome = Outcome.ARCHIVE_UNUSABLE
                logger.error("could not record the end of crawl %d: %s", self.crawl_id, error)
        try:
            self.archive.close()
        except Exception as error:  # closing must not hide the crawl's own outcome
            logger.error("could not close the archive database: %s", error)
