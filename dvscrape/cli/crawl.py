"""`dvscrape crawl` and `dvscrape demo`."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import click

from dvscrape.capture.guards import TRIGGERED_STAT
from dvscrape.cli.options import archive_option
from dvscrape.cli.wayback import crawl_from_wayback, wayback_options
from dvscrape.runs.crawl import CrawlResult, run_crawl
from dvscrape.settings.declared import PROJECT_SETTINGS, describe_default


def parse_setting_overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    """`-s NAME=VALUE` options as a dict, as `scrapy crawl -s` takes them."""
    overrides: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="-s")
        overrides[name.strip()] = value
    return overrides


def _report(result: CrawlResult, summary_json: Path | None) -> None:
    for line in result.summary_lines():
        click.echo(line, err=not result.started)
    write_summary_json(result, summary_json)


def write_summary_json(result: CrawlResult, summary_json: Path | None) -> None:
    """The run's summary as JSON in *summary_json* (for monitoring), when given."""
    if summary_json is not None:
        data: dict[str, Any] = {
            "crawl_id": result.crawl_id,
            "status": result.status,
            "exit_code": int(result.exit_code),
            "counts": dict(result.counts),
            "failed_urls": list(result.failed_urls),
            "elapsed_seconds": round(result.elapsed_seconds, 3),
            "crawl_seconds": round(float(result.stats.get("elapsed_time_seconds", 0.0)), 3),
            "archive": result.archive_dir,
            "error": result.error,
            "guards_triggered": list(result.stats.get(TRIGGERED_STAT) or ()),
            "first_crawl_report": list(result.report),
            "dedup": result.deduplication if result.crawl_id is not None else None,
            "qa": result.qa,
        }
        summary_json.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _crawl(
    site: str,
    archive_dir: Path,
    base_url: str | None,
    max_articles: int | None,
    overrides: dict[str, str],
    fast: bool,
    summary_json: Path | None,
) -> CrawlResult:
    result = run_crawl(
        site, archive_dir=archive_dir, base_url=base_url, max_articles=max_articles, overrides=overrides, fast=fast
    )
    _report(result, summary_json)
    return result


def _settings_help() -> str:
    """The DVSCRAPE_* settings, one paragraph each, for the end of `dvscrape crawl --help`."""
    lines = ["Project settings (-s NAME=VALUE; see also the README):"]
    for setting in PROJECT_SETTINGS:
        lines.append(f"{setting.name} (default {describe_default(setting).strip('`')}): {setting.help}")
    return "\n\n".join(lines)


@click.command("crawl", epilog=_settings_help())
@click.argument("site", default="tanbinh")
@click.option("--base-url", help="Crawl a mirror or the replica at this base URL with the same profile.")
@archive_option
@click.option("--max-articles", type=click.IntRange(min=0), help="Stop scheduling new articles after N.")
@click.option(
    "-s",
    "settings",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy or DVSCRAPE_ setting (the DVSCRAPE_ ones are listed below).",
)
@click.option("--full", is_flag=True, help="Fetch everything again instead of only what is new or due.")
@click.option("--fast", is_flag=True, help="No politeness delays: only for the local replica or a mirror you own.")
@click.option(
    "--summary-json",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the run's summary as JSON here (for monitoring).",
)
@wayback_options
def crawl_command(
    site: str,
    base_url: str | None,
    archive_dir: Path,
    max_articles: int | None,
    settings: tuple[str, ...],
    full: bool,
    fast: bool,
    summary_json: Path | None,
    wayback_url: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> None:
    """Crawl SITE (default tanbinh) into the archive: WARC files plus the SQLite archive.

    SITE is a site profile: `dvscrape sites list` shows them (yours from DVSCRAPE_PROFILES_DIR too). A profile whose
    start pages link no article, or whose first articles extract only boilerplate, stops the crawl (exit code 2).

    Into an archive that already holds articles the crawl is incremental: listings newest first until a run of
    held articles, new articles, and held articles whose re-check is due (conditional requests; unchanged pages
    become WARC revisit records). A killed crawl resumes where it stopped when run again.

    Exit codes: 0 success, 2 bad configuration, 3 partial failure (failed URLs are listed and recorded),
    4 nothing new (incremental run), 5 archive locked by another crawl, 6 site unreachable, 7 archive unusable,
    8 interrupted (Ctrl-C, SIGTERM), 1 internal error.
    """
    overrides = parse_setting_overrides(settings)
    if wayback_url is not None or since or until:  # the site's past from a web archive: cli/wayback.py
        if full:
            raise click.UsageError(
                "--full does not go with --from-wayback: an archived capture never changes, and the captures the "
                "archive already holds are not fetched again"
            )
        if max_articles is not None:
            overrides["DVSCRAPE_MAX_ARTICLES"] = str(max_articles)
        wayback = crawl_from_wayback(site, archive_dir, base_url, overrides, fast, wayback_url, since, until)
        write_summary_json(wayback.crawl, summary_json)
        sys.exit(int(wayback.crawl.exit_code))
    if full:
        overrides["DVSCRAPE_INCREMENTAL"] = "False"
    result = _crawl(site, archive_dir, base_url, max_articles, overrides, fast, summary_json)
    sys.exit(int(result.exit_code))


@click.command("demo")
@archive_option
@click.option("--articles", default=60, show_default=True, help="Articles in the replica portal.")
@click.option("--max-articles", type=click.IntRange(min=0), help="Stop scheduling new articles after N.")
def demo_command(archive_dir: Path, articles: int, max_articles: int | None) -> None:
    """Start the bundled replica portal on a free loopback port, crawl it, print the summary and a sample query."""
    from dvscrape.replica import start_replica

    with start_replica(port=0, articles=articles, slow_delay=0.3) as replica:
        click.echo(f"replica portal at {replica.url}")
        demo_operator = {} if os.environ.get("DVSCRAPE_OPERATOR") else {"DVSCRAPE_OPERATOR": "offline demo"}
        result = _crawl("tanbinh", archive_dir, replica.url.rstrip("/"), max_articles, demo_operator, True, None)
    _sample_query(archive_dir / "archive.sqlite")
    sys.exit(int(result.exit_code))


def _sample_query(database: Path) -> None:
    from dvscrape.archive.lookup import SAMPLE_QUERY, sample_articles

    click.echo(f"\nsample query: sqlite3 {database} '{SAMPLE_QUERY}'")
    with sqlite3.connect(database) as connection:
        for published, category, title in sample_articles(connection):
            click.echo(f"  {published}  [{category}]  {title}")
