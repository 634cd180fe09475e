"""The outcome of every run (crawl, Wayback crawl, import, rebuild, fleet): one enum, and the functions that decide
it from what the run did.

A run's row (`crawls.status`), its exit code, its printed summary and `--summary-json` all take the outcome from
here, so they cannot disagree; the status words are the Outcome values and the archive's own two (`running`, and
`interrupted` for a killed run found by the next one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum

from dvscrape.archive.records import CRAWL_INTERRUPTED, CRAWL_RUNNING
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
from dvscrape.spiders.checks import PROFILE_MISTAKE_REASON

# Scrapy's close reasons for a limit the operator set (CLOSESPIDER_TIMEOUT, _ITEMCOUNT, _PAGECOUNT): the crawl did
# what it was asked, and is judged by what it archived, like one that ran out of URLs ("finished").
COMPLETED_REASONS = frozenset({"finished", "closespider_timeout", "closespider_itemcount", "closespider_pagecount"})


class Outcome(Enum):
    """How a run ended: the status stored in `crawls.status`, and the exit code of its command."""

    SUCCESS = ("success", ExitCode.SUCCESS)
    PARTIAL = ("partial", ExitCode.PARTIAL_FAILURE)
    NOTHING_NEW = ("nothing new", ExitCode.NOTHING_TO_DO)
    LOCKED = ("locked", ExitCode.LOCKED)
    SITE_UNREACHABLE = ("site unreachable", ExitCode.SITE_UNREACHABLE)
    BAD_CONFIGURATION = ("bad configuration", ExitCode.BAD_CONFIGURATION)
    ARCHIVE_UNUSABLE = ("archive error", ExitCode.ARCHIVE_ERROR)
    INTERRUPTED = (CRAWL_INTERRUPTED, ExitCode.INTERRUPTED)
    INTERNAL_ERROR = ("internal error", ExitCode.INTERNAL_ERROR)

    def __init__(self, status: str, exit_code: ExitCode) -> None:
        self.status = status
        self.exit_code = exit_code

    @classmethod
    def of_status(cls, status: str) -> Outcome | None:
        """The Outcome a `crawls.status` value names; None for a run still marked running; INTERNAL_ERROR for a
        word no run stores."""
        for outcome in cls:
            if outcome.status == status:
                return outcome
        return None if status == CRAWL_RUNNING else cls.INTERNAL_ERROR

    def headline(self, name: str, detail: str = "") -> str:
        """The first line of a run's summary: ``NAME: STATUS[ DETAIL] (exit code N)``."""
        return f"{name}: {self.status}{f' {detail}' if detail else ''} (exit code {int(self.exit_code)})"


def first_lines(items: Sequence[str], limit: int, rest: str = "more") -> list[str]:
    """Summary lines listing the first *limit* of *items* (indented), then ``… and N {rest}`` for the others."""
    lines = [f"  {item}" for item in items[:limit]]
    if len(items) > limit:
        lines.append(f"  … and {len(items) - limit} {rest}")
    return lines


def decide_outcome(
    counts: Mapping[str, int], *, finish_reason: str, archive_failed: bool, incremental: bool
) -> Outcome:
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
    if not counts.get("captures"):
        return Outcome.SITE_UNREACHABLE
    if counts.get("errors"):
        return Outcome.PARTIAL
    nothing_changed = not counts.get("articles_new") and not counts.get("articles_updated")
    if incremental and nothing_changed and (counts.get("articles_unchanged") or counts.get("not_due")):
        return Outcome.NOTHING_NEW
    return Outcome.SUCCESS


def outcome_of_work(*, changed: bool, problems: int) -> Outcome:
    """The outcome of an import or a rebuild that ran: nothing new to do, done with problems, or done."""
    if not changed:
        return Outcome.NOTHING_NEW
    return Outcome.PARTIAL if problems else Outcome.SUCCESS


def outcome_of_error(error: BaseException) -> Outcome:
    """The outcome of a run that could not run (or go on) because of *error*; its exit code is that of every command
    that fails with it (a query, URL or file the command cannot use is a bad option, like a bad setting; an archive
    with nothing to rebuild from is unusable; a time-stamping authority that cannot be reached or refuses is like a
    site that cannot be reached)."""
    if isinstance(error, KeyboardInterrupt):
        return Outcome.INTERRUPTED
    if isinstance(error, SigningError):
        return Outcome.SITE_UNREACHABLE
    if isinstance(error, ArchiveLockedError):
        return Outcome.LOCKED
    if isinstance(error, ArchiveError | ReextractError):
        return Outcome.ARCHIVE_UNUSABLE
    if isinstance(error, ConfigurationError | QueryError | NotInArchiveError | ExtractionError):
        return Outcome.BAD_CONFIGURATION
    return Outcome.INTERNAL_ERROR
