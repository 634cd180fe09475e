"""Hints the crawl can give a page object: what it knew about the page before parsing it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageContext:
    """Optional facts from outside the HTML.

    declared_encoding: charset from the HTTP Content-Type header.
    sitemap_lastmod: the sitemap's ``lastmod`` for this URL (ISO 8601), used only to date 'Ngày 23/3' in the body.
    listing_category: the category of the listing the article was found on.
    listing_date: the date the listing showed next to the article (ISO 8601 date).
    http_status: the HTTP status of the response, when known.
    """

    declared_encoding: str | None = None
    sitemap_lastmod: str | None = None
    listing_category: str | None = None
    listing_date: str | None = None
    http_status: int | None = None
