"""FetchPlanner: which URLs an incremental or resumed crawl fetches, with which conditional headers, and when a
listing's paging stops. The state is built in memory: the archive side is tested in test_incremental_state.py."""

from __future__ import annotations

from datetime import UTC, datetime

from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from dvscrape.archive.incremental import IncrementalState, RecheckPolicy
from dvscrape.capture.planner import FetchPlanner
from dvscrape.sites.urls import UrlDecision, UrlKind

BASE = "https://tanbinh.hochiminhcity.gov.vn"
NOW = datetime(2024, 7, 20, 12, 0, tzinfo=UTC)
LAST_MODIFIED = "Sat, 06 Jul 2024 01:00:00 GMT"


def article(name: str) -> UrlDecision:
    return UrlDecision(UrlKind.ARTICLE, f"{BASE}/web/neoportal/-/{name}")


def captured(decision: UrlDecision, capture_id: int) -> tuple[int, str, str, str, str, str, str, str, int]:
    return (capture_id, decision.canonical, "2024-07-06T01:02:03Z", f"<urn:{capture_id}>", "sha1:X", '"v1"',
            LAST_MODIFIED, decision.kind.value, 1000)  # fmt: skip


def held(published: str, checked: str) -> tuple[int, str, str, str, str, None, None, int, int]:
    return (1, published, "2024-01-01T00:00:00Z", checked, checked, None, None, 1, 1)


OLD_CHECKED_YESTERDAY = article("old-checked-yesterday")
OLD_CHECKED_LONG_AGO = article("old-checked-long-ago")
CAPTURED_NOT_STORED = article("captured-not-stored")
NEW = article("new")
IMAGE = UrlDecision(UrlKind.MEDIA, f"{BASE}/documents/1/2/photo.jpg/uuid")
LISTING = UrlDecision(UrlKind.LISTING, f"{BASE}/web/neoportal/tin-tuc")


def planner(*, incremental: bool = True, done: frozenset[str] = frozenset()) -> FetchPlanner:
    state = IncrementalState(
        captures={
            OLD_CHECKED_YESTERDAY.canonical: captured(OLD_CHECKED_YESTERDAY, 1),
            OLD_CHECKED_LONG_AGO.canonical: captured(OLD_CHECKED_LONG_AGO, 2),
            CAPTURED_NOT_STORED.canonical: captured(CAPTURED_NOT_STORED, 3),
            IMAGE.canonical: captured(IMAGE, 4),
            LISTING.canonical: captured(LISTING, 5),
        },
        articles={
            OLD_CHECKED_YESTERDAY.canonical: held("2023-01-01", "2024-07-19T12:00:00Z"),
            OLD_CHECKED_LONG_AGO.canonical: held("2023-01-01", "2024-05-01T12:00:00Z"),
        },
        done_urls=done,
        resumed_crawl_ids=frozenset({7}) if done else frozenset(),
    )
    return FetchPlanner(
        state, RecheckPolicy(stop_after_known=2), incremental=incremental, stats=MemoryStatsCollector(get_crawler())
    )


CONDITIONAL = (("If-None-Match", '"v1"'), ("If-Modified-Since", LAST_MODIFIED))


def test_held_articles_are_fetched_when_due_and_conditionally() -> None:
    plan = planner()
    assert plan.request_headers(OLD_CHECKED_YESTERDAY, now=NOW) is None
    assert plan.request_headers(OLD_CHECKED_LONG_AGO, now=NOW) == CONDITIONAL
    assert plan.request_headers(NEW, now=NOW) == ()
    # captured by a killed run but never stored: its body is needed, not a 304
    assert plan.request_headers(CAPTURED_NOT_STORED, now=NOW) == ()
    # held media are never fetched again; held listings always are, conditionally
    assert plan.request_headers(IMAGE, now=NOW) is None
    assert plan.request_headers(LISTING, now=NOW) == CONDITIONAL
    assert plan.stats.get_value("dvscrape/not_due") == 2
    assert plan.recheck_urls() == sorted([OLD_CHECKED_LONG_AGO.canonical, OLD_CHECKED_YESTERDAY.canonical])


