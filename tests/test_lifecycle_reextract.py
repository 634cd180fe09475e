"""Issue 14, nothing lost: re-extraction never removes an article on its own, reports what it would change with
--dry-run, and finds the pages of a crawl whose recorded base URL is not the one its captures were fetched from."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from dvscrape.archive.db import Archive
from dvscrape.pages import Article
from dvscrape.reextract import reextract
from tests.archivist_helpers import SPECS, ArchiveBuilder, normalised
from tests.conftest import run_cli


def counts(directory: Path) -> dict[str, int]:
    with sqlite3.connect(directory / "archive.sqlite") as conn:
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("articles", "article_versions", "figures", "captures")
        }


def build(directory: Path) -> ArchiveBuilder:
    builder = ArchiveBuilder(directory, base_url="http://127.0.0.1:1111")
    builder.add_page(SPECS[0])
    builder.add_page(SPECS[1])
    builder.add_page(replace(SPECS[0], title=SPECS[0].title + " (cập nhật)"))
    builder.close()
    return builder


def test_a_crawl_recorded_under_another_base_url_is_still_reextracted(tmp_path: Path) -> None:
    """The defect: a resumed crawl recorded the interrupted run's base URL (old port) while its captures were on a
    new port; re-extraction found none of their pages and removed the articles."""
    directory = tmp_path / "archive"
    build(directory)
    with sqlite3.connect(directory / "archive.sqlite") as conn:
        conn.execute("UPDATE crawls SET base_url = 'http://127.0.0.1:2222'")
    before = counts(directory)
    result = run_cli("reextract", "--archive", str(directory))
    assert result.returncode == 0, result.stderr
    assert "0 removed" in result.stdout and "0 kept as they were" in result.stdout, result.stdout
    assert counts(directory) == before


def test_reextract_keeps_what_it_cannot_rebuild_unless_told_why(tmp_path: Path) -> None:
    directory = tmp_path / "archive"
    builder = build(directory)
    lost = builder.url(SPECS[1].slug)

    def extractor_lost_one(article: Article) -> Article:
        article = normalised(article)
        return replace(article, title="", blocks=()) if article.url.endswith(SPECS[1].slug) else article

    before = counts(directory)
    with Archive.open(directory) as archive:
        dry = reextract(archive, extractor_lost_one, dry_run=True)
    assert dry.dry_run and dry.removed == 0 and len(dry.not_rebuilt) == 1 and dry.removable == dry.not_rebuilt
    assert counts(directory) == before
    with Archive.open(directory) as archive:
        kept = reextract(archive, extractor_lost_one)
    assert kept.removed == 0 and kept.kept == 1
    assert counts(directory) == before  # the article, its version and figure rows are all still there
    with Archive.open(directory) as archive:
        removed = reextract(archive, extractor_lost_one, remove_not_articles=True)
    assert removed.removed == 1 and removed.removable[0].endswith(lost.rsplit("/", 1)[1])
    assert counts(directory)["articles"] == before["articles"] - 1


def test_dry_run_on_the_command_line_changes_nothing(tmp_path: Path) -> None:
    directory = tmp_path / "archive"
    build(directory)
    with sqlite3.connect(directory / "archive.sqlite") as conn:
        conn.execute("DELETE FROM article_versions WHERE version = 2")
    before = (directory / "archive.sqlite").read_bytes()
    snapshot = counts(directory)
    result = run_cli("reextract", "--archive", str(directory), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("dry run, nothing changed:") and "would be stored" in result.stdout
    assert counts(directory) == snapshot
    assert before  # the database file is not rewritten beyond SQLite's own bookkeeping
    real = run_cli("reextract", "--archive", str(directory))
    assert real.returncode == 0 and counts(directory)["article_versions"] == snapshot["article_versions"] + 1
