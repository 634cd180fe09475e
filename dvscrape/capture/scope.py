"""ScopeMiddleware: the last word on what may be fetched. Every request — links, sitemap entries, robots.txt,
redirects — is checked against the site profile before it reaches the network; refusals are recorded."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from dvscrape.capture.extension import ArchiveExtension
from dvscrape.capture.items import CANONICAL_KEY, KIND_KEY
from dvscrape.capture.session import site_profile
from dvscrape.sites.urls import UrlKind, classify, classify_requisite

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from dvscrape.capture.session import CrawlSession
    from dvscrape.sites.profile import SiteProfile

logger = logging.getLogger(__name__)


class ScopeRefused(IgnoreRequest):
    """Raised for a request outside the crawl's scope (a redirect to another host, a trap, another scheme)."""


class ScopeMiddleware:
    """Downloader middleware at priority 40: refuses out-of-scope requests and re-labels redirected ones."""

    def __init__(self, profile: SiteProfile | None, session: CrawlSession | None) -> None:
        self.profile = profile
        self.session = session

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScopeMiddleware:
        """Always on: scope is not optional (refusals are recorded when the crawl has an archive)."""
        return cls(site_profile(crawler.settings), ArchiveExtension.session_of(crawler))

    def process_request(self, request: Request) -> None:
        """Let in-scope requests through; raise ScopeRefused (recorded) for the others."""
        profile = self.profile
        if profile is None:
            return None
        embedded = request.meta.get(KIND_KEY) == UrlKind.REQUISITE.value  # embeds are in scope wherever they live
        decision = classify_requisite(request.url, profile) if embedded else classify(request.url, profile)
        robots = request.url.endswith(profile.robots_path) and decision.kind is UrlKind.ROBOTS
        if decision.fetchable or robots:
            if request.meta.get("redirect_urls"):
                # A redirect keeps the original request's meta: label it with what the new URL is.
                request.meta[KIND_KEY] = decision.kind.value
                request.meta[CANONICAL_KEY] = decision.canonical
            return None
        redirected_from = (request.meta.get("redirect_urls") or [""])[-1]
        reason = f"{'redirect refused: ' if redirected_from else ''}{decision.reason}"
        if self.session is not None:
            self.session.refuse(request.url, decision.kind.value, reason, redirected_from)
        logger.info("refused %s (%s)", request.url[:200], reason)
        raise ScopeRefused(f"out of scope: {reason}")
