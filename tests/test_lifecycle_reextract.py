"""Nothing lost: re-extraction never removes an article on its own, reports what it would change with
--dry-run, and finds the pages of a crawl whose recorded base URL is not the one its captures were fetched from."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from dvscrape.archive.db import Archive
from dvscrape.pages import Article
from dvscrape.runs.rebuild import reextract
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
    assert "(dry run, nothing changed)" in result.stdout.splitlines()[0] and "would be stored" in result.stdout
    assert counts(directory) == snapshot
    assert before  # the database file is not rewritten beyond SQLite's own bookkeeping
    real = run_cli("reextract", "--archive", str(directory))
    assert real.returncode == 0 and counts(directory)["article_versions"] == snapshot["article_versions"] + 1


def test_kill_then_resume_on_a_new_port_then_reextract_loses_nothing(tmp_path: Path) -> None:
    """The issue's steps: a crawl killed (-9), resumed against the replica on another port, then reextract."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from dvscrape.replica.process import start_replica_process

    archive = tmp_path / "archive"
    first = start_replica_process("--articles", "60", "--slow-delay", "0")
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "dvscrape", "crawl", "--base-url", first.url, "--archive", str(archive), "--fast",
             "-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.02"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with sqlite3.connect(archive / "archive.sqlite") as conn:
                    if conn.execute("SELECT count(*) FROM articles").fetchone()[0] >= 10:
                        break
            except sqlite3.Error:
                pass
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    finally:
        first.stop()
    second = start_replica_process("--articles", "60", "--slow-delay", "0")
    try:
        resumed = run_cli("crawl", "--base-url", second.url, "--archive", str(archive), "--fast")
        assert resumed.returncode == 0, resumed.stdout + resumed.stderr[-2000:]
    finally:
        second.stop()
    with sqlite3.connect(archive / "archive.sqlite") as conn:
        bases = conn.execute("SELECT status, base_url FROM crawls ORDER BY id").fetchall()
    assert bases == [("interrupted", first.url), ("success", second.url)]  # each run records what it crawled
    # the killed run's row kept the counts of what it stored (written with each commit), the resumed run counts the
    # rest, and its summary names what the killed run had stored: every article is counted once, in a summary
    with sqlite3.connect(archive / "archive.sqlite") as conn:
        killed, done = conn.execute("SELECT articles_new FROM crawls ORDER BY id").fetchall()
    assert killed[0] >= 10 and killed[0] + done[0] == 60, (killed, done)
    assert f"resumes crawl 1, stopped after articles archived {killed[0]} (new {killed[0]}," in resumed.stdout
    before = counts(archive)
    assert before["articles"] == 60
    dry = run_cli("reextract", "--archive", str(archive), "--dry-run")
    assert dry.returncode == 0 and "0 would be removed" in dry.stdout and "0 kept as they were" in dry.stdout
    result = run_cli("reextract", "--archive", str(archive))
    assert result.returncode == 0 and "0 removed" in result.stdout, result.stdout
    after = counts(archive)
    # Nothing is lost. The stored versions stay; the replay may read a capture with more than the crawl knew when it
    # parsed it (the killed run had not read the sitemap yet, so a lede's 'Ngày 8/2' had no year) or read a record
    # the killed run wrote but never indexed: such readings are appended as versions that say why.
    with sqlite3.connect(archive / "archive.sqlite") as conn:
        (unexplained,) = conn.execute(
            "SELECT count(*) FROM article_versions WHERE reason = '' AND version > 1 AND article_id IN "
            "(SELECT article_id FROM article_versions WHERE reason != '')"
        ).fetchone()
        (reread,) = conn.execute("SELECT count(*) FROM article_versions WHERE reason != ''").fetchone()
    assert {**after, "article_versions": after["article_versions"] - reread} == before
    assert unexplained == 0
    assert run_cli("verify", "--archive", str(archive)).returncode == 0
