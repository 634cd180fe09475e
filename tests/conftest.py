"""Shared fixtures: the replica portal as a subprocess, and one crawl of it through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from dvscrape.replica.process import ReplicaProcess, start_replica_process

REPLICA_ARTICLES = 60


@pytest.fixture(scope="session")
def replica() -> Iterator[ReplicaProcess]:
    """The replica portal (60 articles, default seed, short slow page, a document of its own for every attachment:
    tests/replica_documents) for the whole test session."""
    with start_replica_process(
        "--articles", str(REPLICA_ARTICLES), "--slow-delay", "0.5", "--documents", "tests.replica_documents"
    ) as running:
        yield running


CLI = (sys.executable, "-m", "dvscrape")
"""The `dvscrape` command as a subprocess argument list."""


def fast_crawl_args(base_url: str, archive: Path, *extra: str) -> list[str]:
    """The arguments of `dvscrape crawl` of the site at *base_url* into *archive* with the fast local settings."""
    return ["crawl", "--base-url", base_url, "--archive", str(archive), "--fast", *extra]


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 600, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the `dvscrape` command as a user would, in a subprocess (*env*: variables to set or change)."""
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout, cwd=cwd, env=environment)


@dataclass(frozen=True)
class CrawledArchive:
    """An archive made by one full crawl of the replica through the CLI."""

    directory: Path
    result: subprocess.CompletedProcess[str]
    replica_url: str
    # What the crawl asked of the shared replica: its counters after the crawl less those before (other tests fetch
    # from it too): 'traps', 'trap_urls' and 'articles' (fetches per article).
    replica_stats: dict[str, Any] = field(default_factory=dict)

    @property
    def database(self) -> Path:
        return self.directory / "archive.sqlite"


@pytest.fixture(scope="session")
def crawled_archive(replica: ReplicaProcess, tmp_path_factory: pytest.TempPathFactory) -> CrawledArchive:
    """Crawl the whole replica once into a fresh archive (shared by the end-to-end tests)."""
    directory = tmp_path_factory.mktemp("crawl") / "archive"
    summary = directory.parent / "summary.json"
    urllib.request.urlopen(f"{replica.url}/__replica__/rearm").close()  # another file's crawl may have met it
    before = _replica_stats(replica.url)
    result = run_cli(
        "crawl",
        "tanbinh",
        "--base-url",
        replica.url,
        "--archive",
        str(directory),
        "--fast",
        "--summary-json",
        str(summary),
        "-s",
        "DVSCRAPE_PROGRESS_INTERVAL=0.5",
    )
    after = _replica_stats(replica.url)
    crawl_stats = {
        "traps": after["traps"] - before["traps"],
        "trap_urls": after["trap_urls"][len(before["trap_urls"]) :],
        "articles": {name: count - before["articles"].get(name, 0) for name, count in after["articles"].items()},
    }
    return CrawledArchive(directory, result, replica.url, crawl_stats)


def _replica_stats(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/__replica__/stats") as response:
        stats: dict[str, Any] = json.load(response)
    return stats


@dataclass(frozen=True)
class Running:
    """A living process as /proc shows it: its parent, its name and its start time (which tells a reused pid)."""

    pid: int
    parent: int
    name: str
    start: str


def _running() -> dict[int, Running]:
    found = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z":  # a zombie has ended
            found[int(entry.name)] = Running(int(entry.name), int(fields[1]), name, fields[19])
    return found


def descendants(pid: int) -> list[Running]:
    """The living descendants of process *pid*."""
    running, found, parents = _running(), [], {pid}
    while parents:
        children = [process for process in running.values() if process.parent in parents]
        found += children
        parents = {process.pid for process in children}
    return found


def kill_when(
    process: subprocess.Popen[Any], ready: Callable[[list[Running]], bool], *, seconds: float, deadline: float = 120
) -> None:
    """Wait (up to *deadline* seconds) until *ready* holds of *process*'s descendants, kill -9 it, and fail unless
    every one of them has ended *seconds* later."""
    limit = time.monotonic() + deadline
    try:
        while not ready(found := descendants(process.pid)):
            assert time.monotonic() < limit and process.poll() is None, f"not ready: {found}"
            time.sleep(0.05)
    finally:
        process.kill()
        process.wait()
    limit = time.monotonic() + seconds
    while left := [p for p in found if (now := _running().get(p.pid)) is not None and now.start == p.start]:
        assert time.monotonic() < limit, f"{left} still run {seconds} s after their ancestor was killed"
        time.sleep(0.1)
