"""`dvscrape import PATH...`: other tools' WARC and WACZ files into the archive (see dvscrape.runs.imports)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dvscrape.cli.archive_access import opened_archive
from dvscrape.cli.options import archive_option, extraction_workers_option
from dvscrape.errors import ConfigurationError
from dvscrape.runs.outcome import first_lines


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@archive_option
@click.option("--site", default="tanbinh", show_default=True, help="Site profile the captures belong to.")
@click.option(
    "--base-url",
    default=None,
    help="The address the files captured the site at, when not the live portal's (a mirror, the replica).",
)
@click.option(
    "--max-record-mb",
    type=click.IntRange(min=1),
    default=256,
    show_default=True,
    help="Records larger than this (decompressed) are refused and recorded.",
)
@extraction_workers_option
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def import_command(
    paths: tuple[Path, ...],
    archive_dir: Path,
    site: str,
    base_url: str | None,
    max_record_mb: int,
    workers: int,
    as_json: bool,
) -> None:
    """Import WARC (.warc, .warc.gz) and WACZ files written by any tool: each file is kept (checksummed, read-only)
    in the archive's warc folder, every response, resource and revisit record becomes a capture, and the articles
    are re-extracted from every archived page in capture-date order. A file already imported is skipped.

    Exit codes: 0 imported, 2 nothing imported (no capture is of the site: name the mirror with --base-url),
    3 imported with problems (unreadable records or refused members, recorded in
    import_problems and listed), 4 nothing new (every file was imported before), 5 archive locked by a crawl,
    7 archive unusable."""
    from dvscrape.runs.imports import import_paths, summary_json
    from dvscrape.sites import get_profile

    try:
        profile = get_profile(site, base_url)
    except ConfigurationError as error:
        raise click.BadParameter(str(error)) from error
    with opened_archive(archive_dir, readonly=False, lock=True, create=True) as archive:
        result = import_paths(
            archive,
            paths,
            profile,
            max_record=max_record_mb << 20,
            workers=workers,
            say=lambda line: click.echo(line, err=True),
        )
    code = result.outcome.exit_code
    if as_json:
        click.echo(summary_json(result))
        sys.exit(int(code))
    for path in result.already:
        click.echo(f"{path}: imported before, skipped")
    if not result.changed:
        click.echo("nothing new to import; the archive is unchanged")
        sys.exit(int(code))
    click.echo(result.outcome.headline(f"import {result.crawl_id}"))
    click.echo(
        f"  {result.files} WARC file(s), {result.records} record(s), "
        f"{result.captures} capture(s) ({result.revisits_linked} revisit(s) linked to their original, "
        f"{result.revisits_unresolved} whose original is not in the archive), {result.metadata} metadata record(s); "
        f"{result.articles_new} new article(s), {result.articles_updated} updated"
    )
    click.echo(
        f"  re-read {result.pages_reread} article page(s) (the URLs the import added captures of, with their "
        f"history) and {result.hint_pages_read} listing or sitemap page(s) not read before"
    )
    if result.problems:
        click.echo(f"{len(result.problems)} problem(s) recorded in import_problems:")
        for line in first_lines(result.problems, 20):
            click.echo(line)
    for line in first_lines([f"extraction failed: {failure}" for failure in result.failures], 20, "more failures"):
        click.echo(line, err=True)
    sys.exit(int(code))
