"""Faults: a replica that fails at set rates (5xx, 503/429 with Retry-After, resets, short bodies, slow drips,
timeouts), URLs that always fail, a site whose name does not resolve, and robots.txt that fails or hangs.

Expected: transient faults cost retries, never articles; a URL that keeps failing is recorded in `captures` with its
status or reason and its attempt count, named in the summary, and the crawl exits 3; Retry-After is respected;
retries back off; no truncated response is stored as if it were complete.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dvscrape.replica import build_corpus
from dvscrape.replica.process import start_replica_process
from dvscrape.settings import FAST_LOCAL_SETTINGS
from dvscrape.sites import get_profile
from tests.canary import crash_traces, query, truncated_responses, warcio_check
from tests.conftest import run_cli

SITE_URL = get_profile("tanbinh").site_url

ARTICLES = 30
RETRY_TIMES = 3
DOWNLOAD_TIMEOUT = 2
RATES = "500=0.06,502=0.02,503-retry-after=0.05,429=0.05,reset=0.05,short=0.05,slow-drip=0.03,timeout=0.02"
INJECTED_KINDS = {part.split("=")[0] for part in RATES.split(",")}
PERSISTENT_KINDS = ("500", "short", "reset", "timeout")


@dataclass(frozen=True)
class FaultyCrawl:
    """One crawl of a faulty replica: the archive, the CLI result, the summary and the replica's stats."""

    archive: Path
    returncode: int
    stdout: str
    stderr: str
    summary: dict[str, Any]
    stats: dict[str, Any]
    replica_url: str
    persistent: dict[str, str]
    """fault kind → canonical URL of the article that always fails with it."""


def crawl_settings(*extra: str) -> tuple[str, ...]:
    return (
        "--fast",
        "-s",
        f"RETRY_TIMES={RETRY_TIMES}",
        "-s",
        f"DOWNLOAD_TIMEOUT={DOWNLOAD_TIMEOUT}",
        "-s",
        "DVSCRAPE_PROGRESS_INTERVAL=0",
        *extra,
    )


@pytest.fixture(scope="module")
def faulty_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultyCrawl]:
    corpus = build_corpus(2023, ARTICLES)
    special = {corpus.seed_url_title, corpus.flaky_url_title, corpus.slow_url_title}
    chosen = [article.url_title for article in corpus.articles if article.url_title not in special][3:7]
    persistent_args: list[str] = []
    for kind, url_title in zip(PERSISTENT_KINDS, chosen, strict=True):
        persistent_args += ["--fault-persistent", f"{kind}=/-/{url_title}"]
    replica = start_replica_process(
        "--articles",
        str(ARTICLES),
        "--slow-delay",
        "0",
        "--faults",
        RATES,
        *persistent_args,
        "--retry-after",
        "1",
        "--drip-seconds",
        "4",
        "--hang-seconds",
        "8",
    )
    directory = tmp_path_factory.mktemp("faults")
    archive, summary = directory / "archive", directory / "summary.json"
    try:
        result = run_cli(
            "crawl",
            "--base-url",
            replica.url,
            "--archive",
            str(archive),
            "--summary-json",
            str(summary),
            *crawl_settings(),
            timeout=240,
        )
        with urllib.request.urlopen(f"{replica.url}/__replica__/stats") as response:
            stats = json.load(response)
    finally:
        replica.stop()
    persistent = {
        kind: f"{replica.url}/web/neoportal/-/{url_title}"
        for kind, url_title in zip(PERSISTENT_KINDS, chosen, strict=True)
    }
    yield FaultyCrawl(
        archive,
        result.returncode,
        result.stdout,
        result.stderr,
        json.loads(summary.read_text(encoding="utf-8")) if summary.exists() else {},
        stats,
        replica.url,
        persistent,
    )


def test_every_fault_kind_was_met(faulty_crawl: FaultyCrawl) -> None:
    """Guard: the crawl really met every kind of fault (else the other tests prove nothing)."""
    injected = faulty_crawl.stats["faults"]["injected"]
    assert set(injected) >= INJECTED_KINDS, injected


def test_partial_failure_exit_code_and_summary_name_the_failures(faulty_crawl: FaultyCrawl) -> None:
    assert faulty_crawl.returncode == 3, faulty_crawl.stdout + faulty_crawl.stderr[-3000:]
    assert crash_traces(faulty_crawl.stderr) == []
    summary = faulty_crawl.summary
    assert summary["exit_code"] == 3 and summary["status"] == "partial"
    assert set(summary["failed_urls"]) == set(faulty_crawl.persistent.values())
    for url in faulty_crawl.persistent.values():
        assert f"failed: {url}" in faulty_crawl.stdout


def test_every_live_article_is_archived_despite_transient_faults(faulty_crawl: FaultyCrawl) -> None:
    corpus = build_corpus(2023, ARTICLES)
    # articles are keyed by the site's own address; the failing URLs are the ones fetched from the replica
    persistent = {url.replace(faulty_crawl.replica_url, SITE_URL) for url in faulty_crawl.persistent.values()}
    expected = {f"{SITE_URL}{article.path}" for article in corpus.articles} - persistent
    stored = {url for (url,) in query(faulty_crawl.archive, "select url from articles")}
    assert expected - stored == set()
    assert stored & persistent == set()


