"""NormalisePipeline: every text field of an article archival-normalised (tone marks kept as published)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dvscrape.items import ArticleItem
from dvscrape.pages.article import Article, Attachment, Block, Figure
from dvscrape.text import normalize


def normalise_article(article: Article) -> Article:
    """The article with title, body blocks, captions, signature, categories and tags normalised."""
    return replace(
        article,
        title=normalize(article.title),
        html_title=normalize(article.html_title),
        categories=tuple(normalize(c) for c in article.categories),
        blocks=tuple(Block(b.kind, normalize(b.text)) for b in article.blocks if normalize(b.text)),
        figures=tuple(Figure(f.image_url, normalize(f.alt), normalize(f.caption)) for f in article.figures),
        signature=normalize(article.signature),
        attachments=tuple(Attachment(a.url, normalize(a.text), a.file_type) for a in article.attachments),
        tags=tuple(normalize(t) for t in article.tags),
    )


class NormalisePipeline:
    """Applies `dvscrape.text.normalize` (tone="keep") to every text field; other items pass through."""

    def process_item(self, item: Any) -> Any:
        """Normalise an ArticleItem's article."""
        if isinstance(item, ArticleItem):
            return replace(item, article=normalise_article(item.article))
        return item
