"""Shared fixtures: the replica portal as a subprocess, and one crawl of it through the CLI."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPLICA_ARTICLES = 60


@dataclass(frozen=True)
class RunningReplica:
    """A replica server subprocess and its base URL."""

    url: str
    process: subprocess.Popen[str]


def start_replica_process(*args: str) -> RunningReplica:
    """Start `python -m dvscrape.replica --port 0 ARGS` and read its URL from the first line it prints."""
    process = subprocess.Popen(
        [sys.executable, "-m", "dvscrape.replica", "--host", "127.0.0.1", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"https?://\S+", line)
    if not match:
        process.kill()
        raise RuntimeError(f"replica did not print its URL: {line!r}")
    return RunningReplica(match.group(0).rstrip("/"), process)


def stop(replica: RunningReplica) -> None:
    replica.process.terminate()
    try:
        replica.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        replica.process.kill()


@pytest.fixture(scope="session")
def replica() -> Iterator[RunningReplica]:
    """The replica portal (60 articles, default seed, short slow page) for the whole test session."""
    running = start_replica_process("--articles", str(REPLICA_ARTICLES), "--slow-delay", "0.5")
    yield running
    stop(running)


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run the `dvscrape` command as a user would, in a subprocess."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run(
        [sys.executable, "-m", "dvscrape", *args], capture_output=True, text=True, timeout=timeout, cwd=cwd, env=env
    )


@dataclass(frozen=True)
class CrawledArchive:
    """An archive made by one full crawl of the replica through the CLI."""

    directory: Path
    result: subprocess.CompletedProcess[str]
    replica_url: str

    @property
    def database(self) -> Path:
        return self.directory / "archive.sqlite"


@pytest.fixture(scope="session")
def crawled_archive(replica: RunningReplica, tmp_path_factory: pytest.TempPathFactory) -> CrawledArchive:
    """Crawl the whole replica once into a fresh archive (shared by the end-to-end tests)."""
    directory = tmp_path_factory.mktemp("crawl") / "archive"
    summary = directory.parent / "summary.json"
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
    return CrawledArchive(directory, result, replica.url)
