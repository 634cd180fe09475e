"""FetchPlanner: what an incremental or resumed crawl fetches of what the archive already holds, and how it asks.

The spider finds URLs and routes them; for each one it asks the planner, which answers from the archive's
IncrementalState and the re-check policy: not at all (a held article that is not due, a held image or attachment,
a URL the interrupted run being resumed already fetched), or with which conditional-request headers. The planner
also tells when a listing page shows a run of held articles, so that paging can stop there.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from dvscrape.archive.incremental import IncrementalState, RecheckPolicy
from dvscrape.capture.counts import Count, count
from dvscrape.sites.urls import UrlDecision, UrlKind

if TYPE_CHECKING:
    from dvscrape.capture.counts import Stats

# What a resumed run does not fetch again when the interrupted run already did.
RESUMABLE_KINDS = frozenset({UrlKind.ARTICLE, UrlKind.MEDIA})

Headers = tuple[tuple[str, str], ...]


class FetchPlanner:
    """Decides, for one crawl, which URLs are fetched and with which conditional headers; counts what it skips."""

    def __init__(self, state: IncrementalState, policy: RecheckPolicy, *, incremental: bool, stats: Stats):
        self.state = state
        self.policy = policy
        self.incremental = incremental
        self.stats = stats
        self._articles_found: set[str] = set()

    def recheck_urls(self, now: datetime | None = None) -> list[str]:
        """Held articles to schedule even when no page links to them any more (how a vanished one is found gone):
        those that may be due at *now*; request_headers() still decides which of them are."""
        return self.state.recheck_candidates(now or datetime.now(UTC), self.policy) if self.incremental else []

    def request_headers(
        self,
        decision: UrlDecision,
        lastmod: str = "",
        now: datetime | None = None,
        *,
        previous_lastmod: str | None = None,
        recheck: bool = False,
    ) -> Headers | None:
        """None when the URL is not fetched in this run (counted as not due); else the conditional-request headers
        (If-None-Match / If-Modified-Since from the last capture; empty for a URL fetched for the first time).

        *lastmod* is the sitemap's lastmod for the URL now and *previous_lastmod* the one the previous visit's
        sitemap gave it (None: not listed then): when the site gives both, an article is due exactly when they
        differ. *recheck* makes a held article due now (it vanished from the sitemap: is it gone?).
        """
        canonical = decision.canonical
        if decision.kind is UrlKind.ARTICLE and canonical not in self._articles_found:
            self._articles_found.add(canonical)  # every article URL the crawl found, fetched or not
            self.stats.set_value(Count.ARTICLES_FOUND.key, len(self._articles_found))
        known = self.state.last_capture(canonical)
        if not self._due(decision, known is not None, lastmod, now, previous_lastmod, recheck):
            count(self.stats, Count.NOT_DUE)
            return None
        if known is None or (decision.kind is UrlKind.ARTICLE and not self.holds_article(canonical)):
            return ()  # an article captured but never stored (a killed run) needs its body, not a 304
        return known.conditional_headers()

    def _due(
        self,
        decision: UrlDecision,
        captured: bool,
        lastmod: str,
        now: datetime | None,
        previous_lastmod: str | None = None,
        recheck: bool = False,
    ) -> bool:
        if decision.kind in RESUMABLE_KINDS and self.state.fetched_in_resumed_crawl(decision.canonical):
            return False
        if not self.incremental:
            return True
        moment = now or datetime.now(UTC)
        if decision.kind is UrlKind.PAGE:  # static pages and menu links: their own, slower schedule
            return self.state.page_due(decision.canonical, moment, self.policy)
        if decision.kind is UrlKind.REQUISITE and captured:  # the theme's files: new versions get new URLs
            return self.state.page_due(decision.canonical, moment, self.policy)
        if not captured:
            if self.state.answered_missing(decision.canonical) and not self.holds_article(decision.canonical):
                return self.state.page_due(decision.canonical, moment, self.policy)  # a dead link: rarely
            return True
        if decision.kind is UrlKind.MEDIA:
            return False  # documents and images live at immutable, uuid-named URLs
        if decision.kind is UrlKind.ARTICLE:
            if recheck and self.holds_article(decision.canonical):
                return not self.state.fetched_in_resumed_crawl(decision.canonical)
            return self.state.is_due(
                decision.canonical,
                now or datetime.now(UTC),
                self.policy,
                lastmod=lastmod,
                previous_lastmod=previous_lastmod,
            )
        return True

    def holds_article(self, canonical: str) -> bool:
        """Whether the archive held an article at *canonical* when the crawl started."""
        return self.state.article(canonical) is not None

    def listing_exhausted(self, decisions: Iterable[UrlDecision]) -> bool:
        """In an incremental crawl: whether a listing page linking to *decisions* (in page order) shows a run of
        `policy.stop_after_known` articles the archive already holds, so its further pages need not be read."""
        if not self.incremental:
            return False
        run = 0
        for decision in decisions:
            if decision.kind is UrlKind.ARTICLE:
                run = run + 1 if self.holds_article(decision.canonical) else 0
                if run >= self.policy.stop_after_known:
                    return True
        return False
