"""Sitemap documents (sitemaps.org 0.9): the pages a ``<urlset>`` lists with their lastmod, and the sitemaps a
``<sitemapindex>`` lists. The one reading of a sitemap, for the crawl, the previous visit's sitemap and the rebuild.
No Scrapy import here."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from dvscrape.errors import ExtractionError

_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@dataclass(frozen=True)
class Sitemap:
    """(loc, lastmod) of every page a sitemap lists and of every sitemap an index lists ('' for no lastmod)."""

    pages: tuple[tuple[str, str], ...] = ()
    sitemaps: tuple[tuple[str, str], ...] = ()


def read_sitemap(body: bytes) -> Sitemap:
    """The entries of the sitemap document *body* (entities and network access off); ExtractionError when it is not
    XML. A document may hold both kinds of entry (some portals mix them): each is read as what it is."""
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except (etree.XMLSyntaxError, ValueError) as error:
        raise ExtractionError(f"invalid sitemap XML: {error}") from error
    return Sitemap(_entries(root, "url"), _entries(root, "sitemap"))


def _entries(root: etree._Element, tag: str) -> tuple[tuple[str, str], ...]:
    found = (
        (entry.findtext(f"{_NS}loc") or "", entry.findtext(f"{_NS}lastmod") or "") for entry in root.iter(_NS + tag)
    )
    return tuple((loc.strip(), lastmod.strip()) for loc, lastmod in found if loc.strip())
