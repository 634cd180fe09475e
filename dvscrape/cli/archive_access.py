"""Opening an archive for the archivist commands, with library errors turned into one-line CLI errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click

from dvscrape.archive.db import Archive
from dvscrape.errors import DvscrapeError


@contextmanager
def opened_archive(archive_dir: Path, *, readonly: bool = True, lock: bool = False) -> Iterator[Archive]:
    """The archive in *archive_dir* (read-only unless told), closed afterwards; with *lock* the crawl lock is held.

    Any DvscrapeError raised while opening or inside the block becomes a click.ClickException.
    """
    try:
        archive = Archive.open(archive_dir, readonly=readonly)
    except DvscrapeError as error:
        raise click.ClickException(str(error)) from error
    try:
        if lock:
            archive.acquire_crawl_lock()
        yield archive
    except DvscrapeError as error:
        raise click.ClickException(str(error)) from error
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
