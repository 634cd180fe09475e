"""An import's work is proportional to what it adds: into an archive holding a crawl of the whole replica, an import
of a small WARC reads again only the captures of the article URLs it added captures of (with their history) and
the listing and sitemap pages no rebuild had read; the records read are counted at the one reader of WARC bodies,
not timed. A full `reextract` afterwards reads every page and adds no version: the histories the import wrote are
the ones a full rebuild writes."""

from __future__ import annotations

import json
import shutil
import sqlite3
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from dvscrape.archive.db import Archive
from dvscrape.pages.listing import extract_listing
from dvscrape.runs import pagework, rebuild
from dvscrape.runs.imports import import_paths
from dvscrape.runs.rebuild import reextract
from dvscrape.sites import get_profile
from tests.conftest import CrawledArchive, run_cli

Capture = tuple[str, bytes, datetime]  # URL, body, capture time
# the rebuilds below extract in this process (workers=1, the default), where the reads are counted


def write_warc(path: Path, captures: list[Capture]) -> None:
    """A WARC file as another tool writes it (warcio), one response record per capture."""
    with open(path, "wb") as output:
        writer = WARCWriter(output, gzip=True)
        for url, body, moment in captures:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html;charset=UTF-8")], protocol="HTTP/1.1")
            date = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
            record = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http,
                                               warc_headers_dict={"WARC-Date": date})  # fmt: skip
            writer.write_record(record)


def fetched(url: str) -> bytes:
    with urllib.request.urlopen(url) as answer:
        return bytes(answer.read())


def edited(conn: sqlite3.Connection, canonical: str, body: bytes) -> bytes:
    (title,) = conn.execute("SELECT title FROM articles WHERE url = ?", (canonical,)).fetchone()
    assert title.encode() in body
    return body.replace(title.encode(), f"{title} (bản cập nhật)".encode())


def replayed_reads(conn: sqlite3.Connection, canonicals: set[str]) -> set[tuple[str, int]]:
    """Where the article pages of *canonicals* that a rebuild reads are: every 2xx response captured of them."""
    marks = ", ".join("?" for _ in canonicals)
    rows = conn.execute(
        f"SELECT warc_filename, warc_offset FROM captures WHERE canonical_url IN ({marks}) AND kind = 'article' "
        "AND record_type = 'response' AND status BETWEEN 200 AND 299",
        sorted(canonicals),
    )
    return {(str(name), int(offset)) for name, offset in rows}


def resting_on_listing(conn: sqlite3.Connection, url: str, body: bytes, base_url: str) -> set[str]:
    """The stored articles the listing page shows (as the page object reads it, the same at every capture of the
    replica) whose record rests on a listing hint: no date or no category of the page's own."""
    shown = {entry.url for entry in extract_listing(url, body, get_profile("tanbinh", base_url)).entries}
    rows = conn.execute("SELECT url, published_source, categories, flags FROM articles").fetchall()
    return {
        str(found)
        for found, source, categories, flags in rows
        if found in shown
        and (source not in ("metadata", "meta") or categories in ("", "[]") or "categories-from-listing" in flags)
    }


