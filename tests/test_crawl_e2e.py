"""End to end: crawl the replica through the CLI, then check the WARC files and the SQLite archive."""

from __future__ import annotations

import gzip
import io
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from dvscrape.archive.db import Archive
from dvscrape.replica import build_corpus
from dvscrape.replica.process import ReplicaProcess
from dvscrape.sites import get_profile
from tests.conftest import REPLICA_ARTICLES, CrawledArchive, run_cli

SITE_URL = get_profile("tanbinh").site_url

BOILERPLATE = ("Chủ đề năm", "Tin tức nổi bật", "Danh mục", "Back", "Quay lại", "TIN TỨC MEDIA", "Xem thêm")


def rows(database: Path, query: str, *args: object) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute(query, args).fetchall()


def warc_files(archive: CrawledArchive) -> list[Path]:
    return sorted((archive.directory / "warc").glob("*.warc.gz"))


def test_crawl_succeeds_and_reports(crawled_archive: CrawledArchive) -> None:
    result = crawled_archive.result
    assert result.returncode == 0, result.stdout + result.stderr
    assert "articles archived" in result.stdout
    assert "progress:" in result.stderr
    summary = json.loads((crawled_archive.directory.parent / "summary.json").read_text(encoding="utf-8"))
    assert summary["exit_code"] == 0 and summary["status"] == "success"
    assert summary["counts"]["articles_stored"] == REPLICA_ARTICLES
    crawl = rows(crawled_archive.database, "select status, finished, articles_new from crawls")
    assert crawl == [("success", crawl[0][1], REPLICA_ARTICLES)] and crawl[0][1]


def test_the_profile_crawls_its_replica_with_no_trap_guard_triggered(crawled_archive: CrawledArchive) -> None:
    summary = json.loads((crawled_archive.directory.parent / "summary.json").read_text(encoding="utf-8"))
    assert summary["guards_triggered"] == []
    assert rows(crawled_archive.database, "select url, reason from refused_urls where reason like 'guard %'") == []
    out = crawled_archive.result.stdout
    assert "  trap guards: none triggered" in out
    # the first crawl's report: nothing the profile misses
    report = re.search(r"first crawl of tanbinh: \d+ articles found, (\d+) archived; empty fields: (.*)", out)
    assert report and int(report.group(1)) == REPLICA_ARTICLES
    assert report.group(2).startswith("title 0, date 0, category 0, body 0"), report.group(0)


def test_every_article_is_archived_exactly_once(crawled_archive: CrawledArchive) -> None:
    corpus = build_corpus(2023, REPLICA_ARTICLES)
    expected = {f"{SITE_URL}{article.path}" for article in corpus.articles}  # keyed by the site, not the replica
    stored = [url for (url,) in rows(crawled_archive.database, "select url from articles")]
    assert len(stored) == len(set(stored))
    assert set(stored) == expected
    fetched = rows(
        crawled_archive.database,
        "select canonical_url, count(*) from captures where kind = 'article' and status = 200 "
        "group by canonical_url having count(*) > 1",
    )
    assert fetched == []
    stats = crawled_archive.replica_stats  # what this crawl fetched, whatever other tests fetched of the replica
    assert stats["traps"] == 0, stats["trap_urls"]
    hits = stats["articles"]
    for article in corpus.articles:
        assert hits[article.url_title] == (2 if article.url_title == corpus.flaky_url_title else 1), article.url_title


def test_failed_and_missing_fetches_are_recorded(crawled_archive: CrawledArchive) -> None:
    statuses = dict(rows(crawled_archive.database, "select status, count(*) from captures group by status"))
    assert statuses.get(404, 0) >= 1  # the replica's dead links
    assert statuses.get(500, 0) == 1  # the page that fails once, then is retried


def test_seed_article_is_clean(crawled_archive: CrawledArchive) -> None:
    corpus = build_corpus(2023, REPLICA_ARTICLES)
    seed = corpus.article(corpus.seed_url_title)
    assert seed is not None
    ((article_id, title, body, signature, published),) = rows(
        crawled_archive.database,
        "select id, title, body, signature, published_date from articles where url like ?",
        f"%/-/{corpus.seed_url_title}",
    )
    assert title == seed.title
    assert body == "\n\n".join(seed.paragraphs)
    assert signature == "BAN DÂN VẬN QUẬN ỦY."
    assert published.startswith("2023-03")
    for line in body.split("\n\n"):
        assert not line.startswith(BOILERPLATE), line
    captions = [
        c
        for (c,) in rows(
            crawled_archive.database, "select caption from figures where article_id = ? order by position", article_id
        )
    ]
    assert captions == [figure.caption for figure in seed.figures]
    assert len(captions) == 4
    assert "Đồng chí Bùi Hoàng Lộc, Phó Bí thư Thường trực Đảng ủy Phường 1 báo cáo tham luận tại hội nghị" in captions
    for caption in captions:
        assert caption not in body.split("\n\n")


def test_figures_and_attachments_match_the_site(crawled_archive: CrawledArchive) -> None:
    corpus = build_corpus(2023, REPLICA_ARTICLES)
    figures = rows(crawled_archive.database, "select count(*) from figures")[0][0]
    attachments = rows(crawled_archive.database, "select count(*) from attachments")[0][0]
    assert figures == sum(len(a.figures) for a in corpus.articles)
    assert attachments == sum(len(a.attachments) for a in corpus.articles)
    media = rows(crawled_archive.database, "select count(*) from captures where kind = 'media' and status = 200")[0][0]
    assert media >= figures  # every image and attachment was archived too


