"""Hints the crawl can give a page object: what it knew about the page before parsing it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageContext:
    """Optional facts from outside the HTML.

    content_type: the HTTP Content-Type header the page came with (its charset is one clue to the page's).
    sitemap_lastmod: the sitemap's ``lastmod`` for this URL (ISO 8601), used only to date 'Ngày 23/3' in the body.
    listing_categories: the categories of the listings that show the article, and
    listing_date: the date they show next to it (ISO 8601 date): its listing hint, by the one rule of
    pages.listing.listing_hint (every listing entry that links it, whatever order they were read in).
    http_status: the HTTP status of the response, when known.
    """

    content_type: str | None = None
    sitemap_lastmod: str | None = None
    listing_categories: tuple[str, ...] = ()
    listing_date: str | None = None
    http_status: int | None = None
