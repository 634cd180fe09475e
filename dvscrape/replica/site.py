"""A corpus with the look-up tables the server needs, built once at start-up."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from dvscrape.replica.model import Article, Category, Corpus, MediaFile


@dataclass(frozen=True)
class Site:
    """The replica site: its corpus, indexes over it and the session token its action links carry."""

    corpus: Corpus
    auth_token: str
    by_url_title: Mapping[str, Article]
    by_asset_entry: Mapping[int, Article]
    by_path: Mapping[str, Category]
    listings: Mapping[str, tuple[Article, ...]]
    media: Mapping[str, MediaFile]
    portal_pages: bool = False  # also serve chrome.PORTAL_PAGES (and link the dead DEAD_MENU_LINK)

    @classmethod
    def build(cls, corpus: Corpus, *, portal_pages: bool = False) -> Site:
        """Index the corpus; the p_auth token is derived from the seed so pages stay deterministic."""
        media = {file.key: file for article in corpus.articles for file in article.media}
        token = hashlib.sha1(f"p_auth:{corpus.seed}".encode(), usedforsecurity=False).hexdigest()[:8]
        return cls(
            corpus=corpus,
            auth_token=token,
            by_url_title=MappingProxyType({article.url_title: article for article in corpus.articles}),
            by_asset_entry=MappingProxyType({article.asset_entry_id: article for article in corpus.articles}),
            by_path=MappingProxyType({category.path: category for category in corpus.categories}),
            listings=MappingProxyType({c.path: corpus.in_category(c.path) for c in corpus.categories}),
            media=MappingProxyType(media),
            portal_pages=portal_pages,
        )

    def category_of(self, article: Article) -> Category:
        """The category (display page) of an article."""
        return self.by_path[article.category_path]

    def pages(self, category: Category, delta: int = 20) -> int:
        """How many listing pages a category has."""
        return max(1, -(-len(self.listings[category.path]) // delta))
