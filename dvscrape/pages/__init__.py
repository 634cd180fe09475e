"""Page objects: (url, html) → Article or NotArticle, and listing pages → their entries. No Scrapy import here."""

from dvscrape.pages.article import Article, Attachment, Block, Figure, NotArticle
from dvscrape.pages.context import PageContext
from dvscrape.pages.extract import extract_page
from dvscrape.pages.listing import Listing, ListingEntry, ListingHint, extract_listing, listing_hint

__all__ = [
    "Article",
    "Attachment",
    "Block",
    "Figure",
    "Listing",
    "ListingEntry",
    "ListingHint",
    "NotArticle",
    "PageContext",
    "extract_listing",
    "extract_page",
    "listing_hint",
]
