"""The rows of a dataset export read out of the archive: one SQL query streamed in batches, child rows fetched per
batch; and the crawls the rows come from.

The latest version of each article comes from ``articles`` (with its figures and attachments tables); with
``include_versions`` every recorded version comes from ``article_versions``. Rows are always in (id, version) order,
so two passes over the same snapshot see the same rows in the same order.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from dvscrape.archive.filters import day_conditions, in_categories, matching_categories
from dvscrape.errors import ArchiveError, ConfigurationError

VERSIONS_TABLE = "article_versions"

_T = TypeVar("_T")

# The columns of a SourceRow, in the order of its fields (figures_json is index 9).
_LATEST_COLUMNS = """
    a.id, {version}, a.url, coalesce(a.title, ''), coalesce(a.body, ''), a.published_date, a.category, a.signature,
    a.locale, NULL, c.fetched_at, c.warc_filename, c.warc_offset, c.warc_length, c.warc_record_id,
    coalesce({reason}, ''), {supersedes}
"""
_LATEST_FROM = "FROM articles a LEFT JOIN captures c ON c.id = a.capture_id"
_VERSION_COLUMNS = """
    v.article_id, v.version, a.url, coalesce(v.title, ''), coalesce(v.body, ''), v.published_date, v.category,
    v.signature, a.locale, v.figures, c.fetched_at, c.warc_filename, c.warc_offset, c.warc_length, c.warc_record_id,
    coalesce(v.reason, ''), v.supersedes
"""
_VERSION_FROM = (
    "FROM article_versions v JOIN articles a ON a.id = v.article_id LEFT JOIN captures c ON c.id = v.capture_id"
)


@contextmanager
def snapshot(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One read transaction around a whole export: every pass sees the same rows, even while a crawl writes."""
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("ROLLBACK")


@dataclass(frozen=True)
class RowQuery:
    """Which rows an export reads: publication days (inclusive), a category (the rule of archive.filters),
    every recorded version or the latest only, and how many rows a batch holds."""

    since: date | None = None
    until: date | None = None
    category: str | None = None
    include_versions: bool = False
    batch_rows: int = 1_000


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One article (or article version) as stored, before normalisation and deduplication."""

    id: int
    version: int | None
    url: str
    title: str
    body: str
    published_date: str | None
    category: str | None
    signature: str | None
    locale: str | None
    figures_json: str | None
    fetched_at: str | None
    warc_filename: str | None
    warc_offset: int | None
    warc_length: int | None
    warc_record_id: str | None
    version_reason: str = ""
    supersedes_version: int | None = None
    figures: tuple[tuple[str, str], ...] = ()
    attachment_urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class TextRow:
    """The little the deduplication pass needs of a row."""

    id: int
    body: str


def has_versions(conn: sqlite3.Connection) -> bool:
    """Whether the archive has the ``article_versions`` table."""
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (VERSIONS_TABLE,)).fetchone()
    return found is not None


def _where(conn: sqlite3.Connection, query: RowQuery, alias: str) -> tuple[str, dict[str, object]]:
    clauses, params = day_conditions(f"substr({alias}.published_date, 1, 10)", query.since, query.until)
    if query.category is not None:
        clauses.append(in_categories(alias, "categories", every_category=alias == "a"))
        params["categories"] = matching_categories(conn, query.category)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _query(
    conn: sqlite3.Connection, query: RowQuery, columns: str, *, ordered: bool = True
) -> tuple[str, dict[str, object]]:
    """The SELECT of *columns* (latest or versions shape) with the filters, in (id, version) order if *ordered*."""
    if query.include_versions:
        if not has_versions(conn):
            raise ArchiveError("this archive records no article versions (it has no article_versions table)")
        where, params = _where(conn, query, "v")
        order = " ORDER BY v.article_id, v.version" if ordered else ""
        return f"SELECT {columns} {_VERSION_FROM}{where}{order}", params
    where, params = _where(conn, query, "a")
    order = " ORDER BY a.id" if ordered else ""
    return f"SELECT {columns} {_LATEST_FROM}{where}{order}", params


def _latest_version_expression(conn: sqlite3.Connection, column: str = "version", missing: str = "NULL") -> str:
    """A column of the article's latest version, as an SQL expression over ``a``."""
    if has_versions(conn):
        return f"(SELECT {column} FROM article_versions WHERE article_id = a.id ORDER BY version DESC LIMIT 1)"
    return missing


