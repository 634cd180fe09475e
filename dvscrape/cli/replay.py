"""`dvscrape index` (CDXJ) and `dvscrape wacz` (a WACZ package for pywb and ReplayWeb.page)."""

from __future__ import annotations

from pathlib import Path

import click

from dvscrape.archive.lookup import crawl_span
from dvscrape.archive.times import parse_time
from dvscrape.cli.archive_access import opened_archive
from dvscrape.cli.options import archive_option, missing_folders
from dvscrape.errors import DvscrapeError
from dvscrape.serving.replay import replay_pages
from dvscrape.warc.cdxj import write_index
from dvscrape.warc.files import warc_files
from dvscrape.warc.wacz import Page, write_wacz

INDEX_FILENAME = "index.cdxj"


@click.command("index")
@archive_option
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Where to write the index (default: {INDEX_FILENAME} in the archive folder).",
)
def index_command(archive_dir: Path, output: Path | None) -> None:
    """Write a CDXJ index of every response and revisit record of the archive's WARC files."""
    with opened_archive(archive_dir) as archive:
        files = warc_files(archive.warc_dir)
        if not files:
            raise click.ClickException(f"archive {archive_dir} has no WARC files to index")
        target = output or archive_dir / INDEX_FILENAME
        try:
            count = write_index(files, target)
        except OSError as error:
            raise click.ClickException(f"cannot write {target}: {error.strerror}") from error
    click.echo(f"{count} record(s) from {len(files)} WARC file(s) indexed in {target}")


@click.command("wacz")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@archive_option
@click.option("--title", help="Title of the package (default: the archive's site and crawl dates).")
@click.option("--overwrite", is_flag=True, help="Replace OUTPUT if it exists.")
def wacz_command(output: Path, archive_dir: Path, title: str | None, overwrite: bool) -> None:
    """Package the archive's WARC files, CDXJ index and page list as OUTPUT.wacz (WACZ 1.1.1). A missing folder of
    OUTPUT is created; an existing OUTPUT is replaced only with --overwrite."""
    if output.suffix.lower() != ".wacz":
        raise click.BadParameter("the output file name must end in .wacz", param_hint="OUTPUT")
    if output.exists() and not overwrite:
        raise click.ClickException(f"{output} already exists; pass --overwrite to replace it")
    created = missing_folders(output.parent)
    with opened_archive(archive_dir) as archive:
        files = warc_files(archive.warc_dir)
        if not files:
            raise click.ClickException(f"archive {archive_dir} has no WARC files to package")
        conn = archive.db.conn
        pages = [Page(page.url, parse_time(page.fetched_at), page.title) for page in replay_pages(archive)]
        if created:
            output.parent.mkdir(parents=True, exist_ok=True)
            click.echo(f"created the missing folder {created[0]}")
        if title is None:
            site, base_url, first, last = crawl_span(conn)
            title = f"dvscrape {site or 'archive'} {base_url} {first[:10]}–{last[:10]}"
        try:
            result = write_wacz(output, files, pages, title=" ".join(title.split()))
        except OSError as error:
            raise click.ClickException(f"cannot write {output}: {error.strerror}") from error
        except DvscrapeError as error:
            raise click.ClickException(f"{error} (run `dvscrape verify`)") from error
    click.echo(
        f"{result.path}: {result.warc_files} WARC file(s), {result.index_lines} index line(s), "
        f"{result.pages} page(s), {result.bytes} bytes"
    )
