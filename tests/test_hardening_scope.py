"""Scope and safety: nothing outside the site is fetched, through links, redirects (to another host, to the
site's host on another port, to localhost, with credentials, to a private address, to file:, ftp: and data: URLs),
sitemap entries or attachments; each refusal is recorded in `refused_urls`; the operator contact comes from the
environment, never from code.

A canary server listens where the off-site URLs point (127.0.0.2 and 127.0.0.1 on another port) and must receive
no connection at all.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from dvscrape.replica.hostile import HostileConfig
from dvscrape.replica.process import start_replica_process
from tests.canary import Canary, MeasuredRun, crash_traces, query, run_cli_measured, start_canary
from tests.conftest import fast_crawl_args, run_cli

OPERATOR = "scope-test-operator@example.net"
CRAWLER_SOURCES = ("capture", "spiders", "sites", "archive", "cli", "settings", "runs")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+")
DOCUMENTATION_ADDRESSES = re.compile(r"@example\.(org|com|net)$")


@dataclass(frozen=True)
class ScopeCrawl:
    """One crawl of the replica with its off-site traps (``--hostile scope``)."""

    archive: Path
    run: MeasuredRun
    stats: dict[str, Any]
    replica_url: str
    canary: Canary
    config: HostileConfig


@pytest.fixture(scope="module")
def scope_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScopeCrawl]:
    directory = tmp_path_factory.mktemp("scope")
    with start_canary() as canary:
        from dvscrape.replica.process import start_replica_process

        replica = start_replica_process(
            "--articles",
            "20",
            "--slow-delay",
            "0",
            "--hostile",
            "scope",
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
                "-s",
                "RETRY_TIMES=1",
                "-s",
                "DOWNLOAD_TIMEOUT=5",
                "-s",
                "DVSCRAPE_PROGRESS_INTERVAL=0",
                workdir=directory,
                timeout=180,
                env={"DVSCRAPE_OPERATOR": OPERATOR},
            )
            with urllib.request.urlopen(f"{replica.url}/__replica__/stats") as response:
                stats = json.load(response)
        finally:
            replica.stop()
        config = HostileConfig(
            groups=frozenset({"scope"}), offsite_host_url=canary.host_url, offsite_port_url=canary.port_url
        )
        yield ScopeCrawl(directory / "archive", run, stats, replica.url, canary, config)


def refused(crawl: ScopeCrawl) -> dict[str, tuple[str, str, str]]:
    """url → (kind, reason, found_on) of every refusal."""
    rows = query(crawl.archive, "select url, kind, reason, found_on from refused_urls")
    return {url: (kind, reason, found_on) for url, kind, reason, found_on in rows}


def test_crawl_succeeds(scope_crawl: ScopeCrawl) -> None:
    assert scope_crawl.run.returncode == 0, scope_crawl.run.stdout + scope_crawl.run.stderr[-3000:]
    assert crash_traces(scope_crawl.run.stderr) == []
    redirects = {f"redirect-{kind}" for kind in scope_crawl.config.offsite_redirects()}
    assert set(scope_crawl.stats["hostile"]["hits"]) >= redirects


def test_canary_received_nothing(scope_crawl: ScopeCrawl) -> None:
    assert scope_crawl.canary.hits == []


def test_nothing_off_site_was_fetched(scope_crawl: ScopeCrawl) -> None:
    """No response from anywhere but the site is archived (failure rows without a record are not fetches)."""
    urls = [
        url
        for (url,) in query(
            scope_crawl.archive, "select url from captures where status is not null or warc_filename is not null"
        )
    ]
    assert urls
    assert [url for url in urls if not url.startswith(scope_crawl.replica_url + "/")] == []


@pytest.mark.parametrize("kind", sorted(HostileConfig().offsite_redirects()))
def test_off_site_redirect_is_refused_and_recorded(scope_crawl: ScopeCrawl, kind: str) -> None:
    target = scope_crawl.config.offsite_redirects()[kind]
    source = f"{scope_crawl.replica_url}/web/neoportal/-/hostile-redirect-{kind}"
    rows = refused(scope_crawl)
    found = {
        url: row
        for url, row in rows.items()
        if url == target or (kind == "credentials" and url.endswith("/redirected/credentials"))
    }
    assert found, f"no refused_urls row for the redirect to {target}"
    (_kind, reason, found_on), *_ = found.values()
    assert reason and found_on == source, found
    redirect = query(scope_crawl.archive, "select status from captures where url = ?", source)
    assert redirect and redirect[0][0] == 302, redirect  # the in-scope redirect itself is archived


@pytest.mark.parametrize("which", ["sitemap", "attachment", "link"])
def test_off_site_urls_found_on_pages_are_recorded(scope_crawl: ScopeCrawl, which: str) -> None:
    config = scope_crawl.config
    expected = {
        "sitemap": config.sitemap_urls(),
        "attachment": (
            f"{config.offsite_port_url}/documents/10180/0/offsite-attachment.pdf",
            f"{config.offsite_host_url}/documents/10180/0/other-host.docx",
        ),
        "link": config.offsite_links(),
    }[which]
    rows = refused(scope_crawl)
    missing = [url for url in expected if url not in rows]
    assert missing == [], f"not recorded as refused: {missing}"
    for url in expected:
        assert rows[url][1] and rows[url][2].startswith(scope_crawl.replica_url), rows[url]


def test_operator_contact_comes_from_the_environment(scope_crawl: ScopeCrawl) -> None:
    agents = scope_crawl.stats["user_agents"]
    assert agents and all(OPERATOR in agent for agent in agents), agents
    warc = sorted((scope_crawl.archive / "warc").glob("*.warc.gz"))[0]
    with open(warc, "rb") as handle:
        info = next(iter(ArchiveIterator(handle))).content_stream().read().decode("utf-8")
    assert OPERATOR in info


def test_no_contact_or_secret_is_written_in_the_crawler_code() -> None:
    root = Path(__file__).resolve().parent.parent / "dvscrape"
    found: list[str] = []
    for name in CRAWLER_SOURCES:
        paths = sorted((root / name).rglob("*.py"))
        assert paths, f"no crawler sources in dvscrape/{name}"
        for path in paths:
            text = path.read_text(encoding="utf-8")
            found += [
                f"{path.name}: {address}"
                for address in EMAIL.findall(text)
                if not DOCUMENTATION_ADDRESSES.search(address)
            ]
            found += [
                f"{path.name}: {match}"
                for match in re.findall(r"(?i)(?:password|secret|token|api_key)\s*=\s*['\"][^'\"]{6,}['\"]", text)
            ]
    assert found == []


def test_robots_txt_disallow_is_obeyed_and_recorded(tmp_path: Path) -> None:
    """A path robots.txt disallows is never fetched; each refusal is recorded and the crawl still succeeds."""
    replica = start_replica_process("--articles", "8", "--slow-delay", "0", "--robots-disallow", "/documents/")
    try:
        archive = tmp_path / "archive"
        result = run_cli(*fast_crawl_args(replica.url, archive, "-s", "DVSCRAPE_PROGRESS_INTERVAL=0"))
    finally:
        replica.stop()
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    fetched = query(archive, "select count(*) from captures where url like '%/documents/%'")
    assert fetched == [(0,)]
    refused = query(archive, "select url, reason from refused_urls where kind = 'robots'")
    assert refused and all("/documents/" in url and "robots.txt" in reason for url, reason in refused), refused
