"""dvscrape index (CDXJ) and dvscrape wacz: the index addresses every record; the package passes the `wacz` tool's
validation and the WACZ 1.1.1 rules checked here (stored entries, digests, page list), and every article replays in
ReplayWeb.page in headless Chromium."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from functools import partial
from pathlib import Path

import pytest

from dvscrape.archive.db import Archive
from dvscrape.serving.browser import chromium
from dvscrape.serving.replay import replay_pages
from dvscrape.text.legacy import detect_legacy
from dvscrape.text.pipeline import normalize
from dvscrape.warc.cdxj import parse_line, surt
from dvscrape.warc.reader import read_record_at
from tests.conftest import CrawledArchive, run_cli
from tests.replaywebpage import app_folder, replay_session
from tests.test_storedzip import assert_headers_agree

BROKEN_PAGES_ENOUGH = 3  # a broken package waits out every page: stop after a few


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.Tanbinh.hochiminhcity.gov.vn/web/-/Bai-Viet", "vn,gov,hochiminhcity,tanbinh)/web/-/bai-viet"),
        ("http://a.vn/x/anh%2B1%20b%C3%A2.jpg", "vn,a)/x/anh+1%20b%c3%a2.jpg"),
        ("http://127.0.0.1:8123/web/neoportal/tin-tuc?b=2&A=1", "1,0,0,127:8123)/web/neoportal/tin-tuc?a=1&b=2"),
        ("https://tanbinh.hochiminhcity.gov.vn:443", "vn,gov,hochiminhcity,tanbinh)/"),
        ("http://a.vn/combo/?b=1&/html/js/a.js", "vn,a)/combo?/html/js/a.js&b=1"),
        ("http://a.vn//x//y/", "vn,a)/x/y"),
    ],
)
def test_surt(url: str, key: str) -> None:
    assert surt(url) == key


def test_cdxj_index_addresses_every_response(crawled_archive: CrawledArchive, tmp_path: Path) -> None:
    output = tmp_path / "index.cdxj"
    result = run_cli("index", "--archive", str(crawled_archive.directory), "--output", str(output))
    assert result.returncode == 0, result.stderr
    lines = output.read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines, key=lambda line: line.encode("utf-8"))
    entries = [parse_line(line) for line in lines]
    assert len(entries) == len(lines) > 60
    reference = None
    try:
        import surt as surt_package  # installed with the wacz tool

        reference = surt_package.surt
    except ImportError:
        pass
    for entry in entries:
        key, timestamp, fields = entry.key, entry.timestamp, entry.fields
        assert len(timestamp) == 14 and timestamp.isdigit()
        record = read_record_at(
            crawled_archive.directory / "warc" / fields["filename"], int(fields["offset"]), int(fields["length"])
        )
        assert record.target_uri == fields["url"] and record.record_type in ("response", "revisit")
        assert record.header("WARC-Payload-Digest") == fields["digest"]
        if reference is not None:
            assert key == reference(fields["url"]), fields["url"]


def test_index_defaults_into_the_archive_folder(crawled_archive: CrawledArchive, tmp_path: Path) -> None:
    copy = tmp_path / "archive"
    shutil.copytree(crawled_archive.directory, copy)
    assert run_cli("index", "--archive", str(copy)).returncode == 0
    assert (copy / "index.cdxj").stat().st_size > 0


@pytest.fixture(scope="module")
def wacz_file(crawled_archive: CrawledArchive, tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("wacz") / "tanbinh.wacz"
    result = run_cli("wacz", str(output), "--archive", str(crawled_archive.directory))
    assert result.returncode == 0, result.stderr
    return output


def test_wacz_passes_the_wacz_tool_validation(wacz_file: Path) -> None:
    tool = Path(sys.executable).parent / "wacz"
    if not tool.exists():
        pytest.skip("the wacz tool is not installed (pip install wacz)")
    result = subprocess.run([str(tool), "validate", "-f", str(wacz_file)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation succeeded" in result.stdout


def test_wacz_follows_the_1_1_1_layout(wacz_file: Path, crawled_archive: CrawledArchive) -> None:
    assert_headers_agree(wacz_file)
    with zipfile.ZipFile(wacz_file) as package:
        names = package.namelist()
        assert all(info.compress_type == zipfile.ZIP_STORED for info in package.infolist())
        datapackage = json.loads(package.read("datapackage.json"))
        assert datapackage["wacz_version"] == "1.1.1" and datapackage["profile"] == "data-package"
        listed = {resource["path"]: resource for resource in datapackage["resources"]}
        assert set(listed) == set(names) - {"datapackage.json", "datapackage-digest.json"}
        for path, resource in listed.items():
            data = package.read(path)
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest() and resource["bytes"] == len(data)
        digest = json.loads(package.read("datapackage-digest.json"))
        assert digest["hash"] == "sha256:" + hashlib.sha256(package.read("datapackage.json")).hexdigest()
        warcs = sorted(path.name for path in (crawled_archive.directory / "warc").glob("*.warc.gz"))
        assert sorted(name.removeprefix("archive/") for name in names if name.startswith("archive/")) == warcs
        pages = [json.loads(line) for line in package.read("pages/pages.jsonl").decode("utf-8").splitlines()]
        assert pages[0]["format"] == "json-pages-1.0" and pages[0]["id"] == "pages"
        (articles,) = (
            __import__("sqlite3").connect(crawled_archive.database).execute("SELECT count(*) FROM articles").fetchone()
        )
        assert len(pages) - 1 >= articles and all(page["ts"].endswith("Z") for page in pages[1:])
        index_urls = {
            json.loads(line.split(" ", 2)[2])["url"]
            for line in package.read("indexes/index.cdx").decode("utf-8").splitlines()
        }
        assert all(page["url"] in index_urls for page in pages[1:])
        assert datapackage["mainPageURL"] == pages[1]["url"]


def test_wacz_refuses_a_bad_output_name(crawled_archive: CrawledArchive, tmp_path: Path) -> None:
    result = run_cli("wacz", str(tmp_path / "out.zip"), "--archive", str(crawled_archive.directory))
    assert result.returncode == 2 and ".wacz" in result.stderr and "Traceback" not in result.stderr


def test_the_wacz_tool_rejects_a_tampered_package(wacz_file: Path, tmp_path: Path) -> None:
    tool = Path(sys.executable).parent / "wacz"
    if not tool.exists():
        pytest.skip("the wacz tool is not installed (pip install wacz)")
    tampered = tmp_path / "tampered.wacz"
    with zipfile.ZipFile(wacz_file) as source, zipfile.ZipFile(tampered, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(
                info, data.replace(b"json-pages-1.0", b"json-pages-1.1") if "pages" in info.filename else data
            )
    result = subprocess.run([str(tool), "validate", "-f", str(tampered)], capture_output=True, text=True, timeout=120)
    assert "Validation failed" in result.stdout


def test_wacz_page_list_names_each_page_once_with_its_title(wacz_file: Path) -> None:
    with zipfile.ZipFile(wacz_file) as package:
        pages = [json.loads(line) for line in package.read("pages/pages.jsonl").decode("utf-8").splitlines()][1:]
    urls = [page["url"] for page in pages]
    assert len(urls) == len(set(urls)), "a page is listed more than once"
    assert all(page["title"] and page["title"] != page["url"] for page in pages)
    home = pages[0]
    assert home["url"].endswith("/web/neoportal/trang-chu") and "Tân Bình" in home["title"]


def _as_read(text: str) -> str:
    """Page text as dvscrape reads it (legacy TCVN3/VNI/VIQR typing decoded, NFC, whitespace made canonical): the
    replica types one article per legacy encoding, which a person reads through the old fonts."""
    return normalize(text, legacy=detect_legacy(text))


def _shows(title: str, text: str) -> bool:
    return title in _as_read(text)


def test_every_article_replays_in_replaywebpage(wacz_file: Path, crawled_archive: CrawledArchive) -> None:
    """Each article of the package, opened in ReplayWeb.page (its npm package, embedded in a page as its embedding
    guide says) in headless Chromium: the replayed page shows the article's title, every image loads, every
    stylesheet applies, no request of the page fails and the service worker reports no record it could not read."""
    app, browser = app_folder(), chromium()
    if app is None:
        pytest.skip("ReplayWeb.page is not installed (.ci/run unpacks the npm package replaywebpage)")
    if browser is None:
        pytest.skip("no headless Chromium (apt-get install chromium)")
    archive = Archive.open(crawled_archive.directory, readonly=True)
    try:
        articles = [page for page in replay_pages(archive) if page.kind == "article"]
    finally:
        archive.close()
    with sqlite3.connect(crawled_archive.database) as connection:
        (held,) = connection.execute("SELECT count(*) FROM articles WHERE gone_since IS NULL").fetchone()
    assert len(articles) == held > 0
    broken: dict[str, list[str]] = {}
    with replay_session(wacz_file, app, browser) as viewer:
        for article in articles:
            title = normalize(article.title)
            replayed = viewer.open(article.url, article.timestamp, shows=partial(_shows, title), timeout=90)
            problems = replayed.problems()
            if title not in _as_read(replayed.text):
                problems.append(f"title {title!r} not shown; page text: {replayed.text[:300]!r}")
            if not replayed.images or not replayed.sheets:
                problems.append(f"{len(replayed.images)} images, {len(replayed.sheets)} stylesheets")
            if problems:
                broken[article.url] = problems
                if len(broken) == BROKEN_PAGES_ENOUGH:
                    break
    assert not broken, "\n".join(f"{url}: {problems}" for url, problems in broken.items())
