"""How a crawl behaves as a running program: progress on a terminal, two crawls on one archive, readers meanwhile."""

from __future__ import annotations

import os
import re
import select
import signal
import sqlite3
import subprocess
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
    while True:  # until the crawl closes its end of the terminal
        ready, _, _ = select.select([controller], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: no process holds the terminal any more
                break
            if not chunk:
                break
            output += chunk
        elif process.poll() is not None:
            break
    os.close(controller)
    assert process.wait() == 0
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
    """The second crawl does not wait for the lock: it ends while the first, which holds it, is stopped mid-way."""
    archive = tmp_path / "archive"
    paced = ("-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.05", "-s", "DVSCRAPE_PROGRESS_INTERVAL=0.2")
    first = subprocess.Popen(
        crawl_command(replica, archive, *paced), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert first.stderr is not None
    seen = []
    try:
        for line in first.stderr:  # the first progress line: the crawl holds the lock and is fetching
            seen.append(line)
            if "progress: " in line:
                break
        assert first.poll() is None, "".join(seen)[-2000:]
        os.kill(first.pid, signal.SIGSTOP)
        try:
            second = run_cli("crawl", "--base-url", replica.url, "--archive", str(archive), "--fast")
            assert second.returncode == 5, second.stdout + second.stderr[-1500:]
            assert "is being crawled by pid" in second.stderr and "Traceback" not in second.stderr
            # a reader can query the archive while the first crawl holds it
            with sqlite3.connect(f"file:{archive / 'archive.sqlite'}?mode=ro", uri=True) as reader:
                assert reader.execute("select count(*) from crawls").fetchone() == (1,)
        finally:
            os.kill(first.pid, signal.SIGCONT)
    finally:
        out, err = first.communicate()
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


def test_progress_says_what_held_articles_wait_for(replica: ReplicaProcess, tmp_path: Path) -> None:
    paced = ("-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.05", "-s", "DVSCRAPE_PROGRESS_INTERVAL=0.2")
    result = run_cli(*fast_crawl_args(replica.url, tmp_path / "archive", *paced))
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    progress = [line for line in result.stderr.splitlines() if "progress: " in line]
    waiting = [re.search(r"held articles: (\d+) waiting for (\d+) listing page", line) for line in progress]
    assert any(found and int(found[1]) > 0 and int(found[2]) > 0 for found in waiting), "\n".join(progress[-40:])
    assert "held articles" not in progress[-1]  # stored once every listing was read
