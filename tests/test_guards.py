"""The trap guards' rules and budgets (capture/guards.py, sites/traps.py) and the first crawl's boilerplate rule
(archive/crawl_report.py), without a crawl: each guard stops what it is for and lets a real listing through. The
crawls that meet the traps are in test_guards_e2e.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from urllib.parse import quote

import pytest

from dvscrape.archive.crawl_report import repeated_lines
from dvscrape.capture.guards import GuardLimits, TrapGuards, guard_lines
from dvscrape.sites.traps import date_in, nested_urls, page_number, pattern_of, unbounded_reason

SITE = "http://portal.example/web/so"
TODAY = date(2024, 6, 14)
LIMITS = GuardLimits(chain_pages=10, pattern_pages=6, barren_pages=3, oldest_year=1990)


def _guards(**limits: int) -> TrapGuards:
    return TrapGuards(replace(LIMITS, **limits), TODAY)


def test_a_url_nested_in_a_parameter_twice_is_a_growing_back_link() -> None:
    once = f"{SITE}/gioi-thieu?p_l_back_url={quote('/web/so/gioi-thieu', safe='')}"
    twice = f"{SITE}/gioi-thieu?p_l_back_url={quote(once.split('portal.example', 1)[1], safe='')}"
    assert (nested_urls(f"{SITE}/a"), nested_urls(once), nested_urls(twice)) == (0, 1, 2)
    guards = _guards()
    assert guards.admit(once) is None
    stop = guards.admit(twice)
    assert stop is not None and stop.guard == "nested-urls" and "2 deep" in stop.reason


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("_x_tuan", "2024-06-10", date(2024, 6, 10)),
        ("ngay", "14/06/2024", date(2024, 6, 14)),
        ("week", "2024-W24", date(2024, 6, 10)),
        ("thang", "2024-06", date(2024, 6, 1)),
        ("_8_year", "2023", date(2023, 1, 1)),
        ("date", "1718323200000", date(2024, 6, 14)),
        ("id", "2023", None),
        ("q", "đất đai", None),
        ("t", "20240614", None),
    ],
)
def test_date_parameters_are_read_in_the_forms_calendars_use(name: str, value: str, expected: date | None) -> None:
    assert date_in(name, value) == expected


def test_a_date_or_page_beyond_any_real_page_is_unbounded() -> None:
    def reason(url: str) -> str:
        return unbounded_reason(url, oldest_year=1990, max_page=1000, today=TODAY)

    assert reason(f"{SITE}/lich?tuan=2024-06-10") == ""
    assert "outside 1990" in reason(f"{SITE}/lich?tuan=1024-06-10")
    assert "outside 1990" in reason(f"{SITE}/lich?_cal_nam=2030")
    assert reason(f"{SITE}/tin?_ap_cur=1000") == ""
    assert "beyond 1000 pages" in reason(f"{SITE}/tin?_ap_cur=1001")
    assert page_number("_com_liferay_x_INSTANCE_a_cur", "7") == 7 and page_number("id", "7") is None
    stop = _guards().admit(f"{SITE}/lich?tuan=0999-01-04")
    assert stop is not None and stop.guard == "unbounded"


def test_a_listing_gets_its_chain_budget_and_no_more() -> None:
    guards = _guards(pattern_pages=100)
    pages = [f"{SITE}/tin?offset={n * 20}" for n in range(10)]
    assert all(guards.admit(url) is None for url in pages)
    assert guards.admit(pages[3]) is None  # a link seen again is Scrapy's duplicate filter's business
    stop = guards.admit(f"{SITE}/tin?offset=200")
    assert stop is not None and stop.guard == "chain" and stop.where == f"{SITE}/tin"
    assert guards.admit(f"{SITE}/tin?offset=220") == stop
    assert guards.admit(f"{SITE}/khac?_ap_cur=2") is None  # another listing has its own budget


def test_a_parameter_pattern_on_every_page_gets_its_budget() -> None:
    guards = _guards()
    assert pattern_of(f"{SITE}/a?tag=x&category=2&category=3") == "category&tag"
    for number in range(6):
        assert guards.admit(f"{SITE}/page-{number}?category={number}") is None
    stop = guards.admit(f"{SITE}/page-9?category=9")
    assert stop is not None and stop.guard == "pattern" and stop.where == "category"
    assert guards.admit(f"{SITE}/page-9") is None


def test_a_listing_whose_pages_link_nothing_new_is_stopped_and_its_queue_dropped() -> None:
    guards = _guards()
    calendar = f"{SITE}/lich-cong-tac"
    sidebar = {f"{SITE}/-/bai-{n}" for n in range(5)}
    assert guards.admit(calendar) is None and guards.page_read(calendar, sidebar) is None
    weeks = [f"{calendar}?tuan=2024-06-{day:02d}" for day in (3, 10, 17, 24)]
    assert all(guards.admit(url) is None for url in weeks)
    assert guards.page_read(weeks[0], sidebar) is None and guards.page_read(weeks[1], sidebar) is None
    stop = guards.page_read(weeks[2], sidebar)
    assert stop is not None and stop.guard == "barren" and stop.where == calendar
    # admitted before the stop, still queued: dropped at the downloader when a barren page linked it
    assert guards.barren(weeks[3], found_on=weeks[2]) == stop
    assert guards.barren(weeks[3], found_on=calendar) is None  # its first page brought articles: the link is kept
    assert guards.admit(f"{calendar}?tuan=2024-07-01") == stop


def test_a_listing_with_new_articles_on_each_page_is_never_barren() -> None:
    guards = _guards(pattern_pages=100)
    listing = f"{SITE}/tin-tuc"
    featured = {f"{SITE}/-/noi-bat-{n}" for n in range(3)}
    for number in range(1, 9):
        url = f"{listing}?_ap_cur={number}"
        assert guards.admit(url) is None
        own = {f"{SITE}/-/bai-{number}-{n}" for n in range(5)}
        assert guards.page_read(url, own | featured) is None
    assert guards.barren(f"{listing}?_ap_cur=9", found_on=f"{listing}?_ap_cur=8") is None


def test_the_summary_names_what_each_guard_stopped() -> None:
    assert guard_lines({}) == ["  trap guards: none triggered"]
    stats = {"dvscrape/guards/triggered": ["barren /web/so/lich: 3 pages in a row … (4 not followed)"]}
    assert guard_lines(stats) == ["  trap guard barren /web/so/lich: 3 pages in a row … (4 not followed)"]


def test_a_line_in_most_bodies_is_suspected_of_being_boilerplate() -> None:
    bodies = [f"Bài {n}: nội dung riêng.\nChia sẻ bài viết\nTheo dõi chúng tôi trên Zalo" for n in range(6)]
    bodies += ["Một bài không có thanh chia sẻ.", "Chia sẻ bài viết\nMột bài khác."]
    assert repeated_lines(bodies) == (("Chia sẻ bài viết", 7), ("Theo dõi chúng tôi trên Zalo", 6))
    assert repeated_lines(bodies[:2]) == ()  # two articles prove nothing
    assert repeated_lines([f"Đoạn {n}.\nDòng chung." for n in range(9)] + ["Khác."] * 9) == ()  # half is not most
