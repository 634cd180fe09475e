"""Issue 14, every signalled change caught in the next run: with the default re-check policy, a run after the site
changed handles every new article, every edited one (its sitemap lastmod changed: compared with the lastmod the
previous visit recorded, not with the crawler's clock) and every removed one (it left the sitemap: re-checked in
that same run); static pages and dead menu links keep their own schedule."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from dvscrape.replica import build_corpus
from dvscrape.replica.process import start_replica_process
from dvscrape.sites import get_profile
from tests.conftest import run_cli

SITE_URL = get_profile("tanbinh").site_url

ARTICLES = 40


def query(archive: Path, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(archive / "archive.sqlite") as connection:
        return connection.execute(sql, args).fetchall()


def crawl(url: str, archive: Path) -> tuple[int, str]:
    result = run_cli(
        "crawl", "--base-url", url, "--archive", str(archive), "--fast", "-s", "DVSCRAPE_PROGRESS_INTERVAL=0"
    )
    return result.returncode, result.stdout + result.stderr[-3000:]


def test_the_run_after_a_change_handles_every_new_edited_and_removed_article(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    first_site = start_replica_process("--articles", str(ARTICLES), "--slow-delay", "0", "--portal-pages")
    try:
        code, output = crawl(first_site.url, archive)
        assert code == 0, output
        code, output = crawl(first_site.url, archive)  # unchanged: nothing due, pages conditional
        assert code == 4, output
    finally:
        first_site.stop()
    # the site changes (edition 2), and is served on another port: the site, not the port, is the identity
    second_site = start_replica_process("--articles", str(ARTICLES), "--slow-delay", "0", "--edition", "2")
    try:
        code, output = crawl(second_site.url, archive)
        assert code == 0, output
    finally:
        second_site.stop()
    edition2 = build_corpus(2023, ARTICLES, edition=2)
    # the summary says what the run did to the archive, as the crawl's row stores it: removed articles are gone
    (gone,) = query(archive, "select articles_gone from crawls order by id desc limit 1")[0]
    assert gone == len(edition2.removed) > 0 and f", gone {gone}, errors" in output, output
    stored = {url for (url,) in query(archive, "select url from articles")}
    assert {f"{SITE_URL}/web/neoportal/-/{t}" for t in edition2.added} <= stored
    for url_title in edition2.edited:
        versions = query(
            archive,
            "select count(*) from article_versions v join articles a on a.id = v.article_id where a.url = ?",
            f"{SITE_URL}/web/neoportal/-/{url_title}",
        )
        assert versions == [(2,)], url_title
    for url_title in edition2.removed:
        gone = query(
            archive, "select gone_since from articles where url = ?", f"{SITE_URL}/web/neoportal/-/{url_title}"
        )
        assert gone and gone[0][0], url_title
    assert query(archive, "select count(*), count(distinct url) from articles") == [
        (ARTICLES + len(edition2.added), ARTICLES + len(edition2.added))
    ]
    # a rebuild reads the listing pages the incremental run did not fetch again as the run did: nothing changes
    record = "select url, title, published_date, published_source, categories, body, gone_since from articles"
    before = sorted(query(archive, record))
    rebuilt = run_cli("reextract", "--archive", str(archive))
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr[-3000:]
    assert sorted(query(archive, record)) == before
    # the unchanged re-crawl fetched little: the floor (robots.txt, sitemap, home, first listing pages) and no
    # static page (their weekly schedule)
    requests = [count for (count,) in query(archive, "select requests from crawls order by id")]
    assert requests[1] <= 0.06 * requests[0], requests  # 40 articles; bench/recrawl.py measures 130
    pages = query(archive, "select crawl_id, status, count(*) from captures where kind = 'page' group by 1, 2")
    assert (1, 200, 20) in pages and (1, 404, 1) in pages, pages  # ~20 static pages and a dead menu link
    assert [row for row in pages if row[0] == 2] == [], pages  # not fetched again the next day


def test_an_article_that_left_its_listing_is_rechecked_in_the_same_run_without_a_sitemap(tmp_path: Path) -> None:
    """No sitemap to read (it answers 500 every time): a removed article is found gone because the listing page that
    showed it at the previous visit no longer does."""
    archive = tmp_path / "archive"
    options = ("--articles", str(ARTICLES), "--slow-delay", "0", "--fault-persistent", "500=/sitemap.xml")
    with start_replica_process(*options) as site:
        code, output = crawl(site.url, archive)
        assert code == 3, output  # partial: the sitemap failed
    with start_replica_process(*options, "--edition", "2") as site:
        code, output = crawl(site.url, archive)
        assert code == 3, output
    assert query(archive, "select count(*) from captures where kind = 'sitemap' and status = 200") == [(0,)]
    edition2 = build_corpus(2023, ARTICLES, edition=2)
    for url_title in edition2.removed:
        gone = query(
            archive, "select gone_since from articles where url = ?", f"{SITE_URL}/web/neoportal/-/{url_title}"
        )
        assert gone and gone[0][0], url_title
    rechecked = query(archive, "select count(*) from captures where crawl_id = 2 and kind = 'article' and status = 304")
    assert rechecked[0][0] <= 2 * len(edition2.removed) + len(edition2.added), rechecked  # pushed along, not all
