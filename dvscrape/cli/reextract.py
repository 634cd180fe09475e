"""`dvscrape reextract`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dvscrape.cli.archive_access import opened_archive
from dvscrape.cli.options import archive_option, extraction_workers_option
from dvscrape.runs.outcome import first_lines, outcome_of_work
from dvscrape.runs.rebuild import reextract


@click.command("reextract")
@archive_option
@click.option("--dry-run", is_flag=True, help="Report what re-extraction would change; change nothing.")
@click.option(
    "--remove-not-articles",
    is_flag=True,
    help="Remove the stored articles whose archived pages the current extractor reads as not articles "
    "(without it they are kept and listed).",
)
@extraction_workers_option
def reextract_command(archive_dir: Path, dry_run: bool, remove_not_articles: bool, workers: int) -> None:
    """Rebuild the articles (figures, attachments, tags, links, versions) from the archive's WARC files alone, with
    the current extractor; no network. Article ids are kept; no article is removed unless --remove-not-articles
    says so. Where an archived capture now reads differently (a repaired encoding, a changed rule), the stored versions
    are kept and the new reading is appended as versions that say why. Holds the crawl lock while it runs.

    Exit codes: 0 rebuilt, 3 rebuilt but some pages could not be extracted (listed), 4 no article page archived."""
    with opened_archive(archive_dir, readonly=False, lock=True) as archive:
        result = reextract(archive, dry_run=dry_run, remove_not_articles=remove_not_articles, workers=workers)
    outcome = outcome_of_work(changed=bool(result.pages), problems=len(result.failures))
    would = "would be " if dry_run else ""
    click.echo(outcome.headline("reextract", "(dry run, nothing changed)" if dry_run else ""))
    if result.taken_up:
        click.echo(
            f"  took up an interrupted rebuild: the {result.taken_up} article URL(s) it finished were not read again; "
            "the counts below include its own"
        )
    click.echo(
        f"  {result.pages} article page(s) re-extracted: {result.articles} article(s) {would}stored ({result.new} from "
        f"their first capture, {result.updated} later versions, {result.unchanged} unchanged re-captures), "
        f"{result.revisits} revisit(s), {result.gone} gone, {result.not_articles} not articles, "
        f"{result.dropped} dropped as empty, {result.kept} kept as they were, {result.removed} {would}removed, "
        f"{len(result.failures)} failure(s)"
    )
    if result.reread:
        click.echo(
            f"{result.reread} article(s) read differently from their archived captures: their versions are kept and "
            f"{result.appended_versions} version(s) {would}appended with the reason; see `dvscrape history URL`"
        )
    if result.not_rebuilt:
        click.echo(f"{len(result.not_rebuilt)} stored article(s) not rebuilt from any archived page:")
        removable = set(result.removable)
        verdicts = ("no readable archived page", "read as not an article")
        for line in first_lines([f"{url} ({verdicts[url in removable]})" for url in result.not_rebuilt], 20):
            click.echo(line)
        if result.removable and not remove_not_articles:
            click.echo(f"  --remove-not-articles would remove the {len(result.removable)} read as not articles")
    for line in first_lines([f"failed: {failure}" for failure in result.failures], 20, "more failures"):
        click.echo(line, err=True)
    sys.exit(int(outcome.exit_code))
