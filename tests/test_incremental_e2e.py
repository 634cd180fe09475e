"""Scheduled crawls end to end: unchanged re-crawls, a site that changes between runs, kill -9 and resume."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from dvscrape.replica import build_corpus
from dvscrape.replica.process import ReplicaProcess, start_replica_process
from dvscrape.sites import get_profile
from tests.conftest import CLI, fast_crawl_args, run_cli

SITE_URL = get_profile("tanbinh").site_url

ARTICLES = 40
EVERY_ARTICLE_DUE = ("-s", "DVSCRAPE_RECHECK_OLD_DAYS=0", "-s", "DVSCRAPE_RECHECK_MONTH_DAYS=0")


def query(archive: Path, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(archive / "archive.sqlite") as connection:
        return connection.execute(sql, args).fetchall()


def crawl(replica: ReplicaProcess, archive: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*fast_crawl_args(replica.url, archive, "-s", "DVSCRAPE_PROGRESS_INTERVAL=0", *extra))


def port_of(url: str) -> str:
    return url.rsplit(":", 1)[1]


def test_site_changes_between_runs(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    replica = start_replica_process("--articles", str(ARTICLES), "--slow-delay", "0")
    try:
        first = crawl(replica, archive)
        assert first.returncode == 0, first.stderr[-2000:]
        # unchanged site, default policy: nothing is due, listings and sitemap come back as revisits
        second = crawl(replica, archive)
        assert second.returncode == 4, second.stdout + second.stderr[-2000:]
        # unchanged site, every article due: conditional requests answered 304, written as revisit records
        third = crawl(replica, archive, *EVERY_ARTICLE_DUE)
        assert third.returncode == 4, third.stdout + third.stderr[-2000:]
    finally:
        replica.stop()
    counts = {row[0]: row[1:] for row in query(archive, "select id, requests, articles_new, revisits from crawls")}
    assert counts[1][1] == ARTICLES
    assert counts[2][0] <= counts[1][0] * 0.25 and counts[2][1] == 0
    assert counts[3][2] >= ARTICLES
    profiles = dict(
        query(
            archive,
            "select revisit_profile, count(*) from captures where crawl_id = 3 "
            "and record_type = 'revisit' group by revisit_profile",
        )
    )
    assert profiles.get("server-not-modified", 0) >= ARTICLES - 2
    dangling = query(
        archive,
        "select count(*) from captures where record_type = 'revisit' and "
        "refers_to_capture_id not in (select id from captures where record_type = 'response')",
    )
    assert dangling == [(0,)]
    assert query(archive, "select count(*) from article_versions") == [(ARTICLES,)]
    hints = "select url, categories, published_date, published_source from articles order by url"
    before = {row[0]: row[1:] for row in query(archive, hints)}

    # the site changes: new, edited and removed articles (same host and port, edition 2)
    edition2 = build_corpus(2023, ARTICLES, edition=2)
    replica = start_replica_process(
        "--articles", str(ARTICLES), "--slow-delay", "0", "--edition", "2", "--port", port_of(counts_url(archive))
    )
    try:
        fourth = crawl(replica, archive, *EVERY_ARTICLE_DUE)
        assert fourth.returncode == 0, fourth.stdout + fourth.stderr[-2000:]
    finally:
        replica.stop()
    new_urls = {f"{SITE_URL}/web/neoportal/-/{t}" for t in edition2.added}
    stored = {url for (url,) in query(archive, "select url from articles")}
    assert new_urls <= stored
    for url_title in edition2.edited:
        versions = query(
            archive,
            "select count(*) from article_versions v join articles a on a.id = v.article_id where a.url like ?",
            f"%/-/{url_title}",
        )
        assert versions == [(2,)], url_title
    for url_title in edition2.removed:
        gone = query(archive, "select gone_since from articles where url like ?", f"%/-/{url_title}")
        assert gone and gone[0][0], url_title
    assert query(archive, "select count(*) from articles") == [(ARTICLES + len(edition2.added),)]
    # an edited article re-reached from the listings keeps the categories and date it had (listing hint included)
    after = {row[0]: row[1:] for row in query(archive, hints)}
    assert {url: after[url] for url in before} == before


def wait_for_captures(archive: Path, count: int, process: subprocess.Popen[bytes]) -> None:
    """Wait until the archive holds *count* captures (the crawl is well under way), for at most a minute."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if query(archive, "select count(*) from captures")[0][0] >= count:
                return
        except sqlite3.Error:
            pass  # not created yet
        time.sleep(0.05)
    raise AssertionError(f"the crawl did not reach {count} captures")


def counts_url(archive: Path) -> str:
    return query(archive, "select base_url from crawls order by id limit 1")[0][0]


def test_kill_minus_nine_then_resume_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    articles = 120
    replica = start_replica_process("--articles", str(articles), "--slow-delay", "0")
    slow = ("-s", "CONCURRENT_REQUESTS=1", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "DOWNLOAD_DELAY=0.02")
    try:
        # kill -9 at two points: early in the first run, and in the resumed run after it archived more
        for captures_before_kill in (25, 90):
            process = subprocess.Popen(
                [*CLI, *fast_crawl_args(replica.url, archive, *slow)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=dict(os.environ),
            )
            wait_for_captures(archive, captures_before_kill, process)
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        summary = tmp_path / "summary.json"
        final = crawl(replica, archive, "--summary-json", str(summary))
        assert final.returncode in (0, 4), final.stdout + final.stderr[-2000:]
    finally:
        replica.stop()
    assert query(archive, "select count(*), count(distinct url) from articles") == [(articles, articles)]
    statuses = [status for (status,) in query(archive, "select status from crawls order by id")]
    assert statuses[:2] == ["interrupted", "interrupted"] and len(statuses) == 3
    new_in_last_run = json.loads(summary.read_text())["counts"]["articles_new"]
    assert 0 < new_in_last_run < articles
    for path in (archive / "warc").glob("*.warc.gz"):
        check = subprocess.run(
            [str(Path(sys.executable).parent / "warcio"), "check", str(path)], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stdout + check.stderr
    for filename, offset, length, record_id in query(
        archive,
        "select warc_filename, warc_offset, warc_length, warc_record_id from captures where warc_filename is not null",
    ):
        with open(archive / "warc" / filename, "rb") as handle:
            handle.seek(offset)
            (record,) = list(ArchiveIterator(io.BytesIO(handle.read(length))))
        assert record.rec_headers.get_header("WARC-Record-ID") == record_id
