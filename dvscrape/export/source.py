"""What an export says about where its rows come from: the archive's crawls and the span of the exported data.

Everything here is read from the archive or gathered from the exported rows, never from the clock, so the same
archive and options describe themselves the same way every time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import PackageNotFoundError, version

from dvscrape.archive.dataset import CrawlSource
from dvscrape.export.records import Record


def dvscrape_version() -> str:
    """The installed dvscrape version (recorded so a reader knows which code made the export)."""
    try:
        return version("dvscrape")
    except PackageNotFoundError:
        return "unknown"


@dataclass
class Span:
    """The range of dates and fetch times over the exported rows (updated row by row; not shared)."""

    rows: int = 0
    first_published: date | None = None
    last_published: date | None = None
    first_fetched: str | None = None
    last_fetched: str | None = None
    languages: set[str] = field(default_factory=set)

    def add(self, record: Record) -> None:
        """Take one exported record into account."""
        self.rows += 1
        published = record["published_date"]
        if published is not None:
            self.first_published = min(self.first_published or published, published)
            self.last_published = max(self.last_published or published, published)
        fetched = record["fetched_at"]
        if fetched is not None:
            self.first_fetched = min(self.first_fetched or fetched, fetched)
            self.last_fetched = max(self.last_fetched or fetched, fetched)
        if record["language"]:
            self.languages.add(record["language"])


@dataclass(frozen=True)
class ExportSummary:
    """What the card and datapackage.json say about an export's content."""

    sources: tuple[CrawlSource, ...]
    options: dict[str, object]
    read_rows: int
    rows: int
    first_fetched: str | None
    last_fetched: str | None
    duplicate_rows: int | None = None  # None: no duplicate detection
    grouped_rows: int | None = None
    first_published: date | None = None
    last_published: date | None = None
    languages: tuple[str, ...] = ()
    dvscrape_version: str = field(default_factory=dvscrape_version)

    @property
    def created(self) -> str | None:
        """The export's creation time as the archive fixes it: the end of its last crawl."""
        finished = [source.last_finished for source in self.sources if source.last_finished]
        return max(finished) if finished else None

    def rows_read_note(self) -> str:
        """One sentence on how many rows were read, grouped and dropped."""
        if self.duplicate_rows is None:
            return f"{self.rows} rows exported; no duplicate detection."
        dropped = self.read_rows - self.rows
        return (
            f"{self.read_rows} rows read; {self.grouped_rows} in duplicate groups; "
            f"{self.duplicate_rows} are not the first of their group; {dropped} dropped."
        )
