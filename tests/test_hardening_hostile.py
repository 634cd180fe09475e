"""Hostile input: decompression bombs, a 30 MB page, 100,000-deep nesting, 50,000 links on a page, a
10,000-character URL, a redirect loop and a 30-hop chain, binary bytes labelled text/html, invalid UTF-8, an empty
200 and script injected into a title and a caption, all linked from the replica's home page (``--hostile``).

Expected: the crawl ends (no crash), in bounded time and memory, every hostile URL has a recorded outcome (a capture
with a status, an error or a problem, or a refusal), nothing executable is stored or exported as text, the WARC files
stay sound, and the normal articles are all archived.
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
from dvscrape.sites import get_profile
from tests.canary import (
    Canary,
    MeasuredRun,
    crash_traces,
    query,
    run_cli_measured,
    start_canary,
    truncated_responses,
    warcio_check,
)
from tests.conftest import run_cli

ARTICLES = 30
SITE_URL = get_profile("tanbinh").site_url
MAX_SECONDS = 120
MAX_RSS = 600 * 1024 * 1024  # the crawl of the plain 30-article replica peaks near 200 MB
REDIRECT_LIMIT = 20  # no client should follow more redirects than Scrapy's own default


@dataclass(frozen=True)
class HostileCrawl:
    """One crawl of the hostile replica."""

    archive: Path
    run: MeasuredRun
    stats: dict[str, Any]
    replica_url: str
    canary: Canary

    def url(self, name: str) -> str:
        """The absolute URL of a hostile entry page."""
        return self.replica_url + self.stats["hostile"]["entry_paths"][name]

    def article_url(self, url: str) -> str:
        """The key in ``articles`` of a page fetched at *url* from the replica: the same path on the site's address."""
        return SITE_URL + url.removeprefix(self.replica_url)


@pytest.fixture(scope="module")
def hostile_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileCrawl]:
    directory = tmp_path_factory.mktemp("hostile")
    with start_canary() as canary:
        replica = start_replica_process(
            "--articles",
            str(ARTICLES),
            "--slow-delay",
            "0",
            "--hostile",
            "--offsite-host-url",
            canary.host_url,
            "--offsite-port-url",
            canary.port_url,
        )
        try:
            run = run_cli_measured(
                "crawl",
                "--base-url",
                replica.url,
                "--archive",
                str(directory / "archive"),
                "--fast",
                "--summary-json",
                str(directory / "summary.json"),
                "-s",
                "RETRY_TIMES=1",
                "-s",
                "DOWNLOAD_TIMEOUT=30",  # a loaded machine unpacks a 64 MB bomb slowly: it must fail on size, not time
                "-s",
                "DVSCRAPE_PROGRESS_INTERVAL=0",
                workdir=directory,
                timeout=MAX_SECONDS + 60,
            )
            with urllib.request.urlopen(f"{replica.url}/__replica__/stats") as response:
                stats = json.load(response)
        finally:
            replica.stop()
        yield HostileCrawl(directory / "archive", run, stats, replica.url, canary)


def outcome(crawl: HostileCrawl, url: str) -> list[tuple[Any, ...]]:
    """What the archive recorded about a URL: capture rows (status, error, problem) and refusals (kind, reason)."""
    captures = query(crawl.archive, "select 'capture', status, error, problem from captures where url = ?", url)
    refused = query(crawl.archive, "select 'refused', kind, reason, found_on from refused_urls where url = ?", url)
    return captures + refused


def test_crawl_survives_in_bounded_time_and_memory(hostile_crawl: HostileCrawl) -> None:
    run = hostile_crawl.run
    assert run.returncode in (0, 3), run.stdout + run.stderr[-3000:]
    assert crash_traces(run.stderr) == []
    assert run.seconds < MAX_SECONDS, run.seconds
    assert run.max_rss_bytes < MAX_RSS, f"peak RSS {run.max_rss_bytes / 2**20:.0f} MB"


def test_every_normal_article_is_archived(hostile_crawl: HostileCrawl) -> None:
    corpus = build_corpus(2023, ARTICLES)
    expected = {f"{SITE_URL}{article.path}" for article in corpus.articles}
    stored = {url for (url,) in query(hostile_crawl.archive, "select url from articles")}
    assert expected - stored == set()


def test_every_hostile_page_was_reached(hostile_crawl: HostileCrawl) -> None:
    """Guard: the crawler met each hostile page at least once (else the other tests prove nothing)."""
    hits = hostile_crawl.stats["hostile"]["hits"]
    names = set(hostile_crawl.stats["hostile"]["entry_paths"])
    assert names - set(hits) <= {"long-url"}, sorted(names - set(hits))


@pytest.mark.parametrize(
    "name",
    [
        "gzip-bomb",
        "deflate-bomb",
        "brotli-bomb",
        "huge-page",
        "deep-nesting",
        "long-url",
        "binary",
        "invalid-utf8",
        "empty",
        "script-injection",
        "loop-a",
        "chain-1",
        "links",
    ],
)
def test_every_hostile_url_has_a_recorded_outcome(hostile_crawl: HostileCrawl, name: str) -> None:
    rows = outcome(hostile_crawl, hostile_crawl.url(name))
    assert rows, f"nothing recorded for {name}"
    for row in rows:
        if row[0] == "capture":
            status, error, problem = row[1:]
            assert status is not None or error, row


