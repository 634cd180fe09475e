"""`dvscrape export` end to end: the crawled replica exported in each format through the CLI and read back, plus the
command's errors (one line, non-zero exit, no traceback)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dvscrape.archive.folding import fold
from dvscrape.warc.reader import read_record_at
from tests.conftest import REPLICA_ARTICLES, CrawledArchive, run_cli


def stored(crawled: CrawledArchive, query: str) -> list[tuple]:
    with sqlite3.connect(crawled.database) as connection:
        return connection.execute(query).fetchall()


def export(crawled: CrawledArchive, out: Path, *args: str) -> None:
    assert crawled.result.returncode == 0, crawled.result.stderr[-2000:]
    result = run_cli("export", "--archive", str(crawled.directory), "--out", str(out), *args, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def exports(crawled_archive: CrawledArchive, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("exports")
    result = {}
    for format in ("jsonl", "csv", "parquet", "hf"):
        export(crawled_archive, folder / format, "--format", format, "--dedup", "near")
        result[format] = folder / format
    return result


def test_every_format_holds_every_crawled_article_with_its_text_intact(
    crawled_archive: CrawledArchive, exports: dict[str, Path]
) -> None:
    titles = dict(stored(crawled_archive, "select id, title from articles"))
    assert len(titles) == REPLICA_ARTICLES
    frames = {
        "jsonl": pd.read_json(exports["jsonl"] / "articles.jsonl", lines=True, dtype={"published_date": str}),
        "csv": pd.read_csv(exports["csv"] / "articles.csv"),
        "parquet": pd.read_parquet(exports["parquet"] / "articles.parquet"),
        "hf": pd.read_parquet(exports["hf"] / "data"),
    }
    for format, frame in frames.items():
        assert len(frame) == REPLICA_ARTICLES, format
        assert dict(zip(frame["id"], frame["title"], strict=True)) == titles, format
        assert frame["text"].str.contains("Tân Bình").any(), format
        assert (frame["language"] == "vi").all(), format
    dates = frames["parquet"]["published_date"].dropna()
    assert len(dates) >= REPLICA_ARTICLES - 5 and dates.map(type).eq(date).all()
    assert (
        pq.read_schema(exports["hf"] / "data" / "train-00000-of-00001.parquet").field("published_date").type
        == pa.date32()
    )
    package = json.loads((exports["hf"] / "datapackage.json").read_text(encoding="utf-8"))
    assert package["dvscrape"]["rows"] == REPLICA_ARTICLES
    assert package["sources"][0]["path"] == crawled_archive.replica_url


def test_every_row_points_at_the_warc_record_it_was_extracted_from(
    crawled_archive: CrawledArchive, exports: dict[str, Path]
) -> None:
    frame = pd.read_parquet(exports["parquet"] / "articles.parquet")
    for row in frame.head(10).itertuples():
        record = read_record_at(
            crawled_archive.directory / "warc" / row.warc_filename, row.warc_offset, row.warc_length
        )
        assert record.header("WARC-Record-ID") == row.warc_record_id
        assert record.record_type == "response"


def test_filters_through_the_command_line(crawled_archive: CrawledArchive, tmp_path: Path) -> None:
    (category, count), *_ = stored(
        crawled_archive, "select category, count(*) from articles group by category order by count(*) desc"
    )
    # one rule for export and search: accents, case and punctuation ignored ('VAN HOA XA HOI' names 'Văn hóa - Xã hội')
    loose = " ".join(fold(category).upper().replace("-", " ").split())
    export(crawled_archive, tmp_path / "category", "--format", "parquet", "--category", loose)
    exported = pd.read_parquet(tmp_path / "category" / "articles.parquet")
    assert len(exported) >= count and category in exported["category"].tolist()
    found = run_cli("search", "Tân Bình", "--archive", str(crawled_archive.directory), "--category", loose, "--json")
    assert {hit["url"] for hit in json.loads(found.stdout)} <= set(exported["url"]) and found.stdout != "[]"
    archive, out = str(crawled_archive.directory), str(tmp_path / "none")
    none = run_cli("export", "--archive", archive, "--out", out, "--format", "csv", "--category", "Thể thao")
    assert none.returncode == 4 and "exported 0 rows: no category of the archive is 'Thể thao'" in none.stderr
    assert category in none.stderr.splitlines()[-1]
    days = sorted(
        day
        for (day,) in stored(
            crawled_archive, "select substr(published_date, 1, 10) from articles where published_date is not null"
        )
    )
    middle = days[len(days) // 2]
    export(crawled_archive, tmp_path / "since", "--format", "jsonl", "--since", middle)
    lines = (tmp_path / "since" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == sum(day >= middle for day in days)
    assert all(json.loads(line)["published_date"] >= middle for line in lines)


def test_progress_is_plain_when_not_a_terminal(crawled_archive: CrawledArchive, tmp_path: Path) -> None:
    result = run_cli(
        "export",
        "--archive",
        str(crawled_archive.directory),
        "--out",
        str(tmp_path / "out"),
        "--format",
        "jsonl",
        "--dedup",
        "exact",
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == ["finding exact duplicates", "writing jsonl"]
    assert result.stdout.startswith(f"wrote {REPLICA_ARTICLES} rows")
    quiet = run_cli(
        "export",
        "--archive",
        str(crawled_archive.directory),
        "--out",
        str(tmp_path / "quiet"),
        "--format",
        "jsonl",
        "--no-progress",
    )
    assert quiet.returncode == 0 and quiet.stderr == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "csv", "--drop-duplicates"), "--drop-duplicates needs --dedup exact or --dedup near"),
        (("--format", "parquet", "--no-bom"), "--no-bom only applies to --format csv"),
        (("--format", "csv", "--since", "2024-05-01", "--until", "2024-01-01"), "is after --until"),
        (("--format", "csv", "--since", "01/05/2024"), "Invalid value for '--since'"),
        (
            (
                "--format",
                "xml",
            ),
            "Invalid value for '--format'",
        ),
    ],
)
def test_bad_options_fail_with_one_clear_line(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    from tests.test_export_fixtures import build_archive

    archive = build_archive(tmp_path / "archive")
    result = run_cli("export", "--archive", str(archive), "--out", str(tmp_path / "out"), *args)
    assert result.returncode != 0
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_missing_archive_fails_with_one_clear_line(tmp_path: Path) -> None:
    result = run_cli(
        "export", "--archive", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"), "--format", "csv"
    )
    assert result.returncode == 7
    expected = f"Error: {tmp_path / 'nowhere'} is not a dvscrape archive: archive.sqlite is missing"
    assert result.stderr.strip().startswith(expected) and result.stderr.count("\n") == 1


def test_two_archives_of_one_site_are_told_apart(crawled_archive: CrawledArchive, tmp_path: Path) -> None:
    mirror, same_name = tmp_path / "mirror", tmp_path / "copy" / "archive"
    shutil.copytree(crawled_archive.directory, mirror)
    shutil.copytree(crawled_archive.directory, same_name)
    both = ("export", "--archive", str(crawled_archive.directory), "--format", "parquet")
    done = run_cli(*both, "--archive", str(mirror), "--out", str(tmp_path / "both"))
    assert done.returncode == 0, done.stderr
    data = tmp_path / "both" / "articles.parquet"
    sites = duckdb.sql(f"select site, count(*) from '{data}' group by site order by site").fetchall()
    assert sites == [("tanbinh/archive", REPLICA_ARTICLES), ("tanbinh/mirror", REPLICA_ARTICLES)]
    assert not pd.read_parquet(data).duplicated(["site", "id"]).any()
    package = json.loads((tmp_path / "both" / "datapackage.json").read_text(encoding="utf-8"))
    assert [crawl["site"] for crawl in package["dvscrape"]["crawls"]] == ["tanbinh/archive", "tanbinh/mirror"]
    refused = run_cli(*both, "--archive", str(same_name), "--out", str(tmp_path / "refused"))
    assert refused.returncode == 2 and "in folders named 'archive'" in refused.stderr and "--fleet" in refused.stderr
