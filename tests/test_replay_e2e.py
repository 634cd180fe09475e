"""Replay end to end with a real pywb: the archive of a site crawled, re-crawled unchanged, changed and re-crawled
plays back through pywb's HTTP interface, from the WARC files (the collection `dvscrape replay` builds) and from the
WACZ (`wb-manager add --unpack-wacz`).

One crawl fixture for the module: the replica (edition 1) crawled, crawled again with every article due (the
articles answer 304 and are archived as server-not-modified revisits), then edition 2 (added, edited and removed
articles) crawled. For every article, the newest and the first capture replay with status 200 and the archived
title and body; everything the archived article page embeds (images, stylesheets, scripts, icons, fonts, the
/combo/ bundle) and every attachment it links replays with status 200 and the archived bytes; a rewritten (mp_)
page embeds no URL of the site that the archive lacks.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from dvscrape.archive.db import Archive
from dvscrape.errors import DvscrapeError
from dvscrape.pages import extract_page
from dvscrape.pages.article import Article
from dvscrape.pages.requisites import page_requisites
from dvscrape.replica.process import ReplicaProcess, start_replica_process
from dvscrape.serving.browser import chromium
from dvscrape.serving.replay import (
    COLLECTION,
    build_collection,
    free_port,
    pywb_tool,
    start_pywb,
    wait_until_serving,
)
from dvscrape.sites import get_profile
from dvscrape.sites.urls import UrlKind, classify
from dvscrape.warc.cdxj import cdx_timestamp
from tests.conftest import run_cli

ARTICLES = 12
EVERY_ARTICLE_DUE = ("-s", "DVSCRAPE_RECHECK_OLD_DAYS=0", "-s", "DVSCRAPE_RECHECK_MONTH_DAYS=0")
WACZ_COLLECTION = "wacz"
ROOT = Path(__file__).resolve().parent.parent

try:
    pywb_tool()
except DvscrapeError:
    pytest.skip("pywb is not installed (see README, Replay)", allow_module_level=True)


@dataclass(frozen=True)
class Replayed:
    """The crawled archive and a pywb serving it as two collections."""

    archive: Path
    base: str
    site_url: str

    def query(self, sql: str, *args: object) -> list[tuple]:
        with sqlite3.connect(self.archive / "archive.sqlite") as connection:
            return connection.execute(sql, args).fetchall()


def _crawl(replica: ReplicaProcess, archive: Path, *extra: str) -> None:
    result = run_cli(
        "crawl", "--base-url", replica.url, "--archive", str(archive), "--fast", "-s", "DVSCRAPE_PROGRESS_INTERVAL=0",
        *extra,
    )  # fmt: skip
    assert result.returncode in (0, 4), result.stdout + result.stderr[-3000:]


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replayed]:
    archive = tmp_path_factory.mktemp("replay") / "archive"
    replica = start_replica_process("--articles", str(ARTICLES), "--slow-delay", "0", quiet=True)
    try:
        _crawl(replica, archive)
        _crawl(replica, archive, *EVERY_ARTICLE_DUE)  # unchanged: 304s, archived as revisits
    finally:
        replica.stop()
    replica = start_replica_process(
        "--articles", str(ARTICLES), "--slow-delay", "0", "--edition", "2", port=replica.port, quiet=True
    )
    try:
        _crawl(replica, archive, *EVERY_ARTICLE_DUE)  # the site changed
    finally:
        replica.stop()
    wacz = archive.parent / "archive.wacz"
    result = run_cli("wacz", str(wacz), "--archive", str(archive))
    assert result.returncode == 0, result.stderr
    archived = Archive.open(archive, readonly=True)
    try:
        collection = build_collection(archived)
    finally:
        archived.close()
    manager = str(pywb_tool("wb-manager"))
    for command in ([manager, "init", WACZ_COLLECTION], [manager, "add", "--unpack-wacz", WACZ_COLLECTION, str(wacz)]):
        done = subprocess.run(command, cwd=collection.root, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
    port = free_port("127.0.0.1")
    process = start_pywb(collection.root, port=port)
    try:
        wait_until_serving(collection.root, "127.0.0.1", port, process)
        yield Replayed(archive, f"http://127.0.0.1:{port}", replica.url)
    finally:
        process.terminate()
        process.wait(timeout=20)


def fetch(url: str) -> tuple[int, bytes, dict[str, str]]:
    """GET *url* through pywb: status, body as sent (no Content-Encoding undone), headers."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def sha1_base32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data, usedforsecurity=False).digest()).decode("ascii")


