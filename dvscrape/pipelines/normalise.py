"""NormalisePipeline: every text field of an article archival-normalised (tone marks kept as published)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dvscrape.items import ArticleItem
from dvscrape.pages.finish import normalise_article


class NormalisePipeline:
    """Applies `dvscrape.pages.finish.normalise_article` to articles; other items pass through."""

    def process_item(self, item: Any) -> Any:
        """Normalise an ArticleItem's article."""
        if isinstance(item, ArticleItem):
            return replace(item, article=normalise_article(item.article))
        return item
