"""Article versions, dvscrape history and dvscrape show (stored article, version, raw WARC response)."""

from __future__ import annotations

import gzip
import html
import json
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from sqlite_utils import Database

from dvscrape.archive.db import Archive
from dvscrape.archive.migrations import apply_migrations
from dvscrape.archive.records import ArticleOutcome
from dvscrape.archive.versions import backfill_versions, versions_of
from dvscrape.pages import Article, Block, Figure
from tests.archivist_helpers import SPECS, ArchiveBuilder
from tests.conftest import CrawledArchive, run_cli

URL = "http://127.0.0.1:8123/web/neoportal/-/thong-bao"
ARTICLE = Article(
    url=URL,
    fetched_url=URL,
    locale="vi",
    title="Thông báo lịch tiếp công dân",
    published="2024-02-01",
    categories=("Tin tức",),
    signature="Văn phòng",
    blocks=(Block("paragraph", "Lịch tiếp công dân tháng 2."), Block("paragraph", "Địa điểm: trụ sở.")),
    figures=(Figure("http://127.0.0.1:8123/a.jpg", "", "Trụ sở"),),
)


def test_versions_follow_new_updated_and_unchanged(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "archive") as archive:
        first = archive.save_article(ARTICLE, capture_id=None, seen_at="2024-02-01T08:00:00+00:00")
        again = archive.save_article(ARTICLE, capture_id=None, seen_at="2024-02-02T08:00:00+00:00")
        edited = replace(
            ARTICLE,
            title="Thông báo lịch tiếp công dân (sửa đổi)",
            blocks=(ARTICLE.blocks[0], Block("paragraph", "Địa điểm: hội trường.")),
        )
        second = archive.save_article(edited, capture_id=None, seen_at="2024-02-03T08:00:00+00:00")
        versions = versions_of(archive.db.conn, first.article_id)
    assert [first.outcome, again.outcome, second.outcome] == [
        ArticleOutcome.NEW,
        ArticleOutcome.UNCHANGED,
        ArticleOutcome.UPDATED,
    ]
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].changed_fields == () and versions[1].changed_fields == ("title", "body")
    assert versions[0].seen_at.startswith("2024-02-01") and versions[1].seen_at.startswith("2024-02-03")
    assert versions[0].figures == ({"image_url": "http://127.0.0.1:8123/a.jpg", "alt": "", "caption": "Trụ sở"},)
    assert versions[1].body.endswith("hội trường.")


def test_migration_backfills_versions_of_an_older_archive(tmp_path: Path) -> None:
    directory = tmp_path / "archive"
    directory.mkdir()
    conn = sqlite3.connect(directory / "archive.sqlite")
    apply_migrations(Database(conn), stop_before="m0004_article_versions")
    conn.execute(
        "INSERT INTO articles (url, title, body, category, content_hash, first_seen, last_seen) "
        "VALUES (?, 'Tiêu đề', 'Nội dung', 'Tin tức', 'abc', '2023-01-01', '2023-06-01')",
        (URL,),
    )
    conn.execute("INSERT INTO figures (article_id, position, image_url, alt, caption) VALUES (1, 0, 'x.jpg', '', 'c')")
    conn.commit()
    conn.close()
    with Archive.open(directory) as archive:
        (version,) = versions_of(archive.db.conn, 1)
        assert (version.version, version.title, version.seen_at) == (1, "Tiêu đề", "2023-01-01T00:00:00.000000Z")
        assert version.figures == ({"image_url": "x.jpg", "alt": "", "caption": "c"},)
        assert backfill_versions(archive.db.conn) == 0
        hits = archive.db.execute("SELECT rowid FROM articles_fts_folded WHERE articles_fts_folded MATCH 'tieu'")
        assert hits.fetchall() == [(1,)]