@pytest.mark.parametrize("command", [["warcio", "check", "-v"], ["warcio", "index"], ["gzip", "-t"]])
def test_warc_files_pass_standard_tools(crawled_archive: CrawledArchive, command: list[str]) -> None:
    files = warc_files(crawled_archive)
    assert files
    executable = str(Path(sys.executable).parent / command[0]) if command[0] == "warcio" else command[0]
    for path in files:
        result = subprocess.run([executable, *command[1:], str(path)], capture_output=True, text=True)
        assert result.returncode == 0, f"{command} {path}: {result.stdout}{result.stderr}"


def test_every_capture_points_at_its_record(crawled_archive: CrawledArchive) -> None:
    captures = rows(
        crawled_archive.database,
        "select url, warc_filename, warc_offset, warc_length, warc_record_id, payload_digest, status "
        "from captures where warc_filename is not null",
    )
    assert len(captures) > 150
    for url, filename, offset, length, record_id, digest, status in captures:
        with open(crawled_archive.directory / "warc" / filename, "rb") as handle:
            handle.seek(offset)
            data = handle.read(length)
        records = list(ArchiveIterator(io.BytesIO(data)))
        assert len(records) == 1
        record = records[0]
        # Bytes already archived under another URL in this crawl (an image's second ?t=) are an identical-payload
        # revisit of that record; everything else is a response.
        assert record.rec_type in ("response", "revisit")
        if record.rec_type == "revisit":
            assert record.rec_headers.get_header("WARC-Profile").endswith("/identical-payload-digest")
            assert record.rec_headers.get_header("WARC-Refers-To")
        assert record.rec_headers.get_header("WARC-Record-ID") == record_id
        assert record.rec_headers.get_header("WARC-Target-URI") == url
        assert record.rec_headers.get_header("WARC-Payload-Digest") == digest
        assert record.http_headers.get_statuscode() == str(status)


def test_records_are_paired_and_bodies_kept_as_received(crawled_archive: CrawledArchive) -> None:
    responses: dict[str, str] = {}
    concurrent: set[str] = set()
    gzip_bodies = 0
    warcinfo = 0
    for path in warc_files(crawled_archive):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle, no_record_parse=False):
                kind = record.rec_type
                if kind == "warcinfo":
                    warcinfo += 1
                elif kind in ("response", "revisit"):
                    responses[record.rec_headers.get_header("WARC-Record-ID")] = record.rec_headers.get_header(
                        "WARC-Target-URI"
                    )
                    if kind == "response" and record.http_headers.get_header("Content-Encoding") == "gzip":
                        raw = record.raw_stream.read()
                        assert raw[:2] == b"\x1f\x8b"  # stored compressed, as received
                        assert gzip.decompress(raw)
                        gzip_bodies += 1
                elif kind == "request":
                    concurrent.add(record.rec_headers.get_header("WARC-Concurrent-To"))
    assert warcinfo == len(warc_files(crawled_archive))
    assert set(responses) == concurrent
    assert gzip_bodies > 0


def test_warcinfo_names_the_software_and_the_header_caveat(crawled_archive: CrawledArchive) -> None:
    path = warc_files(crawled_archive)[0]
    with open(path, "rb") as handle:
        first = next(iter(ArchiveIterator(handle)))
        assert first.rec_type == "warcinfo"
        text = first.content_stream().read().decode("utf-8")
    assert "dvscrape" in text
    assert "order" in text.lower()


def test_max_articles_and_scrapy_crawl_from_the_project_root(replica: ReplicaProcess, tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    archive = tmp_path / "archive"
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "scrapy"),
            "crawl",
            "tanbinh",
            "-a",
            f"base_url={replica.url}",
            "-a",
            "max_articles=5",
            "-s",
            f"DVSCRAPE_ARCHIVE_DIR={archive}",
            "-s",
            "DOWNLOAD_DELAY=0",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "-s",
            "CONCURRENT_REQUESTS_PER_DOMAIN=8",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert rows(archive / "archive.sqlite", "select count(*) from articles")[0][0] == 5


def test_bad_configuration_is_one_clear_line(tmp_path: Path) -> None:
    result = run_cli("crawl", "--base-url", "ftp://example.org", "--archive", str(tmp_path / "a"))
    assert result.returncode == 2
    assert "base URL" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("crawl", "nowhere", "--archive", str(tmp_path / "a"))
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_unreachable_site_has_its_exit_code(tmp_path: Path) -> None:
    result = run_cli(
        "crawl",
        "--base-url",
        "http://127.0.0.1:9",
        "--archive",
        str(tmp_path / "a"),
        "--fast",
        "-s",
        "RETRY_TIMES=0",
        "-s",
        "DVSCRAPE_PROGRESS_INTERVAL=0",
    )
    assert result.returncode == 6, result.stdout + result.stderr[-1500:]


def test_second_crawl_on_a_locked_archive_exits_at_once(tmp_path: Path) -> None:
    directory = tmp_path / "archive"
    with Archive.open(directory) as archive:
        archive.acquire_crawl_lock()
        result = run_cli("crawl", "--base-url", "http://127.0.0.1:9", "--archive", str(directory), "--fast")
    assert result.returncode == 5, result.stdout + result.stderr[-1500:]
    assert "lock" in (result.stdout + result.stderr).lower()


def test_demo_crawls_the_bundled_replica(tmp_path: Path) -> None:
    result = run_cli("demo", "--articles", "15", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert "replica portal at http://127.0.0.1:" in result.stdout
    assert "sample query" in result.stdout
    assert rows(tmp_path / "archive" / "archive.sqlite", "select count(*) from articles")[0][0] == 15
