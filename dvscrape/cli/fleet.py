"""`dvscrape fleet run|status`: crawls of many sites on Scrapyd nodes."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dvscrape.cli.options import CommandError
from dvscrape.errors import FleetError
from dvscrape.runs.exitcodes import ExitCode
from dvscrape.runs.fleet.config import load_fleet

fleet_file_argument = click.argument("fleet_file", type=click.Path(dir_okay=False, path_type=Path))


@click.group("fleet")
def fleet_command() -> None:
    """Crawl every site of a fleet file on its Scrapyd nodes."""


@fleet_command.command("run")
@fleet_file_argument
@click.option(
    "--poll",
    "poll_seconds",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds between two looks at the nodes.",
)
@click.option(
    "--max-attempts",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Times a site's crawl is started before its outcome is final (a killed job or a dead node "
    "starts it again, resuming from its archive).",
)
@click.option(
    "--timeout",
    "timeout_seconds",
    type=click.FloatRange(min=1),
    default=None,
    help="Stop waiting after this many seconds (the crawls go on; they are reported interrupted).",
)
def run_command(fleet_file: Path, poll_seconds: float, max_attempts: int, timeout_seconds: float | None) -> None:
    """Deploy the installed dvscrape where missing, schedule one crawl per site on the least loaded node, wait,
    and print a summary per site. Exit code: that of the worst site's outcome."""
    from dvscrape.runs.fleet.run import FleetRunner

    fleet = load_fleet(fleet_file)
    runner = FleetRunner(
        fleet, poll_seconds=poll_seconds, max_attempts=max_attempts, timeout_seconds=timeout_seconds, echo=click.echo
    )
    try:
        report = runner.run()
    except FleetError as error:
        raise CommandError(str(error), int(ExitCode.SITE_UNREACHABLE)) from error
    for summary in report.sites:
        click.echo(summary.line())
    sys.exit(int(report.exit_code))


@fleet_command.command("status")
@fleet_file_argument
def status_command(fleet_file: Path) -> None:
    """Show each node's load, deployed version, and its running, queued and recent jobs."""
    from dvscrape.runs.fleet.status import fleet_status

    statuses = fleet_status(load_fleet(fleet_file))
    for status in statuses:
        for line in status.lines():
            click.echo(line)
    if not any(status.reachable for status in statuses):
        sys.exit(int(ExitCode.SITE_UNREACHABLE))
