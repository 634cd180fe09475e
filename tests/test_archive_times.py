"""Every stored time in one format (dvscrape.archive.times), and migration m0010 rewriting older archives."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlite_utils import Database

from dvscrape.archive.db import Archive
from dvscrape.archive.migrations import STORED_TIME_COLUMNS, apply_migrations
from dvscrape.archive.records import Capture
from dvscrape.archive.times import parse_time, stored_time
from dvscrape.pages import Article, Block

ONE_FORMAT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
URL = "https://tanbinh.hochiminhcity.gov.vn/web/neoportal/-/a"


def test_stored_time_is_utc_to_the_microsecond_with_z() -> None:
    assert (
        stored_time(datetime(2024, 3, 1, 15, 1, tzinfo=timezone(timedelta(hours=7)))) == "2024-03-01T08:01:00.000000Z"
    )
    assert stored_time("2024-03-01T08:01:00+00:00") == "2024-03-01T08:01:00.000000Z"
    assert stored_time("2024-03-01T08:01:00.5Z") == "2024-03-01T08:01:00.500000Z"
    assert stored_time("2024-03-01T08:01:00") == "2024-03-01T08:01:00.000000Z"  # naive text: UTC
    assert stored_time("2024-03-01") == "2024-03-01T00:00:00.000000Z"
    assert parse_time(stored_time("2024-03-01T08:01:00.123456Z")) == datetime(2024, 3, 1, 8, 1, 0, 123456, tzinfo=UTC)
    with pytest.raises(ValueError):
        stored_time(datetime(2024, 3, 1))  # naive datetime: a programming error
    with pytest.raises(ValueError):
        stored_time("yesterday")


def test_archive_writes_every_time_in_one_format(tmp_path: Path) -> None:
    with Archive.open(tmp_path) as archive:
        crawl_id = archive.begin_crawl("tanbinh", "https://x", {})
        for fetched_at in ("2024-03-01T08:00:00+00:00", "2024-03-01T08:00:01.25Z", "2024-03-01T15:00:02+07:00"):
            archive.record_capture(
                Capture(crawl_id, URL, URL, "article", 200, "text/html", fetched_at, 10, None, record_type="")
            )
        article = Article(url=URL, fetched_url=URL, locale="vi", title="Tân Bình", blocks=(Block("paragraph", "x"),))
        archive.save_article(article, capture_id=None, seen_at="2024-03-01T08:00:00+00:00")
        archive.touch_article(URL, seen_at="2024-03-02T08:00:00Z", capture_id=None)
        archive.mark_gone(URL, seen_at="2024-03-03T08:00:00+00:00", status=404)
        archive.finish_crawl(crawl_id, "success", {})
        conn = archive.db.conn
        values = _stored_times(conn)
        fetched = [row[0] for row in conn.execute("SELECT fetched_at FROM captures ORDER BY fetched_at")]
    assert values and all(ONE_FORMAT.match(value) for value in values), values
    assert fetched == ["2024-03-01T08:00:00.000000Z", "2024-03-01T08:00:01.250000Z", "2024-03-01T08:00:02.000000Z"]


def test_migration_rewrites_the_times_of_an_older_archive(tmp_path: Path) -> None:
    """Defect fixed: captures.fetched_at held '+00:00' and 'Z' forms side by side, so ORDER BY fetched_at (and every
    string comparison of times) put 08:00:01+00:00 after 08:00:01.5Z."""
    conn = sqlite3.connect(tmp_path / "archive.sqlite")
    apply_migrations(Database(conn), stop_before="m0010_one_time_format")
    conn.execute(
        "INSERT INTO crawls (site, base_url, started, finished, status) "
        "VALUES ('tanbinh', 'https://x', '2024-03-01T08:00:00.123456Z', '2024-03-01T09:00:00+00:00', 'success')"
    )
    old = ["2024-03-01T08:00:01.5Z", "2024-03-01T08:00:01+00:00", "2024-03-01T08:00:02Z", "2024-03-01T15:00:03+07:00"]
    for fetched_at in old:
        conn.execute(
            "INSERT INTO captures (crawl_id, url, canonical_url, kind, fetched_at) VALUES (1, ?, ?, 'article', ?)",
            (URL, URL, fetched_at),
        )
    conn.execute(
        "INSERT INTO articles (url, title, content_hash, first_seen, last_seen, last_checked) "
        "VALUES (?, 'Tân Bình', 'h', '2024-01-01', '2024-03-01T08:00:01+00:00', NULL)",
        (URL,),
    )
    conn.execute(
        "INSERT INTO article_versions (article_id, version, content_hash, title, body, seen_at) "
        "VALUES (1, 1, 'h', 'Tân Bình', '', '2024-03-01T08:00:01+00:00')"
    )
    conn.commit()
    before = [row[0] for row in conn.execute("SELECT fetched_at FROM captures ORDER BY fetched_at")]
    assert before[:2] == ["2024-03-01T08:00:01+00:00", "2024-03-01T08:00:01.5Z"]  # ordered as strings, not times
    conn.close()

    with Archive.open(tmp_path) as archive:
        conn = archive.db.conn
        values = _stored_times(conn)
        fetched = [row[0] for row in conn.execute("SELECT fetched_at FROM captures ORDER BY fetched_at")]
        crawl = conn.execute("SELECT started, finished FROM crawls").fetchone()
        article = conn.execute("SELECT first_seen, last_seen, last_checked FROM articles").fetchone()
        (seen_at,) = conn.execute("SELECT seen_at FROM article_versions").fetchone()
    assert all(ONE_FORMAT.match(value) for value in values), values
    assert fetched == [
        "2024-03-01T08:00:01.000000Z",
        "2024-03-01T08:00:01.500000Z",
        "2024-03-01T08:00:02.000000Z",
        "2024-03-01T08:00:03.000000Z",
    ]
    assert crawl == ("2024-03-01T08:00:00.123456Z", "2024-03-01T09:00:00.000000Z")
    assert article == ("2024-01-01T00:00:00.000000Z", "2024-03-01T08:00:01.000000Z", None)
    assert seen_at == "2024-03-01T08:00:01.000000Z"


def _stored_times(conn: sqlite3.Connection) -> list[str]:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    values: list[str] = []
    for table, column in STORED_TIME_COLUMNS:
        if table in tables:
            values += [row[0] for row in conn.execute(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")]
    return values
