"""Page objects: (url, html) → Article or NotArticle. No Scrapy import here."""

from dvscrape.pages.article import Article, Attachment, Block, Figure, NotArticle
from dvscrape.pages.context import PageContext
from dvscrape.pages.extract import extract_page

__all__ = ["Article", "Attachment", "Block", "Figure", "NotArticle", "PageContext", "extract_page"]
