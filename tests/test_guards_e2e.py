"""The trap guards on a crawl: the Liferay 7.4 department portal (tests/replicas/stnmt) with every trap on (a work
calendar whose week links never end, search facets that append without end, a pager that never ends, a back link
that nests the URL it was reached by), crawled with a profile that knows none of them and takes the calendar for a
listing (what a probe that could not tell a sidebar from a listing wrote). Each trap is stopped within the budget
of the guard that stops it, named in the summary and recorded in `refused_urls`, and no article is lost.

Budgets are counted when a page is linked (chain, pattern: strict) or when a page is read (barren: the pages
already in flight when a listing turns barren are fetched too, at most CONCURRENT_REQUESTS of `--fast`).
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dvscrape.replica.process import start_replica_process
from dvscrape.settings import FAST_LOCAL_SETTINGS
from tests.conftest import run_cli

STNMT = "tests.replicas.stnmt"
CATEGORIES = ("tin-hoat-dong", "dat-dai", "moi-truong", "tai-nguyen-nuoc")
CALENDAR = "/web/stnmt/lich-cong-tac"
BARREN = 5  # DVSCRAPE_GUARD_BARREN_PAGES's default
IN_FLIGHT = int(FAST_LOCAL_SETTINGS["CONCURRENT_REQUESTS"])
UNPROBED = """name = "stnmt"
liferay = "7"
site_url = "{url}"
listing_paths = [{listings}]

[urls]
site_path = "/web/stnmt"
home_path = "/web/stnmt/trang-chu"

[selectors]
listing_entries = "li.list-group-item"
listing_entry_link = "p.list-group-title a[href]"
publish_date = "span.date-info"
"""


def replica_json(url: str, name: str) -> dict[str, Any]:
    """The department portal's /__replica__/NAME (stats, truth.json)."""
    with urllib.request.urlopen(f"{url}/__replica__/{name}") as response:
        data: dict[str, Any] = json.load(response)
    return data


def write_unprobed_profile(folder: Path, url: str, *, sees_dates: bool = True) -> Path:
    """A profile of the portal that knows none of its traps and takes the work calendar for a listing (and, unless
    it *sees_dates*, misses the date the article pages show)."""
    listings = ", ".join(f'"/web/stnmt/{slug}"' for slug in (*CATEGORIES, "lich-cong-tac"))
    text = UNPROBED.format(url=url, listings=listings)
    if not sees_dates:
        text = text.replace('publish_date = "span.date-info"\n', "")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "stnmt.toml").write_text(text, encoding="utf-8")
    return folder


@dataclass(frozen=True)
class TrapCrawl:
    """One crawl of the portal with every trap on: the CLI's result, its summary, what the portal was asked."""

    result: Any
    summary: dict[str, Any]
    archive: Path
    families: dict[str, int]
    fetched: dict[str, int]
    truth: dict[str, Any]

    def guard_rows(self) -> list[tuple[str, str]]:
        with sqlite3.connect(self.archive / "archive.sqlite") as conn:
            return conn.execute("SELECT url, reason FROM refused_urls WHERE reason LIKE 'guard %'").fetchall()

    def articles(self) -> list[str]:
        with sqlite3.connect(self.archive / "archive.sqlite") as conn:
            return [row[0] for row in conn.execute("SELECT url FROM articles")]


