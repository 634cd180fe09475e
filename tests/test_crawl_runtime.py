"""How a crawl behaves as a running program: progress on a terminal, two crawls on one archive, readers meanwhile."""

from __future__ import annotations

import os
import select
import sqlite3
import subprocess
import time
from pathlib import Path

from dvscrape.replica.process import ReplicaProcess
from tests.conftest import CLI, fast_crawl_args, kill_when, run_cli


def crawl_command(replica: ReplicaProcess, archive: Path, *extra: str) -> list[str]:
    return [*CLI, *fast_crawl_args(replica.url, archive, *extra)]


def test_progress_is_a_status_line_on_a_terminal(replica: ReplicaProcess, tmp_path: Path) -> None:
    controller, terminal = os.openpty()
    process = subprocess.Popen(
        crawl_command(replica, tmp_path / "archive", "-s", "LOG_LEVEL=WARNING", "--max-articles", "20"),
        stdout=subprocess.DEVNULL,
        stderr=terminal,
        stdin=subprocess.DEVNULL,
    )
    os.close(terminal)
    output = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the crawl closed its end of the terminal
                break
            if not chunk:
                break
            output += chunk
        elif process.poll() is not None:
            break
    os.close(controller)
    assert process.wait(timeout=60) == 0
    text = output.decode("utf-8", "replace")
    assert "\r[" in text and "#" in text
    # The last redraw, at the close, shows what the archive holds: the 20 articles scheduled, less any whose page
    # answered after the close (which article that is depends on timing, so the archive is the witness).
    with sqlite3.connect(tmp_path / "archive" / "archive.sqlite") as connection:
        (stored,) = connection.execute("SELECT count(*) FROM articles").fetchone()
    assert 18 <= stored <= 20
    last = text.rstrip().rsplit("\r", 1)[-1]
    assert f"20 articles found, {stored} archived" in last, last


def test_a_second_crawl_on_the_same_archive_exits_at_once(replica: ReplicaProcess, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    slow = ("-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.05", "-s", "DVSCRAPE_PROGRESS_INTERVAL=0")
    first = subprocess.Popen(
        crawl_command(replica, archive, *slow), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while not (archive / "crawl.lock").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        started = time.monotonic()
        second = run_cli("crawl", "--base-url", replica.url, "--archive", str(archive), "--fast")
        assert second.returncode == 5, second.stdout + second.stderr[-1500:]
        assert time.monotonic() - started < 15
        assert "is being crawled by pid" in second.stderr and "Traceback" not in second.stderr
        # a reader can query the archive while the first crawl writes it
        with sqlite3.connect(f"file:{archive / 'archive.sqlite'}?mode=ro", uri=True) as reader:
            assert reader.execute("select count(*) from captures").fetchone()[0] >= 1
    finally:
        out, err = first.communicate(timeout=300)
    assert first.returncode == 0, out + err[-2000:]
    with sqlite3.connect(archive / "archive.sqlite") as db:
        assert db.execute("select count(*) from crawls").fetchone()[0] == 1
        assert db.execute("select status from crawls").fetchone()[0] == "success"


def test_a_killed_crawl_leaves_no_process_behind(replica: ReplicaProcess, tmp_path: Path) -> None:
    crawl = subprocess.Popen(
        crawl_command(replica, tmp_path / "archive", "-s", "DOWNLOAD_DELAY=0.1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # the extraction workers are the crawl's grandchildren (children of its fork server)
    kill_when(crawl, lambda found: any(process.parent != crawl.pid for process in found), seconds=30)
