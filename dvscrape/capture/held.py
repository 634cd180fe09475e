"""HeldArticles: the listing entries a crawl reads, and the article pages that wait for all of them.

An article's listing hint (the date and categories listings show for it) is derived from EVERY listing entry that
links it, by the one rule of pages.listing.listing_hint, never from whichever listing happened to reach it first:
that order changes from run to run and from tool to tool (wget, a resumed crawl), and so would the record.

A crawl fetches an article as soon as it finds it, before it has read every listing. Most article pages show their
own date and categories, which take precedence over any listing's (pages.metadata): they are stored at once. An
article page that shows no date or no category of its own needs its hint; its record is held instead, and extracted
again with the hint of every listing this crawl read once the crawl has nothing left to fetch (the spider's idle
time), then stored. Its body is read back from its WARC record (kept in memory only when the crawl writes no WARC).
An incremental run also reads the listing pages it did not fetch again as the archive last captured them. A crawl
that stops before it goes idle (time limit, profile mistake, interruption) stores what it holds as it closes, with
the hint of the listings it had read (the store pipeline releases them). An article held too long (listings that do not
end) is released alone, with the hint of the listings read so far.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from dvscrape.archive.times import now_stored
from dvscrape.capture.items import (
    CANONICAL_KEY,
    CAPTURE_ID_KEY,
    CAPTURED_AT_KEY,
    ArticleItem,
    ExtractionFailure,
    content_type,
)
from dvscrape.errors import DvscrapeError
from dvscrape.pages import PageContext, extract_page
from dvscrape.pages.article import Article
from dvscrape.pages.listing import SHOWN_DATE_SOURCES, Listing, ListingEntry, ListingHint, listing_hint
from dvscrape.sites.urls import classify

if TYPE_CHECKING:
    from scrapy.http import TextResponse

    from dvscrape.sites.profile import SiteProfile

logger = logging.getLogger(__name__)


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


class ArchivedPages(Protocol):
    """What HeldArticles reads of the archive (the crawl's session)."""

    incremental: bool

    def archived_payload(self, capture_id: int | None) -> tuple[bytes, str | None]: ...

    def listing_entries_near(self, canonical_url: str, moment: str) -> dict[str, ListingEntry]: ...

    def profile_for(self, url: str) -> SiteProfile | None: ...


class HeldArticles:
    """The crawl's book of listing entries (canonical article URL → entry per listing page) and held articles; the
    crawl's session owns it when the crawl has an archive (*archived*), the spider otherwise."""

    def __init__(self, profile: SiteProfile, archived: ArchivedPages | None = None) -> None:
        self.profile = profile
        self.archived = archived
        self._listing_entries: dict[str, dict[str, ListingEntry]] = {}
        self._listings_read: set[str] = set()  # canonical URLs of the listing pages this crawl read
        self._listings_due: set[str] = set()  # … and of those it requested that have not answered yet
        self._waiting: list[HeldArticle] = []
        self.settled = False

    def note_listing(self, listing: Listing) -> None:
        """Record the entries of one listing page (a page read again replaces what it said before)."""
        self._listings_read.add(classify(listing.url, self.profile).canonical or listing.url)
        for entry in listing.entries:
            category = entry.category or listing.category
            self._listing_entries.setdefault(entry.url, {})[listing.url] = ListingEntry(
                entry.url, entry.title, entry.published, category
            )

    def listing_requested(self, canonical: str) -> None:
        """A listing page was requested: held articles wait for its answer."""
        if canonical not in self._listings_read:
            self._listings_due.add(canonical)

    def listing_answered(self, canonical: str) -> None:
        """A listing page answered (whatever its status) or failed for good."""
        self._listings_due.discard(canonical)

    def waiting(self) -> tuple[int, int]:
        """The articles held, and the listing pages requested that they wait for (progress shows both)."""
        return len(self._waiting), len(self._listings_due)

    def hint_for(self, canonical: str) -> ListingHint:
        """The hint of every listing entry this crawl has read for *canonical*."""
        return listing_hint(self._listing_entries.get(canonical, {}).values())

    def held_article(self, response: TextResponse, sitemap_lastmod: str) -> HeldArticle:
        """What re-extracting *response* needs once every listing is read (its body when no WARC record has it)."""
        capture_id = response.meta.get(CAPTURE_ID_KEY)
        return HeldArticle(
            url=response.url,
            canonical=str(response.meta.get(CANONICAL_KEY) or classify(response.url, self.profile).canonical),
            capture_id=capture_id,
            fetched_at=str(response.meta.get(CAPTURED_AT_KEY) or now_stored()),
            content_type=content_type(response),
            status=response.status,
            sitemap_lastmod=sitemap_lastmod,
            body=None if capture_id is not None and self.archived is not None else response.body,
            held_since=time.monotonic(),
        )

    def hold(self, held: HeldArticle) -> bool:
        """Hold an article until the listings are read; False once the crawl has settled (store it now)."""
        if self.settled:
            return False
        self._waiting.append(held)
        return True

    def release(self) -> list[ArticleItem | ExtractionFailure]:
        """The held articles, extracted with the hint of every listing read so far; nothing is held afterwards."""
        held, self._waiting = self._waiting, []
        self.settled = True
        return [self._settled_item(article) for article in held]

    def release_overdue(self, hold_seconds: float) -> list[ArticleItem | ExtractionFailure]:
        """The articles held *hold_seconds* or longer, extracted with the hint of the listings read so far."""
        now = time.monotonic()
        overdue = [held for held in self._waiting if now - held.held_since >= hold_seconds]
        if not overdue or self.settled:
            return []
        self._waiting = [held for held in self._waiting if now - held.held_since < hold_seconds]
        return [self._settled_item(held) for held in overdue]

    def _settled_hint(self, held: HeldArticle) -> ListingHint:
        """The hint of every listing entry this crawl read for *held*, and in an incremental or resumed crawl, of the
        listing pages it did not read (it stops paging a listing where it finds held articles) as the archive
        captured them nearest the article: what a rebuild reads (runs/rebuild.py), from what the archive keeps of
        each listing page (archive.replay.listing_entries_near), so that a re-reached article keeps its hint."""
        entries = dict(self._listing_entries.get(held.canonical, {}))
        archived = self.archived
        if archived is not None and archived.incremental:
            for listing_url, entry in archived.listing_entries_near(held.canonical, held.fetched_at).items():
                profile = archived.profile_for(listing_url)  # the address it was fetched from (another replica port)
                if profile is not None and classify(listing_url, profile).canonical not in self._listings_read:
                    entries.setdefault(listing_url, entry)
        return listing_hint(entries.values())

    def _settled_item(self, held: HeldArticle) -> ArticleItem | ExtractionFailure:
        hint = self._settled_hint(held)
        context = PageContext(
            content_type=held.content_type,
            sitemap_lastmod=held.sitemap_lastmod,
            listing_date=hint.date,
            listing_categories=hint.categories,
            http_status=held.status,
        )
        try:
            body = held.body
            if body is None:
                assert self.archived is not None
                body = self.archived.archived_payload(held.capture_id)[0]
            result = extract_page(held.url, body, self.profile, context)
        except (DvscrapeError, OSError, ValueError) as error:
            logger.warning("extraction failed: %s: %s", held.url, error)
            return ExtractionFailure(held.url, held.capture_id, f"extraction failed: {type(error).__name__}: {error}")
        if not isinstance(result, Article):  # it was an article with a hint; the hint cannot change that
            return ExtractionFailure(held.url, held.capture_id, f"not an article on re-reading: {result.reason}")
        return ArticleItem(article=result, capture_id=held.capture_id, fetched_at=held.fetched_at)