def crawl_portal(
    folder: Path, profiles: Path, *settings: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """`dvscrape crawl stnmt --fast` with the profiles in *profiles* into *folder*/archive: the CLI's result and its
    summary (--summary-json)."""
    summary = folder / "summary.json"
    result = run_cli(
        "crawl",
        "stnmt",
        "--archive",
        str(folder / "archive"),
        "--fast",
        "--summary-json",
        str(summary),
        "-s",
        f"DVSCRAPE_PROFILES_DIR={profiles}",
        *(part for setting in settings for part in ("-s", setting)),
        timeout=300,
    )
    return result, json.loads(summary.read_text(encoding="utf-8")) if summary.exists() else {}


def _crawl(folder: Path, *settings: str, sees_dates: bool = True) -> TrapCrawl:
    with start_replica_process("--traps", "pager,redirect", module=STNMT, quiet=True) as portal:
        profiles = write_unprobed_profile(folder / "profiles", portal.url, sees_dates=sees_dates)
        result, summary = crawl_portal(folder, profiles, *settings)
        stats = replica_json(portal.url, "stats")
        truth = replica_json(portal.url, "truth.json")
    return TrapCrawl(result, summary, folder / "archive", stats["families"], stats["articles"], truth)


@pytest.fixture(scope="module")
def default_crawl(tmp_path_factory: pytest.TempPathFactory) -> TrapCrawl:
    """The traps met with dvscrape's default budgets."""
    return _crawl(tmp_path_factory.mktemp("guards-default"))


@pytest.fixture(scope="module")
def chain_crawl(tmp_path_factory: pytest.TempPathFactory) -> TrapCrawl:
    """The traps met with only the chain budget (barren listings followed on)."""
    return _crawl(
        tmp_path_factory.mktemp("guards-chain"), "DVSCRAPE_GUARD_BARREN_PAGES=1000000", "DVSCRAPE_GUARD_CHAIN_PAGES=12"
    )


@pytest.fixture(scope="module")
def pattern_crawl(tmp_path_factory: pytest.TempPathFactory) -> TrapCrawl:
    """The traps met with only the pattern budget."""
    return _crawl(
        tmp_path_factory.mktemp("guards-pattern"),
        "DVSCRAPE_GUARD_BARREN_PAGES=1000000",
        "DVSCRAPE_GUARD_CHAIN_PAGES=100000",
        "DVSCRAPE_GUARD_PATTERN_PAGES=4",
    )


def _named(crawl: TrapCrawl, guard: str, where: str) -> bool:
    lines = [line for line in crawl.result.stdout.splitlines() if line.startswith(f"  trap guard {guard} {where}")]
    return bool(lines) and any(line.startswith(f"{guard} {where}") for line in crawl.summary["guards_triggered"])


def _no_article_lost(crawl: TrapCrawl) -> None:
    assert crawl.result.returncode == 0, crawl.result.stdout + crawl.result.stderr[-3000:]
    expected = {article["url_title"] for article in crawl.truth["articles"]}
    archived = crawl.articles()
    assert len(archived) == len(set(archived)) == len(expected)
    assert {url.rsplit("/", 1)[-1] for url in archived} == expected
    assert set(crawl.fetched) == expected and set(crawl.fetched.values()) == {1}  # every article fetched once


def test_the_endless_calendar_is_stopped_when_its_pages_link_nothing_new(default_crawl: TrapCrawl) -> None:
    _no_article_lost(default_crawl)
    assert default_crawl.families["calendar-step"] <= BARREN + IN_FLIGHT
    assert _named(default_crawl, "barren", CALENDAR)
    assert _named(default_crawl, "unbounded", CALENDAR)  # its year list runs years ahead
    reasons = {reason.split(":")[0] for url, reason in default_crawl.guard_rows() if CALENDAR in url}
    assert reasons == {"guard barren", "guard unbounded"}


def test_endless_search_facets_are_stopped(default_crawl: TrapCrawl) -> None:
    _no_article_lost(default_crawl)
    # The results of each of the three keywords the search page offers are new to it once: each such page starts
    # the count of barren pages again (at most BARREN - 1 before it), then BARREN more stop it. The facet links of a
    # keyword's page (one per category and four dates) are fetched even once the search is stopped: a productive
    # page's links are kept (pages come back in any order), only what barren pages linked is dropped.
    keywords, facets = 3, len(CATEGORIES) + 4
    assert default_crawl.families["search"] <= keywords + keywords * max(BARREN - 1, facets) + BARREN + IN_FLIGHT
    assert _named(default_crawl, "barren", "/web/stnmt/search")


def test_a_pager_that_never_ends_is_stopped(default_crawl: TrapCrawl) -> None:
    _no_article_lost(default_crawl)
    last_pages = 4  # each category's list has 20 articles, 5 a page
    assert default_crawl.families["pager-beyond"] <= len(CATEGORIES) * (BARREN - 1 + IN_FLIGHT)
    for slug in CATEGORIES:
        assert _named(default_crawl, "barren", f"/web/stnmt/{slug}")
    assert default_crawl.families["listing"] + default_crawl.families["listing-page"] >= len(CATEGORIES) * last_pages


def test_a_growing_back_link_is_stopped_at_its_second_nesting(default_crawl: TrapCrawl) -> None:
    _no_article_lost(default_crawl)
    assert default_crawl.families["back-link"] == 1  # the page reached once through its back link, no further
    assert _named(default_crawl, "nested-urls", "/web/stnmt/gioi-thieu")
    rows = [url for url, reason in default_crawl.guard_rows() if reason.startswith("guard nested-urls")]
    assert rows and all("p_l_back_url" in url for url in rows)


def test_a_redirect_that_nests_its_own_url_is_stopped_at_its_first_hop(default_crawl: TrapCrawl) -> None:
    _no_article_lost(default_crawl)
    assert default_crawl.families["redirect-hop"] == 1  # the link was fetched; the URL it redirected to was not
    with sqlite3.connect(default_crawl.archive / "archive.sqlite") as conn:
        rows = conn.execute(
            "SELECT url, reason, found_on FROM refused_urls WHERE url LIKE '%/chuyen-trang?%' AND reason LIKE 'guard %'"
        ).fetchall()
        hops = conn.execute("SELECT status FROM captures WHERE url LIKE '%/chuyen-trang?%'").fetchall()
    assert hops == [(302,)]  # the redirect itself is archived
    assert len(rows) == 1 and rows[0][1].startswith("guard nested-urls") and "/chuyen-trang?" in rows[0][2]
    assert _named(default_crawl, "nested-urls", "/web/stnmt/chuyen-trang")


def test_the_chain_budget_alone_stops_every_endless_listing(chain_crawl: TrapCrawl) -> None:
    _no_article_lost(chain_crawl)
    assert chain_crawl.families["calendar-step"] <= 12 - 1  # the calendar's own page counts in its chain
    assert chain_crawl.families["search"] <= 12
    assert chain_crawl.families["pager-beyond"] <= len(CATEGORIES) * (12 - 4)
    for where in (CALENDAR, "/web/stnmt/search", *(f"/web/stnmt/{slug}" for slug in CATEGORIES)):
        assert _named(chain_crawl, "chain", where)


def test_the_pattern_budget_alone_stops_every_endless_listing(pattern_crawl: TrapCrawl) -> None:
    _no_article_lost(pattern_crawl)
    calendar_patterns, search_patterns = 2, 4  # week or year; q with category, modified, both or neither
    assert pattern_crawl.families["calendar-step"] <= 4 * calendar_patterns
    assert pattern_crawl.families["search"] <= 4 * search_patterns
    assert pattern_crawl.families["pager-beyond"] <= len(CATEGORIES) * 4
    assert any(line.startswith("pattern ") for line in pattern_crawl.summary["guards_triggered"])


@pytest.fixture(scope="module")
def held_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TrapCrawl, str]]:
    """The traps met with the guards off: listings never end; articles are held for a date their page does not
    show (the profile misses it) and must be stored after DVSCRAPE_HOLD_SECONDS anyway."""
    folder = tmp_path_factory.mktemp("guards-off")
    yield (
        _crawl(
            folder,
            "DVSCRAPE_GUARDS_ENABLED=0",
            "DVSCRAPE_HOLD_SECONDS=2",
            "CLOSESPIDER_TIMEOUT=30",
            "DVSCRAPE_PROGRESS_INTERVAL=1",
            sees_dates=False,
        ),
        (folder / "profiles" / "stnmt.toml").read_text(encoding="utf-8"),
    )


