"""The last steps of every extracted article, the same for the crawl, `extract` and `reextract`: its text fields
normalised for the archive (by the page object, once) and the record checked before it is stored. No Scrapy import
here."""

from __future__ import annotations

from dataclasses import replace

from dvscrape.pages.article import Article, Attachment, Block, Figure
from dvscrape.text import normalize


def normalise_article(article: Article) -> Article:
    """The article with every text field normalised (tone kept): title, html_title, categories, body blocks (blocks
    left empty are dropped), figure alt texts and captions, signature, attachment texts and tags.

    The one list of the text fields of an Article; extract_page applies it to the record it builds."""
    blocks = (Block(block.kind, normalize(block.text)) for block in article.blocks)
    return replace(
        article,
        title=normalize(article.title),
        html_title=normalize(article.html_title),
        categories=tuple(normalize(c) for c in article.categories),
        blocks=tuple(block for block in blocks if block.text),
        figures=tuple(Figure(f.image_url, normalize(f.alt), normalize(f.caption)) for f in article.figures),
        signature=normalize(article.signature),
        attachments=tuple(Attachment(a.url, normalize(a.text), a.file_type) for a in article.attachments),
        tags=tuple(normalize(t) for t in article.tags),
    )


def validated(article: Article) -> Article | None:
    """None when the article has neither title nor body (not worth an article row: its page stays in WARC);
    otherwise the article, flagged 'missing-title' or 'empty-body' when it lacks one of them."""
    if not article.title and not article.blocks:
        return None
    flags = list(article.flags)
    if not article.title and "missing-title" not in flags:
        flags.append("missing-title")
    if not article.blocks and "empty-body" not in flags:
        flags.append("empty-body")
    return replace(article, flags=tuple(flags)) if len(flags) != len(article.flags) else article
