"""ListingHintsMixin: the listing entries a crawl reads, and the articles that wait for all of them.

An article's listing hint (the date and categories listings show for it) is derived from EVERY listing entry that
links it, by the one rule of pages.listing.listing_hint, never from whichever listing happened to reach it first:
that order changes from run to run and from tool to tool (wget, a resumed crawl), and so would the record.

A crawl fetches an article as soon as it finds it, before it has read every listing. Most article pages show their
own date and categories, which take precedence over any listing's (pages.metadata): they are stored at once. An
article page that shows no date or no category of its own needs its hint; its record is held instead, and extracted
again with the hint of every listing this crawl read once the crawl has nothing left to fetch (spider_idle), then
stored. Its body is read back from its WARC record (kept in memory only when the crawl writes no WARC). An
incremental run also reads the listing pages it did not fetch again as the archive last captured them. A crawl that
stops before it goes idle (time limit, profile mistake, interruption) stores what it holds as it closes, with the hint
of the listings it had read (pipelines.store asks release_held_articles). No article waits longer than
DVSCRAPE_HOLD_SECONDS: when listings do not end (a trap no guard stopped, a very long polite crawl), it is stored with
the hint of the listings read so far.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from dvscrape.archive.lookup import capture_record, capture_warc_record
from dvscrape.archive.times import now_stored
from dvscrape.capture.items import ArticleItem, ExtractionFailure, content_type
from dvscrape.capture.middleware import CANONICAL_KEY, CAPTURE_ID_KEY
from dvscrape.errors import DvscrapeError
from dvscrape.pages import PageContext, extract_page
from dvscrape.pages.article import Article
from dvscrape.pages.listing import Listing, ListingEntry, ListingHint, extract_listing, listing_hint
from dvscrape.sites.urls import classify
from dvscrape.warc.payload import decoded_payload

if TYPE_CHECKING:
    from scrapy.http import TextResponse

    from dvscrape.capture.session import CrawlSession
    from dvscrape.sites.profile import SiteProfile

logger = logging.getLogger(__name__)

SHOWN_DATE_SOURCES = frozenset(("metadata", "meta"))  # published_source of a date the page shows itself


@dataclass(frozen=True)
class HeldArticle:
    """An article page whose record waits for every listing: what re-extracting it needs."""

    url: str
    canonical: str
    capture_id: int | None
    fetched_at: str
    content_type: str
    status: int
    sitemap_lastmod: str
    body: bytes | None  # None: read back from the capture's WARC record
    held_since: float = 0.0  # time.monotonic() when it was held


def needs_listing_hint(article: Article) -> bool:
    """Whether the record depends on the listings: the page shows no date, or no category, of its own."""
    return (
        article.published_source not in SHOWN_DATE_SOURCES
        or not article.categories
        or "categories-from-listing" in article.flags
    )


class ListingHintsMixin:
    """The crawl's book of listing entries (canonical article URL → entry per listing page) and held articles."""

    profile: SiteProfile
    session: CrawlSession | None
    crawler: Any

    def init_listing_hints(self) -> None:
        """Start with an empty book and nothing held (called from the spider's __init__)."""
        self._listing_entries: dict[str, dict[str, ListingEntry]] = {}
        self._listings_read: set[str] = set()  # canonical URLs of the listing pages this crawl read
        self._waiting: list[HeldArticle] = []
        self._settled = False
        self._storing = 0  # held articles sent to the item pipelines and not stored yet
        self.hold_seconds = 600.0
        self._hold_loop: task.LoopingCall | None = None

    def start_hold_clock(self, hold_seconds: float) -> None:
        """Store, from now on, every article held longer than *hold_seconds* (called once the crawl runs)."""
        self.hold_seconds = hold_seconds
        self._hold_loop = task.LoopingCall(self.release_overdue)
        self._hold_loop.start(max(0.5, min(5.0, hold_seconds / 4)), now=False)

    def stop_hold_clock(self) -> None:
        """Stop looking for overdue held articles (the crawl is closing)."""
        if self._hold_loop is not None and self._hold_loop.running:
            self._hold_loop.stop()

    def release_overdue(self) -> None:
        """Send the articles held longer than hold_seconds to the item pipelines, with the hint read so far."""
        now = time.monotonic()
        overdue = [held for held in self._waiting if now - held.held_since >= self.hold_seconds]
        if not overdue or self._settled:
            return
        self._waiting = [held for held in self._waiting if now - held.held_since < self.hold_seconds]
        logger.warning(
            "storing %d articles held more than %.0f s for listings that have not ended (DVSCRAPE_HOLD_SECONDS)",
            len(overdue),
            self.hold_seconds,
        )
        self._send([self._settled_item(held) for held in overdue])

    def note_listing(self, listing: Listing) -> None:
        """Record the entries of one listing page (a page read again replaces what it said before)."""
        self._listings_read.add(classify(listing.url, self.profile).canonical or listing.url)
        for entry in listing.entries:
            category = entry.category or listing.category
            self._listing_entries.setdefault(entry.url, {})[listing.url] = ListingEntry(
                entry.url, entry.title, entry.published, category
            )

    def listing_hint_for(self, canonical: str) -> ListingHint:
        """The hint of every listing entry this crawl has read for *canonical*."""
        return listing_hint(self._listing_entries.get(canonical, {}).values())

    def held_article(self, response: TextResponse, sitemap_lastmod: str) -> HeldArticle:
        """What re-extracting *response* needs once every listing is read (its body when no WARC record has it)."""
        capture_id = response.meta.get(CAPTURE_ID_KEY)
        return HeldArticle(
            url=response.url,
            canonical=str(response.meta.get(CANONICAL_KEY) or classify(response.url, self.profile).canonical),
            capture_id=capture_id,
            fetched_at=now_stored(),  # when it was parsed first, a moment after its capture, as for the others
            content_type=content_type(response),
            status=response.status,
            sitemap_lastmod=sitemap_lastmod,
            body=None if capture_id is not None and self.session is not None else response.body,
            held_since=time.monotonic(),
        )

    def hold(self, held: HeldArticle) -> bool:
        """Hold an article until the listings are read; False once the crawl has settled (store it now)."""
        if self._settled:
            return False
        self._waiting.append(held)
        return True

    def settle_held_articles(self) -> None:
        """At spider_idle: extract the held articles with the hint of every listing read and send them to the item
        pipelines; DontCloseSpider while they are being stored."""
        if self._settled:
            if self._storing:
                raise DontCloseSpider("storing the articles that waited for every listing")
            return
        self._settled = True
        items = self.release_held_articles()
        if not items:
            return
        logger.info("storing %d articles held until every listing was read", len(items))
        self._send(items)
        raise DontCloseSpider("storing the articles that waited for every listing")

    def _send(self, items: list[ArticleItem | ExtractionFailure]) -> None:
        """Send *items* to the item pipelines; the crawl does not close while they are being stored."""
        scraper = self.crawler.engine.scraper
        self._storing += len(items)
        for item in items:
            deferred_from_coro(scraper.start_itemproc_async(item, response=None)).addBoth(self._stored)

    def _stored(self, result: object) -> object:
        """One held article went through the pipelines; after the last, the engine looks at idleness again now rather
        than at its next heartbeat (5 s later: the time of a whole small crawl)."""
        self._storing -= 1
        if self._storing == 0:
            slot = getattr(self.crawler.engine, "_slot", None)  # Scrapy has no public call for this
            if slot is not None and getattr(slot, "nextcall", None) is not None:
                slot.nextcall.schedule()
        return result

    def release_held_articles(self) -> list[ArticleItem | ExtractionFailure]:
        """The held articles, extracted with the hint of every listing read so far; nothing is held afterwards."""
        held, self._waiting = self._waiting, []
        self._settled = True
        if held:
            self._note_archived_listings()
        return [self._settled_item(article) for article in held]

    def _note_archived_listings(self) -> None:
        """In an incremental or resumed crawl: the listing pages this run did not read (it stops paging a listing
        where it finds held articles), as the archive last captured them, so that what they show still holds and a
        re-reached article keeps its hint; reextract reads the same captures."""
        session = self.session
        planner = session.planner if session is not None else None
        if session is None or planner is None or not planner.incremental:
            return
        archive = session.archive
        known = archive.db.conn.execute("SELECT DISTINCT canonical_url FROM captures WHERE kind = 'listing'").fetchall()
        for (canonical,) in known:
            capture = planner.state.last_capture(canonical) if canonical not in self._listings_read else None
            if capture is None:
                continue
            profile = session.profile_for(capture.url)  # the address it was fetched from (another replica port)
            if profile is None:
                continue
            try:
                record = capture_warc_record(archive, capture_record(archive.db.conn, capture.capture_id))
                listing = extract_listing(
                    capture.url, decoded_payload(record), profile, record.http_header("Content-Type")
                )
            except (DvscrapeError, OSError, ValueError) as error:
                logger.warning("archived listing %s could not be read: %s", capture.url, error)
                continue
            self.note_listing(listing)

    def _settled_item(self, held: HeldArticle) -> ArticleItem | ExtractionFailure:
        hint = self.listing_hint_for(held.canonical)
        context = PageContext(
            content_type=held.content_type,
            sitemap_lastmod=held.sitemap_lastmod,
            listing_date=hint.date,
            listing_categories=hint.categories,
            http_status=held.status,
        )
        try:
            result = extract_page(held.url, self._held_body(held), self.profile, context)
        except (DvscrapeError, OSError, ValueError) as error:
            logger.warning("extraction failed: %s: %s", held.url, error)
            return ExtractionFailure(held.url, held.capture_id, f"extraction failed: {type(error).__name__}: {error}")
        if not isinstance(result, Article):  # it was an article with a hint; the hint cannot change that
            return ExtractionFailure(held.url, held.capture_id, f"not an article on re-reading: {result.reason}")
        return ArticleItem(article=result, capture_id=held.capture_id, fetched_at=held.fetched_at)

    def _held_body(self, held: HeldArticle) -> bytes:
        if held.body is not None:
            return held.body
        assert self.session is not None
        archive = self.session.archive
        return decoded_payload(capture_warc_record(archive, capture_record(archive.db.conn, held.capture_id)))