def test_held_articles_are_stored_while_listings_never_end(held_crawl: tuple[TrapCrawl, str]) -> None:
    crawl, _ = held_crawl
    assert crawl.result.returncode == 0, crawl.result.stdout + crawl.result.stderr[-3000:]
    assert "held more than 2 s for listings that have not ended" in crawl.result.stderr
    with sqlite3.connect(crawl.archive / "archive.sqlite") as conn:
        rows = conn.execute("SELECT published_date FROM articles").fetchall()
    assert rows and len(rows) == len(crawl.fetched)  # every article fetched is stored
    assert all(published is None for (published,) in rows)  # each needed the listings' date: each was held
    assert f"archived; empty fields: title 0, date {len(rows)}, category 0" in crawl.result.stdout  # and it says so
    # The progress lines, one a second: long before the time limit closed the crawl, what was found was archived.
    progress = [_progress(line) for line in crawl.result.stderr.splitlines() if "progress:" in line]
    assert max(seconds for seconds, _, _ in progress) >= 28  # the listings did not end: the time limit closed it
    found, archived = next((f, a) for seconds, f, a in reversed(progress) if seconds <= 25)
    assert found >= 10 and archived >= found - 5, progress


def _progress(line: str) -> tuple[int, int, int]:
    """(seconds, articles found, archived) of a progress line."""
    match = re.search(r"(\d+) articles found, (\d+) archived .* (\d+)s(?:;|$)", line)
    assert match, line
    return int(match.group(3)), int(match.group(1)), int(match.group(2))
