"""ValidatePipeline: an article without title or text is not archived as an article; its page stays in WARC."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from scrapy.exceptions import DropItem

from dvscrape.items import ArticleItem


class ValidatePipeline:
    """Drops records with neither title nor body (with the reason logged) and flags records missing one of them."""

    def process_item(self, item: Any) -> Any:
        """Check an ArticleItem; other items pass through."""
        if not isinstance(item, ArticleItem):
            return item
        article = item.article
        if not article.title and not article.blocks:
            raise DropItem(f"article page {article.url} has neither title nor body")
        flags = list(article.flags)
        if not article.title and "missing-title" not in flags:
            flags.append("missing-title")
        if not article.blocks and "empty-body" not in flags:
            flags.append("empty-body")
        if len(flags) != len(article.flags):
            return replace(item, article=replace(article, flags=tuple(flags)))
        return item
