"""QA of a crawl's replay end to end: the replica crawled, the qa table, the crawl summary and `dvscrape qa`; pywb is
the witness that the pages QA says replay do, with every requisite it counts, and that the requisites it names
missing do not. Deduplication figures per crawl, checked against the WARC files read with warcio."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from warcio.archiveiterator import ArchiveIterator

from dvscrape.archive.db import Archive
from dvscrape.errors import DvscrapeError
from dvscrape.pages.requisites import _resolved, css_references, page_requisites
from dvscrape.replica.process import start_replica_process
from dvscrape.serving.browser import chromium, similarity
from dvscrape.serving.replay import pywb_serving, pywb_tool
from dvscrape.warc.cdxj import cdx_timestamp
from dvscrape.warc.index_store import INDEX_FOLDER
from dvscrape.warc.model import sha1_digest
from dvscrape.warc.payload import decode_content
from tests.conftest import CrawledArchive, fast_crawl_args, run_cli

ROOT = Path(__file__).resolve().parent.parent
ICON = "/html/icons/calendar.png"
EVERY_PAGE_DUE = ("-s", "DVSCRAPE_RECHECK_OLD_DAYS=0", "-s", "DVSCRAPE_RECHECK_MONTH_DAYS=0")
EVERY_PAGE_DUE += ("-s", "DVSCRAPE_RECHECK_PAGE_DAYS=0")


def have_pywb() -> bool:
    try:
        pywb_tool()
    except DvscrapeError:
        return False
    return True


needs_pywb = pytest.mark.skipif(not have_pywb(), reason="pywb is not installed (see README, Replay)")


def rows(archive: Path, sql: str, *args: object) -> list[dict[str, Any]]:
    with sqlite3.connect(archive / "archive.sqlite") as connection:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute(sql, args)]


def fetch(url: str, *, raw: bool = False) -> tuple[int, bytes, str]:
    """GET *url*: status, body (its Content-Encoding undone unless *raw*: then as archived, every coding accepted),
    Content-Type."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, deflate, br"} if raw else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, body, headers = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        status, body, headers = error.code, error.read(), error.headers
    body = body if raw else decode_content(body, headers.get("Content-Encoding", ""))
    return status, body, headers.get("Content-Type", "")


def witnessed_requisites(base: str, timestamp: str, page_url: str) -> dict[str, int]:
    """What pywb answers for every same-host requisite of the page it replays at *timestamp* (and of its
    stylesheets): URL → status, each fetched raw (``id_``)."""
    status, body, _ = fetch(f"{base}/{timestamp}id_/{page_url}")
    assert status == 200, page_url
    host = urlsplit(page_url).netloc
    pending = [url for url in page_requisites(page_url, body) if urlsplit(url).netloc == host]
    answers: dict[str, int] = {}
    while pending:
        url = pending.pop(0)
        if url in answers:
            continue
        answers[url], data, content_type = fetch(f"{base}/{timestamp}id_/{url}")
        if answers[url] == 200 and "css" in content_type:
            pending += [ref for ref in css_references(url, data.decode("utf-8")) if urlsplit(ref).netloc == host]
    return answers


def test_every_page_of_a_crawl_replays_whole_and_reads_as_stored(crawled_archive: CrawledArchive) -> None:
    """The crawl's own QA (run at its end): every page resolves to its capture, every requisite (the calendar
    icon of every page among them) replays, every article reads as stored; the summary says so in one line."""
    archive = crawled_archive.directory
    checks = rows(archive, "SELECT * FROM qa WHERE crawl_id = 1")
    pages = rows(archive, "SELECT id FROM captures WHERE crawl_id = 1 AND kind IN ('home', 'listing', 'article', "
                 "'page') AND status = 200")  # fmt: skip
    articles = rows(archive, "SELECT id FROM articles")
    assert len(checks) == len(pages) > len(articles) > 50
    assert all(check["resolves"] and check["replay_bad"] == 0 and check["crawl_bad"] == 0 for check in checks)
    assert all(check["requisites"] == check["replay_good"] == check["crawl_good"] > 10 for check in checks)
    assert sum(check["text_matches"] == 1 for check in checks) == len(articles)
    assert {check["text_matches"] for check in checks if check["kind"] != "article"} == {None}
    icon = rows(archive, "SELECT status FROM captures WHERE url = ?", crawled_archive.replica_url + ICON)
    assert [capture["status"] for capture in icon] == [200]
    line = f"QA: {len(pages)} pages checked, {len(pages)} with every requisite, 0 with one missing"
    assert line in crawled_archive.result.stdout
    summary = json.loads((archive.parent / "summary.json").read_text(encoding="utf-8"))
    assert summary["qa"]["pages"] == summary["qa"]["complete"] == len(pages)
    assert summary["qa"]["missing_on"] == [] and summary["qa"]["text_differs"] == 0


