"""Trap guards that need no site profile, as Heritrix's decide rules and Scrapy's DEPTH_LIMIT do: a portal the
profile does not know yet (a work calendar whose week links go back forever, search facets, a pager that never ends,
a back link that nests the page it came from) costs a bounded number of requests, whatever its profile says.

Every page request (home, listing and other pages; articles, images and documents are what the crawl is for and
are bounded by the site) passes these, after the profile's own rules:
- nested-urls: a parameter holding a URL that holds a URL again (sites.traps.nested_urls) is a growing back link;
- unbounded: a date parameter outside DVSCRAPE_GUARD_OLDEST_YEAR … a year ahead, or a page number above the chain
  budget;
- chain: at most DVSCRAPE_GUARD_CHAIN_PAGES pages of one listing (a path: its first page and every query variant of
  it: pager, week links, facets);
- pattern: at most DVSCRAPE_GUARD_PATTERN_PAGES pages with one set of query-parameter names, whatever their path
  (a filter added to every page);
- barren: a listing whose pages, DVSCRAPE_GUARD_BARREN_PAGES in a row, link no article or document its earlier
  pages did not link is stopped there.
A stopped URL is recorded in `refused_urls` (kind 'trap', reason 'guard NAME: why'), counted in the crawl stats as
`dvscrape/guards/NAME/stopped`, logged once per listing and named in the crawl summary (`guard_lines`). The spider
middleware decides when a page yields a link; the downloader middleware drops what the listing's barren pages had
queued before it turned barren (not what its productive pages linked: pages come back in any order), and applies the
rules to redirect targets, which no spider middleware sees.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import NotConfigured

from dvscrape.capture.extension import ArchiveExtension
from dvscrape.capture.items import KIND_KEY
from dvscrape.capture.scope import ScopeRefused
from dvscrape.sites.traps import MAX_NESTED_URLS, nested_urls, path_of, pattern_of, unbounded_reason
from dvscrape.sites.urls import split_param_name

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

GUARDED_KINDS = frozenset({"home", "listing", "page"})
FOUND_ON_KEY = "dvscrape_guard_found_on"
# Set by the spider on a page it parsed: the canonical URLs of the articles and documents the page links.
LINKED_KEY = "dvscrape_linked"
TRIGGERED_STAT = "dvscrape/guards/triggered"


class GuardStopped(ScopeRefused):
    """Raised for a request a trap guard stopped (recorded in refused_urls like any refusal)."""


@dataclass(frozen=True)
class GuardLimits:
    """The guards' budgets, read once from the crawl's settings."""

    chain_pages: int
    pattern_pages: int
    barren_pages: int
    oldest_year: int

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> GuardLimits:
        """DVSCRAPE_GUARD_CHAIN_PAGES, _PATTERN_PAGES, _BARREN_PAGES and _OLDEST_YEAR."""
        return cls(
            chain_pages=settings.getint("DVSCRAPE_GUARD_CHAIN_PAGES"),
            pattern_pages=settings.getint("DVSCRAPE_GUARD_PATTERN_PAGES"),
            barren_pages=settings.getint("DVSCRAPE_GUARD_BARREN_PAGES"),
            oldest_year=settings.getint("DVSCRAPE_GUARD_OLDEST_YEAR"),
        )


@dataclass(frozen=True)
class Stop:
    """A guard's verdict: which guard, on which listing or pattern, and why."""

    guard: str
    where: str
    reason: str


@dataclass
class _Triggered:
    reason: str
    stopped: int = 0  # URLs not followed


@dataclass
class _Listing:
    pages: set[str] = field(default_factory=set)  # URLs let through
    linked: set[str] = field(default_factory=set)  # articles and documents its pages linked
    barren: int = 0  # pages read in a row that linked nothing new
    barren_pages: set[str] = field(default_factory=set)  # the pages read that linked nothing new


