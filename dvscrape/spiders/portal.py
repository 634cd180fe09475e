"""PortalSpider: routing only. It finds URLs, asks the site profile what they are, and hands pages to page objects."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from dvscrape.capture.extension import ArchiveExtension
from dvscrape.capture.guards import LINKED_KEY
from dvscrape.capture.held import HeldArticles, needs_listing_hint
from dvscrape.capture.items import (
    CANONICAL_KEY,
    CAPTURE_ID_KEY,
    KIND_KEY,
    REVISIT_KEY,
    ArticleItem,
    ArticleUnchanged,
    ExtractionFailure,
    FetchFailure,
    content_type,
)
from dvscrape.capture.planner import FetchPlanner
from dvscrape.capture.scope import ScopeRefused
from dvscrape.capture.session import SITE_PROFILE, CrawlSession
from dvscrape.errors import ConfigurationError
from dvscrape.pages import PageContext, extract_page
from dvscrape.pages.article import Article, NotArticle
from dvscrape.pages.pool import ExtractionPool
from dvscrape.sites import get_profile
from dvscrape.sites.profile import SiteProfile
from dvscrape.sites.urls import UrlDecision, UrlKind, classify
from dvscrape.spiders.checks import PROFILE_MISTAKE_REASON, PROFILE_MISTAKE_STAT, ProfileChecks
from dvscrape.spiders.hints import ListingHintsMixin
from dvscrape.spiders.requisites import RequisitesMixin
from dvscrape.spiders.sitemap import LASTMOD_KEY, RECHECK_KEY, SitemapMixin

logger = logging.getLogger(__name__)

# Articles first, so a crawl archives articles steadily instead of walking every listing before any article.
PRIORITY = {
    UrlKind.ARTICLE: 20,
    UrlKind.MEDIA: 10,
    UrlKind.REQUISITE: 10,
    UrlKind.LISTING: 5,
    UrlKind.HOME: 5,
    UrlKind.PAGE: 0,
    UrlKind.SITEMAP: 1,
    UrlKind.ROBOTS: 0,
}
START_KEY = "dvscrape_start_page"  # the home page or page 1 of a listing of the profile (see spiders/checks.py)


class PortalSpider(SitemapMixin, RequisitesMixin, ListingHintsMixin, scrapy.Spider):
    """Crawls one portal described by a SiteProfile: home page, every listing page, sitemap, articles and media.

    `scrapy crawl portal -a site=NAME [-a base_url=URL] [-a max_articles=N]`: any profile, no class per site.
    """

    name = "portal"
    site = ""
    # Set from the crawl's settings (their defaults declared in settings/declared.py) by from_crawler.
    extract_enabled: bool
    fetch_media: bool
    extract_maxsize: int
    schedule_batch: int

    def __init__(
        self,
        base_url: str | None = None,
        max_articles: int | str | None = None,
        site: str | None = None,
        profiles_dir: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.site = site or self.site
        if not self.site:
            raise ConfigurationError("the portal spider needs a site profile: -a site=NAME")
        self.profile: SiteProfile = get_profile(self.site, base_url, profiles_dir or None)
        self.max_articles = int(max_articles) if max_articles not in (None, "") else None
        self.checks = ProfileChecks(self.profile, self.max_articles or 0)
        self.allowed_domains = [self.profile.host]
        self.articles_scheduled = 0
        self._article_urls: set[str] = set()
        self.extraction_pool: ExtractionPool | None = None
        self.init_change_signals()
        self.held = HeldArticles(self.profile)  # the session's, once it is open (spider_opened)
        self.init_requisites()
        self.session: CrawlSession | None = None  # the crawl's archive, once it is open (None: nothing archived)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> PortalSpider:
        """Read the DVSCRAPE_* settings that steer routing; declare the site profile to the crawl's components and
        apply its politeness (at the "spider" priority: above dvscrape's defaults, below `--fast`, `-s` and fleet
        settings)."""
        kwargs.setdefault("profiles_dir", crawler.settings.get("DVSCRAPE_PROFILES_DIR") or None)
        spider: PortalSpider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if not settings.frozen:
            settings.set(SITE_PROFILE, spider.profile, priority="spider")
            for name, value in spider.profile.politeness.scrapy_settings().items():
                settings.set(name, value, priority="spider")
        if spider.max_articles is None:
            spider.max_articles = settings.getint("DVSCRAPE_MAX_ARTICLES")
        spider.extract_enabled = settings.getbool("DVSCRAPE_EXTRACT_ENABLED")
        spider.fetch_media = settings.getbool("DVSCRAPE_FETCH_MEDIA")
        spider.fetch_requisites = settings.getbool("DVSCRAPE_FETCH_REQUISITES")
        spider.extract_maxsize = settings.getint("DVSCRAPE_EXTRACT_MAXSIZE")
        spider.schedule_batch = settings.getint("DVSCRAPE_SCHEDULE_BATCH")
        crawler.signals.connect(spider.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        workers = settings.getint("DVSCRAPE_EXTRACT_WORKERS")
        if spider.extract_enabled and workers > 0:
            spider.extraction_pool = ExtractionPool(workers, settings.getfloat("DVSCRAPE_EXTRACT_TIMEOUT"))
        return spider

    def spider_opened(self) -> None:
        """Take the crawl's session (ArchiveExtension opens the archive after the spider is made); start the clock of
        held articles."""
        self.session = ArchiveExtension.session_of(self.crawler)
        if self.session is not None and self.session.held is not None:
            self.held = self.session.held
        self.start_hold_clock(self.crawler.settings.getfloat("DVSCRAPE_HOLD_SECONDS"))

    async def start(self) -> AsyncIterator[Any]:
        """Seeds: the home page, page 1 of every listing, the sitemap; then the held articles whose re-check may be
        due, a batch at a time (DVSCRAPE_SCHEDULE_BATCH)."""
        starts = [self.profile.urls.home_path, *self.profile.listing_paths]
        for path in [*starts, self.profile.sitemap_path]:
            request = self._request_for(self.profile.url(path), meta={START_KEY: True} if path in starts else None)
            if request is not None:
                if path in starts:
                    self.checks.start_page_requested()
                yield request
        planner = self._planner()
        waiting = 0
        for url in planner.recheck_urls() if planner is not None else ():
            for request in self._schedule(self._request_for(url)):
                yield request
                waiting += 1
            if waiting >= self.schedule_batch:  # Scrapy takes start requests as fast as they come
                waiting = 0
                await self.crawler.signals.wait_for(signals.scheduler_empty)

    # -- routing -------------------------------------------------------------------------------------------------

    def _request_for(
        self, url: str, *, meta: dict[str, Any] | None = None, found_on: str = "", decision: UrlDecision | None = None
    ) -> scrapy.Request | None:
        decision = decision or classify(self.profile.fetch_url(url), self.profile)
        if not decision.fetchable:
            self._refused(url, decision, found_on)
            return None
        if decision.kind is UrlKind.ARTICLE and self.max_articles and self.articles_scheduled >= self.max_articles:
            return None
        if decision.kind is UrlKind.MEDIA and not self.fetch_media:
            return None
        planner = self._planner()
        lastmod = str((meta or {}).get(LASTMOD_KEY, ""))
        previous = self._previous_sitemap().get(decision.canonical) if lastmod else None
        recheck = bool((meta or {}).get(RECHECK_KEY))
        headers = (
            planner.request_headers(decision, lastmod, previous_lastmod=previous, recheck=recheck)
            if planner is not None
            else ()
        )
        if headers is None:
            headers = self.variant_headers(decision, url)
            if headers is None:
                return None
        callback = {
            UrlKind.ARTICLE: self.parse_article,
            UrlKind.SITEMAP: self.parse_sitemap,
            UrlKind.MEDIA: self.parse_media,
            UrlKind.REQUISITE: self.parse_requisite,
            UrlKind.ROBOTS: self.parse_media,
        }.get(decision.kind, self.parse_page)
        request_meta = {KIND_KEY: decision.kind.value, CANONICAL_KEY: decision.canonical, **(meta or {})}
        # Images, documents and requisites are fetched and recorded under the URL the page references (replay
        # looks them up as written); their canonical form only decides what is the same resource.
        referenced = decision.kind in (UrlKind.MEDIA, UrlKind.REQUISITE)
        request = scrapy.Request(
            self.profile.fetch_url(url if referenced else decision.canonical),  # on the address crawled
            callback=callback,
            errback=self.fetch_failed,
            meta=request_meta,
            priority=PRIORITY.get(decision.kind, 0),
            headers=dict(headers),
        )
        if decision.kind is UrlKind.LISTING:
            self.held.listing_requested(decision.canonical)
        return request

    def _planner(self) -> FetchPlanner | None:
        """The crawl's FetchPlanner (None when nothing is archived: everything is fetched, unconditionally)."""
        return self.session.planner if self.session is not None else None

    def _schedule(self, request: scrapy.Request | None) -> Iterator[scrapy.Request]:
        """Yield *request*, counting articles (duplicates are dropped later by Scrapy's dupefilter)."""
        if request is None:
            return
        if request.meta[KIND_KEY] == UrlKind.ARTICLE.value:
            if request.url in self._article_urls:
                return
            self._article_urls.add(request.url)
            self.articles_scheduled += 1
        yield request

    def _refused(self, url: str, decision: UrlDecision, found_on: str = "") -> None:
        if self.session is not None:
            self.session.refuse(url, decision.kind.value, decision.reason, found_on)

    def _links(self, response: TextResponse) -> Iterator[str]:
        for href in response.xpath("//a/@href | //link[@rel='alternate']/@href").getall():
            href = href.strip()
            if href and not href.startswith(("javascript:", "mailto:", "tel:", "#")):
                yield response.urljoin(href)

    # -- callbacks -----------------------------------------------------------------------------------------------

    def _failed_status(self, response: Response) -> FetchFailure | None:
        if response.status < 400:
            return None
        return FetchFailure.of(response.url, response.meta, f"HTTP {response.status}", response.status)

    def _page(self, response: Response) -> TextResponse | list[Any]:
        """The page a callback parses, or what it yields instead: nothing for a 3xx that reached it (its target
        was refused, and recorded by the capture middleware, or unusable) or a body that is not text; the failure
        for an error status; an ExtractionFailure for a page larger than DVSCRAPE_EXTRACT_MAXSIZE."""
        failure = self._failed_status(response)
        if failure is not None:
            return [failure]
        if 300 <= response.status < 400 and response.status != 304 or not isinstance(response, TextResponse):
            return []
        if len(response.body) > self.extract_maxsize:
            reason = (
                f"page of {len(response.body)} bytes is larger than DVSCRAPE_EXTRACT_MAXSIZE "
                f"({self.extract_maxsize}): archived in WARC, not parsed"
            )
            return [ExtractionFailure(response.url, response.meta.get(CAPTURE_ID_KEY), reason)]
        return response

    def parse_page(self, response: Response) -> Iterator[Any]:
        """Home, listing and other pages: follow every in-scope link (a 304 means: links as last time). A start page
        that links no article stops the crawl (spiders/checks.py)."""
        if not response.meta.get(START_KEY):
            yield from self._parse_page(response)
            return
        outputs = list(self._parse_page(response))
        links = int(response.meta.get("dvscrape_article_links", 0))
        unchanged = response.status == 304 or bool(response.meta.get(REVISIT_KEY))
        status = response.status if isinstance(response, TextResponse) or response.status >= 400 else None
        self._check(self.checks.start_page_done(status=status, article_links=links, unchanged=unchanged))
        yield from outputs

    def _check(self, mistake: str) -> None:
        """Stop the crawl on a profile mistake: close reason PROFILE_MISTAKE_REASON, the message in the stats."""
        if mistake:
            logger.error("%s", mistake)
            if hasattr(self, "crawler"):
                self.crawler.stats.set_value(PROFILE_MISTAKE_STAT, mistake)
            raise CloseSpider(PROFILE_MISTAKE_REASON)

    def _parse_page(self, response: Response) -> Iterator[Any]:
        if response.meta.get(KIND_KEY) == UrlKind.LISTING.value:
            self.held.listing_answered(self._canonical_of(response))
        page = self._page(response)
        if isinstance(page, list):
            yield from page
            return
        response = page
        if response.meta.get(KIND_KEY) == UrlKind.LISTING.value:
            self.read_listing(response)
        links = list(self._links(response))
        decisions = [classify(url, self.profile) for url in links]
        response.meta["dvscrape_article_links"] = sum(d.kind is UrlKind.ARTICLE for d in decisions)
        linked = (UrlKind.ARTICLE, UrlKind.MEDIA)
        response.meta[LINKED_KEY] = frozenset(d.canonical for d in decisions if d.kind in linked)
        planner = self._planner()
        stop_paging = (
            response.meta.get(KIND_KEY) == UrlKind.LISTING.value
            and planner is not None
            and planner.listing_exhausted(decisions)
        )
        if response.meta.get(KIND_KEY) == UrlKind.LISTING.value:
            self._compare_with_previous_listing(response, decisions)
        for url, decision in zip(links, decisions, strict=True):
            if stop_paging and decision.kind is UrlKind.LISTING:
                continue
            yield from self._schedule(self._request_for(url, found_on=response.url, decision=decision))
        yield from self.page_requisite_requests(response)

    async def parse_article(self, response: Response) -> AsyncIterator[Any]:
        """Article pages: extract the article, then schedule its images and attachments."""
        if (response.status == 304 or response.meta.get(REVISIT_KEY)) and self._held(response):
            yield ArticleUnchanged(
                str(response.meta.get(CANONICAL_KEY, response.url)), response.meta.get(CAPTURE_ID_KEY)
            )
            return
        page = self._page(response)
        if isinstance(page, list):
            for item in page:
                yield item
            return
        response = page
        article: Article | None = None
        if self.extract_enabled:
            try:
                result = await self._extract(response)
            except Exception as error:  # one broken page must not stop the crawl; the failure is recorded
                logger.warning("extraction failed: %s: %s", response.url, error)
                yield ExtractionFailure(
                    response.url,
                    response.meta.get(CAPTURE_ID_KEY),
                    f"extraction failed: {type(error).__name__}: {error}"[:500],
                )
                return
            if response.status == 200:
                self._check(self.checks.article_extracted(response.url, result))
            if isinstance(result, Article) and needs_listing_hint(result) and self.hold(response):
                article = result  # stored once every listing is read (capture/held.py)
            elif isinstance(result, Article):
                article = result
                yield ArticleItem.of(result, response.meta)
            else:
                logger.info("not an article: %s (%s: %s)", response.url, result.kind, result.reason)
        for url in self._media_urls(response, article):
            for request in self._schedule(self._request_for(url, found_on=response.url)):
                yield request
        for request in self.page_requisite_requests(response):
            yield request

    async def _extract(self, response: TextResponse) -> Article | NotArticle:
        """The page object's verdict, computed in the extraction worker when there is one."""
        canonical = self._canonical_of(response)
        hint = self.held.hint_for(canonical)
        context = PageContext(
            content_type=content_type(response),
            sitemap_lastmod=self._lastmod_of(response, canonical),
            listing_date=hint.date,
            listing_categories=hint.categories,
            http_status=response.status,
        )
        if self.extraction_pool is not None:
            return await self.extraction_pool.extract(response.url, response.body, self.profile, context)
        return extract_page(response.url, response.body, self.profile, context)

    def _canonical_of(self, response: Response) -> str:
        return str(response.meta.get(CANONICAL_KEY) or classify(response.url, self.profile).canonical)

    def _lastmod_of(self, response: Response, canonical: str) -> str:
        return str(response.meta.get(LASTMOD_KEY) or self._sitemap_lastmods.get(canonical, ""))

    def spider_idle(self) -> None:
        """The sitemap's work first (spiders/sitemap.py); then, with nothing left to fetch, the held articles."""
        super().spider_idle()
        self.settle_held_articles()

    def closed(self, reason: str) -> None:
        """Stop the clock of held articles and the extraction worker."""
        self.stop_hold_clock()
        if self.extraction_pool is not None:
            self.extraction_pool.close()

    def _held(self, response: Response) -> bool:
        planner = self._planner()
        return planner is not None and planner.holds_article(str(response.meta.get(CANONICAL_KEY, response.url)))

    def _media_urls(self, response: TextResponse, article: Article | None) -> list[str]:
        if article is not None:
            urls = [figure.image_url for figure in article.figures] + [a.url for a in article.attachments]
        else:
            body = self.profile.selectors.body
            urls = response.css(f"{body} img::attr(src), {body} a::attr(href)").getall()
        return [response.urljoin(url) for url in urls if url]

    def parse_media(self, response: Response) -> Iterator[Any]:
        """Images, attachments, robots.txt: captured by the WARC middleware; nothing to parse."""
        failure = self._failed_status(response)
        if failure is not None:
            yield failure

    def fetch_failed(self, failure: Failure) -> Iterator[FetchFailure]:
        """A request that failed without an HTTP response (after retries): record why. A request refused on
        purpose (out of scope, or disallowed by robots.txt) is a recorded decision, not a failure of the crawl."""
        request = failure.request  # type: ignore[attr-defined]
        if request.meta.get(KIND_KEY) == UrlKind.LISTING.value:
            self.held.listing_answered(str(request.meta.get(CANONICAL_KEY, request.url)))
        if request.meta.get(START_KEY):
            self._check(self.checks.start_page_done(status=None))
        if failure.check(ScopeRefused):
            return  # ScopeMiddleware recorded it in refused_urls
        if failure.check(IgnoreRequest) and "robots.txt" in failure.getErrorMessage():
            referer = (request.headers.get("Referer") or b"").decode("latin-1")
            if self.session is not None:
                self.session.refuse(request.url, "robots", "disallowed by robots.txt", referer)
            return
        reason = f"{getattr(failure.type, '__name__', 'error')}: {failure.getErrorMessage()}"
        yield FetchFailure.of(request.url, request.meta, reason, None)
