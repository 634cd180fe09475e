"""The listing page object: a category page's entries (URL, title, shown date) as hints for the article pages, and
the one rule that turns the entries linking an article into its listing hint (listing_hint)."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from dvscrape.pages._text import archival, clean_line
from dvscrape.pages.dom import Compiled, attribute, compiled, css, read_page, text_of
from dvscrape.pages.metadata import absolute_url, texts
from dvscrape.sites.profile import Selectors, SiteProfile
from dvscrape.sites.urls import classify, locale_of
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


SHOWN_DATE_SOURCES = frozenset(("metadata", "meta"))  # Article.published_source of a date the page shows itself


@dataclass(frozen=True)
class ListingHint:
    """What the listings say of one article (pages.PageContext carries it to the page object): the date shown next
    to it and the categories of the listings that show it."""

    date: str | None = None
    categories: tuple[str, ...] = ()


def listing_hint(entries: Iterable[ListingEntry]) -> ListingHint:
    """The listing hint of an article from EVERY listing entry that links it, whatever order they were read in.

    The one rule, used by the crawl (spiders.hints) and by reextract/import alike:
    - date: the earliest date any entry shows (a listing that re-dates or re-sorts the article later does not make
      it younger); None when none shows one;
    - categories: every category the entries name, once each (compared case-insensitively, spelt the same way
      whichever came first), sorted, so that an article listed under two categories gets both, in the same order,
      however it was reached.
    The page object uses them only where the article page itself is silent: its own date and its own categories
    (asset categories, breadcrumb, menu) take precedence (pages.metadata).
    """
    dates: list[str] = []
    spellings: dict[str, set[str]] = {}
    for entry in entries:
        if entry.published:
            dates.append(entry.published)
        if entry.category:
            spellings.setdefault(entry.category.casefold(), set()).add(entry.category)
    # one spelling per category, the same whichever listing came first: the least in code-point order (capitals first)
    ordered = tuple(min(spellings[key]) for key in sorted(spellings))
    return ListingHint(min(dates) if dates else None, ordered)


@dataclass(frozen=True)
class _ListingSelectors:
    scopes: tuple[etree.XPath, ...]
    entries: etree.XPath
    link: etree.XPath


@functools.cache
def _listing_selectors(selectors: Selectors) -> _ListingSelectors:
    return _ListingSelectors(
        tuple(css(part.strip()) for part in selectors.listing_scope.split(",")),
        css(selectors.listing_entries),
        css(selectors.listing_entry_link),
    )


def extract_listing(url: str, html: str | bytes, profile: SiteProfile, content_type: str | None = None) -> Listing:
    """The article entries of a listing page's main column (sidebar portlets excluded), each with its category.

    Raises dvscrape.errors.ExtractionError when the input cannot be read at all.
    """
    root, _ = read_page(html, content_type)
    sel = compiled(profile.selectors, profile.boilerplate)
    own = _listing_selectors(profile.selectors)
    locale = locale_of(url, profile)
    category = archival(_category(root, sel))
    # The scope's alternatives in the profile's order ('#column-1, #main-content, body'): the first that matches is the
    # main column. (One selector would match in document order, so body would win and sidebar portlets such as 'Tin
    # tức nổi bật' would count as entries of the listing, under its category.)
    scope = next((found[0] for found in (select(root) for select in own.scopes) if found), root)
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
                absolute_url(attribute(links[0], "href"), url, profile), title, found.value if found else None, category
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


def sitemap_entries(pages: Iterable[tuple[str, str]], profile: SiteProfile) -> list[ListingEntry]:
    """What a sitemap shows of each page (pages.sitemap's (loc, lastmod) pairs) as listing entries: the page's
    canonical URL under *profile*, its lastmod as the date."""
    return [
        ListingEntry(classify(profile.fetch_url(loc), profile).canonical, "", lastmod, "") for loc, lastmod in pages
    ]
