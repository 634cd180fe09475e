"""Sitemaps are read one way (pages.sitemap.read_sitemap) by the crawl, the previous visit's sitemap and the rebuild,
and a sitemap index is read through to the sitemaps it lists: the Liferay 7 replica serves /sitemap.xml as an index
of /sitemap.xml?…&layoutUuid=… sitemaps, as Liferay 7 does."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from dvscrape.archive.sitemaps import previous_sitemap
from dvscrape.errors import ExtractionError
from dvscrape.pages.sitemap import Sitemap, read_sitemap
from dvscrape.replica.process import start_replica_process
from dvscrape.sites import get_profile
from dvscrape.sites.urls import UrlKind, classify
from tests.conftest import run_cli

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def test_a_urlset_and_an_index_are_told_apart() -> None:
    urlset = (
        f"<urlset {NS}><url><loc> https://a.vn/x </loc><lastmod>2024-03-01</lastmod></url><url><loc/></url></urlset>"
    )
    index = f"<sitemapindex {NS}><sitemap><loc>https://a.vn/sitemap-2.xml</loc></sitemap></sitemapindex>"
    assert read_sitemap(urlset.encode()) == Sitemap(pages=(("https://a.vn/x", "2024-03-01"),))
    assert read_sitemap(index.encode()) == Sitemap(sitemaps=(("https://a.vn/sitemap-2.xml", ""),))
    assert read_sitemap(b'<urlset xmlns="other"><url><loc>https://a.vn/x</loc></url></urlset>') == Sitemap()
    with pytest.raises(ExtractionError, match="invalid sitemap XML"):
        read_sitemap(b"<html><body>Not found")
    entity = f'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><urlset {NS}><url><loc>&e;</loc></url></urlset>'
    assert read_sitemap(entity.encode()) == Sitemap()  # an external entity is never read


def test_a_sitemap_index_is_read_through_to_its_sitemaps(tmp_path: Path) -> None:
    """Defect fixed: the sitemaps an index lists were never fetched (their URLs canonicalised to /sitemap.xml, or were
    refused as outside the site), and the previous visit's sitemap took the index's own entries for pages."""
    archive = tmp_path / "archive"
    with start_replica_process("--portal", "city7", "--articles", "8", "--seed", "7", quiet=True) as replica:
        crawl = run_cli("crawl", "hcmcity", "--base-url", replica.url, "--archive", str(archive), "--fast")
    assert crawl.returncode == 0, crawl.stderr
    profile = get_profile("hcmcity", replica.url)
    with sqlite3.connect(archive / "archive.sqlite") as conn:
        fetched = conn.execute("SELECT url, status FROM captures WHERE kind = 'sitemap' ORDER BY url").fetchall()
        articles = [url for (url,) in conn.execute("SELECT url FROM articles")]
        previous = previous_sitemap(conn, archive / "warc")
    assert [url.removeprefix(replica.url) for url, _ in fetched] == [
        "/sitemap.xml",
        "/sitemap.xml?groupId=20126&layoutUuid=articles&privateLayout=false",
        "/sitemap.xml?groupId=20126&layoutUuid=navigation&privateLayout=false",
    ]
    assert {status for _, status in fetched} == {200}
    assert len(articles) == 8 and all(previous.lastmod(url) for url in articles)
    assert not any(classify(url, profile).kind is UrlKind.SITEMAP for url in previous.lastmods)
    rebuilt = run_cli("reextract", "--archive", str(archive), "--dry-run")
    assert rebuilt.returncode == 0 and "0 failure(s)" in rebuilt.stdout, rebuilt.stdout + rebuilt.stderr
