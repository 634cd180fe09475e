"""Importing what independent tools wrote of the replica (wget, warcio), a WACZ of another archive with its history,
and the replica's past fetched from a real pywb with `dvscrape crawl --from-wayback`."""

# ruff: noqa: F811, SIM118 - fixtures imported from tests.import_fixtures; sqlite3.Row iterates values, not keys

from __future__ import annotations

import http.server
import json
import re
import sqlite3
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from dvscrape.replica.process import ReplicaProcess
from tests.conftest import CrawledArchive, run_cli
from tests.import_fixtures import TwoMoments, two_moments, warcio_warc, wget_warc  # noqa: F401 - fixtures

COMPARED_SKIP = {"id", "capture_id", "first_seen", "last_seen", "last_checked", "fetched_url"}


def articles_of(database: Path) -> dict[str, dict[str, object]]:
    """Every article with its figures, attachments and tags, by canonical URL (ids and sighting times left out)."""
    connection = sqlite3.connect(database)
    connection.row_factory = sqlite3.Row
    found: dict[str, dict[str, object]] = {}
    with connection:
        for row in connection.execute("SELECT * FROM articles"):
            article = {key: row[key] for key in row.keys() if key not in COMPARED_SKIP}
            for table, columns in (
                ("figures", "position, image_url, alt, caption"),
                ("attachments", "position, url, file_name, file_type, text"),
                ("article_tags", "position, tag"),
                ("related_links", "position, url"),
            ):
                article[table] = [
                    tuple(r)
                    for r in connection.execute(
                        f"SELECT {columns} FROM {table} WHERE article_id = ? ORDER BY position", (row["id"],)
                    )
                ]
            # A related link keeps the back-link parameters of the page it was read on (its fetched URL form): compared
            # by the page it names.
            article["related_links"] = [(position, canonical(url)) for position, url in article["related_links"]]
            found[str(row["url"])] = article
    connection.close()
    return found


def canonical(url: str) -> str:
    """*url* by the page it names: the profile's canonical URL, or (for forms it keeps, such as
    ``content/id/<assetEntryId>``) the URL without its back-link parameters."""
    from urllib.parse import parse_qsl, urlencode, urlsplit

    from dvscrape.sites import get_profile
    from dvscrape.sites.urls import classify

    parts = urlsplit(url)
    found = classify(url, get_profile("tanbinh", f"{parts.scheme}://{parts.netloc}")).canonical
    if found:
        return found
    query = [(k, v) for k, v in parse_qsl(parts.query) if not k.lower().endswith("redirect")]
    return parts._replace(query=urlencode(query)).geturl()


def versions_of(database: Path) -> dict[str, list[tuple[str, str]]]:
    """(content hash, seen at to the second) of each version, by canonical URL."""
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT a.url, v.content_hash, v.seen_at FROM article_versions v JOIN articles a ON a.id = v.article_id "
            "ORDER BY a.url, v.version"
        ).fetchall()
    versions: dict[str, list[tuple[str, str]]] = {}
    for url, digest, seen in rows:
        versions.setdefault(url, []).append((digest, seen[:19]))
    return versions


def capture_times(database: Path) -> dict[str, str]:
    """The time (to the second) each article's page was captured by a crawl, by canonical URL."""
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT canonical_url, min(fetched_at) FROM captures WHERE kind = 'article' AND status = 200 "
            "AND record_type = 'response' GROUP BY canonical_url"
        ).fetchall()
    return {url: str(moment)[:19] for url, moment in rows}


def imported(archive: Path, *paths: Path, base_url: str) -> subprocess.CompletedProcess[str]:
    result = run_cli("import", *map(str, paths), "--archive", str(archive), "--base-url", base_url)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    return result


def assert_same_articles(expected: Path, actual: Path) -> None:
    want, got = articles_of(expected), articles_of(actual)
    assert sorted(got) == sorted(want)
    differences = [
        (url, key, want[url][key], got[url][key])
        for url in want
        for key in want[url]
        if want[url][key] != got[url][key]
    ]
    assert not differences, differences[:5]


