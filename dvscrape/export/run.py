"""export_dataset: the whole export, from an archive folder to a dataset folder.

1. Open the archive read-only and hold one read transaction, so both passes see the same snapshot even while a
   crawl writes.
2. With deduplication, a first pass reads only ids and bodies and builds the duplicate groups (dedup.py).
3. The second pass streams the rows in batches, turns them into records and hands them to the format's writer.
4. datapackage.json (and for ``hf`` the README.md card) describe the files; the folder, built under a temporary
   name beside *out*, is then renamed into place, so a failed export leaves nothing half-written.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from dvscrape.archive import dataset
from dvscrape.archive.db import Archive
from dvscrape.archive.filters import archive_categories, category_key
from dvscrape.errors import ConfigurationError, DvscrapeError
from dvscrape.export.card import SPLIT, write_card
from dvscrape.export.datapackage import DATAPACKAGE_FILENAME, write_datapackage
from dvscrape.export.dedup import ExactIndex, Groups, NearIndex, canonical_text, text_hash
from dvscrape.export.options import Dedup, ExportOptions, Format
from dvscrape.export.parquet import ParquetShardWriter
from dvscrape.export.records import TextStyle, make_record
from dvscrape.export.schema import ARTICLES, Table
from dvscrape.export.source import ExportSummary, Span
from dvscrape.export.writers import CsvWriter, DataFile, JsonlWriter, RowWriter, describe_file

HF_DATA_FOLDER = "data"


class Progress(Protocol):
    """Where an export reports how far it is (the CLI draws a bar; the library default says nothing)."""

    def phase(self, label: str, total: int) -> None:
        """A new phase of *total* rows starts."""

    def advance(self, rows: int) -> None:
        """*rows* more rows of the current phase are done."""


class SilentProgress:
    """A Progress that reports nothing."""

    def phase(self, label: str, total: int) -> None:
        """Ignore."""

    def advance(self, rows: int) -> None:
        """Ignore."""


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    out: Path
    files: tuple[DataFile, ...]
    summary: ExportSummary
    categories: tuple[str, ...] | None = None
    """The archives' categories when the category filter names none of them."""

    @property
    def rows(self) -> int:
        """Rows written."""
        return self.summary.rows


def export_dataset(
    archive_dirs: Path | Sequence[Path],
    out: Path,
    options: ExportOptions,
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
    site_names: Sequence[str] | None = None,
) -> ExportResult:
    """Export the archive in *archive_dirs* (one folder, or several: one dataset whose `site` column tells their
    sites apart) to the folder *out* as *options* say; return what was written. The `site` column holds
    *site_names* (one per folder, e.g. a fleet's site names) or else each archive's site profile name, followed by
    `/` and the folder's name when two archives hold the same profile.

    Raises ConfigurationError for unusable options, an *out* that exists (unless *overwrite*, and then only when it
    is an earlier export), two archives of one site in folders of the same name, or duplicate detection across
    several archives; ArchiveError when an archive cannot be read.
    """
    options = options.checked()
    progress = progress or SilentProgress()
    out = Path(out)
    folders = [Path(archive_dirs)] if isinstance(archive_dirs, str | Path) else [Path(d) for d in archive_dirs]
    if len(folders) > 1 and options.dedup is not Dedup.NONE:
        raise ConfigurationError("--dedup works on one archive at a time; export the archives together without it")
    check_out(out, overwrite=overwrite)
    with ExitStack() as stack:
        conns = [stack.enter_context(Archive.open(folder, readonly=True)).db.conn for folder in folders]
        sites = list(site_names) if site_names is not None else _site_values(conns, folders)
        sources = [
            _Source(site, stack.enter_context(dataset.snapshot(conn))) for site, conn in zip(sites, conns, strict=True)
        ]
        categories = _categories_if_unmatched(sources, options.category)
        first_pass = _duplicate_groups(sources[0].conn, options, progress) if len(sources) == 1 else None
        with building(out) as folder:
            files, extra, summary = _write(sources, folder, options, first_pass, progress)
            write_datapackage(folder, files, summary, extra_files=extra)
    return ExportResult(out, tuple(files), summary, categories)


@dataclass(frozen=True)
class _Source:
    """One archive of an export: its site name and its connection (inside a read transaction)."""

    site: str
    conn: sqlite3.Connection


def _site_values(conns: list[sqlite3.Connection], folders: list[Path]) -> list[str]:
    """The `site` of each archive: its profile's name, or `profile/folder name` when another archive of the export
    holds the same profile (two mirrors, or one site crawled into two folders)."""
    profiles = [dataset.site_of(conn, folder) for conn, folder in zip(conns, folders, strict=True)]
    values = [f"{p}/{f.name}" if profiles.count(p) > 1 else p for p, f in zip(profiles, folders, strict=True)]
    for index, value in enumerate(values):
        if value in values[:index]:
            raise ConfigurationError(
                f"{folders[values.index(value)]} and {folders[index]} both hold the site {profiles[index]!r} in "
                f"folders named {folders[index].name!r}: give a folder once, rename one, or name the sites in a "
                "fleet file (--fleet)"
            )
    return values


def _categories_if_unmatched(sources: list[_Source], category: str | None) -> tuple[str, ...] | None:
    if category is None:
        return None
    names = sorted({name for source in sources for name in archive_categories(source.conn)})
    return None if any(category_key(name) == category_key(category) for name in names) else tuple(names)


