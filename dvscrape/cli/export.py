"""`dvscrape export`: the archive as a dataset (JSONL, CSV, Parquet or a Hugging Face dataset folder)."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from dvscrape.cli.options import archives_to_read, fleet_file_option, missing_folders, several_archives_option
from dvscrape.export.options import TONES, Dedup, ExportOptions, Format
from dvscrape.runs.exitcodes import ExitCode

if TYPE_CHECKING:
    from dvscrape.text import ToneOption


class BarProgress:
    """Progress on stderr: a bar per phase on a terminal, one plain line per phase otherwise (click decides)."""

    def __init__(self) -> None:
        self._bar: Any = None

    def phase(self, label: str, total: int) -> None:
        """Close the previous bar and start one for *label*."""
        self.close()
        self._bar = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True, width=30)
        self._bar.__enter__()

    def advance(self, rows: int) -> None:
        """Move the bar on."""
        if self._bar is not None:
            self._bar.update(rows)

    def close(self) -> None:
        """Finish the current bar."""
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


_DATE = click.DateTime(formats=["%Y-%m-%d"])


def _export_documents(archive_dir: Path, out: Path, options: ExportOptions, *, overwrite: bool) -> None:
    from dvscrape.cli.archive_access import opened_archive
    from dvscrape.export.documents import export_documents

    with opened_archive(archive_dir) as archive:
        files = export_documents(archive.db.conn, out, options, overwrite=overwrite)
    for file in files:
        click.echo(f"wrote documents to {out / file.path} ({file.bytes} bytes)")


def _day(value: datetime | None) -> Any:
    return value.date() if value is not None else None


@click.command("export")
@several_archives_option
@fleet_file_option
@click.option(
    "--format",
    "format_name",
    required=True,
    type=click.Choice([f.value for f in Format]),
    help="jsonl, csv (UTF-8 with BOM for Excel), parquet, or hf (a Hugging Face dataset folder).",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder to create with the data file(s) and datapackage.json.",
)
@click.option("--since", type=_DATE, help="Only articles published on or after this day (YYYY-MM-DD).")
@click.option("--until", type=_DATE, help="Only articles published on or before this day (YYYY-MM-DD).")
@click.option("--category", help="Only articles in this category (accents, case and punctuation ignored).")
@click.option(
    "--tone",
    type=click.Choice(TONES),
    default="keep",
    show_default=True,
    help="Tone-mark placement of the text: as published, or one style for every word.",
)
@click.option("--include-versions", is_flag=True, help="One row per recorded version instead of the latest only.")
@click.option(
    "--dedup",
    type=click.Choice([d.value for d in Dedup]),
    default="none",
    show_default=True,
    help="Mark duplicates in duplicate_group: exact (equal normalised text) or near (MinHash).",
)
@click.option("--drop-duplicates", is_flag=True, help="Keep only the first row of each duplicate group.")
@click.option("--bom/--no-bom", default=True, show_default=True, help="Start the CSV file with a UTF-8 BOM.")
@click.option("--overwrite", is_flag=True, help="Replace --out if it holds an earlier export.")
@click.option(
    "--documents",
    "documents",
    is_flag=True,
    help="Export the documents dataset (one row per attached document: text, method, fields, articles, WARC link).",
)
@click.option(
    "--progress/--no-progress",
    default=True,
    show_default=True,
    help="Show progress on stderr (a bar on a terminal, plain lines otherwise).",
)
def export_command(
    archive_dirs: tuple[Path, ...],
    fleet_file: Path | None,
    format_name: str,
    out: Path,
    since: datetime | None,
    until: datetime | None,
    category: str | None,
    tone: str,
    include_versions: bool,
    dedup: str,
    drop_duplicates: bool,
    bom: bool,
    overwrite: bool,
    documents: bool,
    progress: bool,
) -> None:
    """Export the archive's articles as a dataset that loads in one line in pandas, Polars, DuckDB, Excel or
    Hugging Face datasets, with a datapackage.json describing it. Same archive and options: same bytes."""
    from dvscrape.export.run import export_dataset

    folders, site_names = archives_to_read(archive_dirs, fleet_file)
    if documents:
        if len(folders) > 1:
            raise click.UsageError("--documents exports one archive at a time")
        _export_documents(folders[0], out, ExportOptions(Format(format_name), csv_bom=bom), overwrite=overwrite)
        return
    options = ExportOptions(
        format=Format(format_name),
        since=_day(since),
        until=_day(until),
        category=category,
        tone=cast("ToneOption", tone),
        include_versions=include_versions,
        dedup=Dedup(dedup),
        drop_duplicates=drop_duplicates,
        csv_bom=bom,
    )
    reporter = BarProgress() if progress else None  # None: export_dataset's SilentProgress
    created = missing_folders(out.parent)
    try:
        result = export_dataset(folders, out, options, overwrite=overwrite, progress=reporter, site_names=site_names)
    except OSError as error:
        raise click.ClickException(f"cannot write the export to {out}: {error.strerror or error}") from error
    finally:
        if reporter is not None:
            reporter.close()
    summary = result.summary
    if created:
        click.echo(f"created the missing folder {created[0]}")
    click.echo(f"wrote {summary.rows} rows ({summary.read_rows} read) to {result.out}")
    if summary.duplicate_rows is not None:
        click.echo(
            f"duplicates ({options.dedup.value}): {summary.grouped_rows} rows in groups, "
            f"{summary.duplicate_rows} after the first of their group"
            + (", dropped" if options.drop_duplicates else "")
        )
    for file in result.files:
        click.echo(f"  {file.path}  {file.rows} rows  {file.bytes} bytes")
    if not summary.rows:
        why = "no article matches the filters"
        if result.categories is not None:
            why = f"no category of the archive is {category!r}; it has {', '.join(result.categories) or 'none'}"
        click.echo(f"warning: exported 0 rows: {why}", err=True)
        sys.exit(int(ExitCode.NOTHING_TO_DO))
