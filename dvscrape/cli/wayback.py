"""`dvscrape crawl SITE --from-wayback [URL] [--since DATE] [--until DATE]`: the crawl command's Wayback mode (the
options are declared here and added to the command in cli/crawl.py; dvscrape.runs.wayback does the work)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dvscrape.capture.cdx import WAYBACK_MACHINE
from dvscrape.cli.archive_access import parse_date_option

if TYPE_CHECKING:
    from dvscrape.runs.wayback import WaybackResult


def wayback_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The --from-wayback, --since and --until options of `dvscrape crawl`."""
    command = click.option("--until", metavar="DATE", help="With --from-wayback: captures up to this day.")(command)
    command = click.option("--since", metavar="DATE", help="With --from-wayback: captures from this day on.")(command)
    return click.option(
        "--from-wayback",
        "wayback_url",
        is_flag=False,
        flag_value=WAYBACK_MACHINE,
        default=None,
        metavar="[URL]",
        help="Fetch the site's past captures from a web archive instead of the site: the Wayback Machine (no URL) "
        "or a pywb collection (http://HOST:PORT/COLL/); --base-url is the site's address in its captures.",
    )(command)


def crawl_from_wayback(
    site: str,
    archive_dir: Path,
    base_url: str | None,
    overrides: dict[str, str],
    fast: bool,
    wayback_url: str | None,
    since: str | None,
    until: str | None,
) -> WaybackResult:
    """Run the Wayback mode and print its summary; the caller exits with its code."""
    if wayback_url is None:
        raise click.UsageError("--since and --until go with --from-wayback")
    from dvscrape.runs.wayback import run_wayback

    first: date | None = parse_date_option(since, "--since")
    last: date | None = parse_date_option(until, "--until")
    result = run_wayback(
        site,
        archive_dir=archive_dir,
        base_url=base_url,
        wayback_url=wayback_url,
        since=first,
        until=last,
        overrides=overrides,
        fast=fast,
    )
    for line in result.summary_lines():
        click.echo(line, err=not result.crawl.started)
    return result