def decoded(body: bytes, headers: dict[str, str]) -> bytes:
    encoding = {k.lower(): v for k, v in headers.items()}.get("content-encoding", "")
    return gzip.decompress(body) if "gzip" in encoding else body


def article_captures(replayed: Replayed, canonical: str) -> tuple[tuple, tuple]:
    """(first, newest) captures with content of an article: (url, fetched_at, capture id)."""
    rows = replayed.query(
        "SELECT url, fetched_at, id FROM captures WHERE canonical_url = ? AND kind = 'article' AND warc_record_id "
        "IS NOT NULL AND (status = 200 OR (status = 304 AND record_type = 'revisit')) ORDER BY fetched_at, id",
        canonical,
    )
    first = next(row for row in rows if replayed.query("SELECT status FROM captures WHERE id = ?", row[2])[0][0] == 200)
    return first, rows[-1]


def extracted(replayed: Replayed, url: str, body: bytes) -> Article:
    profile = get_profile("tanbinh", replayed.site_url)
    result = extract_page(url, body, profile)
    assert isinstance(result, Article), f"{url}: not an article in replay: {result}"
    return result


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("collection", [COLLECTION, WACZ_COLLECTION])
def test_every_article_replays_its_newest_and_first_capture(replayed: Replayed, collection: str) -> None:
    articles = replayed.query("SELECT id, url, title, body FROM articles WHERE gone_since IS NULL ORDER BY id")
    assert len(articles) >= ARTICLES
    revisits_replayed = 0
    for article_id, canonical, title, body in articles:
        first, newest = article_captures(replayed, canonical)
        first_title, first_body = replayed.query(
            "SELECT title, body FROM article_versions WHERE article_id = ? ORDER BY version LIMIT 1", article_id
        )[0]
        for (url, fetched_at, capture_id), (want_title, want_body) in (
            (newest, (title, body)),
            (first, (first_title, first_body)),
        ):
            timestamp = cdx_timestamp(fetched_at)
            status, page, headers = fetch(f"{replayed.base}/{collection}/{timestamp}id_/{url}")
            assert status == 200, f"{collection}: {url} at {timestamp} answered {status}"
            got = extracted(replayed, url, decoded(page, headers))
            assert words(got.title) == words(want_title), url
            assert words(want_body)[:200] in words(got.body), url
            if replayed.query("SELECT record_type FROM captures WHERE id = ?", capture_id)[0][0] == "revisit":
                revisits_replayed += 1
    assert revisits_replayed > 0  # the re-checks answered 304: their captures replay with content


def referenced_urls(replayed: Replayed, page_url: str, html: bytes) -> list[str]:
    """What an archived article page embeds, and the attachments it links, on the site's host."""
    host = urlsplit(page_url).netloc
    urls = [url for url in page_requisites(page_url, html) if urlsplit(url).netloc == host]
    attachments = replayed.query(
        "SELECT t.url FROM attachments AS t JOIN articles AS a ON a.id = t.article_id JOIN captures AS c "
        "ON c.id = a.capture_id WHERE c.url = ?",
        page_url,
    )
    return list(dict.fromkeys(urls + [url for (url,) in attachments if urlsplit(url).netloc == host]))


