"""The replica's ground truth: categories, articles and the corpus, as frozen records.

An :class:`Article` holds both what the editor stored (``body_html``, the HTML a Liferay journal article keeps) and
what a careful reader would transcribe from it (``blocks``, ``paragraphs``, ``figures``, ``signature``, …). The
extraction benchmark compares dvscrape's output with the latter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

# Asia/Ho_Chi_Minh has been UTC+07:00 without daylight saving since 1975; a fixed offset needs no tz database.
VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")


class Block(NamedTuple):
    """One unit of body text in reading order: kind is "paragraph", "heading" or "list" (items joined by "\\n")."""

    kind: str
    text: str


class Figure(NamedTuple):
    """An image of the article: its src as written in the HTML, its alt text and its caption (one line)."""

    image_path: str
    alt: str
    caption: str


class Attachment(NamedTuple):
    """A document linked from the article body."""

    path: str
    filename: str
    content_type: str


class MediaFile(NamedTuple):
    """A binary file the replica serves: ``key`` is the document uuid or the journal image id."""

    key: str
    filename: str
    content_type: str
    width: int = 0
    height: int = 0
    label: str = ""  # an attached document: its link text ("Kế hoạch số 109/KH-UBND") and date of issue
    issued: tuple[int, int, int] | None = None


# --- the editor's draft: what the article is made of, before it becomes HTML -------------------------------------


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph."""

    text: str


@dataclass(frozen=True)
class Heading:
    """A subheading inside the body."""

    text: str


@dataclass(frozen=True)
class Bullets:
    """A bulleted list inside the body."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Photo:
    """A photo with its caption; ``caption_lines`` has two entries when the editor broke the caption with <br>."""

    src: str
    alt: str
    caption_lines: tuple[str, ...]
    width: int
    height: int


@dataclass(frozen=True)
class FileLink:
    """A paragraph linking a document: ``lead`` text, then the link."""

    lead: str
    label: str
    path: str
    filename: str
    content_type: str


@dataclass(frozen=True)
class SeeAlso:
    """A paragraph linking another page of the site (possibly through a locale prefix, possibly dead)."""

    lead: str
    label: str
    href: str


Element = Paragraph | Heading | Bullets | Photo | FileLink | SeeAlso


@dataclass(frozen=True)
class EditorStyle:
    """How this article's editor writes captions, signatures and spaces.

    caption: "em" (centred italic paragraph), "plain" (centred paragraph), "figure" (<figure><figcaption>) or
    "table" (a table cell under the image). signature: "bold_right", "right" or "upper" (plain upper-case paragraph).
    """

    caption: str = "em"
    signature: str = "bold_right"
    nbsp: bool = False
    heading_tag: str = "strong"


@dataclass(frozen=True)
class Category:
    """A listing page of the site with its Asset Publisher."""

    path: str
    name: str
    instance_id: str
    display: str  # "abstracts" or "title_list"

    @property
    def slug(self) -> str:
        """The last path segment (the page's friendly URL)."""
        return self.path.rsplit("/", 1)[-1]

    @property
    def portlet_id(self) -> str:
        """The Asset Publisher's portlet id, e.g. ``101_INSTANCE_u4WITwIcfjPS``."""
        return f"101_INSTANCE_{self.instance_id}"


@dataclass(frozen=True)
class Article:
    """One published web content article: the stored HTML and the ground truth a reader would transcribe."""

    url_title: str
    title: str
    category_path: str
    category_name: str
    published: datetime
    modified: datetime
    show_date_in_metadata: bool
    summary: str
    blocks: tuple[Block, ...]
    figures: tuple[Figure, ...]
    signature: str
    attachments: tuple[Attachment, ...]
    asset_entry_id: int
    article_id: int
    group_id: int
    revision: int
    view_count_base: int
    related: tuple[str, ...]
    small_image_id: int
    media: tuple[MediaFile, ...]
    style: EditorStyle
    elements: tuple[Element, ...]
    body_html: str
    # "", or the legacy encoding ("tcvn3", "vni", "viqr") the editor typed every field in (replica.legacy)
    legacy: str = ""
    # the title in the legacy characters the page shows ("" when legacy is "")
    typed_title: str = ""

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The body text in reading order: every block's text (a list's items joined by "\n"); no captions, no
        signature."""
        return tuple(block.text for block in self.blocks)

    @property
    def shown_title(self) -> str:
        """The title as the article page shows it: typed in the article's legacy encoding, if any."""
        return self.typed_title or self.title

    @property
    def path(self) -> str:
        """The canonical display-page path ``/web/neoportal/-/<urlTitle>``."""
        return f"/web/neoportal/-/{self.url_title}"


@dataclass(frozen=True)
class Corpus:
    """All articles of one edition of the replica site, newest first, and the special cases tests rely on."""

    seed: int
    edition: int
    group_id: int
    categories: tuple[Category, ...]
    articles: tuple[Article, ...]
    removed: tuple[str, ...]
    added: tuple[str, ...]
    edited: tuple[str, ...]
    dead_url_titles: tuple[str, ...]
    seed_url_title: str
    flaky_url_title: str
    slow_url_title: str

    def article(self, url_title: str) -> Article | None:
        """The article with this urlTitle, or None (linear scan: build an index for hot paths)."""
        return next((article for article in self.articles if article.url_title == url_title), None)

    def in_category(self, category_path: str) -> tuple[Article, ...]:
        """The articles of one category, newest first."""
        return tuple(article for article in self.articles if article.category_path == category_path)

    def category(self, path: str) -> Category | None:
        """The category whose listing lives at ``path``, or None."""
        return next((category for category in self.categories if category.path == path), None)
