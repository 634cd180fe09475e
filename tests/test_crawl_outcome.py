"""One outcome per crawl: `crawls.status`, the exit code, the printed summary and --summary-json agree, because
dvscrape.runs.outcome decides it once. Each end-to-end case is a defect the crawl once had (the row and the exit code
told different stories)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from dvscrape.replica.process import start_replica_process
from dvscrape.runs.exitcodes import ExitCode
from dvscrape.runs.outcome import Outcome, decide_outcome, first_lines
from tests.conftest import run_cli

QUIET = ("-s", "DVSCRAPE_PROGRESS_INTERVAL=0", "-s", "LOG_LEVEL=WARNING")


def outcome(
    reason: str = "finished", *, archive_failed: bool = False, incremental: bool = False, **counts: int
) -> Outcome:
    return decide_outcome(counts, finish_reason=reason, archive_failed=archive_failed, incremental=incremental)


def test_the_outcome_is_decided_in_one_order() -> None:
    assert outcome(captures=5) is Outcome.SUCCESS
    assert outcome(captures=5, errors=1) is Outcome.PARTIAL
    assert outcome(captures=0, errors=3) is Outcome.SITE_UNREACHABLE  # a closed port: failures, but nothing fetched
    assert outcome("shutdown", captures=5, errors=1) is Outcome.INTERRUPTED  # Ctrl-C or SIGTERM
    assert outcome("memusage_exceeded", captures=5) is Outcome.INTERRUPTED
    assert outcome("archive_error", captures=5, archive_failed=True) is Outcome.ARCHIVE_UNUSABLE
    # a limit the operator set ends the crawl as asked
    for reason in ("closespider_pagecount", "closespider_itemcount", "closespider_timeout"):
        assert outcome(reason, captures=5) is Outcome.SUCCESS
    assert outcome(captures=5, not_due=4, incremental=True) is Outcome.NOTHING_NEW
    assert outcome(captures=5, not_due=4, articles_new=1, incremental=True) is Outcome.SUCCESS
    assert outcome(captures=5, not_due=4) is Outcome.SUCCESS  # a full crawl is never "nothing new"
    assert Outcome.INTERRUPTED.exit_code == ExitCode.INTERRUPTED == 8
    assert len({member.exit_code for member in Outcome}) == len(Outcome)


def test_a_summary_lists_the_first_items_and_counts_the_rest() -> None:
    assert first_lines(["a", "b"], 2) == ["  a", "  b"]
    assert first_lines(["a", "b", "c"], 2, "more failed URLs") == ["  a", "  b", "  … and 1 more failed URLs"]


def crawl_row(archive: Path) -> dict[str, Any]:
    with sqlite3.connect(archive / "archive.sqlite") as connection:
        connection.row_factory = sqlite3.Row
        rows = [dict(row) for row in connection.execute("SELECT * FROM crawls ORDER BY id")]
    assert len(rows) == 1, rows
    return rows[0]


def assert_one_story(archive: Path, summary: Path, result: subprocess.CompletedProcess[str], expected: Outcome) -> None:
    """The exit code, the crawl row, the JSON summary and the printed summary all tell *expected*."""
    report = result.stdout + result.stderr[-3000:]
    assert result.returncode == int(expected.exit_code), report
    assert crawl_row(archive)["status"] == expected.status, report
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert (data["status"], data["exit_code"]) == (expected.status, int(expected.exit_code)), data
    assert f": {expected.status}" in result.stdout and f"(exit code {int(expected.exit_code)})" in result.stdout


def test_a_closed_port_is_site_unreachable_everywhere(tmp_path: Path) -> None:
    archive, summary = tmp_path / "a", tmp_path / "summary.json"
    result = run_cli(
        "crawl", "--base-url", "http://127.0.0.1:9", "--archive", str(archive), "--fast",
        "--summary-json", str(summary), "-s", "RETRY_TIMES=0", *QUIET,
    )  # fmt: skip
    assert_one_story(archive, summary, result, Outcome.SITE_UNREACHABLE)
    # one clear line says why; Scrapy's tracebacks and a warning per URL are not for a person (captures has them)
    assert "connection refused" in result.stdout.splitlines()[0].lower(), result.stdout
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) <= 2, result.stderr


def test_a_closespider_limit_is_a_success_everywhere(tmp_path: Path) -> None:
    archive, summary = tmp_path / "a", tmp_path / "summary.json"
    # A replica of its own: the session's counts the hits on each article for test_crawl_e2e.
    with start_replica_process("--articles", "20", "--slow-delay", "0") as replica:
        command = ["crawl", "--base-url", replica.url, "--archive", str(archive), "--fast"]
        result = run_cli(*command, "--summary-json", str(summary), "-s", "CLOSESPIDER_PAGECOUNT=8", *QUIET)
    assert_one_story(archive, summary, result, Outcome.SUCCESS)
    assert json.loads(summary.read_text(encoding="utf-8"))["counts"]["captures"] >= 8


def test_ctrl_c_is_interrupted_everywhere(tmp_path: Path) -> None:
    archive, summary = tmp_path / "a", tmp_path / "summary.json"
    with start_replica_process("--articles", "40", "--slow-delay", "0") as slow:
        command = ["crawl", "--base-url", slow.url, "--archive", str(archive), "--summary-json", str(summary)]
        slowly = [
            "-s",
            "DOWNLOAD_DELAY=0.3",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "-s",
            "CONCURRENT_REQUESTS_PER_DOMAIN=1",
        ]
        crawl = subprocess.Popen(
            [sys.executable, "-m", "dvscrape", *command, *slowly, *QUIET],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not _captured(archive):
                time.sleep(0.2)
            assert crawl.poll() is None, "the crawl ended before it could be interrupted"
            crawl.send_signal(signal.SIGINT)
            stdout, stderr = crawl.communicate(timeout=120)
        finally:
            if crawl.poll() is None:
                crawl.kill()
    result = subprocess.CompletedProcess(crawl.args, crawl.returncode, stdout, stderr)
    assert_one_story(archive, summary, result, Outcome.INTERRUPTED)
    assert "interrupted (shutdown)" in stdout
    assert "Traceback" not in stderr


def _captured(archive: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{archive / 'archive.sqlite'}?mode=ro", uri=True) as connection:
            return bool(connection.execute("SELECT count(*) FROM captures").fetchone()[0] >= 3)
    except sqlite3.Error:
        return False