@pytest.mark.parametrize("collection", [COLLECTION, WACZ_COLLECTION])
def test_everything_an_article_references_replays_with_its_archived_bytes(replayed: Replayed, collection: str) -> None:
    kinds_seen: set[str] = set()
    problems: list[str] = []
    for url, fetched_at in replayed.query(
        "SELECT c.url, c.fetched_at FROM articles AS a JOIN captures AS c ON c.id = a.capture_id "
        "WHERE a.gone_since IS NULL ORDER BY a.id"
    ):
        timestamp = cdx_timestamp(fetched_at)
        status, page, headers = fetch(f"{replayed.base}/{collection}/{timestamp}id_/{url}")
        assert status == 200
        for reference in referenced_urls(replayed, url, decoded(page, headers)):
            archived = replayed.query(
                "SELECT payload_digest, kind FROM captures WHERE url = ? AND status = 200", reference
            )
            kinds_seen.update(kind for _, kind in archived)
            got_status, body, _ = fetch(f"{replayed.base}/{collection}/{timestamp}id_/{reference}")
            if got_status != 200:
                problems.append(f"{got_status} {reference}")
            elif sha1_base32(body) not in {digest for digest, _ in archived}:
                problems.append(f"bytes differ from the archived ones: {reference}")
    assert not problems, "\n".join(problems)
    assert {"media", "requisite"} <= kinds_seen


_REPLAYED_URL = re.compile(r"/\d{14}[a-z]{2}_/(https?://.+)$")


def _originals(page_url: str, markup: bytes, css: bool = False) -> set[str]:
    """The original URLs of what a rewritten page (or stylesheet) embeds."""
    from dvscrape.pages.requisites import css_references

    found = css_references(page_url, markup.decode("utf-8", "replace")) if css else page_requisites(page_url, markup)
    return {match.group(1) for url in found if (match := _REPLAYED_URL.search(url))}


def test_rewritten_pages_embed_nothing_the_archive_lacks(replayed: Replayed) -> None:
    host = urlsplit(replayed.site_url).netloc
    archived = {url for (url,) in replayed.query("SELECT url FROM captures WHERE warc_record_id IS NOT NULL")}
    missing: dict[str, str] = {}
    pages = replayed.query(
        "SELECT url, fetched_at FROM captures WHERE kind IN ('article', 'home', 'listing') AND status = 200 "
        "AND record_type = 'response' ORDER BY id"
    )
    stylesheets: dict[str, str] = {}
    for url, fetched_at in pages:
        replay = f"{replayed.base}/{COLLECTION}/{cdx_timestamp(fetched_at)}mp_/{url}"
        status, page, headers = fetch(replay)
        assert status == 200, url
        for reference in _originals(replay, decoded(page, headers)):
            if reference.split("?", 1)[0].endswith(".css"):
                stylesheets.setdefault(
                    reference, f"{replayed.base}/{COLLECTION}/{cdx_timestamp(fetched_at)}cs_/{reference}"
                )
            if urlsplit(reference).netloc == host and reference not in archived:
                missing.setdefault(reference, url)
    assert stylesheets
    for reference, replay in stylesheets.items():
        status, sheet, headers = fetch(replay)
        assert status == 200, reference
        for embedded in _originals(replay, decoded(sheet, headers), css=True):
            if urlsplit(embedded).netloc == host and embedded not in archived:
                missing.setdefault(embedded, reference)
    for reference, page_url in sorted(missing.items()):
        print(f"missing from the archive: {reference} (embedded by {page_url})")
    assert not missing, f"{len(missing)} embedded URL(s) missing from the archive (printed above)"


