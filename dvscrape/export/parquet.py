"""Parquet output: one file, or numbered shards for a Hugging Face dataset, written deterministically.

The Arrow schema comes from schema.FIELDS (dates as date32, lists as list<string>). Records are turned into Arrow
record batches as they come and written as row groups of ``row_group_rows`` rows, so memory holds at most one row
group. The same rows give the same bytes: fixed compression (zstd, level 3), no pandas metadata, no timestamps.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from dvscrape.export.records import Record
from dvscrape.export.schema import ARTICLES, Table, arrow_schema
from dvscrape.export.writers import DataFile, describe_file

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq

COMPRESSION = "zstd"
COMPRESSION_LEVEL = 3
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
_DICTIONARY_COLUMNS = ("language", "category", "warc_filename", "kind", "status", "method")  # few distinct values


class ParquetShardWriter:
    """Writes records to Parquet: a single file (*shard_rows* None) or shards of at most *shard_rows* rows.

    Shards are named ``<prefix>-00000-of-00003.parquet`` (the Hugging Face convention) once the count is known.
    """

    def __init__(
        self,
        folder: Path,
        *,
        row_group_rows: int,
        shard_rows: int | None = None,
        prefix: str = "",
        subfolder: str = "",
        table: Table = ARTICLES,
    ) -> None:
        self._folder = folder
        self._subfolder = subfolder
        self._prefix = prefix or table.name
        self._row_group_rows = row_group_rows
        self._shard_rows = shard_rows
        self._schema: pa.Schema = arrow_schema(table.fields)
        self._pending: list[pa.RecordBatch] = []
        self._pending_rows = 0
        self._writer: pq.ParquetWriter | None = None
        self._shard_rows_written = 0
        self._shards: list[tuple[str, int]] = []  # (temporary relative path, rows)
        self.arrow_bytes = 0
        """The in-memory Arrow size of the rows written (the ``num_bytes`` a Hugging Face card gives a split)."""
        if subfolder:
            (folder / subfolder).mkdir(parents=True, exist_ok=True)

    def write(self, records: Sequence[Record]) -> None:
        """Append *records*: row groups are written as they fill, shards rolled over at shard_rows."""
        import pyarrow as pa

        start = 0
        while start < len(records):
            room = self._row_group_rows - self._pending_rows
            if self._shard_rows is not None:
                room = min(room, self._shard_rows - self._shard_rows_written - self._pending_rows)
            chunk = records[start : start + room]
            self._pending.append(pa.RecordBatch.from_pylist(list(chunk), schema=self._schema))
            self._pending_rows += len(chunk)
            start += len(chunk)
            if self._pending_rows == self._row_group_rows or (
                self._shard_rows is not None and self._shard_rows_written + self._pending_rows == self._shard_rows
            ):
                self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if not self._pending_rows:
            return
        writer = self._writer or self._open_shard()
        table = pa.Table.from_batches(self._pending, schema=self._schema)
        self.arrow_bytes += table.nbytes
        writer.write_table(table, row_group_size=self._row_group_rows)
        self._shard_rows_written += self._pending_rows
        self._pending, self._pending_rows = [], 0
        if self._shard_rows is not None and self._shard_rows_written >= self._shard_rows:
            self._close_shard()

    def _open_shard(self) -> pq.ParquetWriter:
        import pyarrow.parquet as pq

        relative = self._relative(f"{self._prefix}-{len(self._shards):05d}.parquet.partial")
        self._writer = pq.ParquetWriter(
            self._folder / relative,
            self._schema,
            compression=COMPRESSION,
            compression_level=COMPRESSION_LEVEL,
            use_dictionary=[name for name in _DICTIONARY_COLUMNS if name in self._schema.names],
            write_statistics=True,
            store_schema=True,
        )
        self._shards.append((relative, 0))
        return self._writer

    def _close_shard(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
            relative, _ = self._shards[-1]
            self._shards[-1] = (relative, self._shard_rows_written)
            self._shard_rows_written = 0

    def _relative(self, name: str) -> str:
        return f"{self._subfolder}/{name}" if self._subfolder else name

    def close(self) -> list[DataFile]:
        """Write what is pending, close the last shard, give the shards their final names and describe them."""
        self._flush()
        self._close_shard()
        if not self._shards:  # no rows at all: still one valid, empty file with the schema
            self._open_shard()
            self._close_shard()
        files: list[DataFile] = []
        for index, (temporary, rows) in enumerate(self._shards):
            if self._shard_rows is None:
                final = self._relative(f"{self._prefix}.parquet")
            else:
                final = self._relative(f"{self._prefix}-{index:05d}-of-{len(self._shards):05d}.parquet")
            (self._folder / temporary).rename(self._folder / final)
            files.append(
                describe_file(
                    self._folder, final, format="parquet", mediatype=PARQUET_MEDIATYPE, encoding=None, rows=rows
                )
            )
        return files

    def abort(self) -> None:
        """Close the open shard."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