@pytest.fixture(scope="module")
def edited_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two captures of one article, the second with a changed title and paragraph."""
    directory = tmp_path_factory.mktemp("history") / "archive"
    builder = ArchiveBuilder(directory)
    builder.add_page(SPECS[0])
    spec = replace(
        SPECS[0],
        title=SPECS[0].title + " (cập nhật)",
        paragraphs=(SPECS[0].paragraphs[0], "Đoạn văn mới thay thế đoạn phát biểu."),
    )
    builder.add_page(spec)
    builder.close()
    return directory


def test_cli_history_shows_versions_and_a_diff(edited_archive: Path) -> None:
    result = run_cli(
        "history", f"http://127.0.0.1:8123/web/neoportal/-/{SPECS[0].slug}", "--archive", str(edited_archive)
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "version 1" in out and "version 2" in out and "changed: title, body" in out
    assert "- Ban Dân vận" in out and "+ Ban Dân vận Quận ủy Tân Bình tổng kết công tác năm 2023 (cập nhật)" in out
    assert "+ Đoạn văn mới thay thế đoạn phát biểu." in out
    assert "WARC dvscrape-tanbinh-" in out
    data = json.loads(run_cli("history", "1", "--archive", str(edited_archive), "--json").stdout)
    assert [v["version"] for v in data["versions"]] == [1, 2]
    assert data["versions"][1]["changed_fields"] == ["title", "body"]
    assert data["versions"][0]["warc"]["warc_record_id"] != data["versions"][1]["warc"]["warc_record_id"]


def test_cli_show_version_and_raw(edited_archive: Path) -> None:
    url = f"http://127.0.0.1:8123/web/neoportal/-/{SPECS[0].slug}"
    latest = run_cli("show", url, "--archive", str(edited_archive))
    assert latest.returncode == 0 and "(cập nhật)" in latest.stdout.splitlines()[0]
    first = json.loads(run_cli("show", url, "--version", "1", "--json", "--archive", str(edited_archive)).stdout)
    assert first["title"] == SPECS[0].title and first["warc"]["warc_offset"] > 0
    raw = run_cli("show", url, "--version", "1", "--raw", "--archive", str(edited_archive))
    assert raw.stdout.startswith("HTTP/1.1 200 OK\n") and SPECS[0].paragraphs[1][:40] in raw.stdout
    missing = run_cli("show", url, "--version", "9", "--archive", str(edited_archive))
    assert missing.returncode == 2 and "no version 9" in missing.stderr and "Traceback" not in missing.stderr


# -- end to end, on a crawl of the replica ----------------------------------------------------------------------


def _any_article(crawled_archive: CrawledArchive) -> tuple[int, str, str]:
    conn = sqlite3.connect(crawled_archive.database)
    article_id, url, title = conn.execute("SELECT id, url, title FROM articles ORDER BY id LIMIT 1").fetchone()
    return article_id, url, title


def test_cli_history_and_show_on_a_crawl_accept_url_variants(crawled_archive: CrawledArchive) -> None:
    archive = str(crawled_archive.directory)
    article_id, url, title = _any_article(crawled_archive)
    path = url.split("/", 3)[3]
    variants = [
        url,
        f"{url}?inheritRedirect=true&redirect=%2Fweb%2Fneoportal%2Ftin-tuc-su-kien",
        f"https://tanbinh.hochiminhcity.gov.vn/{path}",
        str(article_id),
    ]
    for variant in variants:
        shown = run_cli("show", variant, "--archive", archive, "--json")
        assert shown.returncode == 0, (variant, shown.stderr)
        data = json.loads(shown.stdout)
        assert data["id"] == article_id and data["title"] == title
        assert data["warc"]["warc_filename"].endswith(".warc.gz") and data["warc"]["warc_length"] > 0
    history = run_cli("history", variants[1], "--archive", archive)
    assert history.returncode == 0 and "version 1" in history.stdout and "first version" in history.stdout
    raw = subprocess.run(
        [sys.executable, "-m", "dvscrape", "show", url, "--raw", "--archive", archive], capture_output=True, timeout=60
    )
    assert raw.returncode == 0 and raw.stdout.startswith(b"HTTP/1.1 200 OK\r\n")
    head, _, body = raw.stdout.partition(b"\r\n\r\n")
    if b"content-encoding: gzip" in head.lower():
        body = gzip.decompress(body)
    assert title.encode("utf-8") in body or html.escape(title).encode("utf-8") in body
    decoded = run_cli("show", url, "--raw", "--decode", "--archive", archive)
    assert decoded.returncode == 0 and "<html" in decoded.stdout.lower()
    unknown = run_cli("show", url + "-khong-co", "--archive", archive)
    assert unknown.returncode == 2 and "no archived article" in unknown.stderr and "Traceback" not in unknown.stderr


def test_every_crawled_article_links_to_its_warc_record(crawled_archive: CrawledArchive) -> None:
    conn = sqlite3.connect(crawled_archive.database)
    rows = conn.execute(
        "SELECT article_id, warc_filename, warc_offset, warc_length, warc_record_id FROM articles_provenance"
    ).fetchall()
    assert rows and all(all(value is not None for value in row) for row in rows)
    (versions,) = conn.execute("SELECT count(*) FROM article_versions WHERE version = 1").fetchone()
    assert versions == len(rows)
