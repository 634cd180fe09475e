"""What a URL's query says about crawl traps, whatever the portal: the rules the crawl's trap guards
(capture/guards.py) and the probe (sites/probe.py) share. Pure functions of a URL, no profile, no Scrapy.

- a parameter whose value is itself a URL with a query, nested more than MAX_NESTED_URLS deep, is a growing back
  link (each hop nests the previous URL once more, percent-encoded again): a trap;
- a date parameter (2024-06-14, 14/06/2024, 2024-W24, 2024-06, a 13-digit millisecond time, year=2024) is what
  calendars step through without end; a date before the oldest year a portal can hold or more than a year ahead is a
  trap;
- a page number (cur, page, trang, …) above the chain budget cannot be reached by paging a real listing;
- the parameter names of a URL, values aside, are its pattern (`pattern_of`): filters and facets added to every page.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

from dvscrape.sites.urls import split_param_name

MAX_NESTED_URLS = 1  # one URL in a parameter (a login's return address) is normal; a URL in it again is a chain
FUTURE_DAYS = 366
PAGE_NAMES = frozenset({"cur", "page", "pagenumber", "pageno", "pageindex", "pg", "trang", "sotrang"})
YEAR_NAMES = frozenset({"year", "nam", "y"})
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_MILLIS = re.compile(r"^1\d{12}$")


def query_of(url: str) -> list[tuple[str, str]]:
    """The query parameters of *url*, decoded once, blank values kept."""
    try:
        return parse_qsl(urlsplit(url).query, keep_blank_values=True)
    except ValueError:
        return []


def nested_urls(url: str) -> int:
    """How deep URLs nest in *url*'s parameters: 0 for none, 1 for '?redirect=/web/a', 2 for a redirect whose own
    target carries a redirect, and so on."""
    depth = 0
    for _, value in query_of(url):
        if value.startswith(("/", "http://", "https://")):
            depth = max(depth, 1 + nested_urls(value))
    return depth


def date_in(name: str, value: str) -> date | None:
    """The date a parameter's value names (the first day of a week, month or year), or None."""
    value = value.strip()
    try:
        if match := _ISO_DAY.match(value):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DMY.match(value):
            return date(int(match[3]), int(match[2]), int(match[1]))
        if match := _ISO_WEEK.match(value):
            return date.fromisocalendar(int(match[1]), max(1, min(int(match[2]), 52)), 1)
        if match := _YEAR_MONTH.match(value):
            return date(int(match[1]), int(match[2]), 1)
        if _MILLIS.match(value):
            return datetime.fromtimestamp(int(value) / 1000, UTC).date()
        if split_param_name(name)[1].lower() in YEAR_NAMES and value.isdigit() and len(value) == 4:
            return date(int(value), 1, 1)
    except ValueError:
        return None
    return None


def page_number(name: str, value: str) -> int | None:
    """The page number a parameter names (cur, page, trang, … with a whole-number value), or None."""
    if split_param_name(name)[1].lower() in PAGE_NAMES and value.isdigit():
        return int(value)
    return None


def date_params(url: str) -> list[tuple[str, date]]:
    """The parameters of *url* that name a date, with the date."""
    found = [(name, date_in(name, value)) for name, value in query_of(url)]
    return [(name, day) for name, day in found if day is not None]


def unbounded_reason(url: str, *, oldest_year: int, max_page: int, today: date) -> str:
    """Why *url* steps a date or page parameter beyond any real page ('' when it does not)."""
    latest = today + timedelta(days=FUTURE_DAYS)
    for name, value in query_of(url):
        day = date_in(name, value)
        if day is not None and not date(oldest_year, 1, 1) <= day <= latest:
            return f"date parameter {name}={value} outside {oldest_year} to {latest.year}"
        number = page_number(name, value)
        if number is not None and number > max_page:
            return f"page parameter {name}={value} beyond {max_page} pages"
    return ""


def pattern_of(url: str) -> str:
    """The URL's query-parameter pattern: its distinct parameter names, sorted ('' without a query)."""
    return "&".join(sorted({name for name, _ in query_of(url)}))


def path_of(url: str) -> str:
    """The URL without its query and fragment: the listing a page belongs to."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"
