"""Session fixtures of the import and Wayback tests, shared so that each crawl of the replica runs once.

- ``wget_warc``: `wget --warc-file` (Debian's wget) mirroring the session replica (traps and locale copies rejected
  by a regex, as a careful archivist would).
- ``warcio_warc``: warcio's ``capture_http`` around plain ``requests`` calls replaying the requests the session crawl
  made (same URLs, same Referer, same order): another tool's WARC of the same exchanges.
- ``two_moments``: the replica at two moments (edition 1, then edition 2 with edits, removals and additions on the same
  port), crawled into ``first`` (edition 1), ``second`` (a fresh archive, edition 2) and ``history`` (edition 1 then
  edition 2 into one archive, every article re-checked).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dvscrape.replica import build_corpus
from dvscrape.replica.process import ReplicaProcess, start_replica_process
from dvscrape.warc.files import warc_files
from dvscrape.warc.walk import iter_records
from tests.conftest import CrawledArchive, run_cli

MOMENT_ARTICLES = 30
WGET_REJECT = (
    r"(/en_US/|/vi_VN/|/en/|/vi/|p_auth=|_58_|p_p_lifecycle=1|_82_|_3_keywords|_8_struts|"
    r"redirect=%2F(en_US|vi_VN)|redirect=%2Fweb%2Fneoportal%2F-%2F|viewMode=print|p_p_state=(maximized|pop_up)|"
    r"asset_publisher|/combo/|\.(css|js|woff2?|ico)(\?|$))"
)


@pytest.fixture(scope="session")
def wget_warc(replica: ReplicaProcess, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("wget") is None:
        pytest.skip("wget is not installed (.ci/run installs Debian's wget)")
    folder = tmp_path_factory.mktemp("wget")
    subprocess.run(
        [
            "wget", "--quiet", "--recursive", "--level", "4", "--no-parent", "-e", "robots=off",
            "--reject-regex", WGET_REJECT, "--warc-file", "portal", "--no-warc-keep-log",
            "--directory-prefix", str(folder / "mirror"),
            f"{replica.url}/web/neoportal/trang-chu", f"{replica.url}/sitemap.xml",
        ],
        cwd=folder,
        timeout=900,
        check=False,  # wget exits 8 when any page answered an error (the replica's 404 pages)
    )  # fmt: skip
    path = folder / "portal.warc.gz"
    assert path.is_file(), "wget wrote no WARC file"
    return path


CAPTURE_SCRIPT = """
import json, sys
from warcio.capture_http import capture_http  # before requests: it patches http.client
import requests

exchanges = json.load(open(sys.argv[2]))
with capture_http(sys.argv[1]), requests.Session() as session:
    for url, referer in exchanges:
        session.get(url, headers={"Referer": referer} if referer else {}, allow_redirects=False, timeout=30)
"""


@pytest.fixture(scope="session")
def warcio_warc(crawled_archive: CrawledArchive, tmp_path_factory: pytest.TempPathFactory) -> Path:
    exchanges: list[tuple[str, str]] = []
    for path in warc_files(crawled_archive.directory / "warc"):
        for record in iter_records(path, check_digests=False):
            if record.record_type == "request":
                exchanges.append((record.target_uri, record.http_header("Referer") or ""))
    folder = tmp_path_factory.mktemp("warcio")
    (folder / "exchanges.json").write_text(json.dumps(exchanges), encoding="utf-8")
    output = folder / "capture_http.warc.gz"
    subprocess.run(
        [sys.executable, "-c", CAPTURE_SCRIPT, str(output), str(folder / "exchanges.json")], check=True, timeout=600
    )
    return output


@dataclass(frozen=True)
class TwoMoments:
    first: Path
    second: Path
    history: Path
    base_url: str
    edited: tuple[str, ...]
    removed: tuple[str, ...]
    added: tuple[str, ...]


def _crawl(base_url: str, archive: Path, *extra: str) -> None:
    result = run_cli(
        "crawl", "tanbinh", "--base-url", base_url, "--archive", str(archive), "--fast",
        "-s", "DVSCRAPE_PROGRESS_INTERVAL=0", *extra,
    )  # fmt: skip
    assert result.returncode in (0, 3), result.stdout + result.stderr[-3000:]


@pytest.fixture(scope="session")
def two_moments(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoMoments]:
    root = tmp_path_factory.mktemp("moments")
    first, second, history = root / "first", root / "second", root / "history"
    replica = start_replica_process("--articles", str(MOMENT_ARTICLES), "--slow-delay", "0", quiet=True)
    try:
        _crawl(replica.url, first)
    finally:
        replica.stop()
    shutil.copytree(first, history)
    edition2 = build_corpus(2023, MOMENT_ARTICLES, edition=2)
    replica2 = start_replica_process(
        "--articles", str(MOMENT_ARTICLES), "--slow-delay", "0", "--edition", "2", port=replica.port, quiet=True
    )
    try:
        _crawl(replica2.url, second)
        _crawl(replica2.url, history, "-s", "DVSCRAPE_RECHECK_OLD_DAYS=0", "-s", "DVSCRAPE_RECHECK_MONTH_DAYS=0")
    finally:
        replica2.stop()
    yield TwoMoments(
        first,
        second,
        history,
        replica.url,
        tuple(edition2.edited),
        tuple(edition2.removed),
        tuple(edition2.added),
    )