class TrapGuards:
    """One crawl's budgets and stops (no Scrapy here: the middlewares feed it)."""

    def __init__(self, limits: GuardLimits, today: date) -> None:
        self.limits = limits
        self.today = today
        self._listings: dict[str, _Listing] = {}
        self._patterns: Counter[str] = Counter()
        self._admitted: set[str] = set()
        self._stopped: dict[str, Stop] = {}  # by listing path or by pattern

    def unbounded(self, url: str) -> Stop | None:
        """A date parameter or page number beyond any real page (sites.traps.unbounded_reason)."""
        limits = self.limits
        reason = unbounded_reason(url, oldest_year=limits.oldest_year, max_page=limits.chain_pages, today=self.today)
        return Stop("unbounded", path_of(url), reason) if reason else None

    @staticmethod
    def nested(url: str) -> Stop | None:
        """A URL in a parameter holding a URL again (sites.traps.nested_urls): a growing back link."""
        depth = nested_urls(url)
        reason = f"a URL nested {depth} deep in its parameters (a growing back link)"
        return Stop("nested-urls", path_of(url), reason) if depth > MAX_NESTED_URLS else None

    def rule(self, url: str) -> Stop | None:
        """The rules that need no count (for a redirect target): a growing nest of URLs, an unbounded parameter."""
        return self.nested(url) or self.unbounded(url)

    def barren(self, url: str, found_on: str) -> Stop | None:
        """The stop of *url*'s listing if it turned barren since *url* was let through and the page *found_on* that
        linked it was one of its pages that linked nothing new. A page linked by a page that brought new articles
        is fetched: pages of one listing are answered in any order, so the last real pages of a pager may come after
        three pages beyond its end."""
        path = path_of(url)
        stop = self._stopped.get(path)
        if stop is None or stop.guard != "barren":
            return None
        listing = self._listings.get(path)
        return stop if listing is None or found_on in listing.barren_pages or path_of(found_on) != path else None

    def admit(self, url: str) -> Stop | None:
        """Whether the page *url* may be fetched (None) or the Stop that refuses it; a page let through counts."""
        if url in self._admitted:
            return None  # a link seen again: Scrapy's duplicate filter drops it
        path, pattern = path_of(url), pattern_of(url)
        stop = self._stopped.get(path) or (self._stopped.get(pattern) if pattern else None) or self.nested(url)
        if stop is not None:
            return stop
        listing = self._listings.setdefault(path, _Listing())
        if len(listing.pages) >= self.limits.chain_pages:
            return self._stop(path, Stop("chain", path, f"more than {self.limits.chain_pages} pages of one listing"))
        if pattern and self._patterns[pattern] >= self.limits.pattern_pages:
            reason = f"more than {self.limits.pattern_pages} pages with these parameters"
            return self._stop(pattern, Stop("pattern", pattern, reason))
        stop = self.unbounded(url)
        if stop is not None:
            return stop
        listing.pages.add(url)
        self._admitted.add(url)
        if pattern:
            self._patterns[pattern] += 1
        return None

    def page_read(self, url: str, linked: Iterable[str]) -> Stop | None:
        """A page of a listing was read and linked *linked*; the Stop when that makes the listing barren."""
        path = path_of(url)
        listing = self._listings.setdefault(path, _Listing())
        new = set(linked) - listing.linked
        listing.linked |= new
        listing.barren = 0 if new else listing.barren + 1
        if not new:
            listing.barren_pages.add(url)
        if listing.barren < self.limits.barren_pages or path in self._stopped:
            return None
        reason = f"{listing.barren} pages in a row linked no article or document its other pages had not"
        return self._stop(path, Stop("barren", path, reason))

    def _stop(self, key: str, stop: Stop) -> Stop:
        self._stopped[key] = stop
        return stop


