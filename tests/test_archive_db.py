"""Tests of dvscrape.archive.db and migrations: opening, migrations and upgrades, captures, articles, provenance."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from dvscrape.archive.db import Archive
from dvscrape.archive.migrations import MIGRATIONS, apply_migrations, pending_migrations
from dvscrape.archive.records import ArticleOutcome, Capture
from dvscrape.errors import ArchiveError, ArchiveLockedError
from dvscrape.pages.article import Article, Attachment, Block, Figure
from dvscrape.warc.model import HttpExchange, WarcLocation
from dvscrape.warc.reader import read_record_at
from dvscrape.warc.writer import WarcWriter

TITLE = "Quận Tân Bình tổ chức Hội nghị sơ kết công tác 6 tháng đầu năm"
PARAGRAPHS = (
    "Sáng ngày 5/7, UBND quận Tân Bình tổ chức hội nghị sơ kết.",
    "Đồng chí Nguyễn Văn Hưng, Phó Chủ tịch UBND quận, chủ trì hội nghị.",
)


def make_article(**overrides: object) -> Article:
    values: dict[str, object] = {
        "url": "https://tanbinh.hochiminhcity.gov.vn/tin-tuc/-/content/hoi-nghi",
        "fetched_url": "https://tanbinh.hochiminhcity.gov.vn/tin-tuc/-/content/hoi-nghi?redirect=%2F",
        "locale": "vi",
        "title": TITLE,
        "html_title": TITLE + " - Cổng thông tin quận Tân Bình",
        "published": "2024-07-05T08:30:00+07:00",
        "published_source": "meta",
        "modified": None,
        "categories": ("Tin tức - Sự kiện", "Tin hoạt động"),
        "blocks": tuple(Block("paragraph", text) for text in PARAGRAPHS),
        "figures": (
            Figure("https://tanbinh.hochiminhcity.gov.vn/documents/1/anh1.jpg", "Hội nghị", "Quang cảnh hội nghị"),
            Figure("https://tanbinh.hochiminhcity.gov.vn/documents/1/anh2.jpg"),
        ),
        "signature": "Phòng Văn hóa và Thông tin",
        "attachments": (
            Attachment(
                "https://tanbinh.hochiminhcity.gov.vn/documents/10181/0/Quy%E1%BA%BFt+%C4%91%E1%BB%8Bnh.pdf/"
                "6f1c2d3e-0000-4000-8000-000000000001",
                "Quyết định số 12/QĐ-UBND",
                "pdf",
            ),
        ),
        "tags": ("hội nghị", "sơ kết"),
        "related": ("https://tanbinh.hochiminhcity.gov.vn/tin-tuc/-/content/khac",),
        "template": "asset_publisher",
        "flags": ("no_modified_date",),
    }
    values.update(overrides)
    return Article(**values)  # type: ignore[arg-type]


def make_capture(crawl_id: int, location: WarcLocation | None = None, **overrides: object) -> Capture:
    values: dict[str, object] = {
        "crawl_id": crawl_id,
        "url": "https://tanbinh.hochiminhcity.gov.vn/tin-tuc/-/content/hoi-nghi?redirect=%2F",
        "canonical_url": "https://tanbinh.hochiminhcity.gov.vn/tin-tuc/-/content/hoi-nghi",
        "kind": "article",
        "status": 200,
        "content_type": "text/html; charset=utf-8",
        "fetched_at": "2024-07-06T01:02:03.456789Z",
        "content_length": 1234,
        "location": location,
        "etag": '"abc"',
        "last_modified": "Sat, 06 Jul 2024 01:00:00 GMT",
    }
    values.update(overrides)
    return Capture(**values)  # type: ignore[arg-type]


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive.open(tmp_path / "archive") as opened:
        yield opened


# -- opening ---------------------------------------------------------------------------------------------------------


def test_open_creates_folder_database_and_pragmas(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "new" / "archive") as archive:
        assert archive.warc_dir.is_dir()
        assert (archive.directory / "archive.sqlite").is_file()
        assert archive.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert archive.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert archive.db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert {"crawls", "captures", "articles", "figures", "attachments", "article_tags", "related_links"} <= set(
            archive.db.table_names()
        )
        assert "articles_provenance" in archive.db.view_names()
        indexes = {index.name for index in archive.db["captures"].indexes}  # type: ignore[union-attr]
        assert {"idx_captures_canonical_url", "idx_captures_crawl_id"} <= indexes


def test_folder_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(ArchiveError, match="is a file"):
        Archive.open(tmp_path / "file")


def test_database_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    (tmp_path / "archive.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(ArchiveError, match="not a usable SQLite database"):
        Archive.open(tmp_path)


def test_readonly_needs_an_existing_archive_and_refuses_writes(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="missing"):
        Archive.open(tmp_path / "nothing", readonly=True)
    Archive.open(tmp_path / "a").close()
    with Archive.open(tmp_path / "a", readonly=True) as archive, pytest.raises(ArchiveError, match="read-only"):
        archive.begin_crawl("tanbinh", "https://x/", {})


# -- migrations ------------------------------------------------------------------------------------------------------


def test_migrations_are_recorded_once(tmp_path: Path) -> None:
    Archive.open(tmp_path).close()
    with Archive.open(tmp_path) as archive:
        rows = list(archive.db.query("SELECT name, applied_at FROM _migrations ORDER BY id"))
    assert [row["name"] for row in rows] == [function.__name__ for function in MIGRATIONS]
    assert all(row["applied_at"] for row in rows)


def test_old_schema_is_upgraded_and_keeps_its_data(tmp_path: Path) -> None:
    db = Database(tmp_path / "archive.sqlite")
    apply_migrations(db, stop_before="m0002_tags_and_related_links")
    # a crawl of the site at its own address: migration m0012 (canonical URLs on the site's address) changes nothing
    db.execute(
        "INSERT INTO crawls (site, base_url, started, status) "
        "VALUES ('tanbinh', 'https://tanbinh.hochiminhcity.gov.vn/', 't', 'done')"
    )
    db.execute(
        "INSERT INTO articles (url, title, content_hash, first_seen, last_seen) "
        "VALUES ('https://x/a', 'Tân Bình', 'h', '2024-01-01', '2024-01-01')"
    )
    assert "article_tags" not in db.table_names()
    db.close()

    with Archive.open(tmp_path) as archive:
        names = [row["name"] for row in archive.db.query("SELECT name FROM _migrations ORDER BY id")]
        assert names == [function.__name__ for function in MIGRATIONS]
        assert "article_tags" in archive.db.table_names()
        assert [row["title"] for row in archive.db.query("SELECT title FROM articles_provenance")] == ["Tân Bình"]
        stored = archive.save_article(make_article(url="https://x/a"), capture_id=None, seen_at="2024-02-01")
        assert stored.outcome is ArticleOutcome.UPDATED
        row = next(archive.db.query("SELECT first_seen, last_seen FROM articles WHERE url = 'https://x/a'"))
        assert row == {"first_seen": "2024-01-01T00:00:00.000000Z", "last_seen": "2024-02-01T00:00:00.000000Z"}


def test_readonly_open_of_an_old_schema_is_refused_when_it_may_not_upgrade(tmp_path: Path) -> None:
    db = Database(tmp_path / "archive.sqlite")
    apply_migrations(db, stop_before="m0003_articles_provenance_view")
    db.close()
    with pytest.raises(ArchiveError, match=f"needs {len(MIGRATIONS) - 2} migration"):
        Archive.open(tmp_path, readonly=True, upgrade=False)


def test_readonly_open_of_an_old_writable_archive_upgrades_it_first(tmp_path: Path) -> None:
    db = Database(tmp_path / "archive.sqlite")
    apply_migrations(db, stop_before="m0003_articles_provenance_view")
    db.close()
    with Archive.open(tmp_path, readonly=True) as archive:
        assert archive.readonly
        assert pending_migrations(archive.db) == []


def test_archive_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    Archive.open(tmp_path).close()
    db = Database(tmp_path / "archive.sqlite")
    db.execute("INSERT INTO _migrations (migration_set, name, applied_at) VALUES ('dvscrape', 'm9999_future', 'now')")
    db.close()
    with pytest.raises(ArchiveError, match="newer version"):
        Archive.open(tmp_path)


# -- crawls and captures ---------------------------------------------------------------------------------------------


def test_crawl_begin_and_finish(archive: Archive) -> None:
    crawl_id = archive.begin_crawl("tanbinh", "https://tanbinh.hochiminhcity.gov.vn/", {"depth": 3, "dir": Path("/a")})
    archive.finish_crawl(
        crawl_id, "finished", {"requests": 10, "captures": 9, "articles_new": 4, "errors": 1, "retries": 2}
    )
    row = archive.db["crawls"].get(crawl_id)  # type: ignore[union-attr]
    assert row["status"] == "finished" and row["started"] and row["finished"]
    assert json.loads(row["options"]) == {"depth": 3, "dir": "/a"}
    assert (row["requests"], row["captures"], row["articles_new"], row["errors"]) == (10, 9, 4, 1)
    assert row["articles_updated"] is None
    assert json.loads(row["counts"])["retries"] == 2


def test_finishing_an_unknown_crawl_fails(archive: Archive) -> None:
    with pytest.raises(ArchiveError, match="no crawl 42"):
        archive.finish_crawl(42, "finished", {})


def test_capture_round_trip(archive: Archive) -> None:
    crawl_id = archive.begin_crawl("tanbinh", "https://x/", {})
    location = WarcLocation("a.warc.gz", 1000, 520, "<urn:uuid:1>", "sha1:AAAA", "sha1:BBBB")
    capture_id = archive.record_capture(make_capture(crawl_id, location))
    row = archive.db["captures"].get(capture_id)  # type: ignore[union-attr]
    assert row["warc_filename"] == "a.warc.gz" and row["warc_offset"] == 1000 and row["warc_length"] == 520
    assert row["warc_record_id"] == "<urn:uuid:1>" and row["payload_digest"] == "sha1:AAAA"
    assert row["status"] == 200 and row["etag"] == '"abc"' and row["attempts"] == 1 and row["kind"] == "article"


def test_failed_capture_has_no_status_or_location(archive: Archive) -> None:
    crawl_id = archive.begin_crawl("tanbinh", "https://x/", {})
    capture = make_capture(crawl_id, None, status=None, content_length=None, error="TimeoutError", attempts=3)
    row = archive.db["captures"].get(archive.record_capture(capture))  # type: ignore[union-attr]
    assert row["status"] is None and row["warc_filename"] is None and row["error"] == "TimeoutError"
    assert row["attempts"] == 3


def test_capture_of_an_unknown_crawl_or_kind_is_refused(archive: Archive) -> None:
    with pytest.raises(ArchiveError, match="FOREIGN KEY"):
        archive.record_capture(make_capture(99))
    with pytest.raises(ValueError, match="kind"):
        archive.record_capture(make_capture(1, kind="webpage"))


# -- articles --------------------------------------------------------------------------------------------------------


def test_article_round_trip_keeps_vietnamese_text(archive: Archive) -> None:
    crawl_id = archive.begin_crawl("tanbinh", "https://x/", {})
    capture_id = archive.record_capture(make_capture(crawl_id))
    article = make_article()
    article_id = archive.save_article(article, capture_id=capture_id, seen_at="2024-07-06T01:02:03Z").article_id
    row = archive.db["articles"].get(article_id)  # type: ignore[union-attr]
    assert row["title"] == TITLE
    assert row["body"] == "\n\n".join(PARAGRAPHS)
    assert row["published_date"] == "2024-07-05T08:30:00+07:00" and row["modified_date"] is None
    assert row["category"] == "Tin tức - Sự kiện"
    assert json.loads(row["categories"]) == list(article.categories)
    assert json.loads(row["tags"]) == ["hội nghị", "sơ kết"] and "hội nghị" in row["tags"]  # stored readable
    assert json.loads(row["flags"]) == ["no_modified_date"]
    assert row["word_count"] == article.word_count and row["signature"] == "Phòng Văn hóa và Thông tin"
    assert row["capture_id"] == capture_id and row["first_seen"] == row["last_seen"] == "2024-07-06T01:02:03.000000Z"
    assert len(row["content_hash"]) == 64
    figures = list(archive.db.query("SELECT position, image_url, alt, caption FROM figures ORDER BY position"))
    assert figures[0] == {
        "position": 0,
        "image_url": article.figures[0].image_url,
        "alt": "Hội nghị",
        "caption": "Quang cảnh hội nghị",
    }
    assert len(figures) == 2
    (attachment,) = archive.db.query("SELECT * FROM attachments")
    assert attachment["file_name"] == "Quyết định.pdf" and attachment["content_type"] == "application/pdf"
    assert attachment["text"] == "Quyết định số 12/QĐ-UBND" and attachment["file_type"] == "pdf"
    assert [r["tag"] for r in archive.db.query("SELECT tag FROM article_tags ORDER BY position")] == list(article.tags)
    assert [r["url"] for r in archive.db.query("SELECT url FROM related_links")] == list(article.related)


def test_storing_twice_keeps_one_row_and_first_seen(archive: Archive) -> None:
    first = archive.save_article(make_article(), capture_id=None, seen_at="2024-07-06T00:00:00Z")
    again = archive.save_article(make_article(), capture_id=None, seen_at="2024-07-07T00:00:00Z")
    changed = make_article(blocks=(Block("paragraph", "Nội dung đã sửa."),), figures=(), tags=("mới",))
    updated = archive.save_article(changed, capture_id=None, seen_at="2024-07-08T00:00:00Z")
    assert first.article_id == again.article_id == updated.article_id
    assert [first.outcome, again.outcome, updated.outcome] == [
        ArticleOutcome.NEW,
        ArticleOutcome.UNCHANGED,
        ArticleOutcome.UPDATED,
    ]
    assert archive.db["articles"].count == 1
    row = archive.db["articles"].get(first.article_id)  # type: ignore[union-attr]
    assert (row["first_seen"], row["last_seen"]) == ("2024-07-06T00:00:00.000000Z", "2024-07-08T00:00:00.000000Z")
    assert row["body"] == "Nội dung đã sửa."
    assert archive.db["figures"].count == 0
    assert [r["tag"] for r in archive.db.query("SELECT tag FROM article_tags")] == ["mới"]


def test_content_hash_ignores_unicode_form_and_whitespace(archive: Archive) -> None:
    nfc = archive.save_article(make_article(), capture_id=None, seen_at="2024-07-06T00:00:00Z")
    nfd_title = unicodedata.normalize("NFD", TITLE) + "  "
    nfd = archive.save_article(make_article(title=nfd_title), capture_id=None, seen_at="2024-07-07T00:00:00Z")
    assert nfd.outcome is ArticleOutcome.UNCHANGED and nfd.content_hash == nfc.content_hash
    stored = archive.db["articles"].get(nfc.article_id)  # type: ignore[union-attr]
    assert stored["title"] == nfd_title  # stored as given; only the hash normalises


def test_provenance_view_leads_to_the_warc_record(archive: Archive) -> None:
    crawl_id = archive.begin_crawl("tanbinh", "https://x/", {})
    exchange = HttpExchange(
        url="https://tanbinh.hochiminhcity.gov.vn/a",
        method="GET",
        request_headers=(),
        request_body=b"",
        protocol="HTTP/1.1",
        status=200,
        reason="OK",
        response_headers=(("Content-Type", "text/html"),),
        response_body="<p>Tân Bình</p>".encode(),
        fetched_at=datetime(2024, 7, 6, tzinfo=UTC),
    )
    with WarcWriter(archive.warc_dir, prefix="tanbinh", warcinfo={"crawl-id": str(crawl_id)}) as writer:
        location = writer.write_exchange(exchange)
    capture_id = archive.record_capture(make_capture(crawl_id, location, url=exchange.url))
    article_id = archive.save_article(make_article(), capture_id=capture_id, seen_at="2024-07-06T00:00:00Z").article_id
    (row,) = archive.db.query("SELECT * FROM articles_provenance WHERE article_id = ?", [article_id])
    stored = WarcLocation(
        row["warc_filename"], row["warc_offset"], row["warc_length"], row["warc_record_id"], row["payload_digest"], ""
    )
    record = read_record_at(archive.path_of(stored), stored.offset, stored.length)
    assert record.record_id == location.record_id and record.payload == exchange.response_body
    assert archive.path_of(location) == (archive.warc_dir / location.filename).resolve()


def test_path_of_refuses_names_outside_the_warc_folder(archive: Archive) -> None:
    for name in ("../archive.sqlite", "/etc/passwd", "", ".hidden"):
        with pytest.raises(ArchiveError):
            archive.path_of(name)


def test_a_failed_article_write_leaves_nothing_behind(archive: Archive) -> None:
    with pytest.raises(ArchiveError):
        archive.save_article(
            make_article(), capture_id=12345, seen_at="2024-07-06T00:00:00Z"
        )  # no such capture: FK fails
    assert archive.db["articles"].count == 0 and archive.db["figures"].count == 0


def test_second_connection_sees_committed_rows(tmp_path: Path) -> None:
    with Archive.open(tmp_path) as archive:
        archive.begin_crawl("tanbinh", "https://x/", {})
        other = sqlite3.connect(tmp_path / "archive.sqlite")
        assert other.execute("SELECT count(*) FROM crawls").fetchone()[0] == 1
        other.close()


def test_crawl_lock_is_exclusive_and_released_on_close(tmp_path: Path) -> None:
    first = Archive.open(tmp_path)
    first.acquire_crawl_lock()
    with Archive.open(tmp_path) as second:
        with pytest.raises(ArchiveLockedError, match=f"pid {os.getpid()}"):
            second.acquire_crawl_lock()
        first.close()
        second.acquire_crawl_lock()
    with Archive.open(tmp_path, readonly=True) as reader:
        assert reader.db["crawls"].count == 0  # reading needs no lock


def test_crawl_lock_dies_with_its_process(tmp_path: Path) -> None:
    Archive.open(tmp_path).close()
    script = (
        "import sys, pathlib; from dvscrape.archive.db import Archive; "
        "a = Archive.open(pathlib.Path(sys.argv[1])); a.acquire_crawl_lock(); import os; os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True)
    with Archive.open(tmp_path) as archive:
        archive.acquire_crawl_lock()


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://x.gov.vn/documents/10180/27145/Quy%E1%BA%BFt+%C4%91%E1%BB%8Bnh.pdf/4f1c-9a2b", "Quyết định.pdf"),
        ("https://x.gov.vn/documents/10180/27145/Ke+hoach+so+109/4f1c-9a2b", "Ke hoach so 109"),  # no extension
        ("https://x.gov.vn/documents/10180/0/bao-cao.docx", "bao-cao.docx"),
        ("https://x.gov.vn/upload/2024/thong-bao.pdf/download", "thong-bao.pdf"),
        ("https://x.gov.vn/c/document_library/get_file?uuid=1", "get_file"),
    ],
)
def test_a_document_has_one_file_name_in_attachments_and_documents(url: str, name: str) -> None:
    from dvscrape.archive.rows import document_file_name
    from dvscrape.documents.store import PendingDocument

    assert document_file_name(url) == name
    assert PendingDocument(url, 0, "", "", "", 0, 0, "").file_name == name


def test_search_statistics_move_to_a_rowid_table_unchanged(tmp_path: Path) -> None:
    """m0024: the postings are no longer the keys of a WITHOUT ROWID table (a split copied megabyte keys); every
    posting comes across as it was, and search reads them by the new index."""
    from dvscrape.archive.search import SearchOptions, search
    from dvscrape.archive.terms import index_pending

    db = Database(tmp_path / "archive.sqlite")
    apply_migrations(db, stop_before="m0024_postings_by_rowid")
    for number, title in enumerate(["Tân Bình họp dân", "Phường 2 họp tổ dân phố", "Lễ hội Tân Bình"]):
        db.execute(
            "INSERT INTO articles (url, title, body, content_hash, first_seen, last_seen) "
            "VALUES (?, ?, ?, 'h', 't', 't')",
            (f"https://x/{number}", title, f"{title}: nội dung bài {number}"),
        )
    index_pending(db.conn)
    db.conn.commit()
    postings = "SELECT folded, term, segment, articles, weights FROM search_postings ORDER BY 1, 2, 3"
    before = db.execute(postings).fetchall()
    table = "SELECT sql FROM sqlite_master WHERE name = 'search_postings'"
    assert "WITHOUT ROWID" in db.execute(table).fetchone()[0] and before
    db.close()
    with Archive.open(tmp_path) as archive:
        assert archive.db.execute(postings).fetchall() == before
        assert "WITHOUT ROWID" not in archive.db.execute(table).fetchone()[0]
        found = search(archive.db.conn, SearchOptions(query="tan binh", limit=5))
    assert sorted(hit.url for hit in found) == ["https://x/0", "https://x/2"]
