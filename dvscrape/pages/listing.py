"""The listing page object: a category page's entries (URL, title, shown date) as hints for the article pages."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from lxml.cssselect import CSSSelector

from dvscrape.pages._text import archival, clean_line
from dvscrape.pages.dom import Compiled, compiled, decode_document, parse_document, text_of
from dvscrape.pages.metadata import absolute_url, texts
from dvscrape.sites.profile import Selectors, SiteProfile
from dvscrape.sites.urls import locale_of
from dvscrape.text import read_date


@dataclass(frozen=True)
class ListingEntry:
    """One article as a listing shows it: canonical URL, title, the date shown next to it (ISO) and its category."""

    url: str
    title: str
    published: str | None
    category: str


@dataclass(frozen=True)
class Listing:
    """The entries of one listing page, in page order."""

    url: str
    category: str
    entries: tuple[ListingEntry, ...]


@dataclass(frozen=True)
class _ListingSelectors:
    scope: CSSSelector
    entries: CSSSelector
    link: CSSSelector


@functools.cache
def _listing_selectors(selectors: Selectors) -> _ListingSelectors:
    return _ListingSelectors(
        CSSSelector(selectors.listing_scope, translator="html"),
        CSSSelector(selectors.listing_entries, translator="html"),
        CSSSelector(selectors.listing_entry_link, translator="html"),
    )


def extract_listing(url: str, html: str | bytes, profile: SiteProfile, declared_encoding: str | None = None) -> Listing:
    """The article entries of a listing page's main column (sidebar portlets excluded).

    Raises dvscrape.errors.ExtractionError when the input cannot be read at all.
    """
    root = parse_document(decode_document(html, declared_encoding).text)
    sel = compiled(profile.selectors, profile.boilerplate)
    own = _listing_selectors(profile.selectors)
    locale = locale_of(url, profile)
    category = archival(_category(root, sel))
    scopes = own.scope(root)
    scope = scopes[0] if scopes else root
    entries: list[ListingEntry] = []
    for entry in own.entries(scope):
        links = own.link(entry)
        if not links:
            continue
        shown = texts(sel.publish_date(entry))
        found = read_date(shown[0], locale) if shown else None
        title = archival(clean_line(text_of(links[0])))
        entries.append(
            ListingEntry(
                absolute_url(links[0].get("href") or "", url, profile), title, found.value if found else None, category
            )
        )
    return Listing(url, category, tuple(entries))


def _category(root: object, sel: Compiled) -> str:
    """The listing's category: the selected menu item, else the breadcrumb's last link."""
    selected = texts(sel.active_menu(root))
    if selected:
        return selected[0]
    crumbs = texts(sel.breadcrumb(root))
    return crumbs[-1] if crumbs else ""