def test_index_is_cdxj_indexers_but_for_resolved_not_modified_revisits(replayed: Replayed) -> None:
    """cdxj-indexer as an independent witness: every line of dvscrape's index is the one it writes, except that a
    server-not-modified revisit (cdxj-indexer: mime warc/revisit, status 304) points at the response it confirmed,
    and a server error of a URL captured without one (the flaky article's 500, retried) is left out."""
    indexer = Path(sys.executable).parent / "cdxj-indexer"
    if not indexer.exists():
        pytest.skip("cdxj-indexer is not installed (pip install cdxj-indexer)")
    files = sorted((replayed.archive / "warc").glob("*.warc.gz"))
    done = subprocess.run([str(indexer), *map(str, files)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    indexed = [line for line in done.stdout.splitlines() if line]
    answered = {line.split(" ", 1)[0] for line in indexed if not re.search(r'"status": "5\d\d"', line)}
    retried = [line for line in indexed if re.search(r'"status": "5\d\d"', line) and line.split(" ", 1)[0] in answered]
    assert retried  # the flaky article's first answer
    theirs = sorted(line for line in indexed if line not in retried)
    ours = (replayed.archive / "replay" / "collections" / COLLECTION / "indexes" / "index.cdxj").read_text("utf-8")
    resolved = [line for line in ours.splitlines() if '"revisit": "server-not-modified"' in line]
    not_modified = [line for line in theirs if '"mime": "warc/revisit"' in line and '"status": "304"' in line]
    assert resolved and sorted(line.split(" {", 1)[0] for line in resolved) == sorted(
        line.split(" {", 1)[0] for line in not_modified
    )
    assert sorted(set(ours.splitlines()) - set(resolved)) == sorted(set(theirs) - set(not_modified))
    assert len(ours.splitlines()) == len(theirs)


def test_show_prints_the_replay_url_of_what_it_shows(replayed: Replayed) -> None:
    canonical, capture_url, fetched_at = replayed.query(
        "SELECT a.url, c.url, c.fetched_at FROM articles AS a JOIN captures AS c ON c.id = a.capture_id "
        "WHERE a.gone_since IS NULL ORDER BY a.id LIMIT 1"
    )[0]
    result = run_cli("show", canonical, "--archive", str(replayed.archive), "--replay-base", replayed.base)
    assert result.returncode == 0, result.stderr
    replay = next(line for line in result.stdout.splitlines() if line.startswith("replay: ")).split()[1]
    assert replay == f"{replayed.base}/{COLLECTION}/{cdx_timestamp(fetched_at)}/{capture_url}"
    status, _, _ = fetch(replay)
    assert status == 200


def test_dvscrape_replay_serves_the_archive_and_prints_the_home_page(replayed: Replayed) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "dvscrape", "replay", "--archive", str(replayed.archive), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        assert "index up to date" in lines[0], lines
        home = lines[2].split("home page, newest capture: ", 1)[1].strip()
        assert home.startswith("http://127.0.0.1:") and "/web/neoportal/trang-chu" in home
        assert fetch(home)[0] == 200
        timestamp = home.split(f"/{COLLECTION}/", 1)[1].split("/", 1)[0]
        status, page, headers = fetch(home.replace(f"/{timestamp}/", f"/{timestamp}mp_/"))
        assert status == 200 and "<title>" in decoded(page, headers).decode("utf-8")
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_replayed_article_can_be_photographed(replayed: Replayed, tmp_path: Path) -> None:
    """contrib/replay_screenshot.py (which made docs/replay-article.png) photographs a styled article in pywb."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("replay_screenshot", ROOT / "contrib" / "replay_screenshot.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if chromium() is None:
        pytest.skip("no headless Chromium (apt-get install chromium)")
    url, fetched_at = replayed.query(
        "SELECT c.url, c.fetched_at FROM articles AS a JOIN captures AS c ON c.id = a.capture_id ORDER BY a.id LIMIT 1"
    )[0]
    output = tmp_path / "article.png"
    module.screenshot(f"{replayed.base}/{COLLECTION}/{cdx_timestamp(fetched_at)}/{url}", output)
    data = output.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 50_000  # a blank page compresses to a few kilobytes


def test_article_links_with_back_link_parameters_replay(replayed: Replayed) -> None:
    """Listing pages link articles as /-/<urlTitle>?inheritRedirect=true&redirect=…; the crawl archives the article
    once, under its canonical URL, and `dvscrape replay`'s pywb rule finds it for every such link."""
    from lxml import html as lxml_html

    profile = get_profile("tanbinh", replayed.site_url)
    held = {url for (url,) in replayed.query("SELECT url FROM articles WHERE gone_since IS NULL")}
    # the replica's flaky article answered 500 once, then 200 to the crawl's retry: its link replays the 200
    assert replayed.query("SELECT canonical_url FROM captures WHERE status >= 500 AND kind = 'article'")
    checked, problems = 0, []
    for url, fetched_at in replayed.query(
        "SELECT url, fetched_at FROM captures WHERE kind IN ('home', 'listing') AND status = 200 "
        "AND record_type = 'response' ORDER BY id"
    ):
        timestamp = cdx_timestamp(fetched_at)
        status, page, headers = fetch(f"{replayed.base}/{COLLECTION}/{timestamp}id_/{url}")
        assert status == 200
        for href in lxml_html.fromstring(decoded(page, headers)).xpath("//a/@href"):
            link = urllib.parse.urljoin(url, str(href))
            decision = classify(link, profile)
            if decision.kind is not UrlKind.ARTICLE or decision.canonical not in held or "redirect=" not in link:
                continue
            if "/-/asset_publisher/" in link:
                continue  # another view of the article (see README, Replay: what is not archived)
            checked += 1
            got, _, _ = fetch(f"{replayed.base}/{COLLECTION}/{timestamp}id_/{link}")
            if got != 200:
                problems.append(f"{got} {link}")
    assert checked > 0
    log = (replayed.archive / "replay" / "pywb.log").read_text(encoding="utf-8", errors="replace")
    assert not problems, "\n".join(problems[:5]) + "\n" + log[-3000:]


def test_one_image_under_two_urls_is_stored_once_and_both_replay(replayed: Replayed) -> None:
    """The replica's header and footer name the logo with different ?t=: both URLs are archived and replay, the
    second as an identical-payload revisit of the first (its bytes stored once)."""
    rows = replayed.query(
        "SELECT id, url, record_type, revisit_profile, refers_to_capture_id, fetched_at FROM captures "
        "WHERE url LIKE '%/image/company_logo%' AND crawl_id = (SELECT min(id) FROM crawls) ORDER BY id"
    )
    assert len({url for _, url, *_ in rows}) == 2
    (first_id, _, first_type, *_), (_, _, second_type, profile, refers_to, _) = rows[:2]
    assert (first_type, second_type) == ("response", "revisit")
    assert profile == "identical-payload-digest" and refers_to == first_id
    bodies = set()
    for _, url, _, _, _, fetched_at in rows[:2]:
        status, body, _ = fetch(f"{replayed.base}/{COLLECTION}/{cdx_timestamp(fetched_at)}id_/{url}")
        assert status == 200, url
        bodies.add(body)
    assert len(bodies) == 1


def test_a_retried_server_error_never_replays_in_place_of_the_page(tmp_path: Path) -> None:
    """pywb as the witness: a page that answered 500, then 200 to the retry in the next second, replays the 200 even
    at the 500's own timestamp (pywb takes the capture nearest in time, to the second)."""
    from datetime import UTC, datetime, timedelta

    from dvscrape.warc.index_store import archive_index, write_index
    from dvscrape.warc.model import HttpExchange
    from dvscrape.warc.writer import WarcWriter

    url = "http://127.0.0.1:9/web/neoportal/-/bai-viet"
    collection = tmp_path / "collections" / "retried"
    (collection / "archive").mkdir(parents=True)
    (collection / "indexes").mkdir()
    failed_at = datetime(2024, 5, 6, 7, 8, 9, 900000, tzinfo=UTC)
    answers = ((500, failed_at, b"<p>error</p>"), (200, failed_at + timedelta(seconds=0.3), b"<p>ok</p>"))
    with WarcWriter(collection / "archive", prefix="retried", warcinfo={"operator": "test"}) as writer:
        for status, moment, body in answers:
            headers = (("Content-Type", "text/html;charset=UTF-8"), ("Content-Length", str(len(body))))
            writer.write_exchange(HttpExchange(url, "GET", (), b"", "HTTP/1.1", status, "", headers, body, moment))
    with archive_index(sorted((collection / "archive").glob("*.warc.gz"))) as store:
        write_index(store, collection / "indexes" / "index.cdxj")
    port = free_port("127.0.0.1")
    process = start_pywb(tmp_path, port=port)
    try:
        wait_until_serving(tmp_path, "127.0.0.1", port, process)
        timestamp = cdx_timestamp(failed_at.isoformat())
        assert fetch(f"http://127.0.0.1:{port}/retried/{timestamp}id_/{url}")[:2] == (200, b"<p>ok</p>")
    finally:
        process.terminate()
        process.wait(timeout=20)
