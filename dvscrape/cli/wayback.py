"""`dvscrape crawl ... --from-wayback [URL] [--since DATE] [--until DATE]`: the crawl command with the Wayback mode.

The options are added to the `crawl` command defined in cli/crawl.py (this module wraps it, so the crawl command's
own options and behaviour are untouched): without --from-wayback the crawl runs as before; with it, the site's
captures are fetched from the web archive (dvscrape.wayback) into the same archive, with the same settings.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from dvscrape.cli.archive_access import parse_date_option
from dvscrape.cli.crawl import crawl_command as _live_crawl
from dvscrape.cli.crawl import parse_setting_overrides
from dvscrape.cli.options import CommandError
from dvscrape.errors import DvscrapeError
from dvscrape.wayback.cdx import WAYBACK_MACHINE

_WAYBACK_OPTIONS = [
    click.Option(
        ["--from-wayback", "wayback_url"],
        is_flag=False,
        flag_value=WAYBACK_MACHINE,
        default=None,
        metavar="[URL]",
        help="Fetch the site's past captures from a web archive instead of the site: the Wayback Machine (no URL) "
        "or a pywb collection (http://HOST:PORT/COLL/). --base-url is the site's address in its captures.",
    ),
    click.Option(["--since"], metavar="DATE", help="With --from-wayback: captures from this day on (YYYY-MM-DD)."),
    click.Option(["--until"], metavar="DATE", help="With --from-wayback: captures up to this day (YYYY-MM-DD)."),
]


def _callback(wayback_url: str | None, since: str | None, until: str | None, **options: Any) -> None:
    if wayback_url is None:
        if since or until:
            raise click.UsageError("--since and --until go with --from-wayback")
        _live_crawl.callback(**options)  # type: ignore[misc]
        return
    from dvscrape.wayback.run import run_wayback

    overrides = parse_setting_overrides(options["settings"])
    first: date | None = parse_date_option(since, "--since")
    last: date | None = parse_date_option(until, "--until")
    try:
        result = run_wayback(
            options["site"],
            archive_dir=Path(options["archive_dir"]),
            base_url=options["base_url"],
            wayback_url=wayback_url,
            since=first,
            until=last,
            overrides=overrides,
            fast=options["fast"],
        )
    except (DvscrapeError, ValueError) as error:
        raise CommandError(str(error), 2) from error
    for line in result.summary_lines():
        click.echo(line, err=not result.crawl.started)
    sys.exit(int(result.crawl.exit_code))


crawl_command = click.Command(
    _live_crawl.name,
    params=[*_live_crawl.params, *_WAYBACK_OPTIONS],
    callback=_callback,
    help=_live_crawl.help,
    epilog=_live_crawl.epilog,
    short_help=_live_crawl.short_help,
)
