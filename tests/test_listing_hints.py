"""An article's listing hint (the date and categories listings show for it) comes from every listing entry that
links it by one rule (pages.listing.listing_hint), never from whichever listing reached it first: the crawl
(spiders/hints.py), reextract and import give the same record whatever order the pages were fetched in."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest

from dvscrape.capture.items import ArticleItem
from dvscrape.pages import Article, ListingEntry, PageContext, extract_listing, extract_page, listing_hint
from dvscrape.pages.listing import Listing
from dvscrape.replica.process import start_replica_process
from dvscrape.sites import get_profile
from tests.conftest import CrawledArchive, fast_crawl_args, run_cli

SITE = "https://tanbinh.hochiminhcity.gov.vn/web/neoportal"
PAGE = f"{SITE}/-/bai-viet"
HTML = "text/html; charset=utf-8"  # the Content-Type a page came with
WORDS = " ".join(["chữ"] * 80)

# One article as three listings show it: its own category's (with the date), an aggregate's, a later re-listing's.
ENTRIES = (
    ListingEntry(PAGE, "Bài viết", "2023-03-23", "Tin tức sự kiện"),
    ListingEntry(PAGE, "Bài viết", None, "Cải cách hành chính"),
    ListingEntry(PAGE, "Bài viết", "2023-04-02", "cải cách hành chính"),
)


def _article_page(breadcrumb: str = "") -> str:
    """A page showing no date (and, without *breadcrumb*, no category): its listing hint fills them."""
    crumbs = (
        f'<nav id="breadcrumbs"><ul class="breadcrumb"><li><a href="/web/neoportal/trang-chu">Trang chủ</a></li>'
        f'<li><a href="/web/neoportal/x">{breadcrumb}</a></li></ul></nav>'
        if breadcrumb
        else ""
    )
    return (
        f"<html><head><title>Bài viết</title></head><body>{crumbs}<div id='main-content'>"
        '<div class="portlet-boundary" id="p_p_id_56_INSTANCE_x_"><div class="journal-content-article">'
        f"<p>Ngày 22/3, {WORDS}.</p></div></div></div></body></html>"
    )


def _extracted(entries: tuple[ListingEntry, ...], breadcrumb: str = "") -> Article:
    hint = listing_hint(entries)
    context = PageContext(listing_date=hint.date, listing_categories=hint.categories)
    result = extract_page(PAGE, _article_page(breadcrumb), get_profile("tanbinh"), context)
    assert isinstance(result, Article)
    return result


def test_the_hint_is_the_same_whatever_order_the_listings_were_read_in() -> None:
    hints = {listing_hint(order) for order in itertools.permutations(ENTRIES)}
    assert hints == {listing_hint(ENTRIES)}
    hint = listing_hint(ENTRIES)
    assert hint.date == "2023-03-23"  # the earliest any listing shows
    assert hint.categories == ("Cải cách hành chính", "Tin tức sự kiện")  # all of them, once, sorted


def test_an_article_extracted_with_its_listings_in_two_orders_is_the_same_record() -> None:
    first = _extracted(ENTRIES)
    again = _extracted(tuple(reversed(ENTRIES)))
    assert first == again
    assert (first.published, first.published_source) == ("2023-03-23", "listing")
    assert first.categories == ("Cải cách hành chính", "Tin tức sự kiện")
    assert "categories-from-listing" in first.flags


def test_the_pages_own_category_takes_precedence_over_the_listings() -> None:
    for order in itertools.permutations(ENTRIES):
        article = _extracted(order, breadcrumb="Kinh tế - Xã hội")
        assert article.categories == ("Kinh tế - Xã hội",)
        assert "categories-from-listing" not in article.flags


def test_a_sidebar_portlet_is_not_an_entry_of_the_listing() -> None:
    """The listing scope's alternatives are tried in the profile's order: the main column, not the whole body, so
    the newest articles a sidebar shows on every listing page are not listed under each page's category."""
    html = (
        "<html><body><nav id='navigation'><ul><li class='selected'><a href='/web/neoportal/kinh-te-xa-hoi'>"
        "<span>Kinh tế - Xã hội</span></a></li></ul></nav>"
        "<aside class='sidebar-left'><ul class='title-list'><li class='title-list'>"
        "<a href='/web/neoportal/-/noi-bat'>Tin nổi bật</a></li></ul></aside>"
        "<div id='main-content'><div id='column-1'><ul class='title-list'><li class='title-list'>"
        "<a href='/web/neoportal/-/bai-cua-muc'>Bài của mục</a></li></ul></div></div></body></html>"
    )
    listing = extract_listing(f"{SITE}/kinh-te-xa-hoi", html, get_profile("tanbinh"))
    assert [entry.url.rsplit("/-/", 1)[1] for entry in listing.entries] == ["bai-cua-muc"]


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_the_crawl_stores_a_held_article_with_every_listing_it_read(order: tuple[int, ...]) -> None:
    """An article page showing no date or category is held by the spider and extracted once every listing is read:
    the listings' order, and whether they came before or after the article, do not change the record."""
    from dvscrape.capture.held import HeldArticle, HeldArticles, needs_listing_hint

    held = HeldArticles(get_profile("tanbinh"))
    body = _article_page().encode()
    early = extract_page(PAGE, body, held.profile, PageContext())
    assert isinstance(early, Article) and needs_listing_hint(early)
    assert held.hold(HeldArticle(PAGE, PAGE, None, "2023-04-05T00:00:00Z", HTML, 200, "", body))
    for index in order:  # the listings read after the article was fetched
        entry = ENTRIES[index]
        held.note_listing(Listing(f"{SITE}/listing-{index}", entry.category, (entry,)))
    (item,) = held.release()
    assert isinstance(item, ArticleItem)
    assert item.article == _extracted(ENTRIES)
    assert not held.hold(HeldArticle(PAGE, PAGE, None, "", HTML, 200, "", body))  # settled: stored at once