def count_rows(conn: sqlite3.Connection, query: RowQuery) -> int:
    """How many rows the export will read (before dropping duplicates)."""
    sql, params = _query(conn, query, "count(*)", ordered=False)
    return int(conn.execute(sql, params).fetchone()[0])


def iter_texts(conn: sqlite3.Connection, query: RowQuery) -> Iterator[list[TextRow]]:
    """The id and body of every row, in export order, in batches of ``query.batch_rows``."""
    columns = "v.article_id, v.body" if query.include_versions else "a.id, a.body"
    sql, params = _query(conn, query, columns)
    cursor = conn.execute(sql, params)
    while batch := cursor.fetchmany(query.batch_rows):
        yield [TextRow(int(row[0]), row[1] or "") for row in batch]


def iter_rows(conn: sqlite3.Connection, query: RowQuery) -> Iterator[list[SourceRow]]:
    """Every row of the export, in (id, version) order, in batches, with figures and attachment URLs attached."""
    if query.include_versions:
        columns = _VERSION_COLUMNS
    else:
        columns = _LATEST_COLUMNS.format(
            version=_latest_version_expression(conn),
            reason=_latest_version_expression(conn, "reason", "''"),
            supersedes=_latest_version_expression(conn, "supersedes"),
        )
    sql, params = _query(conn, query, columns)
    cursor = conn.execute(sql, params)
    while batch := cursor.fetchmany(query.batch_rows):
        ids = sorted({int(row[0]) for row in batch})
        attachments = _children(conn, "SELECT article_id, url FROM attachments", ids, lambda row: str(row[1]))
        figures = (
            {}
            if query.include_versions
            else _children(
                conn,
                "SELECT article_id, image_url, coalesce(caption, '') FROM figures",
                ids,
                lambda row: (str(row[1]), str(row[2])),
            )
        )
        result: list[SourceRow] = []
        for row in batch:
            article_id = int(row[0])
            row_figures = _figures_of_version(row[9]) if query.include_versions else figures.get(article_id, [])
            fields = (*row, tuple(row_figures), tuple(attachments.get(article_id, [])))  # SourceRow's, in order
            result.append(SourceRow(*fields))
        yield result


def _children(
    conn: sqlite3.Connection, select: str, ids: Sequence[int], convert: Callable[[tuple[object, ...]], _T]
) -> dict[int, list[_T]]:
    """Child rows of the articles *ids*, grouped by article id, in position order."""
    result: dict[int, list[_T]] = {}
    if not ids:
        return result
    placeholders = ", ".join("?" for _ in ids)
    sql = f"{select} WHERE article_id IN ({placeholders}) ORDER BY article_id, position"
    for row in conn.execute(sql, list(ids)):
        result.setdefault(int(row[0]), []).append(convert(row))
    return result


def _figures_of_version(figures_json: str | None) -> list[tuple[str, str]]:
    """(image URL, caption) pairs from an article_versions ``figures`` JSON column."""
    if not figures_json:
        return []
    try:
        figures = json.loads(figures_json)
    except json.JSONDecodeError as error:
        raise ArchiveError(f"article_versions.figures is not JSON: {error}") from error
    result: list[tuple[str, str]] = []
    for figure in figures if isinstance(figures, list) else []:
        if isinstance(figure, dict):
            result.append((str(figure.get("image_url") or ""), str(figure.get("caption") or "")))
        elif isinstance(figure, str):
            result.append((figure, ""))
    return result


@dataclass(frozen=True)
class CrawlSource:
    """The crawls of one site from one base URL."""

    site: str
    base_url: str
    crawls: int
    first_started: str
    last_finished: str | None


def crawl_sources(conn: sqlite3.Connection) -> tuple[CrawlSource, ...]:
    """The crawls recorded in the archive, grouped by site and base URL."""
    found = conn.execute(
        "SELECT site, base_url, count(*), min(started), max(coalesce(finished, started)) FROM crawls "
        "GROUP BY site, base_url ORDER BY min(started), site, base_url"
    ).fetchall()
    return tuple(
        CrawlSource(str(site), str(base), int(count), str(first), last and str(last))
        for site, base, count, first, last in found
    )


def site_of(conn: sqlite3.Connection, folder: Path) -> str:
    """The site an archive holds: the site of its newest crawl. Raises ConfigurationError when it has no crawl."""
    found = conn.execute("SELECT site FROM crawls ORDER BY id DESC LIMIT 1").fetchone()
    if found is None:
        raise ConfigurationError(f"{folder} holds no crawl yet: there is no site to export")
    return str(found[0])
