"""Local failures: the disk fills up during a crawl, the archive folder is read-only, the database is
corrupted or locked by another program, a WARC file was damaged by an earlier crash.

Expected: a clear one-line message, a non-zero exit code (7: archive unusable), and no damage to what was already
archived: the database passes its integrity check, every capture still points at its record, and a later run on a
healthy disk completes the archive. The disk and the read-only folder are real small tmpfs mounts (we run as root);
where mounting is not allowed those tests are skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from dvscrape.replica import build_corpus
from dvscrape.replica.process import ReplicaProcess, start_replica_process
from tests.canary import crash_traces, query, warcio_check
from tests.conftest import fast_crawl_args, run_cli

ARTICLES = 12


@pytest.fixture(scope="module")
def small_replica() -> Iterator[ReplicaProcess]:
    replica = start_replica_process("--articles", str(ARTICLES), "--slow-delay", "0")
    yield replica
    replica.stop()


@contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A tmpfs of *size* mounted at *path* (skips the test where mounting is not allowed)."""
    path.mkdir(parents=True, exist_ok=True)
    mounted = (
        os.geteuid() == 0
        and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
        ).returncode
        == 0
    )
    if not mounted:
        pytest.skip("cannot mount a tmpfs here (not root, or no mount permission)")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def remount(path: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(path)], check=True, capture_output=True)


def crawl(
    replica: ReplicaProcess,
    archive: Path,
    *extra: str,
    summary: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """A crawl through the CLI; the summary goes outside the archive's filesystem when given."""
    summary_args = ("--summary-json", str(summary)) if summary is not None else ()
    return run_cli(
        *fast_crawl_args(replica.url, archive),
        *summary_args,
        "-s",
        "DVSCRAPE_PROGRESS_INTERVAL=0",
        "-s",
        "RETRY_TIMES=1",
        *extra,
        timeout=180,
    )


def fingerprint(directory: Path) -> dict[str, str]:
    """SHA-256 of every file under *directory* (the WARC files and the database)."""
    return {
        str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and path.suffix in (".gz", ".sqlite")
    }


def assert_clear_failure(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit code 7, no crash, and a message that names the problem."""
    output = result.stdout + result.stderr
    assert result.returncode == 7, output[-3000:]
    assert crash_traces(result.stderr) == [], crash_traces(result.stderr)[0]
    assert any(word in output.lower() for word in words), output[-3000:]


def assert_archive_sound(archive: Path) -> None:
    """The database is intact and every capture points at a readable record."""
    connection = sqlite3.connect(archive / "archive.sqlite")
    try:
        assert connection.execute("pragma integrity_check").fetchone() == ("ok",)
    finally:
        connection.close()
    assert warcio_check(archive) == []
    result = run_cli("verify", "--archive", str(archive))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_disk_full_during_a_crawl(tmp_path: Path) -> None:
    replica = start_replica_process("--articles", "80", "--slow-delay", "0")
    try:
        with tmpfs(tmp_path / "disk", "700k") as disk:
            archive = disk / "archive"
            result = crawl(replica, archive, summary=tmp_path / "summary.json")
            assert_clear_failure(result, "space", "disk full", "full")
            assert json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))["exit_code"] == 7
            remount(disk, "size=64m")
            resumed = crawl(replica, archive)
            assert resumed.returncode == 0, resumed.stdout + resumed.stderr[-3000:]
            assert query(archive, "select count(*) from articles") == [(80,)]
            assert_archive_sound(archive)
    finally:
        replica.stop()


def test_read_only_archive_folder(tmp_path: Path, small_replica: ReplicaProcess) -> None:
    with tmpfs(tmp_path / "disk", "32m") as disk:
        archive = disk / "archive"
        first = crawl(small_replica, archive)
        assert first.returncode == 0, first.stderr[-3000:]
        before = fingerprint(archive)
        remount(disk, "ro")
        try:
            result = crawl(small_replica, archive, "--full", summary=tmp_path / "summary.json")
            writers = [run_cli(command, "--archive", str(archive)) for command in ("documents", "reindex", "reextract")]
        finally:
            remount(disk, "rw")
        assert_clear_failure(result, "read-only", "read only", "permission", "cannot write")
        for writer in writers:  # the exit code of the cause, the same for every command: 7, archive unusable
            assert writer.returncode == 7 and writer.stderr.count("\n") == 1, writer.stderr
        assert fingerprint(archive) == before
        assert_archive_sound(archive)


def test_corrupted_database(tmp_path: Path, small_replica: ReplicaProcess) -> None:
    archive = tmp_path / "archive"
    assert crawl(small_replica, archive).returncode == 0
    warcs = {name: digest for name, digest in fingerprint(archive).items() if name.endswith(".gz")}
    database = archive / "archive.sqlite"
    data = bytearray(database.read_bytes())
    data[0:100] = b"\x00garbage" * 12 + b"\x00" * 4
    database.write_bytes(bytes(data))
    result = crawl(small_replica, archive)
    assert_clear_failure(result, "database", "sqlite", "corrupt", "not a database")
    assert {name: digest for name, digest in fingerprint(archive).items() if name.endswith(".gz")} == warcs


def test_database_locked_by_another_program(tmp_path: Path, small_replica: ReplicaProcess) -> None:
    archive = tmp_path / "archive"
    assert crawl(small_replica, archive).returncode == 0
    holder = sqlite3.connect(archive / "archive.sqlite", isolation_level=None)
    try:
        holder.execute("begin exclusive")
        result = crawl(small_replica, archive, "--full")
    finally:
        holder.execute("rollback")
        holder.close()
    assert result.returncode in (5, 7), result.stdout + result.stderr[-3000:]
    assert crash_traces(result.stderr) == []
    assert "lock" in (result.stdout + result.stderr).lower()
    assert_archive_sound(archive)


def test_warc_damaged_by_an_earlier_crash(tmp_path: Path, small_replica: ReplicaProcess) -> None:
    archive = tmp_path / "archive"
    assert crawl(small_replica, archive).returncode == 0
    last = sorted((archive / "warc").glob("*.warc.gz"))[-1]
    data = last.read_bytes()
    damaged = data[: len(data) - 700] + b"\x1f\x8b\x08\x00half-written member"  # cut mid-record + junk
    last.write_bytes(damaged)
    result = crawl(small_replica, archive, "--full")
    assert crash_traces(result.stderr) == []
    if result.returncode == 7:  # refused to go on: it must say which file, and leave it as it was
        assert last.name in result.stdout + result.stderr, result.stdout + result.stderr[-3000:]
        assert last.read_bytes() == damaged
        return
    assert result.returncode in (0, 4), result.stdout + result.stderr[-3000:]
    corpus = build_corpus(2023, ARTICLES)
    assert query(archive, "select count(*) from articles") == [(len(corpus.articles),)]
    assert_archive_sound(archive)  # repaired: the damaged tail cut off, its captures fetched again