class TrapGuardMiddleware:
    """Spider middleware: guards the page links a response yields and reads what each page linked."""

    def __init__(self, crawler: Crawler, guards: TrapGuards) -> None:
        self.crawler = crawler
        self.guards = guards
        self.session = ArchiveExtension.session_of(crawler)
        self.triggered: dict[tuple[str, str], _Triggered] = {}  # by (guard, where)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TrapGuardMiddleware:
        """Enabled by DVSCRAPE_GUARDS_ENABLED."""
        if not crawler.settings.getbool("DVSCRAPE_GUARDS_ENABLED"):
            raise NotConfigured("DVSCRAPE_GUARDS_ENABLED is off")
        return cls(crawler, TrapGuards(GuardLimits.from_settings(crawler.settings), date.today()))

    async def process_spider_output(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """Drop the page links a guard stops; once the page's output is done, note what it linked."""
        async for item in result:
            if not isinstance(item, Request) or self.admitted(item, response):
                yield item
        self._page_read(response)

    def admitted(self, request: Request, response: Response) -> bool:
        """Whether *request*, linked from *response*, may be scheduled (a refusal is recorded)."""
        if request.meta.get(KIND_KEY) not in GUARDED_KINDS:
            return True
        stop = self.guards.admit(request.url)
        if stop is None:
            request.meta[FOUND_ON_KEY] = response.url
            return True
        self.record(stop, request.url, response.url)
        return False

    def _page_read(self, response: Response) -> None:
        linked = response.meta.get(LINKED_KEY)
        if linked is None or response.status == 304 or response.meta.get(KIND_KEY) not in GUARDED_KINDS:
            return  # a 304 has no body to read links from: it says nothing of the listing
        stop = self.guards.page_read(response.url, linked)
        if stop is not None:
            self._triggered(stop)
            self._publish()

    def _triggered(self, stop: Stop) -> _Triggered:
        key = (stop.guard, stop.where)
        if key not in self.triggered:
            logger.warning("trap guard %s stopped %s: %s", stop.guard, stop.where, stop.reason)
            self.triggered[key] = _Triggered(stop.reason)
        return self.triggered[key]

    def record(self, stop: Stop, url: str, found_on: str) -> None:
        """Record one URL a guard stopped: refused_urls, the crawl stats, a warning the first time."""
        self._triggered(stop).stopped += 1
        if self.session is not None:
            self.session.refuse(url, "trap", f"guard {stop.guard}: {stop.reason}", found_on)
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"dvscrape/guards/{stop.guard}/stopped")
        self._publish()

    def _publish(self) -> None:
        if self.crawler.stats is not None:
            lines = [
                f"{guard} {_shown(where)}: {triggered.reason} ({triggered.stopped} not followed)"
                for (guard, where), triggered in sorted(self.triggered.items())
            ]
            self.crawler.stats.set_value(TRIGGERED_STAT, lines)


class TrapGuardDownloaderMiddleware:
    """Downloader middleware: drops a queued page whose listing a guard stopped since it was linked, and applies
    the rules to redirect targets."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._spider_side: TrapGuardMiddleware | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TrapGuardDownloaderMiddleware:
        """Enabled by DVSCRAPE_GUARDS_ENABLED."""
        if not crawler.settings.getbool("DVSCRAPE_GUARDS_ENABLED"):
            raise NotConfigured("DVSCRAPE_GUARDS_ENABLED is off")
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        """Let the request through, or raise GuardStopped (recorded)."""
        if request.meta.get(KIND_KEY) not in GUARDED_KINDS:
            return None
        guard = self._spider_side or self.crawler.get_spider_middleware(TrapGuardMiddleware)
        if guard is None:
            return None
        self._spider_side = guard
        redirected = bool(request.meta.get("redirect_urls"))
        found_on = (request.meta.get("redirect_urls") or [""])[-1] or str(request.meta.get(FOUND_ON_KEY, ""))
        stop = (guard.guards.rule(request.url) if redirected else None) or guard.guards.barren(request.url, found_on)
        if stop is None:
            return None
        guard.record(stop, request.url, found_on)
        raise GuardStopped(f"guard {stop.guard}: {stop.reason}")


def _shown(where: str) -> str:
    """A listing as the summary shows it: its path (the host is the crawl's); a pattern by its parameters' names
    without their portlet namespaces."""
    if "://" in where:
        return urlsplit(where).path or where
    return "&".join(split_param_name(name)[1] for name in where.split("&"))


def guard_lines(stats: Mapping[str, Any]) -> list[str]:
    """The summary's lines on the guards: what each stopped, or that none was triggered."""
    triggered = list(stats.get(TRIGGERED_STAT) or ())
    if not triggered:
        return ["  trap guards: none triggered"]
    return [f"  trap guard {line}" for line in triggered]