def check_out(out: Path, *, overwrite: bool) -> None:
    """ConfigurationError unless *out* may receive an export: absent, empty, or (with *overwrite*) an earlier one."""
    if out.exists() and not out.is_dir():
        raise ConfigurationError(f"{out} is a file; --out takes a folder")
    if out.is_dir() and any(out.iterdir()):
        if not overwrite:
            raise ConfigurationError(f"{out} already exists and is not empty; pass --overwrite to replace it")
        if not (out / DATAPACKAGE_FILENAME).is_file():
            raise ConfigurationError(f"{out} is not a dvscrape export (no {DATAPACKAGE_FILENAME}); will not replace it")


@contextmanager
def building(out: Path) -> Iterator[Path]:
    """A temporary folder beside *out*, renamed to *out* when the block succeeds and removed when it fails."""
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir()
    try:
        yield temporary
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    if out.exists():
        shutil.rmtree(out)
    temporary.rename(out)


@dataclass(frozen=True)
class _FirstPass:
    """What the deduplication pass leaves for the writing pass: the groups, and each row's content hash (32 bytes
    per row) so the body is not normalised twice."""

    groups: Groups
    digests: bytearray

    def content_hash(self, position: int) -> str:
        """The hex content hash of the row at *position*."""
        return self.digests[position * 32 : (position + 1) * 32].hex()


def _duplicate_groups(conn: sqlite3.Connection, options: ExportOptions, progress: Progress) -> _FirstPass | None:
    """First pass: the duplicate groups and content hashes of every row, or None without deduplication."""
    if options.dedup is Dedup.NONE:
        return None
    index: ExactIndex | NearIndex = ExactIndex() if options.dedup is Dedup.EXACT else NearIndex()
    digests = bytearray()
    progress.phase(f"finding {options.dedup.value} duplicates", dataset.count_rows(conn, options.rows))
    for batch in dataset.iter_texts(conn, options.rows):
        for row in batch:
            canonical = canonical_text(row.body)
            digests += bytes.fromhex(text_hash(canonical))
            index.add(row.id, canonical)
        progress.advance(len(batch))
    return _FirstPass(index.groups(), digests)


def row_writer(folder: Path, options: ExportOptions, table: Table = ARTICLES) -> RowWriter:
    """The writer of *options*' format for rows of *table*."""
    if options.format is Format.JSONL:
        return JsonlWriter(folder, table=table)
    if options.format is Format.CSV:
        return CsvWriter(folder, bom=options.csv_bom, table=table)
    if options.format is Format.PARQUET:
        return ParquetShardWriter(folder, row_group_rows=options.row_group_rows, table=table)
    return ParquetShardWriter(
        folder,
        row_group_rows=options.row_group_rows,
        shard_rows=options.shard_rows,
        prefix=SPLIT,
        subfolder=HF_DATA_FOLDER,
        table=table,
    )


def _write(
    sources: list[_Source], folder: Path, options: ExportOptions, first_pass: _FirstPass | None, progress: Progress
) -> tuple[list[DataFile], list[DataFile], ExportSummary]:
    """Second pass: every kept row written; the files, any extra files (the card) and the summary."""
    style = TextStyle(options.tone)
    span = Span()
    read_rows = sum(dataset.count_rows(source.conn, options.rows) for source in sources)
    progress.phase(f"writing {options.format.value}", read_rows)
    writer = row_writer(folder, options)
    groups = first_pass.groups if first_pass is not None else None
    position = 0
    try:
        for source in sources:
            for batch in dataset.iter_rows(source.conn, options.rows):
                records = []
                for row in batch:
                    keep = groups is None or not options.drop_duplicates or groups.is_first(position)
                    if keep:
                        if first_pass is not None:
                            group, digest = first_pass.groups.group_id(position), first_pass.content_hash(position)
                            record = make_record(row, style, group, digest, site=source.site)
                        else:
                            record = make_record(row, style, None, site=source.site)
                        span.add(record)
                        records.append(record)
                    position += 1
                writer.write(records)
                progress.advance(len(batch))
        files = writer.close()
    except BaseException:
        writer.abort()
        raise
    if groups is not None and position != len(groups.ids):
        raise DvscrapeError("the archive changed between the two passes of the export; run it again")
    summary = ExportSummary(
        sources=tuple(
            replace(found, site=source.site) for source in sources for found in dataset.crawl_sources(source.conn)
        ),
        options=options.as_record(),
        read_rows=position,
        rows=span.rows,
        duplicate_rows=groups.duplicate_rows if groups is not None else None,
        grouped_rows=groups.grouped_rows if groups is not None else None,
        first_published=span.first_published,
        last_published=span.last_published,
        first_fetched=span.first_fetched,
        last_fetched=span.last_fetched,
        languages=tuple(sorted(span.languages)),
    )
    extra: list[DataFile] = []
    if options.format is Format.HF:
        arrow_bytes = writer.arrow_bytes if isinstance(writer, ParquetShardWriter) else 0
        write_card(folder, files, summary, data_glob=f"{HF_DATA_FOLDER}/{SPLIT}-*.parquet", arrow_bytes=arrow_bytes)
        extra.append(
            describe_file(folder, "README.md", format="md", mediatype="text/markdown", encoding="utf-8", rows=0)
        )
    return files, extra, summary