def test_a_crawl_stopped_before_it_went_idle_stores_the_articles_it_held(tmp_path: Path) -> None:
    """The spider holds articles that need every listing until the crawl goes idle; a crawl closed earlier (here
    by a page count) must not lose them: they are stored as it closes, with the listings it had read."""
    archive = tmp_path / "archive"
    replica = start_replica_process("--slow-delay", "0", quiet=True)  # its own: the shared one counts each fetch
    try:
        done = run_cli(*fast_crawl_args(replica.url, archive, "-s", "CLOSESPIDER_PAGECOUNT=60", "-s", "LOG_LEVEL=INFO"))
    finally:
        replica.stop()
    assert done.returncode == 0, done.stderr[-2000:]
    assert "held for their listing hint as the crawl closes" in done.stderr
    with sqlite3.connect(archive / "archive.sqlite") as connection:
        captured = connection.execute(
            "select count(distinct canonical_url) from captures where kind = 'article' and status = 200"
        ).fetchone()[0]
        stored = connection.execute("select count(*) from articles").fetchone()[0]
        inferred = connection.execute("select count(*) from articles where published_source = 'listing'").fetchone()
    assert stored == captured > 0
    assert inferred[0] > 0


@pytest.mark.parametrize("incremental", [True, False])
def test_an_incremental_run_reads_the_listings_it_did_not_fetch_again_as_archived(
    crawled_archive: CrawledArchive, incremental: bool
) -> None:
    """An incremental run stops paging a listing where it finds held articles: an article it re-reaches keeps the
    hint of the listing page it did not read again, as the archive last captured it (and as reextract reads it)."""
    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.test import get_crawler

    from dvscrape.archive.db import Archive
    from dvscrape.archive.incremental import IncrementalState, RecheckPolicy
    from dvscrape.capture.held import HeldArticle
    from dvscrape.capture.session import CrawlSession

    with sqlite3.connect(crawled_archive.database) as connection:
        url, fetched, capture_id, published = connection.execute(
            "select a.url, c.url, a.capture_id, a.published_date from articles a join captures c on c.id = a.capture_id"
            " where a.published_source = 'listing' order by a.url limit 1"
        ).fetchone()
    with Archive.open(crawled_archive.directory, readonly=True) as archive:
        state = IncrementalState.load(archive, resume_crawl_id=None)
        profile = get_profile("tanbinh", crawled_archive.replica_url)
        stats = MemoryStatsCollector(get_crawler())
        session = CrawlSession(
            archive, 0, "tanbinh", None, state=state, incremental=incremental, policy=RecheckPolicy(), stats=stats,
            profile=profile,
        )  # fmt: skip
        assert session.held is not None
        assert session.held.hold(HeldArticle(fetched, url, capture_id, "2026-01-01T00:00:00Z", HTML, 200, "", None))
        (item,) = session.held.release()  # this run read no listing page
    assert isinstance(item, ArticleItem)
    if incremental:
        assert (item.article.published, item.article.published_source) == (published, "listing")
    else:  # a first crawl knows only the listings it read: none here
        assert item.article.published_source != "listing"