def test_wget_warc_of_a_mirror_imports_as_the_crawl_archived(
    crawled_archive: CrawledArchive, wget_warc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "archive"
    wrong = run_cli("import", str(wget_warc), "--archive", str(archive), "--site", "hcmcity")
    assert wrong.returncode == 2 and "--base-url" in wrong.stderr, wrong.stdout + wrong.stderr
    assert list((archive / "warc").iterdir()) == []  # nothing imported, nothing kept: it can be imported again
    mirror = run_cli("import", str(wget_warc), "--archive", str(archive))  # no --base-url: the mirror is recognised
    assert mirror.returncode == 0 and f"pages at {crawled_archive.replica_url}" in mirror.stderr, mirror.stderr
    assert_same_articles(crawled_archive.database, archive / "archive.sqlite")
    with sqlite3.connect(crawled_archive.database) as crawled:
        (articles,) = crawled.execute("SELECT count(*) FROM articles").fetchone()
    assert f"; {articles} new article(s), 0 updated" in mirror.stdout, mirror.stdout

    # an archive an older dvscrape left with that file imported as no page of the site: it is imported again
    from dvscrape.archive.db import Archive
    from dvscrape.runs import imports
    from dvscrape.sites import get_profile

    older = tmp_path / "older"
    monkeypatch.setattr(imports, "_on_their_address", lambda *args: None)
    with Archive.open(older) as opened:
        assert imports.import_paths(opened, [wget_warc], get_profile("tanbinh")).articles_new == 0
    imported(older, wget_warc, base_url=crawled_archive.replica_url)
    assert_same_articles(crawled_archive.database, older / "archive.sqlite")
    with sqlite3.connect(archive / "archive.sqlite") as connection:
        (tool,) = connection.execute("SELECT tool FROM imported_files").fetchone()
        assert tool.startswith("Wget/")
    assert run_cli("verify", "--archive", str(archive)).returncode == 0


def test_warcio_capture_http_imports_as_the_crawl_archived(
    crawled_archive: CrawledArchive, warcio_warc: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    imported(archive, warcio_warc, base_url=crawled_archive.replica_url)
    assert_same_articles(crawled_archive.database, archive / "archive.sqlite")
    # the same content from a second source is no new version; the archive keeps both sources' captures
    imported(
        archive, *sorted((crawled_archive.directory / "warc").glob("*.warc.gz")), base_url=crawled_archive.replica_url
    )
    with sqlite3.connect(archive / "archive.sqlite") as connection:
        assert (
            connection.execute("SELECT count(*) FROM article_versions").fetchone()
            == connection.execute("SELECT count(*) FROM articles").fetchone()
        )
        assert connection.execute("SELECT count(*) FROM imported_files").fetchone()[0] >= 2


def test_wacz_of_another_archive_imports_with_its_history(two_moments: TwoMoments, tmp_path: Path) -> None:  # noqa: F811
    package = tmp_path / "history.wacz"
    made = run_cli("wacz", str(package), "--archive", str(two_moments.history))
    assert made.returncode == 0, made.stderr
    archive = tmp_path / "archive"
    result = imported(archive, package, base_url=two_moments.base_url)
    assert "refused" not in result.stdout
    database = archive / "archive.sqlite"
    assert sorted(articles_of(database)) == sorted(articles_of(two_moments.history / "archive.sqlite"))
    got, want = versions_of(database), versions_of(two_moments.history / "archive.sqlite")
    assert {url: [h for h, _ in v] for url, v in got.items()} == {url: [h for h, _ in v] for url, v in want.items()}
    assert got == want  # a version is dated by its capture, in the crawl as in the import
    edited = [url for url, versions in versions_of(database).items() if len(versions) == 2]
    assert len(edited) == len(two_moments.edited) > 0
    again = run_cli("import", str(package), "--archive", str(archive), "--base-url", two_moments.base_url)
    assert "nothing new" in again.stdout


@pytest.fixture
def pywb_server(two_moments: TwoMoments, tmp_path: Path):  # type: ignore[no-untyped-def]  # noqa: F811
    """A real pywb serving one collection made of the WARC files of both moments' crawls, on loopback."""
    from dvscrape.errors import DvscrapeError
    from dvscrape.serving.replay import free_port, pywb_tool, start_pywb, wait_until_serving

    try:  # the one pywb of the project: $DVSCRAPE_WAYBACK's environment (.ci/run), or beside this Python
        manager = [str(pywb_tool("wb-manager"))]
    except DvscrapeError as error:
        pytest.skip(str(error))
    root = tmp_path / "pywb"
    root.mkdir()
    subprocess.run([*manager, "init", "moments"], cwd=root, check=True, capture_output=True)
    files = sorted((two_moments.first / "warc").glob("*.warc.gz")) + sorted((two_moments.second / "warc").glob("*.gz"))
    subprocess.run([*manager, "add", "moments", *map(str, files)], cwd=root, check=True, capture_output=True)
    port = free_port("127.0.0.1")
    process = start_pywb(root, port=port)
    try:
        wait_until_serving(root, "127.0.0.1", port, process)  # raises when pywb exits or never listens
        yield f"http://127.0.0.1:{port}/moments/"
    finally:
        process.terminate()
        process.wait()


def test_from_wayback_yields_both_moments(two_moments: TwoMoments, pywb_server: str, tmp_path: Path) -> None:  # noqa: F811
    archive = tmp_path / "archive"
    command = (
        "crawl", "tanbinh", "--from-wayback", pywb_server, "--base-url", two_moments.base_url,
        "--archive", str(archive), "--fast", "-s", "DVSCRAPE_PROGRESS_INTERVAL=0",
    )  # fmt: skip
    result = run_cli(*command)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    database = archive / "archive.sqlite"
    got = articles_of(database)
    both = set(articles_of(two_moments.first / "archive.sqlite")) | set(
        articles_of(two_moments.second / "archive.sqlite")
    )
    assert set(got) == both  # every article of both moments, the removed ones included
    # the articles the run archived are counted as the crawl's, printed as stored (they were once "archived 0")
    with sqlite3.connect(database) as connection:
        new, counts = connection.execute("SELECT articles_new, counts FROM crawls ORDER BY id LIMIT 1").fetchone()
    assert new == json.loads(counts)["articles_stored"] == len(got) > 0
    assert f"articles archived {len(got)} (new {len(got)}, updated 0)" in result.stdout, result.stdout
    assert all(any(url.endswith(f"/-/{title}") for url in got) for title in two_moments.removed)
    versions = versions_of(database)
    first_times = capture_times(two_moments.first / "archive.sqlite")
    second_times = capture_times(two_moments.second / "archive.sqlite")
    for title in two_moments.edited:
        (url,) = [url for url in got if url.endswith(f"/-/{title}")]
        dates = [seen for _, seen in versions[url]]
        assert dates == [first_times[url], second_times[url]], (url, dates)  # dated by capture, not by fetch
    # what was fetched from where and when is stated; the original URL and capture time drive the record
    with sqlite3.connect(database) as connection:
        (options,) = connection.execute("SELECT options FROM crawls ORDER BY id LIMIT 1").fetchone()
        assert json.loads(options)["wayback"] == pywb_server
    some = two_moments.edited[0]
    (url,) = [url for url in got if url.endswith(f"/-/{some}")]
    show = run_cli("show", url, "--archive", str(archive), "--json")
    assert json.loads(show.stdout)["warc"]["fetched_at"][:19] == second_times[url]
    from dvscrape.warc.files import warc_files
    from dvscrape.warc.walk import iter_records

    sources = [
        record.header("WARC-Source-URI") or ""
        for path in warc_files(archive / "warc")
        for record in iter_records(path, check_digests=False)
        if record.record_type == "response" and "/-/" in record.target_uri
    ]
    assert sources and all(source.startswith(pywb_server) and "id_/" in source for source in sources)
    # its end read again the article pages it fetched, every one of them in a new archive
    with sqlite3.connect(database) as connection:
        (pages,) = connection.execute(
            "SELECT count(*) FROM captures WHERE kind = 'article' AND record_type = 'response' "
            "AND status BETWEEN 200 AND 299"
        ).fetchone()
    assert f"re-read {pages} archived article page(s)" in result.stdout, result.stdout
    # run again: everything is archived already, nothing is fetched again, and what it did not fetch is not read
    with sqlite3.connect(database) as connection:
        before = connection.execute("SELECT count(*) FROM captures WHERE kind = 'article'").fetchone()
    again = run_cli(*command)
    assert again.returncode in (0, 4), again.stdout + again.stderr[-2000:]
    reread = re.search(r"re-read (\d+) archived article page", again.stdout)
    assert reread is not None and int(reread.group(1)) < pages, again.stdout
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM captures WHERE kind = 'article'").fetchone() == before


class _PagedCdx(http.server.BaseHTTPRequestHandler):
    """In front of a pywb collection: its CDX answers re-served the way the Wayback Machine's CDX server pages them
    (JSON array with a header row; with showResumeKey and limit, an empty row then [resume key] when more follow),
    everything else passed through unchanged."""

    pywb = ""
    queries: list[dict[str, list[str]]] = []
    fault = ""  # "repeat": every page gives the same resume key (the first page's); "garbage": the second page is an
    # HTML error page

    def do_GET(self) -> None:
        parts = urllib.parse.urlsplit(self.path)
        path = parts.path.split("/", 2)[2] if parts.path.count("/") >= 2 else ""  # /robots.txt: pywb's own
        upstream = self.pywb + path + (f"?{parts.query}" if parts.query else "")
        if parts.path.endswith("/cdx"):
            query = urllib.parse.parse_qs(parts.query)
            type(self).queries.append(query)
            plain = {k: v[0] for k, v in query.items() if k not in ("limit", "showResumeKey", "resumeKey", "fl")}
            with urllib.request.urlopen(self.pywb + "cdx?" + urllib.parse.urlencode(plain)) as answer:
                lines = [json.loads(line) for line in answer.read().decode().splitlines() if line.strip()]
            names = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]
            rows = [[str(line.get(key, "")) for key in ("urlkey", "timestamp", "url", "mime", "status", "digest",
                                                           "length")] for line in lines]  # fmt: skip
            start = int(query.get("resumeKey", ["0"])[0])
            limit = int(query.get("limit", [str(len(rows))])[0])
            page: list[list[str]] = [names, *rows[start : start + limit]]
            if "showResumeKey" in query and start + limit < len(rows):
                page += [[], [str(0 if self.fault == "repeat" else start + limit)]]
            body = json.dumps(page).encode()
            if self.fault == "garbage" and start:
                body = b"<html><body>Service temporarily unavailable</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
        else:
            try:
                with urllib.request.urlopen(upstream) as answer:
                    body, status, kind = answer.read(), answer.status, answer.headers.get("Content-Type", "")
            except urllib.error.HTTPError as error:
                body, status, kind = error.read(), error.code, error.headers.get("Content-Type", "")
            self.send_response(status)
            self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        return


def test_from_wayback_follows_cdx_resume_keys(two_moments: TwoMoments, pywb_server: str, tmp_path: Path) -> None:
    """A CDX answer in pages of 7 rows (the Wayback Machine's resume keys) is read to its last page: every capture
    is fetched, once per digest across pages, as from one whole answer."""
    _PagedCdx.pywb, _PagedCdx.queries = pywb_server, []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PagedCdx)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    paged_url = f"http://127.0.0.1:{server.server_address[1]}/moments/"
    try:
        whole, paged = tmp_path / "whole", tmp_path / "paged"
        for archive, server_url, rows in ((whole, pywb_server, "0"), (paged, paged_url, "7")):
            result = run_cli(
                "crawl", "tanbinh", "--from-wayback", server_url, "--base-url", two_moments.base_url,
                "--archive", str(archive), "--fast", "-s", "DVSCRAPE_PROGRESS_INTERVAL=0",
                "-s", f"DVSCRAPE_WAYBACK_CDX_PAGE_ROWS={rows}",
            )  # fmt: skip
            assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    finally:
        server.shutdown()
    keys = [query.get("resumeKey", [""])[0] for query in _PagedCdx.queries]
    assert len(keys) > 3 and keys[0] == "" and all(keys[1:])  # the first page, then one per resume key
    assert all(query["limit"] == ["7"] and query["showResumeKey"] == ["true"] for query in _PagedCdx.queries)
    assert articles_of(paged / "archive.sqlite") == articles_of(whole / "archive.sqlite")
    with sqlite3.connect(whole / "archive.sqlite") as a, sqlite3.connect(paged / "archive.sqlite") as b:
        fetched = "SELECT url, fetched_at FROM captures WHERE kind IN ('article', 'listing') ORDER BY 1, 2"
        assert a.execute(fetched).fetchall() == b.execute(fetched).fetchall()


