"""Page requisites for PortalSpider: what the pages it archives embed (stylesheets and the URLs they reference,
scripts, ``/combo/`` bundles, theme images, icons, fonts) on the portal's host, fetched under the URL referenced.

Each requisite URL is fetched at most once per crawl (every page names the same theme files), when the FetchPlanner
finds it due; a re-fetch asks with the validators of the last capture, so an unchanged one is archived as a revisit
record. Requisites are counted in the
crawl's stats (``dvscrape/requisites/fetched``, ``…/unchanged``) and in its summary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.http import Response, TextResponse

from dvscrape.capture.items import REVISIT_KEY, content_type
from dvscrape.pages.requisites import css_references, page_requisites, stylesheet_text
from dvscrape.sites.urls import UrlDecision, UrlKind, classify_requisite

if TYPE_CHECKING:
    from dvscrape.capture.session import CrawlSession
    from dvscrape.sites.profile import SiteProfile

REQUISITE_STATS = "dvscrape/requisites"
# After articles, their images and listings: a page's look matters less than its content when a run is cut short,
# and the listing thumbnails every listing page embeds would otherwise hold back the listings behind them.
REQUISITE_PRIORITY = -10


class RequisitesMixin:
    """Scheduling and parsing of page requisites; mixed into PortalSpider, whose routing it uses."""

    profile: SiteProfile
    crawler: Any
    session: CrawlSession | None
    fetch_requisites: bool  # DVSCRAPE_FETCH_REQUISITES, set by the spider's from_crawler
    _request_for: Callable[..., scrapy.Request | None]
    _schedule: Callable[[scrapy.Request | None], Iterator[scrapy.Request]]
    _refused: Callable[..., None]
    _failed_status: Callable[[Response], Any]

    def init_requisites(self) -> None:
        """The per-run state: requisite URLs scheduled, and media URLs fetched as variants of a held one."""
        self._requisite_urls: set[str] = set()
        self._variant_urls: set[str] = set()

    def variant_headers(self, decision: UrlDecision, url: str) -> tuple[tuple[str, str], ...] | None:
        """For an image, document or page requisite the planner found held: the conditional headers to fetch it
        under *url* when that URL was never captured (another page names the same resource under another URL, say
        a new ``?t=`` or a mirror's new port), so that every URL a page references replays; None when *url* itself
        is archived."""
        if decision.kind not in (UrlKind.MEDIA, UrlKind.REQUISITE) or self.session is None:
            return None
        known = self.session.state.last_capture(decision.canonical)
        fetched = self.profile.fetch_url(url)
        if known is None or self.session.state.archived_media_url(fetched) or fetched in self._variant_urls:
            return None
        self._variant_urls.add(fetched)
        return known.conditional_headers()

    def _archived_stylesheet(self, url: str) -> str:
        """The newest archived body of the stylesheet at *url* ('' when there is none): a 304 answer has no body,
        and the URLs a stylesheet references are requisites of every crawl."""
        if self.session is None:
            return ""
        payload, declared = self.session.newest_payload(url)
        return stylesheet_text(payload, declared)

    def requisite_requests(self, base_url: str, urls: list[str]) -> Iterator[scrapy.Request]:
        """Requests for the requisites *urls* embedded by the page or stylesheet at *base_url*, each URL once per
        crawl; off-site and action URLs are recorded as refused, images and documents keep their media kind."""
        if not self.fetch_requisites:
            return
        seen = self._requisite_urls
        for url in urls:
            if url in seen:
                continue
            seen.add(url)
            decision = classify_requisite(url, self.profile)
            if not decision.fetchable:
                self._refused(url, decision, base_url)
                continue
            if decision.kind not in (UrlKind.REQUISITE, UrlKind.MEDIA):
                continue  # a page of the site embedded in another: the crawl reaches it as a page
            request = self._request_for(url, found_on=base_url, decision=decision)
            if request is not None:
                request.priority = REQUISITE_PRIORITY
            yield from self._schedule(request)

    def page_requisite_requests(self, response: Response) -> Iterator[scrapy.Request]:
        """Requests for what an HTML page embeds."""
        if isinstance(response, TextResponse) and self.fetch_requisites:
            yield from self.requisite_requests(response.url, page_requisites(response.url, response.text))

    def parse_requisite(self, response: Response) -> Iterator[Any]:
        """A requisite archived by the WARC middleware: count it; a stylesheet's own references are requisites."""
        stats = self.crawler.stats if hasattr(self, "crawler") else None
        if stats is not None and response.status < 400:
            stats.inc_value(f"{REQUISITE_STATS}/fetched")
            if response.status == 304 or response.meta.get(REVISIT_KEY):
                stats.inc_value(f"{REQUISITE_STATS}/unchanged")
        if response.status >= 400:
            failure = self._failed_status(response)
            if failure is not None:
                yield failure
            return
        if response.status == 304 and response.url.split("?", 1)[0].endswith(".css"):
            yield from self.requisite_requests(
                response.url, css_references(response.url, self._archived_stylesheet(response.url))
            )
        elif isinstance(response, TextResponse) and "css" in content_type(response).lower():
            yield from self.requisite_requests(response.url, css_references(response.url, response.text))