def test_persistent_http_error_is_recorded_with_status_and_attempts(faulty_crawl: FaultyCrawl) -> None:
    url = faulty_crawl.persistent["500"]
    rows = query(faulty_crawl.archive, "select status, attempts from captures where url = ? order by id", url)
    assert [status for status, _ in rows] == [500] * (RETRY_TIMES + 1)
    assert max(attempts for _, attempts in rows) == RETRY_TIMES + 1


@pytest.mark.parametrize("kind", ["short", "reset", "timeout"])
def test_persistent_network_failure_is_recorded_with_reason_and_attempts(faulty_crawl: FaultyCrawl, kind: str) -> None:
    url = faulty_crawl.persistent[kind]
    rows = query(
        faulty_crawl.archive,
        "select status, error, attempts, warc_filename from captures where url = ? order by id",
        url,
    )
    assert rows, f"no capture row for {url}"
    failures = [row for row in rows if row[0] is None]
    assert len(failures) == 1, rows
    status, error, attempts, warc_filename = failures[0]
    assert error and attempts == RETRY_TIMES + 1 and warc_filename is None, failures
    assert all(row[0] is None for row in rows), f"a failed fetch of {url} was stored as a response: {rows}"
    if kind == "timeout":
        assert "timeout" in error.lower() or "took longer" in error.lower(), error


def test_no_truncated_response_is_stored_as_complete(faulty_crawl: FaultyCrawl) -> None:
    assert truncated_responses(faulty_crawl.archive) == []
    assert warcio_check(faulty_crawl.archive) == []
    short = faulty_crawl.persistent["short"]
    assert query(faulty_crawl.archive, "select count(*) from captures where url = ? and status is not null", short) == [
        (0,)
    ]


def test_retry_after_is_respected(faulty_crawl: FaultyCrawl) -> None:
    retry_after = faulty_crawl.stats["faults"]["retry_after"]
    assert retry_after["served"] >= 2 and retry_after["honoured"] >= 2, retry_after
    assert retry_after["violations"] == [], retry_after


def test_retries_of_a_failing_url_back_off(faulty_crawl: FaultyCrawl) -> None:
    """The attempts at a URL that keeps failing are at least the scheduled back-off apart (DVSCRAPE_RETRY_BACKOFF,
    doubled for each retry: tests/test_backoff.py checks the schedule itself). The wall clock only bounds the gaps
    from below: a busy machine makes any gap longer, so their order proves nothing."""
    path = faulty_crawl.persistent["500"].removeprefix(faulty_crawl.replica_url)
    offsets = faulty_crawl.stats["faults"]["targets"][path]["attempt_offsets"]
    assert len(offsets) == RETRY_TIMES + 1, offsets
    gaps = [later - earlier for earlier, later in zip(offsets, offsets[1:], strict=False)]
    backoff = float(FAST_LOCAL_SETTINGS["DVSCRAPE_RETRY_BACKOFF"])
    scheduled = [backoff * 2**retry for retry in range(RETRY_TIMES)]
    assert all(gap >= 0.9 * delay for gap, delay in zip(gaps, scheduled, strict=True)), (gaps, scheduled)


def test_dns_failure_of_the_whole_site(tmp_path: Path) -> None:
    summary = tmp_path / "summary.json"
    result = run_cli(
        "crawl",
        "--base-url",
        "http://dvscrape-replica.invalid",
        "--archive",
        str(tmp_path / "a"),
        "--summary-json",
        str(summary),
        *crawl_settings("-s", "RETRY_TIMES=1"),
        timeout=120,
    )
    assert result.returncode == 6, result.stdout + result.stderr[-2000:]
    assert crash_traces(result.stderr) == []
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert data["exit_code"] == 6 and data["failed_urls"], data
    errors = query(tmp_path / "a", "select url, error, attempts from captures where status is null")
    assert errors and all(error for _, error, _ in errors), errors
    assert any("dns" in error.lower() or "lookup" in error.lower() for _, error, _ in errors), errors


@pytest.mark.parametrize("mode", ["500", "timeout", "broken", "garbage"])
def test_failing_robots_txt_ends_cleanly_with_a_recorded_outcome(tmp_path: Path, mode: str) -> None:
    replica = start_replica_process("--articles", "8", "--slow-delay", "0", "--robots", mode, "--hang-seconds", "6")
    try:
        summary = tmp_path / "summary.json"
        result = run_cli(
            "crawl",
            "--base-url",
            replica.url,
            "--archive",
            str(tmp_path / "a"),
            "--summary-json",
            str(summary),
            *crawl_settings("-s", "RETRY_TIMES=1"),
            timeout=120,
        )
    finally:
        replica.stop()
    assert result.returncode in (0, 3, 6), result.stdout + result.stderr[-2000:]
    assert crash_traces(result.stderr) == []
    assert json.loads(summary.read_text(encoding="utf-8"))["exit_code"] == result.returncode
    robots = query(tmp_path / "a", "select status, error, attempts from captures where url like '%/robots.txt'")
    assert robots, "robots.txt has no recorded outcome in captures"
    if mode in ("500", "garbage"):
        assert robots[-1][0] == (500 if mode == "500" else 200), robots
    else:
        assert robots[-1][0] is None and robots[-1][1], robots