def test_from_wayback_takes_max_articles_and_refuses_full(
    two_moments: TwoMoments, pywb_server: str, tmp_path: Path
) -> None:
    """--max-articles N fetches every capture of N articles (their history whole) and none of the others' captures;
    --full has no meaning for captures that never change and is refused; --summary-json is written."""
    archive, summary = tmp_path / "archive", tmp_path / "summary.json"
    base = ("crawl", "tanbinh", "--from-wayback", pywb_server, "--base-url", two_moments.base_url, "--archive",
            str(archive), "--fast", "-s", "DVSCRAPE_PROGRESS_INTERVAL=0")  # fmt: skip
    refused = run_cli(*base, "--full")
    assert refused.returncode == 2 and "--full does not go with --from-wayback" in refused.stderr
    assert not (archive / "archive.sqlite").exists()
    result = run_cli(*base, "--max-articles", "3", "--summary-json", str(summary))
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert json.loads(summary.read_text(encoding="utf-8"))["status"] == "success"
    with sqlite3.connect(archive / "archive.sqlite") as connection:
        articles = [url for (url,) in connection.execute("SELECT url FROM articles")]
        captured = {
            url for (url,) in connection.execute("SELECT DISTINCT canonical_url FROM captures WHERE kind = 'article'")
        }
    assert len(articles) == 3 and captured == set(articles)
    versions = versions_of(archive / "archive.sqlite")
    for url in articles:  # an article's whole history: both moments' contents when it was edited between them
        edited = any(url.endswith(f"/-/{title}") for title in two_moments.edited)
        assert len(versions[url]) == (2 if edited else 1), url