def test_a_changed_sitemap_lastmod_makes_an_article_due_at_once() -> None:
    """The sitemap's lastmod is compared with the lastmod the previous visit's sitemap gave, in either
    direction, never with the crawler's clock (a site printing local time without a zone)."""
    plan = planner()
    before = "2024-07-19T08:00:00"
    assert plan.request_headers(OLD_CHECKED_YESTERDAY, "2024-07-20T09:00:00", now=NOW, previous_lastmod=before)
    # earlier than the last check by the crawler's clock, but changed: due
    assert plan.request_headers(OLD_CHECKED_YESTERDAY, "2024-07-01", now=NOW, previous_lastmod=before)
    assert plan.request_headers(OLD_CHECKED_YESTERDAY, before, now=NOW, previous_lastmod=before) is None
    # unchanged lastmod: not due, even when the policy would re-check it
    assert plan.request_headers(OLD_CHECKED_LONG_AGO, before, now=NOW, previous_lastmod=before) is None
    # not listed by the previous sitemap: the policy decides
    assert plan.request_headers(OLD_CHECKED_YESTERDAY, "2024-07-20", now=NOW) is None
    assert plan.request_headers(OLD_CHECKED_LONG_AGO, "2024-04-01", now=NOW) == CONDITIONAL
    # an article that left the sitemap is re-checked now
    assert plan.request_headers(OLD_CHECKED_YESTERDAY, now=NOW, recheck=True) == CONDITIONAL


def test_static_pages_and_dead_menu_links_have_their_own_schedule() -> None:
    page, dead = (UrlDecision(UrlKind.PAGE, f"{BASE}/web/neoportal/{name}") for name in ("gioi-thieu", "cu"))
    state = IncrementalState(
        {page.canonical: captured(page, 9)},
        {},
        frozenset(),
        frozenset(),
        {page.canonical: (200, "2024-07-18T00:00:00Z"), dead.canonical: (404, "2024-07-01T00:00:00Z")},
    )
    plan = FetchPlanner(state, RecheckPolicy(), incremental=True, stats=MemoryStatsCollector(get_crawler()))
    assert plan.request_headers(page, now=NOW) is None  # checked two days ago: weekly
    assert plan.request_headers(page, now=datetime(2024, 7, 26, tzinfo=UTC)) == CONDITIONAL
    assert plan.request_headers(dead, now=datetime(2024, 7, 26, tzinfo=UTC)) is None  # 404: monthly
    assert plan.request_headers(dead, now=datetime(2024, 8, 1, tzinfo=UTC)) == ()
    unknown = UrlDecision(UrlKind.PAGE, f"{BASE}/web/neoportal/moi")
    assert plan.request_headers(unknown, now=NOW) == ()


def test_a_full_crawl_fetches_everything_but_what_the_resumed_run_fetched() -> None:
    plan = planner(incremental=False, done=frozenset({NEW.canonical, LISTING.canonical}))
    assert plan.request_headers(OLD_CHECKED_YESTERDAY, now=NOW) == CONDITIONAL
    assert plan.request_headers(IMAGE, now=NOW) == CONDITIONAL
    assert plan.request_headers(NEW, now=NOW) is None  # the interrupted run already fetched and stored it
    assert plan.request_headers(LISTING, now=NOW) == CONDITIONAL  # listings are read again to find links
    assert plan.recheck_urls() == []
    assert plan.stats.get_value("dvscrape/not_due") == 1


def test_listing_paging_stops_after_a_run_of_held_articles() -> None:
    plan = planner()
    held_run = [OLD_CHECKED_YESTERDAY, LISTING, OLD_CHECKED_LONG_AGO]
    assert plan.listing_exhausted(held_run) is True
    assert plan.listing_exhausted([OLD_CHECKED_YESTERDAY, NEW, OLD_CHECKED_LONG_AGO]) is False
    assert planner(incremental=False).listing_exhausted(held_run) is False
