"""Rebuild and import with the pages extracted by sandboxed worker processes (dvscrape.runs.pagework): the archive
they write is the serial one, field for field; a worker killed mid-run fails its page only and the run goes on; a
rebuild or an import killed mid-run (kill -9) and run again loses nothing and doubles nothing, and leaves no worker
behind. On a crawl of the bundled replica."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dvscrape.archive.db import Archive
from dvscrape.documents.sandbox import SandboxPool
from dvscrape.runs.rebuild import reextract
from tests.conftest import CLI, CrawledArchive, descendants, kill_when, run_cli
from tests.test_reextract import snapshot

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process states are read from /proc")


def _warcs(crawled: CrawledArchive) -> list[str]:
    return [str(path) for path in sorted((crawled.directory / "warc").glob("*.warc.gz"))]


def _import(crawled: CrawledArchive, archive: Path, workers: int) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "import", *_warcs(crawled), "--archive", str(archive), "--base-url", crawled.replica_url,
        "--workers", str(workers),
    )  # fmt: skip


def _count(database: Path, sql: str) -> int:
    with sqlite3.connect(database) as conn:
        return int(conn.execute(sql).fetchone()[0])


def _copy(crawled: CrawledArchive, target: Path) -> Path:
    shutil.copytree(crawled.directory, target, ignore=shutil.ignore_patterns("crawl.lock"))
    return target


def _rebuilt(database: Path) -> int:
    """Article URLs the unfinished rebuilds of the archive have done."""
    return _count(database, "SELECT count(*) FROM rebuild_urls")


def _summary(stdout: str) -> list[str]:
    """The lines of a run's summary that do not name its archive's folder."""
    return [line for line in stdout.splitlines() if "/" not in line]


def test_parallel_import_and_rebuild_write_what_the_serial_ones_write(
    crawled_archive: CrawledArchive, tmp_path: Path
) -> None:
    runs: dict[int, Any] = {}
    for workers in (1, 2):
        archive = tmp_path / f"workers-{workers}"
        imported = _import(crawled_archive, archive, workers)
        assert imported.returncode == 0, imported.stderr[-2000:]
        rebuilt = run_cli("reextract", "--archive", str(archive), "--workers", str(workers))
        assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]
        runs[workers] = (imported.stdout, rebuilt.stdout, snapshot(archive / "archive.sqlite"))
    (serial_import, serial_rebuild, serial), (parallel_import, parallel_rebuild, parallel) = runs[1], runs[2]
    assert len(serial["articles"]) > 50 and serial["figures"] and serial["article_versions"]
    assert "0 failure(s)" in serial_rebuild
    assert _summary(parallel_import) == _summary(serial_import)
    assert parallel_rebuild == serial_rebuild
    for table, rows in serial.items():  # every column, sighting times and ids included
        assert parallel[table] == rows, table


def test_a_worker_killed_mid_rebuild_fails_its_page_only(
    crawled_archive: CrawledArchive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive_dir = _copy(crawled_archive, tmp_path / "archive")
    hand_out = SandboxPool._hand_out
    handed: list[str] = []
    killed: list[int] = []
    workers: list[int] = []

    def kill_the_fifth(pool: SandboxPool, job: tuple[Any, dict[str, Any]]) -> None:
        hand_out(pool, job)
        handed.append(job[1]["job"]["url"])
        workers[:] = sorted(set(workers) | set(pool.pids()))
        if len(handed) == 5:
            (worker,) = [w for w in pool._workers if any(sent is job for sent in w.jobs)]
            killed.append(worker.process.pid)
            os.kill(worker.process.pid, signal.SIGKILL)

    monkeypatch.setattr(SandboxPool, "_hand_out", kill_the_fifth)
    with Archive.open(archive_dir) as archive:
        articles = _count(archive_dir / "archive.sqlite", "SELECT count(*) FROM articles")
        result = reextract(archive, workers=2)
    assert killed and len(workers) > 2  # the killed worker was replaced
    # the page it was reading failed; those sent to it behind that one were sent to another worker
    [failure] = result.failures
    assert failure.endswith(": crashed: the reader was killed by signal 9 (limits: 2048 MB)")
    assert failure.split(": ")[0] in handed[:5]
    assert result.pages == len(set(handed)) and result.articles == articles  # the run went on; nothing removed
    assert result.new == articles - 1 and result.kept == 1  # that page's article kept as it was
    assert not any(process.pid in workers for process in descendants(os.getpid()))


def _workers_started(found: list[Any]) -> bool:
    return bool(found)  # a rebuild's or an import's only child processes are its extraction workers


def test_an_import_killed_while_it_extracts_resumes_without_loss_or_doubling(
    crawled_archive: CrawledArchive, tmp_path: Path
) -> None:
    clean = tmp_path / "clean"
    assert _import(crawled_archive, clean, 2).returncode == 0
    archive = tmp_path / "archive"
    run = subprocess.Popen(
        [*CLI, "import", *_warcs(crawled_archive), "--archive", str(archive), "--base-url", crawled_archive.replica_url,
         "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    kill_when(run, _workers_started, seconds=10)  # and its workers must be gone 10 s later
    database = archive / "archive.sqlite"
    captures = _count(clean / "archive.sqlite", "SELECT count(*) FROM captures")
    assert _count(database, "SELECT count(*) FROM captures") == captures  # its files were in
    assert _count(database, "SELECT count(*) FROM articles") == 0  # its articles not yet

    resumed = _import(crawled_archive, archive, 2)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "resuming import 1, which was interrupted" in resumed.stderr
    assert "  0 WARC file(s)" in resumed.stdout
    assert _count(database, "SELECT count(*) FROM captures") == captures  # no file imported twice
    with sqlite3.connect(database) as conn:
        crawls = conn.execute("SELECT id, status, resumed_from FROM crawls ORDER BY id").fetchall()
    assert crawls == [(1, "interrupted", None), (2, "success", 1)]
    assert snapshot(database) == snapshot(clean / "archive.sqlite")  # nothing lost, nothing doubled
    again = _import(crawled_archive, archive, 2)
    assert again.returncode == 4 and "nothing new to import" in again.stdout


def test_an_import_killed_in_its_rebuild_is_taken_up_by_the_next_import(
    crawled_archive: CrawledArchive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DVSCRAPE_REBUILD_BATCH", "4")
    clean = tmp_path / "clean"
    assert _import(crawled_archive, clean, 1).returncode == 0
    archive = tmp_path / "archive"
    database = archive / "archive.sqlite"
    run = subprocess.Popen(
        [*CLI, "import", *_warcs(crawled_archive), "--archive", str(archive), "--base-url",
         crawled_archive.replica_url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip

    def batches_done(_: list[Any]) -> bool:
        tables = "SELECT count(*) FROM sqlite_master WHERE name = 'rebuild_urls'"
        return database.exists() and bool(_count(database, tables)) and _rebuilt(database) >= 8

    kill_when(run, batches_done, seconds=10)
    assert (
        0
        < _count(database, "SELECT count(*) FROM articles")
        < _count(clean / "archive.sqlite", "SELECT count(*) FROM articles")
    )
    resumed = _import(crawled_archive, archive, 1)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "resuming import 1, which was interrupted" in resumed.stderr
    assert snapshot(database) == snapshot(clean / "archive.sqlite")  # nothing lost, nothing doubled
    with sqlite3.connect(database) as conn:
        rebuilds = conn.execute("SELECT crawl_id, finished_at IS NOT NULL FROM rebuilds").fetchall()
    assert rebuilds == [(1, 1)]  # one rebuild, begun by the killed import, finished by the next


def test_a_rebuild_killed_mid_run_is_taken_up_where_it_stopped(
    crawled_archive: CrawledArchive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DVSCRAPE_REBUILD_BATCH", "4")  # the rebuild commits every 4 article URLs
    clean = _copy(crawled_archive, tmp_path / "clean")
    whole = run_cli("reextract", "--archive", str(clean), "--workers", "2")
    assert whole.returncode == 0, whole.stderr[-2000:]
    archive = _copy(crawled_archive, tmp_path / "archive")
    database = archive / "archive.sqlite"
    run = subprocess.Popen(
        [*CLI, "reextract", "--archive", str(archive), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def batches_done(_: list[Any]) -> bool:
        return _rebuilt(database) >= 8

    kill_when(run, batches_done, seconds=10)
    finished = _rebuilt(database)
    assert _count(database, "SELECT count(*) FROM rebuilds WHERE finished_at IS NULL") == 1
    again = run_cli("reextract", "--archive", str(archive), "--workers", "2")
    assert again.returncode == 0, again.stderr[-2000:]
    taken_up = f"took up an interrupted rebuild: the {finished} article URL(s) it finished were not read again"
    assert taken_up in again.stdout
    assert snapshot(database) == snapshot(clean / "archive.sqlite")  # nothing lost, nothing doubled
    with sqlite3.connect(database) as conn:
        counts = conn.execute("SELECT counts FROM rebuilds").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM rebuilds WHERE finished_at IS NULL").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM rebuild_urls").fetchone()[0] == 0
    assert _summary(again.stdout)[-1] == _summary(whole.stdout)[-1]  # the whole rebuild's counts, none twice
    stored = json.loads(counts)  # the numbers shown are the ones stored
    assert f"{stored['pages']} article page(s) re-extracted: " in again.stdout
    assert f"({stored['new']} from their first capture, {stored['updated']} later versions" in again.stdout
