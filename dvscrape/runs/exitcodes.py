"""Exit codes of the `dvscrape` command, documented for schedulers (cron, systemd) and monitoring."""

from enum import IntEnum


class ExitCode(IntEnum):
    """What a run's exit status tells a scheduler."""

    SUCCESS = 0
    """The run finished and every URL it tried was archived."""
    INTERNAL_ERROR = 1
    """An unexpected error (a bug): see the log."""
    BAD_CONFIGURATION = 2
    """A bad option, setting, site profile, query, file or URL; nothing was done."""
    PARTIAL_FAILURE = 3
    """The run finished but some URLs failed; they are recorded in `captures` with a reason."""
    NOTHING_TO_DO = 4
    """The run had nothing new to fetch (or an export nothing to write: no article matched)."""
    LOCKED = 5
    """Another crawl holds the archive's lock; this run did nothing."""
    SITE_UNREACHABLE = 6
    """Not one page of the site could be fetched (DNS, network, server down)."""
    ARCHIVE_ERROR = 7
    """The archive folder or database could not be used (missing, permissions, read-only, disk full, corruption)."""
    INTERRUPTED = 8
    """The run was stopped before it finished (Ctrl-C, SIGTERM from a scheduler); what it archived is kept."""
