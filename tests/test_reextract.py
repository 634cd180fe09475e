"""dvscrape reextract: on a crawl of the replica it reproduces the same articles, figures, attachments and versions
from the WARC files alone; changed extraction replays captures in order."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from dvscrape.archive.db import Archive
from dvscrape.archive.versions import versions_of
from dvscrape.pages import Article
from dvscrape.runs import rebuild
from dvscrape.runs.rebuild import reextract
from tests.archivist_helpers import SPECS, ArchiveBuilder
from tests.conftest import CrawledArchive, run_cli

SEEN_COLUMNS = {"first_seen", "last_seen", "last_checked", "seen_at"}
TABLES = {
    "articles": "id",
    "figures": "article_id, position",
    "attachments": "article_id, position",
    "article_tags": "article_id, position",
    "related_links": "article_id, position",
    "article_versions": "article_id, version",
}


def snapshot(database: Path) -> dict[str, list[dict[str, Any]]]:
    conn = sqlite3.connect(database)
    tables: dict[str, list[dict[str, Any]]] = {}
    for table, order in TABLES.items():
        cursor = conn.execute(f"SELECT * FROM {table} ORDER BY {order}")
        names = [column[0] for column in cursor.description]
        skip = {"id"} if table != "articles" else set()
        tables[table] = [{k: v for k, v in zip(names, row, strict=True) if k not in skip} for row in cursor]
    conn.close()
    return tables


def without_times(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k not in SEEN_COLUMNS} for row in rows]


def test_reextract_reproduces_the_crawl(crawled_archive: CrawledArchive, tmp_path: Path) -> None:
    copy = tmp_path / "archive"
    shutil.copytree(crawled_archive.directory, copy)
    before = snapshot(copy / "archive.sqlite")
    assert len(before["articles"]) > 50 and before["figures"] and before["attachments"]
    result = run_cli("reextract", "--archive", str(copy))
    assert result.returncode == 0, result.stderr
    assert "0 failure(s)" in result.stdout and "0 removed" in result.stdout
    after = snapshot(copy / "archive.sqlite")
    for table in TABLES:
        assert without_times(after[table]) == without_times(before[table]), table
    # Seen times become the capture times: the crawl stamps them when it parses, a moment after the fetch.
    for old, new in zip(before["articles"], after["articles"], strict=True):
        for column in ("first_seen", "last_seen"):
            gap = datetime.fromisoformat(old[column]) - datetime.fromisoformat(new[column])
            assert 0 <= gap.total_seconds() <= 60, (column, old[column], new[column])
    assert run_cli("verify", "--archive", str(copy)).returncode == 0
    search = run_cli("search", "dan van", "--archive", str(copy), "--limit", "1")
    assert search.returncode == 0 and "1. " in search.stdout


def test_reextract_replays_versions_in_fetch_order_and_keeps_ids(tmp_path: Path) -> None:
    directory = tmp_path / "archive"
    builder = ArchiveBuilder(directory)
    builder.add_page(SPECS[0])
    builder.add_page(SPECS[1])
    builder.add_page(replace(SPECS[0], title=SPECS[0].title + " (cập nhật)"))
    builder.close()
    with Archive.open(directory) as archive:
        conn = archive.db.conn
        ids = dict(conn.execute("SELECT url, id FROM articles").fetchall())
        # An extractor that lost an article and a stale row: reextract puts things right.
        conn.execute("DELETE FROM article_versions WHERE version = 2")
        conn.execute("UPDATE articles SET title = 'hỏng' WHERE id = ?", (ids[builder.canonical(SPECS[1].slug)],))
        conn.commit()
        result = reextract(archive)
        assert (result.pages, result.articles, result.new, result.updated, result.failures) == (3, 2, 2, 1, [])
        assert dict(conn.execute("SELECT url, id FROM articles").fetchall()) == ids
        versions = versions_of(conn, ids[builder.canonical(SPECS[0].slug)])
        assert [(v.version, v.changed_fields) for v in versions] == [(1, ()), (2, ("title",))]
        assert (
            conn.execute(
                "SELECT title FROM articles WHERE id = ?", (ids[builder.canonical(SPECS[1].slug)],)
            ).fetchone()[0]
            == SPECS[1].title
        )


def test_reextract_needs_a_writable_archive_with_warc_files(tmp_path: Path) -> None:
    Archive.open(tmp_path / "empty").close()
    result = run_cli("reextract", "--archive", str(tmp_path / "empty"))
    assert result.returncode == 7 and "Error: " in result.stderr and "Traceback" not in result.stderr


def test_a_rebuild_in_small_batches_writes_what_one_batch_writes(
    crawled_archive: CrawledArchive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rebuild holds one batch of article URLs at a time: one URL a batch stores the same rows, counts and
    history as one batch for all, also when a page of a late batch now reads as an article an early batch rebuilt
    (that article is rebuilt again with every capture) and when readings change (appended with their reason)."""
    with sqlite3.connect(crawled_archive.directory / "archive.sqlite") as conn:
        urls = [url for (url,) in conn.execute(
            "SELECT canonical_url FROM captures WHERE kind = 'article' AND status = 200 "
            "GROUP BY canonical_url ORDER BY min(fetched_at)")]  # fmt: skip
    first, late = urls[0], urls[-3]

    def changed_extractor(article: Article) -> Article:
        if article.url == late:
            return replace(article, url=first)  # the late page now names the first article's address
        if hash(article.url) % 3 == 0:
            return replace(article, title=article.title + " (đọc lại)")
        return article

    outcomes = {}
    default = rebuild.BATCH_URLS
    for batch in (default, 1):
        monkeypatch.setattr(rebuild, "BATCH_URLS", batch)
        copy = tmp_path / f"batch-{batch}"
        shutil.copytree(crawled_archive.directory, copy, ignore=shutil.ignore_patterns("crawl.lock"))
        with Archive.open(copy) as archive:
            result = reextract(archive, changed_extractor, reason="read again")
        outcomes[batch] = (result, snapshot(copy / "archive.sqlite"))
    (whole, whole_rows), (small, small_rows) = outcomes[default], outcomes[1]
    assert whole.reread > 10 and whole.appended_versions >= whole.reread and late in whole.not_rebuilt
    for name in ("new", "updated", "unchanged", "reread", "appended_versions", "not_rebuilt", "articles", "kept"):
        assert getattr(small, name) == getattr(whole, name), name
    assert small.pages > whole.pages  # the first article's pages were read again with the late one
    for table in TABLES:
        assert small_rows[table] == whole_rows[table], table