def histories(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    return conn.execute(
        "SELECT a.url, v.version, v.content_hash, v.title, v.published_date, v.category, v.seen_at, v.reason, "
        "v.supersedes, v.capture_id FROM article_versions v JOIN articles a ON a.id = v.article_id "
        "ORDER BY a.url, v.version"
    ).fetchall()


@pytest.fixture
def counted_reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """(file name, offset) of every WARC record the rebuild reads, as it reads them."""
    reads: list[tuple[str, int]] = []
    original: Callable[..., Any] = rebuild.read_record_at

    def counting(path: Path, offset: int, length: int, **options: Any) -> Any:
        reads.append((Path(path).name, offset))
        return original(path, offset, length, **options)

    for module in (rebuild, pagework):  # the listing and sitemap pages, the article pages (read in this process)
        monkeypatch.setattr(module, "read_record_at", counting)
    return reads


def page_links(conn: sqlite3.Connection) -> dict[int, list[tuple[str, ...]]]:
    """What each read listing or sitemap capture shows, by capture id."""
    links: dict[int, list[tuple[str, ...]]] = {}
    for capture_id, *shown in conn.execute(
        "SELECT capture_id, article_url, title, shown_date, category FROM page_links ORDER BY capture_id, rowid"
    ):
        links.setdefault(capture_id, []).append(tuple(shown))
    for (capture_id,) in conn.execute("SELECT capture_id FROM hint_pages_read"):
        links.setdefault(capture_id, [])
    return links


def test_an_import_reads_again_only_the_pages_it_touched(
    crawled_archive: CrawledArchive, tmp_path: Path, counted_reads: list[tuple[str, int]]
) -> None:
    directory = tmp_path / "archive"
    shutil.copytree(crawled_archive.directory, directory)
    base_url = crawled_archive.replica_url
    conn = sqlite3.connect(directory / "archive.sqlite")
    articles = conn.execute(
        "SELECT DISTINCT c.url, c.canonical_url FROM captures c JOIN articles a ON a.url = c.canonical_url "
        "WHERE c.kind = 'article' AND c.status = 200 AND c.record_type = 'response' ORDER BY c.canonical_url"
    ).fetchall()
    (pages_archived,) = conn.execute(
        "SELECT count(*) FROM captures WHERE kind = 'article' AND status = 200 AND record_type = 'response'"
    ).fetchone()
    (hint_pages,) = conn.execute(
        "SELECT count(*) FROM captures WHERE record_type = 'response' AND ((kind = 'listing' AND status = 200) "
        "OR (kind = 'sitemap' AND status BETWEEN 200 AND 299))"
    ).fetchone()
    (listing,) = conn.execute(
        "SELECT url FROM captures WHERE kind = 'listing' AND status = 200 ORDER BY id LIMIT 1"
    ).fetchone()
    assert len(articles) > 50 and hint_pages > 0
    # the crawl kept what each of its listing and sitemap pages shows, as a rebuild reads it (checked below)
    (recorded,) = conn.execute("SELECT count(*) FROM hint_pages_read").fetchone()
    assert recorded == hint_pages
    crawl_links = page_links(conn)
    later, earlier = datetime.now(UTC) + timedelta(days=1), datetime(2020, 5, 1, tzinfo=UTC)

    # a first import through the CLI: three articles (one edited since) and a listing page, a day after the crawl
    first = [(url, fetched(url), later) for url, _ in articles[:3]]
    first[0] = (first[0][0], edited(conn, articles[0][1], first[0][1]), later)
    listing_body = fetched(listing)
    write_warc(tmp_path / "first.warc.gz", [*first, (listing, listing_body, later)])
    result = run_cli("import", str(tmp_path / "first.warc.gz"), "--archive", str(directory), "--base-url", base_url)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    touched = {canonical for _, canonical in articles[:3]} | resting_on_listing(conn, listing, listing_body, base_url)
    assert f"re-read {len(replayed_reads(conn, touched))} article page(s)" in result.stdout, result.stdout
    # the crawl's listing and sitemap pages are not read again: only the import's own listing page
    assert "and 1 listing or sitemap page(s) not read before" in result.stdout, result.stdout
    (stored,) = conn.execute("SELECT counts FROM crawls ORDER BY id DESC LIMIT 1").fetchone()
    stored_counts = json.loads(stored)  # the figures shown are the ones stored
    assert (stored_counts["pages_reread"], stored_counts["hint_pages_read"]) == (len(replayed_reads(conn, touched)), 1)
    # the edited article has one more version, the two others none, and no article is new
    assert "0 new article(s), 1 updated" in result.stdout, result.stdout
    assert (stored_counts["articles_new"], stored_counts["articles_updated"]) == (0, 1)

    # a second import, in process, counted at the reader: two other articles, one as it was before the crawl
    second = [(url, fetched(url), later + timedelta(days=1)) for url, _ in articles[3:5]]
    second[1] = (second[1][0], edited(conn, articles[4][1], second[1][1]), earlier)
    write_warc(tmp_path / "second.warc.gz", second)
    with Archive.open(directory) as archive:
        archive.acquire_crawl_lock()
        imported = import_paths(archive, [tmp_path / "second.warc.gz"], get_profile("tanbinh", base_url))
    touched = {canonical for _, canonical in articles[3:5]}
    expected = replayed_reads(conn, touched)
    assert len(expected) == 2 + 2  # the two imported pages and the crawl's capture of each
    assert set(counted_reads) == expected and len(counted_reads) == len(expected)
    assert (imported.pages_reread, imported.hint_pages_read, imported.failures) == (len(expected), 0, [])
    assert len(counted_reads) * 10 < pages_archived  # a few pages out of the whole archive
    seen = conn.execute(
        "SELECT v.seen_at FROM article_versions v JOIN articles a ON a.id = v.article_id WHERE a.url = ? "
        "ORDER BY v.version",
        (articles[4][1],),
    ).fetchall()
    assert [moment[:10] for (moment,) in seen][0] == "2020-05-01" and len(seen) == 2  # the older capture first

    # a full rebuild reads every page again, and finds nothing to add: the import wrote the same histories
    before = histories(conn)
    counted_reads.clear()
    with Archive.open(directory) as archive:
        archive.acquire_crawl_lock()
        full = reextract(archive)
    conn.close()
    conn = sqlite3.connect(directory / "archive.sqlite")
    assert (full.pages, full.hint_pages, full.appended_versions, full.failures) == (
        pages_archived + 3 + 2,
        hint_pages + 1,
        0,
        [],
    )
    assert len(counted_reads) == full.pages + full.hint_pages
    assert histories(conn) == before
    rebuilt_links = page_links(conn)
    assert {key: rebuilt_links[key] for key in crawl_links} == crawl_links  # the crawl kept what a rebuild reads
    conn.close()


def test_a_listing_page_that_cannot_be_read_for_its_hints_is_a_named_failure(
    crawled_archive: CrawledArchive, tmp_path: Path
) -> None:
    """Defect fixed: a listing or sitemap capture whose record could not be read gave no hints and no word of it."""
    directory = tmp_path / "archive"
    shutil.copytree(crawled_archive.directory, directory)
    with sqlite3.connect(directory / "archive.sqlite") as conn:
        (url,) = conn.execute(
            "SELECT url FROM captures WHERE kind = 'listing' AND status = 200 AND warc_record_id IS NOT NULL "
            "ORDER BY id LIMIT 1"
        ).fetchone()
        conn.execute("UPDATE captures SET warc_offset = warc_offset + 7 WHERE url = ? AND kind = 'listing'", (url,))
    with Archive.open(directory) as archive:
        result = reextract(archive, dry_run=True)
    named = [failure for failure in result.failures if "cannot be read for its hints" in failure]
    assert named and all(failure.startswith(url) for failure in named), result.failures


def test_a_listing_capture_between_two_others_rereads_what_its_neighbours_showed(
    crawled_archive: CrawledArchive, tmp_path: Path, counted_reads: list[tuple[str, int]]
) -> None:
    """A new capture of a listing takes the place of the capture next to it in time for the articles captured
    nearer to it: an article the earlier capture showed and the new one does not loses that hint, so the import
    must read it again although it added no capture of it. Three captures of one listing (the crawl's, one ten days
    later, one four days later without the article); the full rebuild afterwards finds nothing to change."""
    directory = tmp_path / "archive"
    shutil.copytree(crawled_archive.directory, directory)
    base_url = crawled_archive.replica_url
    conn = sqlite3.connect(directory / "archive.sqlite")
    listings = conn.execute("SELECT url FROM captures WHERE kind = 'listing' AND status = 200 ORDER BY id").fetchall()
    listing, body, article = "", b"", ""
    for (url,) in listings:
        body = fetched(url)
        resting = sorted(resting_on_listing(conn, url, body, base_url))
        if resting:
            listing, article = url, resting[0]
            break
    assert article, "no article of the replica rests on a listing hint"
    (article_url,) = conn.execute(
        "SELECT url FROM captures WHERE canonical_url = ? AND kind = 'article' AND status = 200", (article,)
    ).fetchone()
    slug = article.rsplit("/", 1)[-1].encode()
    without = body.replace(slug, b"bai-da-go-" + slug)  # the listing no longer shows the article
    assert article not in {
        entry.url for entry in extract_listing(listing, without, get_profile("tanbinh", base_url)).entries
    }
    start = datetime.now(UTC) + timedelta(days=1)

    def imported(name: str, captures: list[Capture]) -> str:
        write_warc(tmp_path / name, captures)
        done = run_cli("import", str(tmp_path / name), "--archive", str(directory), "--base-url", base_url)
        assert done.returncode == 0, done.stdout + done.stderr[-3000:]
        return done.stdout

    # the article captured again three days on (its nearest listing capture: the crawl's, which shows it), and the
    # listing ten days on without it
    imported("first.warc.gz", [(article_url, fetched(article_url), start + timedelta(days=3)),
                               (listing, without, start + timedelta(days=10))])  # fmt: skip
    # the listing four days on, without it: now the nearest to the article's second capture, which the import must
    # read again although it shows nothing of the article (its neighbour in time, the crawl's capture, did)
    write_warc(tmp_path / "second.warc.gz", [(listing, without, start + timedelta(days=4))])
    counted_reads.clear()
    with Archive.open(directory) as archive:
        archive.acquire_crawl_lock()
        second = import_paths(archive, [tmp_path / "second.warc.gz"], get_profile("tanbinh", base_url))
    assert second.failures == []
    assert replayed_reads(conn, {article}) <= set(counted_reads)
    rebuilt = histories(conn)
    conn.close()
    with Archive.open(directory) as archive:
        archive.acquire_crawl_lock()
        full = reextract(archive)
    assert (full.appended_versions, full.failures) == (0, [])
    with sqlite3.connect(directory / "archive.sqlite") as after:
        assert histories(after) == rebuilt