@pytest.mark.parametrize("name", ["gzip-bomb", "deflate-bomb", "brotli-bomb"])
def test_decompression_bomb_is_refused_and_recorded(hostile_crawl: HostileCrawl, name: str) -> None:
    url = hostile_crawl.url(name)
    assert query(hostile_crawl.archive, "select count(*) from articles where fetched_url = ? or url = ?", url, url) == [
        (0,)
    ]
    rows = query(hostile_crawl.archive, "select status, error, problem from captures where url = ?", url)
    assert rows and any(error or problem for _, error, problem in rows), rows
    text = " ".join(f"{error} {problem}" for _, error, problem in rows).lower()
    assert "size" in text or "decompress" in text or "large" in text, rows


@pytest.mark.parametrize(
    "name",
    [
        "binary",
        "empty",
    ],
)
def test_non_html_and_empty_bodies_are_recorded_not_stored_as_articles(hostile_crawl: HostileCrawl, name: str) -> None:
    url = hostile_crawl.url(name)
    assert query(
        hostile_crawl.archive, "select count(*) from articles where url = ?", hostile_crawl.article_url(url)
    ) == [(0,)]
    rows = query(hostile_crawl.archive, "select status, problem from captures where url = ?", url)
    assert rows and rows[-1][0] == 200 and rows[-1][1], f"{name}: no problem recorded: {rows}"


def test_invalid_utf8_is_stored_as_valid_text(hostile_crawl: HostileCrawl) -> None:
    url = hostile_crawl.url("invalid-utf8")
    rows = query(
        hostile_crawl.archive, "select title, body from articles where url = ?", hostile_crawl.article_url(url)
    )
    problems = query(hostile_crawl.archive, "select problem from captures where url = ?", url)
    assert rows or any(problem for (problem,) in problems), "neither stored nor a problem recorded"
    for title, body in rows:
        for text in (title, body):
            text.encode("utf-8")  # no lone surrogates
            assert "\x00" not in text


def test_deep_nesting_and_huge_page_are_bounded(hostile_crawl: HostileCrawl) -> None:
    for name in ("deep-nesting", "huge-page"):
        rows = query(
            hostile_crawl.archive,
            "select length(body) from articles where url = ?",
            hostile_crawl.article_url(hostile_crawl.url(name)),
        )
        for (length,) in rows:
            assert length < 35_000_000


def test_redirect_loop_and_chain_are_bounded(hostile_crawl: HostileCrawl) -> None:
    hits = hostile_crawl.stats["hostile"]["hits"]
    assert hits.get("loop-a", 0) + hits.get("loop-b", 0) <= 2 * REDIRECT_LIMIT
    chain = sum(count for name, count in hits.items() if name.startswith("chain-"))
    assert chain <= REDIRECT_LIMIT + 1, hits
    start = outcome(hostile_crawl, hostile_crawl.url("chain-1"))
    assert start and all(row[0] == "refused" or row[1] == 302 or row[2] for row in start), start


def test_script_is_not_stored_as_markup(hostile_crawl: HostileCrawl) -> None:
    url = hostile_crawl.url("script-injection")
    stored = query(
        hostile_crawl.archive,
        "select id, title, html_title, body from articles where url = ?",
        hostile_crawl.article_url(url),
    )
    assert stored, "the script-injection article was not archived"
    article_id, title, html_title, body = stored[0]
    captions = [
        caption
        for (caption,) in query(hostile_crawl.archive, "select caption from figures where article_id = ?", article_id)
    ]
    for text in (title, html_title, body, *captions):
        lowered = (text or "").lower()
        assert "<script" not in lowered and "onerror" not in lowered and "onload" not in lowered, text


def test_script_code_is_not_taken_for_text(hostile_crawl: HostileCrawl) -> None:
    """Script elements are not content: their code does not end up in the title, captions or body."""
    url = hostile_crawl.url("script-injection")
    stored = query(
        hostile_crawl.archive, "select id, title, body from articles where url = ?", hostile_crawl.article_url(url)
    )
    assert stored
    article_id, title, body = stored[0]
    captions = [
        caption
        for (caption,) in query(hostile_crawl.archive, "select caption from figures where article_id = ?", article_id)
    ]
    for text in (title, body, *captions):
        assert "alert(" not in text and "document.write" not in text, text


def test_no_script_in_the_export(hostile_crawl: HostileCrawl, tmp_path: Path) -> None:
    result = run_cli(
        "export",
        "--archive",
        str(hostile_crawl.archive),
        "--format",
        "jsonl",
        "--out",
        str(tmp_path / "out"),
        "--no-progress",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    text = (tmp_path / "out" / "articles.jsonl").read_text(encoding="utf-8")
    assert "<script" not in text.lower()
    assert all(json.loads(line) for line in text.splitlines())


def test_warc_files_are_sound(hostile_crawl: HostileCrawl) -> None:
    assert warcio_check(hostile_crawl.archive) == []
    assert truncated_responses(hostile_crawl.archive) == []
    verify = run_cli("verify", "--archive", str(hostile_crawl.archive))
    assert verify.returncode == 0, verify.stdout[-3000:] + verify.stderr[-2000:]


def test_canary_received_nothing(hostile_crawl: HostileCrawl) -> None:
    assert hostile_crawl.canary.hits == []
