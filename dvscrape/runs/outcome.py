"""The outcome of a crawl: one enum, and the one function that decides it from what the crawl did.

The crawl's row (`crawls.status`), the exit code, the printed summary and `--summary-json` all take the outcome
from here, so they cannot disagree.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from dvscrape.errors import (
    ArchiveError,
    ArchiveLockedError,
    ConfigurationError,
    ExtractionError,
    NotInArchiveError,
    QueryError,
    ReextractError,
    SigningError,
)
from dvscrape.runs.exitcodes import ExitCode

if TYPE_CHECKING:
    from dvscrape.capture.session import CrawlCounts

# Scrapy's close reasons for a limit the operator set (CLOSESPIDER_TIMEOUT, _ITEMCOUNT, _PAGECOUNT): the crawl did
# what it was asked, and is judged by what it archived, like one that ran out of URLs ("finished").
COMPLETED_REASONS = frozenset({"finished", "closespider_timeout", "closespider_itemcount", "closespider_pagecount"})
# The close reason of a crawl stopped because its site profile is wrong (spiders/checks.py: no article links on the
# start pages, or only boilerplate in the first articles), and the stat that holds the one-line message.
PROFILE_MISTAKE_REASON = "profile_mistake"
PROFILE_MISTAKE_STAT = "dvscrape/profile_mistake"


class Outcome(Enum):
    """How a crawl ended: the status stored in `crawls.status`, and the exit code of `dvscrape crawl`."""

    SUCCESS = ("success", ExitCode.SUCCESS)
    PARTIAL = ("partial", ExitCode.PARTIAL_FAILURE)
    NOTHING_NEW = ("nothing new", ExitCode.NOTHING_TO_DO)
    LOCKED = ("locked", ExitCode.LOCKED)
    SITE_UNREACHABLE = ("site unreachable", ExitCode.SITE_UNREACHABLE)
    BAD_CONFIGURATION = ("bad configuration", ExitCode.BAD_CONFIGURATION)
    ARCHIVE_UNUSABLE = ("archive error", ExitCode.ARCHIVE_ERROR)
    INTERRUPTED = ("interrupted", ExitCode.INTERRUPTED)
    INTERNAL_ERROR = ("internal error", ExitCode.INTERNAL_ERROR)

    def __init__(self, status: str, exit_code: ExitCode) -> None:
        self.status = status
        self.exit_code = exit_code


def decide_outcome(counts: CrawlCounts, *, finish_reason: str, archive_failed: bool, incremental: bool) -> Outcome:
    """The outcome of a crawl that ran, from its counts and Scrapy's close reason.

    In order: an archive that could not be written; a site profile found wrong in the first pages (close reason
    PROFILE_MISTAKE_REASON: bad configuration); a crawl stopped before it finished (Ctrl-C, SIGTERM, a memory
    limit: any close reason but the completed ones); not one response archived; some URLs failed; an incremental
    crawl that found nothing new or changed (only unchanged or not-due articles); success.
    """
    if archive_failed:
        return Outcome.ARCHIVE_UNUSABLE
    if finish_reason == PROFILE_MISTAKE_REASON:
        return Outcome.BAD_CONFIGURATION
    if finish_reason not in COMPLETED_REASONS:
        return Outcome.INTERRUPTED
    if counts.captures == 0:
        return Outcome.SITE_UNREACHABLE
    if counts.errors:
        return Outcome.PARTIAL
    nothing_changed = not counts.articles_new and not counts.articles_updated
    if incremental and nothing_changed and (counts.articles_unchanged or counts.not_due):
        return Outcome.NOTHING_NEW
    return Outcome.SUCCESS


def outcome_of_error(error: BaseException) -> Outcome:
    """The outcome of a run that could not run because of *error*; its exit code is that of every command that
    fails with it (a query, URL or file the command cannot use is a bad option, like a bad setting; an archive with
    nothing to rebuild from is unusable; a time-stamping authority that cannot be reached or refuses is like a site
    that cannot be reached)."""
    if isinstance(error, SigningError):
        return Outcome.SITE_UNREACHABLE
    if isinstance(error, ArchiveLockedError):
        return Outcome.LOCKED
    if isinstance(error, ArchiveError | ReextractError):
        return Outcome.ARCHIVE_UNUSABLE
    if isinstance(error, ConfigurationError | QueryError | NotInArchiveError | ExtractionError):
        return Outcome.BAD_CONFIGURATION
    return Outcome.INTERNAL_ERROR