@pytest.mark.parametrize("fault", ["repeat", "garbage"])
def test_a_cdx_server_that_pages_wrongly_gives_a_partial_run(
    two_moments: TwoMoments, pywb_server: str, tmp_path: Path, fault: str
) -> None:
    """A resume key given twice, or a page that is not CDX: the run fetches what it read, ends partial (exit 3)
    and names the CDX page that failed; run again, it resumes without fetching anything twice."""
    from dvscrape.sites import get_profile
    from dvscrape.sites.urls import UrlKind, classify

    profile = get_profile("tanbinh", two_moments.base_url)
    query = {"url": urllib.parse.urlsplit(two_moments.base_url).netloc, "matchType": "host", "output": "json"}
    with urllib.request.urlopen(pywb_server + "cdx?" + urllib.parse.urlencode(query)) as answer:
        urls = [json.loads(line)["url"] for line in answer.read().decode().splitlines() if line.strip()]
    rows = 1 + next(i for i, url in enumerate(urls) if classify(url, profile).kind is UrlKind.ARTICLE)
    assert rows < len(urls)  # a first page with an article, and more pages after it
    _PagedCdx.pywb, _PagedCdx.queries, _PagedCdx.fault = pywb_server, [], fault
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PagedCdx)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    paged_url = f"http://127.0.0.1:{server.server_address[1]}/moments/"
    archive = tmp_path / "archive"
    try:
        result = run_cli(
            "crawl", "tanbinh", "--from-wayback", paged_url, "--base-url", two_moments.base_url,
            "--archive", str(archive), "--fast", "-s", "DVSCRAPE_PROGRESS_INTERVAL=0",
            "-s", f"DVSCRAPE_WAYBACK_CDX_PAGE_ROWS={rows}",
        )  # fmt: skip
    finally:
        server.shutdown()
        _PagedCdx.fault = ""
    assert result.returncode == 3, result.stdout + result.stderr[-3000:]
    assert "/moments/cdx?" in result.stdout + result.stderr
    assert len(_PagedCdx.queries) == 2  # the first page, then the one that failed
    with sqlite3.connect(archive / "archive.sqlite") as connection:
        fetched = connection.execute("SELECT count(*) FROM captures WHERE kind = 'article'").fetchone()
        (status,) = connection.execute("SELECT status FROM crawls ORDER BY id DESC LIMIT 1").fetchone()
    assert fetched[0] > 0 and status == "partial"  # the first page's article at least
    again = run_cli(
        "crawl", "tanbinh", "--from-wayback", pywb_server, "--base-url", two_moments.base_url,
        "--archive", str(archive), "--fast", "-s", "DVSCRAPE_PROGRESS_INTERVAL=0",
    )  # fmt: skip
    assert again.returncode == 0, again.stdout + again.stderr[-3000:]
    with sqlite3.connect(archive / "archive.sqlite") as connection:
        twice = connection.execute(
            "SELECT url, fetched_at FROM captures WHERE kind IN ('article', 'listing') "
            "GROUP BY url, fetched_at HAVING count(*) > 1"
        ).fetchall()
        (articles,) = connection.execute("SELECT count(*) FROM articles").fetchone()
    assert twice == [] and articles > 1


