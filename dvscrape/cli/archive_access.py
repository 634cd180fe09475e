"""Opening an archive for the archivist commands, and their date options."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click

from dvscrape.archive.db import Archive


@contextmanager
def opened_archive(
    archive_dir: Path, *, readonly: bool = True, lock: bool = False, create: bool = False
) -> Iterator[Archive]:
    """The archive in *archive_dir* (read-only unless told), closed afterwards; with *lock* the crawl lock is held.
    A missing folder is refused, never created, unless *create* says so (only `crawl`, `demo` and `import`, which
    write an archive by design, create one).

    A DvscrapeError raised while opening or inside the block becomes, as every command's, one line on stderr with the
    exit code of its cause (a missing, unreadable or read-only archive: 7, archive unusable).
    """
    archive = Archive.open(archive_dir, readonly=readonly, create=create)
    try:
        if lock:
            archive.acquire_crawl_lock()
        yield archive
    finally:
        archive.close()


def parse_date_option(value: str | None, name: str) -> date | None:
    """An ISO date option (YYYY-MM-DD) as a date, or a clear usage error."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as error:
        raise click.BadParameter(f"expected a date as YYYY-MM-DD, got {value!r}", param_hint=name) from error
