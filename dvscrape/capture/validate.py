"""ValidatePipeline: an article without title or text is not archived as an article; its page stays in WARC."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from scrapy.exceptions import DropItem

from dvscrape.capture.items import ArticleItem
from dvscrape.pages.finish import validated


class ValidatePipeline:
    """Drops records with neither title nor body (the reason is logged) and flags records missing one of them."""

    def process_item(self, item: Any) -> Any:
        """Check an ArticleItem; other items pass through."""
        if not isinstance(item, ArticleItem):
            return item
        article = validated(item.article)
        if article is None:
            raise DropItem(f"article page {item.article.url} has neither title nor body")
        return item if article is item.article else replace(item, article=article)