STALLED = 2  # articles whose first capture makes pywb stall


def _retried_warc(replica_url: str, path: Path, articles: list[str]) -> None:
    """Each article captured twice, a day apart, with the same content; the first time, for STALLED of them, a 500
    then the 200 got on retry recorded as wget records one (a Content-Length that promises more than the payload:
    pywb sends the payload, then waits for the rest)."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as output:
        writer = WARCWriter(output, gzip=True)

        def record(url: str, status: str, body: bytes, date: str, length: int | None = None) -> None:
            headers = [("Content-Type", "text/html;charset=UTF-8"), ("Content-Length", str(length or len(body)))]
            http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
            warc_headers = {"WARC-Date": date}
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=BytesIO(body), http_headers=http, warc_headers_dict=warc_headers
                )  # fmt: skip
            )

        bodies = []
        for url in articles:
            with urllib.request.urlopen(replica_url + url) as answer:
                bodies.append(answer.read())
        for day, date in enumerate(("2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z")):
            for number, (url, body) in enumerate(zip(articles, bodies, strict=True)):
                if day == 0 and number < STALLED:
                    record(replica_url + url, "500 Internal Server Error", b"<html>500</html>", date)
                    record(replica_url + url, "200 OK", body, date, length=len(body) + 65)
                else:
                    record(replica_url + url, "200 OK", body, date)


def test_from_wayback_falls_back_to_another_capture_when_one_stalls(replica: ReplicaProcess, tmp_path: Path) -> None:
    from dvscrape.errors import DvscrapeError
    from dvscrape.replica import build_corpus
    from dvscrape.serving.replay import free_port, pywb_tool, start_pywb, wait_until_serving

    try:
        manager = [str(pywb_tool("wb-manager"))]
    except DvscrapeError as error:
        pytest.skip(str(error))
    articles = [f"/web/neoportal/-/{article.url_title}" for article in build_corpus(2023, 60).articles[:5]]
    root = tmp_path / "pywb"
    root.mkdir()
    _retried_warc(replica.url, tmp_path / "retried.warc.gz", articles)
    subprocess.run([*manager, "init", "past"], cwd=root, check=True, capture_output=True)
    subprocess.run([*manager, "add", "past", str(tmp_path / "retried.warc.gz")], cwd=root, check=True)
    port = free_port("127.0.0.1")
    process = start_pywb(root, port=port)
    try:
        wait_until_serving(root, "127.0.0.1", port, process)
        result = run_cli(
            "crawl", "tanbinh", "--from-wayback", f"http://127.0.0.1:{port}/past/", "--base-url", replica.url,
            "--archive", str(tmp_path / "archive"), "--fast", "-s", "DVSCRAPE_PROGRESS_INTERVAL=0",
            "-s", "DOWNLOAD_TIMEOUT=3",
        )  # fmt: skip
    finally:
        process.terminate()
        process.wait()
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    with sqlite3.connect(tmp_path / "archive" / "archive.sqlite") as connection:
        stored = {url.rsplit("/-/", 1)[1] for (url,) in connection.execute("SELECT url FROM articles")}
    assert stored == {url.rsplit("/-/", 1)[1] for url in articles}  # the stalled ones from their next capture
