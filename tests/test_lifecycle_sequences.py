"""Nothing lost, nothing doubled: seeded random sequences of crawl, kill -9, resume, reextract, import and
export against the replica (served on two ports: the site, not the port, is the identity). After every step the
archive verifies (`dvscrape verify` exits 0; right after a kill -9 the half-written tail is allowed until the next
crawl repairs it), no article row is lost or doubled, every article keeps at least one version, and an export holds
one row per article."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dvscrape.replica.process import ReplicaProcess, start_replica_process
from tests.conftest import run_cli

ARTICLES = 20
STEPS = 6
OPERATIONS = ("crawl", "kill", "reextract", "import", "export")


@pytest.fixture(scope="module")
def sites() -> Iterator[tuple[ReplicaProcess, ReplicaProcess]]:
    first = start_replica_process("--articles", str(ARTICLES), "--slow-delay", "0")
    second = start_replica_process("--articles", str(ARTICLES), "--slow-delay", "0")
    yield first, second
    first.stop()
    second.stop()


@pytest.fixture(scope="module")
def foreign_warcs(sites: tuple[ReplicaProcess, ReplicaProcess], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """WARC files of another archive's crawl of the site, for `dvscrape import`."""
    other = tmp_path_factory.mktemp("foreign") / "archive"
    result = run_cli("crawl", "--base-url", sites[1].url, "--archive", str(other), "--fast")
    assert result.returncode == 0, result.stderr[-2000:]
    folder = other.parent / "warcs"
    folder.mkdir()
    for path in (other / "warc").glob("*.warc.gz"):
        shutil.copy(path, folder / path.name)
    return folder


def query(archive: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(archive / "archive.sqlite") as conn:
        return conn.execute(sql).fetchall()


def crawl_command(url: str, archive: Path) -> list[str]:
    return [sys.executable, "-m", "dvscrape", "crawl", "--base-url", url, "--archive", str(archive), "--fast",
            "-s", "CONCURRENT_REQUESTS=2", "-s", "DOWNLOAD_DELAY=0.01"]  # fmt: skip


def kill_during_crawl(url: str, archive: Path, rng: random.Random) -> None:
    """Start a crawl and kill -9 it after a random number of new captures (or let it end if it is quicker)."""
    before = query(archive, "select count(*) from captures")[0][0] if (archive / "archive.sqlite").exists() else 0
    target = before + rng.randint(3, 40)
    process = subprocess.Popen(crawl_command(url, archive), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        try:
            if query(archive, "select count(*) from captures")[0][0] >= target:
                break
        except sqlite3.Error:
            pass
        time.sleep(0.02)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()


@pytest.mark.parametrize("seed", [33, 79, 97])
def test_random_sequences_lose_and_double_nothing(
    seed: int, sites: tuple[ReplicaProcess, ReplicaProcess], foreign_warcs: Path, tmp_path: Path
) -> None:
    rng = random.Random(seed)
    archive = tmp_path / "archive"
    # the seeds are chosen so that the sequences start with a kill -9 and reach reextract, import and export
    # right after a kill; the last step is a crawl to completion
    steps = [rng.choice(("kill", "crawl")), *(rng.choice(OPERATIONS) for _ in range(STEPS - 2)), "crawl"]
    articles = 0
    history: list[str] = []
    for step in steps:
        site = rng.choice(sites)
        history.append(f"{step}@{site.port}")
        killed = False
        if step == "crawl":
            result = subprocess.run(crawl_command(site.url, archive), capture_output=True, text=True, timeout=300)
            assert result.returncode in (0, 4), (history, result.stdout, result.stderr[-2000:])
        elif step == "kill":
            kill_during_crawl(site.url, archive, rng)
            killed = True
        elif step == "reextract":
            result = run_cli("reextract", "--archive", str(archive))
            assert result.returncode in (0, 1), (history, result.stderr)
            assert "Traceback" not in result.stderr, (history, result.stderr)
            if result.returncode == 0:
                assert " 0 removed" in result.stdout, (history, result.stdout)
        elif step == "import":
            files = sorted(str(path) for path in foreign_warcs.iterdir())
            result = run_cli("import", *files, "--archive", str(archive), "--base-url", sites[1].url)
            assert result.returncode in (0, 3, 4), (history, result.stdout, result.stderr[-2000:])
        elif step == "export":
            out = tmp_path / "export"
            result = run_cli("export", "--format", "jsonl", "--out", str(out), "--archive", str(archive),
                             "--overwrite", "--no-progress")  # fmt: skip
            if (archive / "archive.sqlite").exists():
                assert result.returncode == 0, (history, result.stderr[-2000:])
                rows = sum(1 for _ in (out / "articles.jsonl").open(encoding="utf-8")) if result.returncode == 0 else 0
                assert rows == query(archive, "select count(*) from articles")[0][0], history
        if not (archive / "archive.sqlite").exists():
            continue
        count, distinct = query(archive, "select count(*), count(distinct url) from articles")[0]
        assert count == distinct, (history, "doubled articles")
        assert count >= articles, (history, f"articles lost: {articles} -> {count}")
        assert count <= ARTICLES, (history, count)
        articles = count
        unversioned = query(
            archive, "select count(*) from articles where id not in (select article_id from article_versions)"
        )
        assert unversioned == [(0,)], history
        if not killed:
            verify = run_cli("verify", "--archive", str(archive), "--json")
            assert verify.returncode == 0, (history, verify.stdout[-3000:], verify.stderr[-2000:])
    assert articles == ARTICLES, history
    bases = {base for (base,) in query(archive, "select base_url from crawls")}
    assert bases <= {sites[0].url, sites[1].url}, bases
    assert json.loads(run_cli("verify", "--archive", str(archive), "--json").stdout or "{}") is not None
