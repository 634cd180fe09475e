"""Row writers for the text formats (JSONL, CSV) and what every writer reports about the files it wrote."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from dvscrape.export.records import Record, plain_value
from dvscrape.export.schema import ARTICLES, Table


@dataclass(frozen=True)
class DataFile:
    """One data file of an export, with what datapackage.json says about it."""

    path: str
    """Relative to the export folder, with forward slashes."""
    format: str
    mediatype: str
    encoding: str | None
    rows: int
    bytes: int
    sha256: str


class RowWriter(Protocol):
    """Writes batches of records; close() finishes the files and describes them."""

    def write(self, records: Sequence[Record]) -> None:
        """Append *records* in order."""

    def close(self) -> list[DataFile]:
        """Finish writing; the files written, in order."""

    def abort(self) -> None:
        """Release open files after an error (the export folder is then thrown away)."""


def describe_file(
    folder: Path, relative: str, *, format: str, mediatype: str, encoding: str | None, rows: int
) -> DataFile:
    """A DataFile for a finished file: its size and SHA-256 read back from disk."""
    path = folder / relative
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    return DataFile(relative, format, mediatype, encoding, rows, path.stat().st_size, digest)


def json_line(record: Record) -> str:
    """One JSONL line: UTF-8 text as is (not \\u-escaped), dates as ISO strings, a trailing newline."""
    return json.dumps({name: plain_value(value) for name, value in record.items()}, ensure_ascii=False) + "\n"


class _TextFile:
    """One text data file of the export, written row by row and described (size, checksum, rows) when closed."""

    format = ""
    mediatype = ""

    def __init__(self, folder: Path, *, encoding: str, newline: str, table: Table) -> None:
        self._folder = folder
        self._relative = f"{table.name}.{self.format}"
        self._encoding = encoding
        self._handle: IO[str] = (folder / self._relative).open("w", encoding=encoding, newline=newline)
        self._rows = 0

    def close(self) -> list[DataFile]:
        """Close the file and describe it."""
        self._handle.close()
        return [
            describe_file(
                self._folder,
                self._relative,
                format=self.format,
                mediatype=self.mediatype,
                encoding=self._encoding,
                rows=self._rows,
            )
        ]

    def abort(self) -> None:
        """Close the file."""
        self._handle.close()


class JsonlWriter(_TextFile):
    """``articles.jsonl`` (the table's name): one JSON object per line, keys in schema order."""

    format = "jsonl"
    mediatype = "application/x-ndjson"

    def __init__(self, folder: Path, *, table: Table = ARTICLES) -> None:
        super().__init__(folder, encoding="utf-8", newline="\n", table=table)

    def write(self, records: Sequence[Record]) -> None:
        """Append *records*."""
        self._handle.writelines(json_line(record) for record in records)
        self._rows += len(records)


def csv_cell(value: object) -> object:
    """A CSV cell: lists as JSON arrays, dates as ISO strings, None as the empty string."""
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return plain_value(value)


class CsvWriter(_TextFile):
    """``articles.csv`` (the table's name): RFC 4180 (CRLF rows, quoted fields may hold newlines), UTF-8 with a BOM
    unless *bom* is off.

    The BOM makes Excel read the file as UTF-8; without it Excel guesses the ANSI code page and garbles Vietnamese.
    """

    format = "csv"
    mediatype = "text/csv"

    def __init__(self, folder: Path, *, bom: bool, table: Table = ARTICLES) -> None:
        super().__init__(folder, encoding="utf-8-sig" if bom else "utf-8", newline="", table=table)
        self._writer = csv.writer(self._handle, dialect="excel")
        self._writer.writerow(table.field_names)

    def write(self, records: Sequence[Record]) -> None:
        """Append *records*."""
        self._writer.writerows([csv_cell(value) for value in record.values()] for record in records)
        self._rows += len(records)
