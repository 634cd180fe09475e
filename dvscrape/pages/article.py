"""The records a page object produces: an Article, or the reason a page is not one."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Block:
    """One unit of an article's body, in reading order.

    kind is "paragraph", "heading", "list" (one item per line) or "table" (one row per line, cells joined by " | ").
    """

    kind: str
    text: str


@dataclass(frozen=True)
class Figure:
    """An image of the article with its caption, kept apart from the body.

    image_url is the src as written in the page, made absolute on the site's own address when the page's address
    served it (cache-busting parameters such as ``t=`` kept: the crawl canonicalises it when it fetches the image).
    """

    image_url: str
    alt: str = ""
    caption: str = ""


@dataclass(frozen=True)
class Attachment:
    """A document linked from the article (PDF, DOC, …)."""

    url: str
    text: str = ""
    file_type: str = ""


# published_source values of a date the page does not show as its publication date: read from the listing entry
# that linked the article ("listing"), or from its lede ("body": with its own year; "body+listing-year",
# "body+sitemap-year": the year from the listing's date or the sitemap's lastmod).
INFERRED_SOURCES = frozenset(("listing", "body", "body+listing-year", "body+sitemap-year"))


@dataclass(frozen=True)
class Article:
    """One article as a careful archivist would transcribe it. Missing fields are empty, never guessed."""

    url: str
    fetched_url: str
    locale: str
    title: str
    html_title: str = ""
    published: str | None = None
    published_source: str = ""
    modified: str | None = None
    categories: tuple[str, ...] = ()
    blocks: tuple[Block, ...] = ()
    figures: tuple[Figure, ...] = ()
    signature: str = ""
    attachments: tuple[Attachment, ...] = ()
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    template: str = ""
    flags: tuple[str, ...] = field(default=())

    @property
    def body(self) -> str:
        """The body as plain text: blocks joined by blank lines."""
        return "\n\n".join(block.text for block in self.blocks)

    @property
    def published_inferred(self) -> bool:
        """Whether the publication date was inferred (listing, lede) rather than shown by the page as such."""
        return self.published is not None and self.published_source in INFERRED_SOURCES

    @property
    def category(self) -> str:
        """The first (most specific known) category, or ""."""
        return self.categories[0] if self.categories else ""

    @property
    def word_count(self) -> int:
        """Words in the body (whitespace-separated tokens)."""
        return sum(len(block.text.split()) for block in self.blocks)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field, plus body and word_count."""
        data = asdict(self)
        data["body"] = self.body
        data["word_count"] = self.word_count
        return data


@dataclass(frozen=True)
class NotArticle:
    """A page that is not an article (listing, home page, soft 404), with what it was taken for."""

    url: str
    kind: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict that says the page is not an article."""
        return {"article": False, "url": self.url, "kind": self.kind, "reason": self.reason}
