"""A profile kept in the user's folder (DVSCRAPE_PROFILES_DIR) is found by every run that reads the site, the way the
live crawl finds it: the Wayback mode, given the folder as a setting, and reextract of an archive whose crawl was
made with it (the crawl records the folder)."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from dvscrape.replica import build_corpus
from dvscrape.replica.process import ReplicaProcess, start_replica_process
from dvscrape.sites import bundled_profiles_dir
from tests.conftest import run_cli

ARTICLES = 5


@pytest.fixture(scope="module")
def portal() -> Iterator[ReplicaProcess]:
    with start_replica_process("--articles", str(ARTICLES), "--slow-delay", "0", quiet=True) as running:
        yield running


@pytest.fixture()
def profiles(tmp_path: Path) -> Path:
    """A folder holding 'quan-tan-binh', the Tân Bình profile under another name: known only from this folder."""
    folder = tmp_path / "profiles"
    folder.mkdir()
    text = (bundled_profiles_dir() / "tanbinh.toml").read_text(encoding="utf-8")
    (folder / "quan-tan-binh.toml").write_text(text.replace('name = "tanbinh"', 'name = "quan-tan-binh"'), "utf-8")
    return folder


def _without_profiles_dir() -> None:
    assert "DVSCRAPE_PROFILES_DIR" not in os.environ  # the folder must come from the setting or the archive


def test_reextract_reads_the_archive_with_the_profile_its_crawl_used(
    portal: ReplicaProcess, profiles: Path, tmp_path: Path
) -> None:
    """Defect fixed: a crawl made with `-s DVSCRAPE_PROFILES_DIR=…` could not be re-extracted ('the archive records
    no crawl of a known site') unless the environment named the folder again."""
    _without_profiles_dir()
    archive = tmp_path / "archive"
    crawl = run_cli(
        "crawl", "quan-tan-binh", "--base-url", portal.url, "--archive", str(archive), "--fast",
        "-s", f"DVSCRAPE_PROFILES_DIR={profiles}",
    )  # fmt: skip
    assert crawl.returncode == 0, crawl.stdout + crawl.stderr[-2000:]
    rebuilt = run_cli("reextract", "--archive", str(archive))
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert f"{ARTICLES} article(s) stored" in rebuilt.stdout and "0 failure(s)" in rebuilt.stdout, rebuilt.stdout


class _WebArchive(BaseHTTPRequestHandler):
    """A pywb-like web archive at /coll/: its CDX API lists the portal's home page and first article as captured
    on 1 March 2024, and a capture's raw bytes are the portal's page now."""

    portal = ""
    captures: tuple[str, ...] = ()

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        if self.path.startswith("/coll/cdx"):
            lines = [json.dumps({"timestamp": "20240301000000", "url": url, "status": "200"}) for url in self.captures]
            body, kind = "\n".join(lines).encode(), "text/plain"
        else:
            original = self.path.split("id_/", 1)[1]
            with urllib.request.urlopen(original) as response:  # noqa: S310 - the portal on loopback
                body, kind = response.read(), response.headers["Content-Type"]
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


def test_the_wayback_mode_finds_the_profile_where_the_setting_says(
    portal: ReplicaProcess, profiles: Path, tmp_path: Path
) -> None:
    """Defect fixed: `dvscrape crawl SITE --from-wayback … -s DVSCRAPE_PROFILES_DIR=…` refused the site ('unknown
    site'): the Wayback mode looked for the profile among the bundled ones only."""
    _without_profiles_dir()
    article = build_corpus(2023, ARTICLES).articles[0]
    _WebArchive.portal = portal.url
    _WebArchive.captures = (f"{portal.url}/web/neoportal/trang-chu", f"{portal.url}{article.path}")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _WebArchive)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    archive = tmp_path / "archive"
    try:
        crawl = run_cli(
            "crawl", "quan-tan-binh", "--base-url", portal.url, "--archive", str(archive), "--fast",
            "--from-wayback", f"http://127.0.0.1:{server.server_address[1]}/coll/",
            "-s", f"DVSCRAPE_PROFILES_DIR={profiles}",
        )  # fmt: skip
    finally:
        server.shutdown()
    assert crawl.returncode == 0, crawl.stdout + crawl.stderr[-2000:]
    with sqlite3.connect(archive / "archive.sqlite") as conn:
        assert conn.execute("SELECT DISTINCT site FROM crawls").fetchall() == [("quan-tan-binh",)]
        titles = [title for (title,) in conn.execute("SELECT title FROM articles")]
    assert titles == [article.title]