@needs_pywb
def test_pywb_replays_every_page_and_requisite_qa_counts(crawled_archive: CrawledArchive) -> None:
    archive = crawled_archive.directory
    checks = rows(archive, "SELECT q.url, q.requisites, c.fetched_at, c.payload_digest FROM qa AS q "
                  "JOIN captures AS c ON c.id = q.capture_id WHERE q.crawl_id = 1")  # fmt: skip
    with Archive.open(archive, readonly=True) as opened, pywb_serving(opened) as base:
        for check in checks:
            timestamp = cdx_timestamp(check["fetched_at"])
            status, body, _ = fetch(f"{base}/{timestamp}id_/{check['url']}", raw=True)
            assert status == 200 and sha1_digest(body) == check["payload_digest"], check["url"]  # its own capture
            answers = witnessed_requisites(base, timestamp, check["url"])
            assert len(answers) == check["requisites"], check["url"]
            assert set(answers.values()) == {200}, (check["url"], answers)


@pytest.fixture(scope="module")
def trapped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A crawl of a small replica with the substring trap rule put back (tests/substring_trap.py) and QA off."""
    archive = tmp_path_factory.mktemp("trapped") / "archive"
    with start_replica_process("--articles", "8", "--slow-delay", "0", quiet=True) as replica:
        command = [sys.executable, "-m", "tests.substring_trap", *fast_crawl_args(replica.url, archive)]
        command += ["-s", "DVSCRAPE_QA_ENABLED=0", "-s", "DVSCRAPE_PROGRESS_INTERVAL=0"]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr[-3000:]
        assert "QA:" not in done.stdout and not rows(archive, "SELECT id FROM qa")
        yield archive, replica.url


def test_qa_names_the_calendar_icon_missing_when_a_substring_trap_rule_stops_it(
    trapped: tuple[Path, str], tmp_path: Path
) -> None:
    archive, replica_url = trapped
    summary_file = tmp_path / "qa.json"
    result = run_cli("qa", "--archive", str(archive), "--summary-json", str(summary_file))
    assert result.returncode == 3, result.stdout + result.stderr
    checks = rows(archive, "SELECT * FROM qa")
    assert checks and all(json.loads(check["missing"]) == [replica_url + ICON] for check in checks)
    assert all(check["resolves"] and check["replay_bad"] == check["crawl_bad"] == 1 for check in checks)
    assert f"QA: {len(checks)} pages checked, 0 with every requisite, {len(checks)} with one missing" in result.stdout
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    assert summary["status"] == "partial" and summary["incomplete"] == len(checks)
    assert summary["missing_on"] == [check["url"] for check in checks[:3]]
    again = run_cli("qa", "--archive", str(archive), "--crawl", "1")
    assert again.returncode == 3 and len(rows(archive, "SELECT id FROM qa")) == len(checks)  # replaced, not added
    unknown = run_cli("qa", "--archive", str(archive), "--crawl", "99")
    assert unknown.returncode == 2 and unknown.stderr.strip() == "Error: there is no crawl 99 in the archive"
    missing = run_cli("qa", "--archive", str(tmp_path / "nothing"))
    assert missing.returncode == 7 and len(missing.stderr.strip().splitlines()) == 1


@needs_pywb
def test_pywb_cannot_replay_the_icon_qa_names_missing(trapped: tuple[Path, str]) -> None:
    archive, replica_url = trapped
    if not rows(archive, "SELECT id FROM qa"):
        run_cli("qa", "--archive", str(archive))
    checks = rows(archive, "SELECT q.url, q.requisites, c.fetched_at FROM qa AS q "
                  "JOIN captures AS c ON c.id = q.capture_id")  # fmt: skip
    with Archive.open(archive, readonly=True) as opened, pywb_serving(opened) as base:
        for check in checks[:5]:
            answers = witnessed_requisites(base, cdx_timestamp(check["fetched_at"]), check["url"])
            assert len(answers) == check["requisites"]
            assert {url for url, status in answers.items() if status != 200} == {replica_url + ICON}


def test_qa_follows_revisits_and_counts_deduplication(tmp_path: Path) -> None:
    """A second crawl with every page due: pages and requisites answer 304 (server-not-modified revisits) and QA
    resolves each to the response it confirmed. The deduplication figures of both crawls are those the WARC files
    themselves give (warcio): unique payload digests, URLs, duplicate URLs and the payload bytes not stored again.
    The QA at each crawl's end reads only the WARC files the archive's kept index does not hold (the crawl's own),
    and finds what an index built from scratch finds."""
    archive = tmp_path / "archive"
    summaries = []
    files: list[set[str]] = []
    with start_replica_process("--articles", "6", "--slow-delay", "0", quiet=True) as replica:
        for number, extra in enumerate(((), EVERY_PAGE_DUE), start=1):
            summary_file = tmp_path / f"summary-{number}.json"
            extra += ("-s", "DVSCRAPE_WARC_MAX_SIZE=60000")  # several files per crawl
            result = run_cli(*fast_crawl_args(replica.url, archive, "--summary-json", str(summary_file), *extra))
            assert result.returncode in (0, 4), result.stdout + result.stderr[-3000:]
            summaries.append(json.loads(summary_file.read_text(encoding="utf-8")))
            files.append({path.name for path in (archive / "warc").glob("*.warc.gz")} - set().union(*files))
    assert len(files[0]) >= 3 and files[1]
    assert [summary["qa"]["warc_files_indexed"] for summary in summaries] == [len(files[0]), len(files[1])]
    second = rows(archive, "SELECT * FROM qa WHERE crawl_id = 2")
    again = tmp_path / "again.json"
    assert run_cli("qa", "--archive", str(archive), "--summary-json", str(again)).returncode == 0
    assert json.loads(again.read_text(encoding="utf-8"))["warc_files_indexed"] == 0
    shutil.rmtree(archive / INDEX_FOLDER)
    assert run_cli("qa", "--archive", str(archive), "--summary-json", str(again)).returncode == 0
    assert json.loads(again.read_text(encoding="utf-8"))["warc_files_indexed"] == len(files[0] | files[1])
    columns = "capture_id, resolves, requisites, crawl_good, replay_good, missing, text_matches, problem"
    assert rows(archive, f"SELECT {columns} FROM qa WHERE crawl_id = 2") == [
        {name: check[name] for name in columns.split(", ")} for check in second
    ]
    revisits = rows(archive, "SELECT id FROM captures WHERE crawl_id = 2 AND record_type = 'revisit' "
                    "AND kind IN ('home', 'listing', 'article', 'page')")  # fmt: skip
    assert len(revisits) >= 6 and len(second) >= len(revisits)
    assert all(check["resolves"] and not check["replay_bad"] for check in second)
    assert sum(check["text_matches"] == 1 for check in second) == 6
    witness = _warc_figures(archive)
    for crawl_id, summary in enumerate(summaries, start=1):
        assert summary["dedup"] == witness[crawl_id], crawl_id
        columns = "captures AS urls, revisits AS duplicate_urls, unique_digests, bytes_conserved"
        assert rows(archive, f"SELECT {columns} FROM crawls WHERE id = ?", crawl_id) == [summary["dedup"]]
    assert witness[2]["duplicate_urls"] > 10 and witness[2]["bytes_conserved"] > 50_000
    assert witness[1]["unique_digests"] < witness[1]["urls"]  # the logo under two URLs; icons the replica shares


def _warc_figures(archive: Path) -> dict[int, dict[str, int]]:
    """Per crawl (its files named by their warcinfo's crawl-id): unique payload digests of its response records,
    URLs (response and revisit records), duplicate URLs (revisit records) and bytes conserved (the payload length of
    the response each revisit refers to)."""
    payload_length: dict[str, int] = {}
    per_crawl: dict[int, dict[str, Any]] = {}
    revisits: list[tuple[int, str]] = []
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        crawl_id = 0
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                kind = record.rec_type
                if kind == "warcinfo":
                    info = record.content_stream().read().decode("utf-8")
                    crawl_id = int(next(ln.split(":", 1)[1] for ln in info.splitlines() if ln.startswith("crawl-id")))
                    per_crawl.setdefault(crawl_id, {"digests": set(), "urls": 0, "revisits": 0})
                elif kind == "response":
                    payload_length[record.rec_headers.get_header("WARC-Record-ID")] = len(record.raw_stream.read())
                    per_crawl[crawl_id]["digests"].add(record.rec_headers.get_header("WARC-Payload-Digest"))
                    per_crawl[crawl_id]["urls"] += 1
                elif kind == "revisit":
                    revisits.append((crawl_id, record.rec_headers.get_header("WARC-Refers-To")))
                    per_crawl[crawl_id]["urls"] += 1
                    per_crawl[crawl_id]["revisits"] += 1
    conserved: dict[int, int] = {}
    for crawl_id, refers_to in revisits:
        conserved[crawl_id] = conserved.get(crawl_id, 0) + payload_length[refers_to]
    return {
        crawl_id: {
            "unique_digests": len(figures["digests"]),
            "urls": figures["urls"],
            "duplicate_urls": figures["revisits"],
            "bytes_conserved": conserved.get(crawl_id, 0),
        }
        for crawl_id, figures in per_crawl.items()
    }


@needs_pywb
@pytest.mark.skipif(chromium() is None, reason="no headless Chromium (apt-get install chromium)")
def test_screenshots_of_live_and_replayed_pages_are_alike(crawled_archive: CrawledArchive, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(crawled_archive.directory, archive, ignore=shutil.ignore_patterns("replay"))
    result = run_cli("qa", "--archive", str(archive), "--screenshots", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    shot = rows(archive, "SELECT capture_id, kind, screenshot_similarity FROM qa WHERE screenshot_similarity "
                "IS NOT NULL")  # fmt: skip
    assert len(shot) == 2 and {row["kind"] for row in shot} == {"article"}
    assert all(row["screenshot_similarity"] > 0.99 for row in shot), shot
    folder = archive / "qa" / "crawl-1"
    first, second = (row["capture_id"] for row in shot)
    assert similarity(folder / f"{first}-live.png", folder / f"{second}-replay.png") < 0.97  # two different pages


def test_similarity_counts_the_pixels_that_differ(tmp_path: Path) -> None:
    white = Image.new("RGB", (100, 100), "white")
    white.save(tmp_path / "a.png")
    marked = white.copy()
    marked.paste((0, 0, 0), (0, 0, 10, 100))
    marked.save(tmp_path / "b.png")
    Image.new("RGB", (100, 120), "white").save(tmp_path / "c.png")
    assert similarity(tmp_path / "a.png", tmp_path / "a.png") == 1.0
    assert similarity(tmp_path / "a.png", tmp_path / "b.png") == pytest.approx(0.9)
    assert similarity(tmp_path / "a.png", tmp_path / "c.png") == pytest.approx(100 / 120)


@settings(max_examples=2000, deadline=None)
@given(
    st.sampled_from(["http://h.vn/a/b?c#d", "https://www.x.gov.vn", "http://127.0.0.1:8080/web/x/", "HTTP://H/a",
                     "https://u@h:1/p;q?r", "http://h?x=1", "https://h.vn/./a/../b/", "https://h.vn#f"]),
    st.text(alphabet="ab/.?#;=%:&@ 1+~\\\t\n'()*!$,_-ăZ9", max_size=14),
)  # fmt: skip
def test_a_requisite_reference_resolves_as_urljoin_resolves_it(base: str, reference: str) -> None:
    """The short way for root-relative references gives what urljoin gives (the fragment dropped)."""
    for candidate in (reference, "/" + reference):
        assert _resolved(base, candidate) == urldefrag(urljoin(base, candidate.strip()))[0]
