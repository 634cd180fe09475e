"""`dvscrape qa`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from dvscrape.archive.qa import crawl_site, newest_crawl
from dvscrape.cli.archive_access import opened_archive
from dvscrape.cli.options import BAD_INPUT, CommandError, archive_option
from dvscrape.errors import ConfigurationError, DvscrapeError
from dvscrape.runs.qa import check_crawl, photograph, qa_line, screenshots_folder
from dvscrape.serving.browser import chromium
from dvscrape.serving.replay import pywb_tool
from dvscrape.sites import get_profile


@click.command("qa")
@archive_option
@click.option("--crawl", "crawl_id", type=click.IntRange(min=1), help="The crawl to check (default: the newest).")
@click.option(
    "--screenshots",
    type=click.IntRange(min=0),
    default=0,
    help="Also photograph N pages live and replayed in pywb, in headless Chromium, and store their similarity.",
)
@click.option(
    "--summary-json",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the QA summary as JSON here (for monitoring).",
)
def qa_command(archive_dir: Path, crawl_id: int | None, screenshots: int, summary_json: Path | None) -> None:
    """Replay every page a crawl archived from the archive's own index, as pywb and ReplayWeb.page would, and
    record per page in the `qa` table: whether it resolves to its capture, whether every same-host image, stylesheet,
    script and font it references resolves to a 2xx capture, and whether its replayed text is the stored article's.

    Every crawl runs this at its end (DVSCRAPE_QA_ENABLED). Exit codes: 0 every page replays whole, 3 a page misses
    a requisite, does not resolve or reads differently (see the qa table), 4 the crawl archived no page, 2 or 7 for
    a bad option or archive.
    """
    if screenshots:  # the tools, before a QA that may take a while
        try:
            pywb_tool()
        except DvscrapeError as error:
            raise CommandError(str(error), BAD_INPUT) from error
        if chromium() is None:
            raise CommandError("--screenshots needs headless Chromium on PATH (apt-get install chromium)", BAD_INPUT)
    with opened_archive(archive_dir, readonly=False) as archive:
        crawl_id = crawl_id or newest_crawl(archive.db.conn)
        site, base_url = crawl_site(archive.db.conn, crawl_id)
        try:
            profile = get_profile(site, base_url)
        except ConfigurationError:
            profile = None  # an import run, or a profile gone: the text is not compared
        report = check_crawl(archive, crawl_id, profile)
        summary = report.summary()
        click.echo(f"crawl {crawl_id}: {qa_line(summary)}")
        if screenshots:
            photographed = photograph(archive, report, screenshots)
            summary["screenshots"] = [{"url": check.page.url, "similarity": score} for check, score in photographed]
            for check, score in photographed:
                click.echo(f"  screenshot similarity {score:.3f} (live and replayed in pywb): {check.page.url}")
            click.echo(f"  screenshots in {screenshots_folder(archive_dir, crawl_id)}")
    if summary_json is not None:
        data = {"crawl_id": crawl_id, "status": report.outcome.status, **summary}
        summary_json.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    sys.exit(int(report.outcome.exit_code))
