"""`dvscrape reextract`."""

from __future__ import annotations

from pathlib import Path

import click

from dvscrape.cli.archive_access import opened_archive
from dvscrape.cli.options import archive_option
from dvscrape.reextract import reextract


@click.command("reextract")
@archive_option
def reextract_command(archive_dir: Path) -> None:
    """Rebuild the articles (figures, attachments, tags, links, versions) from the archive's WARC files alone, with
    the current extractor; no network. Article ids are kept. Holds the crawl lock while it runs."""
    from dvscrape.pages.finish import normalise_article

    with opened_archive(archive_dir, readonly=False, lock=True) as archive:
        result = reextract(archive, normalise_article)
    click.echo(
        f"{result.pages} article page(s) re-extracted: {result.articles} article(s) stored ({result.new} from their "
        f"first capture, {result.updated} later versions, {result.unchanged} unchanged re-captures), "
        f"{result.revisits} revisit(s), {result.gone} gone, {result.not_articles} not articles, "
        f"{result.dropped} dropped as empty, {result.removed} removed, {len(result.failures)} failure(s)"
    )
    for failure in result.failures[:20]:
        click.echo(f"  failed: {failure}", err=True)
