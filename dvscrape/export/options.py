"""What an export is asked to do: a frozen ExportOptions, checked once, shared by every module of the export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from dvscrape.archive.dataset import RowQuery
from dvscrape.errors import ConfigurationError

if TYPE_CHECKING:
    from dvscrape.text import ToneOption


class Format(StrEnum):
    """The output formats."""

    JSONL = "jsonl"
    CSV = "csv"
    PARQUET = "parquet"
    HF = "hf"


class Dedup(StrEnum):
    """How duplicates are found: not at all, by equal normalised text, or by MinHash similarity of word shingles."""

    NONE = "none"
    EXACT = "exact"
    NEAR = "near"


TONES: tuple[ToneOption, ...] = ("keep", "first", "main")

DEFAULT_BATCH_ROWS = 1_000
DEFAULT_ROW_GROUP_ROWS = 10_000
DEFAULT_SHARD_ROWS = 100_000


@dataclass(frozen=True)
class ExportOptions:
    """An export's format, filters and deduplication. Build it with ExportOptions.checked() to validate it."""

    format: Format
    since: date | None = None
    until: date | None = None
    category: str | None = None
    tone: ToneOption = "keep"
    include_versions: bool = False
    dedup: Dedup = Dedup.NONE
    drop_duplicates: bool = False
    csv_bom: bool = True
    batch_rows: int = DEFAULT_BATCH_ROWS
    row_group_rows: int = DEFAULT_ROW_GROUP_ROWS
    shard_rows: int = DEFAULT_SHARD_ROWS

    def checked(self) -> ExportOptions:
        """These options, or ConfigurationError saying which one is inconsistent."""
        if self.tone not in TONES:
            raise ConfigurationError(f"unknown tone style {self.tone!r}; expected one of {', '.join(TONES)}")
        if self.since and self.until and self.since > self.until:
            raise ConfigurationError(f"--since {self.since} is after --until {self.until}")
        if self.drop_duplicates and self.dedup is Dedup.NONE:
            raise ConfigurationError("--drop-duplicates needs --dedup exact or --dedup near")
        if self.csv_bom is False and self.format is not Format.CSV:
            raise ConfigurationError("--no-bom only applies to --format csv")
        for name in ("batch_rows", "row_group_rows", "shard_rows"):
            if getattr(self, name) < 1:
                raise ConfigurationError(f"{name} must be at least 1")
        return self

    @property
    def rows(self) -> RowQuery:
        """Which rows of the archive the export reads."""
        return RowQuery(self.since, self.until, self.category, self.include_versions, self.batch_rows)

    def as_record(self) -> dict[str, object]:
        """The options that shape the data, as JSON-ready values (recorded in datapackage.json and the card)."""
        return {
            "format": self.format.value,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "category": self.category,
            "tone": self.tone,
            "include_versions": self.include_versions,
            "dedup": self.dedup.value,
            "drop_duplicates": self.drop_duplicates,
        }
