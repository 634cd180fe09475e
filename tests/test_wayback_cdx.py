"""The Wayback mode's CDX side without a server: both servers' addresses and all four answer formats, and the
collapse by digest across the URL forms the profile canonicalises."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from dvscrape.capture.cdx import WaybackServer, collapsed, parse_cdx, resume_key
from dvscrape.errors import ConfigurationError
from dvscrape.sites import get_profile
from dvscrape.sites.urls import classify
from tests.conftest import run_cli

LIVE = "https://tanbinh.hochiminhcity.gov.vn"
ARTICLE = f"{LIVE}/web/neoportal/-/le-khai-mac"


def test_servers_and_queries() -> None:
    machine = WaybackServer.from_url(None)
    assert machine.is_wayback_machine and machine.cdx_endpoint == "https://web.archive.org/cdx/search/cdx"
    query = machine.cdx_query("tanbinh.hochiminhcity.gov.vn", match_type="host", since=date(2019, 1, 2), until=None)
    assert "matchType=host" in query and "from=20190102000000" in query and "output=json" in query
    collection = WaybackServer.from_url("http://127.0.0.1:8080/moments")
    assert collection.prefix == "http://127.0.0.1:8080/moments/"
    assert collection.cdx_endpoint == "http://127.0.0.1:8080/moments/cdx"
    (capture,) = parse_cdx(f"x 20190102030405 {ARTICLE} text/html 200 ABC 123")
    assert collection.raw_url(capture) == f"http://127.0.0.1:8080/moments/20190102030405id_/{ARTICLE}"
    assert capture.captured_at.isoformat() == "2019-01-02T03:04:05+00:00"


def test_every_answer_format_is_read() -> None:
    machine_json = json.dumps(
        [
            ["timestamp", "original", "mimetype", "statuscode", "digest"],
            ["20190102030405", ARTICLE, "text/html", "200", "AAA"],
        ]
    )
    machine_text = f"vn,gov,hochiminhcity,tanbinh)/web 20190102030405 {ARTICLE} text/html 200 AAA 5120"
    pywb_json = json.dumps(
        {"urlkey": "k", "timestamp": "20190102030405", "url": ARTICLE, "mime": "text/html", "status": "200",
         "digest": "AAA"}
    )  # fmt: skip
    fields = {"url": ARTICLE, "mime": "text/html", "status": "200", "digest": "AAA"}
    pywb_cdxj = "k 20190102030405 " + json.dumps(fields)
    for answer in (machine_json, machine_text, pywb_json, pywb_cdxj):
        (capture,) = parse_cdx(answer)
        assert (capture.timestamp, capture.original, capture.status, capture.digest) == (
            "20190102030405",
            ARTICLE,
            "200",
            "AAA",
        ), answer
    assert parse_cdx("") == [] and parse_cdx("[]") == []


def test_url_forms_of_one_article_collapse_by_digest() -> None:
    profile = get_profile("tanbinh")
    forms = [
        (f"{ARTICLE}?inheritRedirect=true&redirect=%2Fweb%2Fneoportal%2Ftrang-chu", "20190101000000", "AAA"),
        (f"{LIVE}/en_US/web/neoportal/-/le-khai-mac", "20190201000000", "AAA"),  # same content, locale prefix
        (f"{LIVE}/vi_VN/web/neoportal/-/le-khai-mac", "20190301000000", "BBB"),  # edited
        (ARTICLE, "20190401000000", "AAA"),  # edited back: a third version
    ]
    captures = []
    for url, timestamp, digest in forms:
        (capture,) = parse_cdx(f"k {timestamp} {url} text/html 200 {digest} 1")
        captures.append((classify(url, profile).canonical, capture))
    assert {canonical for canonical, _ in captures} == {ARTICLE}
    kept, spare = collapsed(reversed(captures))
    assert [capture.timestamp for _, capture in kept] == ["20190101000000", "20190301000000", "20190401000000"]
    # the same content captured again is what is fetched when a kept capture of it cannot be
    assert [(capture.timestamp, capture.digest) for capture in spare[ARTICLE]] == [("20190201000000", "AAA")]


def test_pages_and_resume_keys() -> None:
    machine = WaybackServer.from_url(None)
    collection = WaybackServer.from_url("http://127.0.0.1:8080/moments")
    assert machine.page_rows(0) == 25_000 and collection.page_rows(0) == 0 and collection.page_rows(50) == 50
    first = machine.cdx_query("example.org", match_type="host", since=None, until=None, page_rows=5)
    assert "limit=5" in first and "showResumeKey=true" in first and "resumeKey=" not in first.replace("show", "")
    key = "org%2Carchive%29%2F+19980109140106%21"
    nxt = machine.cdx_query("example.org", match_type="host", since=None, until=None, page_rows=5, resume_key=key)
    assert "&resumeKey=org%252Carchive%2529%252F%2B19980109140106%2521" in nxt  # the key as given, URL-encoded
    unpaged = collection.cdx_query("example.org", match_type="host", since=None, until=None)
    assert "limit" not in unpaged and "ResumeKey" not in unpaged
    # The two forms of the Wayback CDX server's README: plain lines, a blank line, the key; JSON, [], [key].
    row = "org,archive)/ 19980109140106 http://archive.org:80/ text/html 200 XAHDNHZ5P3GSSSNJ3DMEOJF7BMCCPZR3 1402"
    assert resume_key(f"{row}\n\n{key}\n") == key
    assert len(parse_cdx(f"{row}\n\n{key}\n")) == 1
    header = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]
    paged = json.dumps([header, row.split(" "), [], [key]])
    assert resume_key(paged) == key and len(parse_cdx(paged)) == 1
    assert resume_key(json.dumps([header, row.split(" ")])) is None and resume_key(f"{row}\n") is None
    assert resume_key("") is None


def test_an_answer_that_is_not_cdx_is_an_error() -> None:
    assert parse_cdx("") == [] and parse_cdx("[]") == []
    with pytest.raises(ValueError, match="not a CDX answer"):
        parse_cdx("<html><body>Service temporarily unavailable</body></html>")
    with pytest.raises(ValueError):
        parse_cdx('[["urlkey", "timestamp"')  # cut short


def test_a_wrong_server_or_site_is_a_configuration_error(tmp_path: Path) -> None:
    """Exit code 2 (bad configuration) for any configuration mistake of a --from-wayback run, nothing archived:
    a server that is not an http(s) URL (a ConfigurationError, not a ValueError) and an unknown site (it was
    exit 7, 'archive unusable')."""
    with pytest.raises(ConfigurationError, match="http"):
        WaybackServer.from_url("ftp://example.org/coll/")
    for site, server in (("tanbinh", "ftp://example.org/coll/"), ("nosuchsite", "http://127.0.0.1:9/coll/")):
        result = run_cli("crawl", site, "--from-wayback", server, "--archive", str(tmp_path / site))
        assert result.returncode == 2, result.stdout + result.stderr
        assert result.stderr.count("\n") == 1 and not (tmp_path / site).exists(), result.stderr


def test_the_wayback_crawl_keeps_the_crawls_downloader_middlewares() -> None:
    """The same back-off and capture middlewares as a live crawl, without the scope (its requests go to the web
    archive); the spider's settings once replaced the crawl's whole middleware table."""
    from scrapy.settings import Settings

    from dvscrape import settings as project
    from dvscrape.spiders.wayback import WaybackSpider

    settings = Settings()
    settings.setmodule(project, priority="project")
    WaybackSpider.update_settings(settings)
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares == {**project.DOWNLOADER_MIDDLEWARES, "dvscrape.capture.scope.ScopeMiddleware": None}
