"""The exports load in one line in Polars and DuckDB too (pandas, pyarrow and `datasets` are in test_export.py)."""

from __future__ import annotations

import datetime
from pathlib import Path

import duckdb
import polars
import pytest

from dvscrape.export.options import ExportOptions, Format
from dvscrape.export.run import export_dataset
from tests.test_export_fixtures import TITLE_OF_FIRST, TOTAL_ARTICLES, build_archive


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("tools")
    archive = build_archive(root / "archive")
    folders = {}
    for format in (Format.JSONL, Format.CSV, Format.PARQUET):
        folders[format.value] = root / format.value
        export_dataset(archive, folders[format.value], ExportOptions(format=format))
    return folders


def test_polars_reads_every_format(exports: dict[str, Path]) -> None:
    parquet = polars.read_parquet(exports["parquet"] / "articles.parquet")
    jsonl = polars.read_ndjson(exports["jsonl"] / "articles.jsonl")
    csv = polars.read_csv(exports["csv"] / "articles.csv")  # Polars skips the UTF-8 BOM itself
    for frame in (parquet, jsonl, csv):
        assert frame.height == TOTAL_ARTICLES
        assert TITLE_OF_FIRST in frame["title"].to_list()
    assert parquet.schema["published_date"] == polars.Date
    assert csv.columns[0] == parquet.columns[0]  # no BOM glued to the first column name


def test_duckdb_queries_every_format(exports: dict[str, Path]) -> None:
    connection = duckdb.connect()
    for source in (
        f"read_parquet('{exports['parquet'] / 'articles.parquet'}')",
        f"read_json_auto('{exports['jsonl'] / 'articles.jsonl'}')",
        f"read_csv_auto('{exports['csv'] / 'articles.csv'}')",
    ):
        count, titles = connection.execute(f"select count(*), list(title) from {source}").fetchone()
        assert count == TOTAL_ARTICLES
        assert TITLE_OF_FIRST in titles
    dated = connection.execute(
        f"select min(published_date) from read_parquet('{exports['parquet'] / 'articles.parquet'}')"
    ).fetchone()[0]
    assert isinstance(dated, datetime.date)
