"""The editor's HTML of an article body → a flat list of styled units in reading order.

A unit is what an editor thinks of as one paragraph: a <p>, a heading, a list, a data table, or a run of inline
content inside a <div>. Each unit keeps what the assembler needs to tell captions and signatures from body text:
its images, whether all its text is italic or bold, its alignment, and whether the markup itself marks it as a
caption (<figcaption>, a table cell of an image table).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from lxml import etree

from dvscrape.pages._text import clean, clean_line
from dvscrape.pages.dom import SimpleMatcher, attribute, join_url, nfc

BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "fieldset", "figure",
        "figcaption", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
        "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
SKIPPED = frozenset({"script", "style", "noscript", "iframe", "object", "embed", "video", "audio", "svg", "button"})
ITALIC_TAGS = frozenset({"em", "i", "cite"})
BOLD_TAGS = frozenset({"strong", "b"})
# Matched on the style attribute in lower case (CSS names and keywords are case-insensitive).
_ALIGN_STYLE = re.compile(r"text-align\s*:\s*([a-z]+)")
_ITALIC_STYLE = re.compile(r"font-style\s*:\s*italic")
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(bold|bolder|[6-9]00)")


@dataclass(frozen=True)
class Image:
    """An <img> met in the body: absolute URL and alt text."""

    src: str
    alt: str


class Unit(NamedTuple):
    """One paragraph-like piece of the body with the style facts the assembler needs (a named tuple: one is made
    for every paragraph of every page, and a tuple is far cheaper to make than a frozen dataclass)."""

    kind: str  # "paragraph", "heading", "list", "table"
    text: str
    images: tuple[Image, ...] = ()
    italic: bool = False
    bold: bool = False
    align: str = ""
    caption_hint: bool = False
    link_chars: int = 0  # visible characters inside links (<a>), and in all
    chars: int = 0

    def at_most(self, words: int) -> bool:
        """Whether the unit's text has at most *words* words (a long text is not split all the way to tell)."""
        return words >= 0 and len(self.text.split(None, words)) <= words


@dataclass(slots=True)
class _Run:
    """Inline content being gathered into one unit (local to one walk, never shared)."""

    parts: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    chars: int = 0
    italic_chars: int = 0
    bold_chars: int = 0
    link_chars: int = 0

    def add(self, text: str, italic: bool, bold: bool) -> None:
        text = nfc(text)  # counted as in NFC: a tree read from page bytes holds the text as written
        self.parts.append(text)
        if text.isspace():
            return
        visible = len(text) - text.count(" ") - text.count("\n") - text.count("\t") - text.count("\xa0")
        self.chars += visible
        self.italic_chars += visible if italic else 0
        self.bold_chars += visible if bold else 0


class _Style(NamedTuple):
    align: str = ""
    italic: bool = False
    bold: bool = False
    caption_hint: bool = False


_PLAIN = _Style()


class UnitWalker:
    """Walks one body element; ``walk`` returns its units. One walker per page (holds the page URL); *skip*: the
    profile's boilerplate elements, when the walk is to pass over them itself.

    Each element's tag, text, tail and attributes are read from lxml once: every read builds a new Python string.
    """

    def __init__(self, page_url: str, skip: SimpleMatcher | None = None) -> None:
        self.page_url = page_url
        self.skip = skip or SimpleMatcher(frozenset(), frozenset())
        self.units: list[Unit] = []

    def walk(self, body: etree._Element) -> list[Unit]:
        """The units of *body*, in reading order."""
        self.units = []
        tag = _tag_of(body)
        self._container(body, _style_of(body, tag, body.get("class"), _PLAIN))
        return self.units

    def walk_orphans(self, orphans: list[etree._Element]) -> list[Unit]:
        """The units of *orphans*: body content that a stray end tag pushed out of the body element."""
        self.units = []
        for orphan in orphans:
            tag, classes = _tag_of(orphan), orphan.get("class")
            if self.skip.skips(tag, classes):
                continue
            if tag in BLOCK_TAGS:
                self._block(orphan, tag, _style_of(orphan, tag, classes, _PLAIN))
            elif tag and tag not in SKIPPED:
                run = _Run()
                self._inline(orphan, tag, run, _style_of(orphan, tag, classes, _PLAIN))
                self._flush(run, _PLAIN)
        return self.units

    # containers and blocks

    def _container(self, element: etree._Element, style: _Style) -> None:
        run = _Run()
        text = element.text
        if text:
            run.add(text, style.italic, style.bold)
        skips = self.skip.skips
        for child in element:
            tag, classes = _tag_of(child), child.get("class")
            if skips(tag, classes):
                pass
            elif tag in BLOCK_TAGS:
                self._flush(run, style)
                run = _Run()
                if len(child) or tag in _OWN_BLOCKS:
                    self._block(child, tag, _style_of(child, tag, classes, style))
                else:
                    self._text_block(child.text, _style_of(child, tag, classes, style))
            elif tag and tag not in SKIPPED:
                self._inline(child, tag, run, _style_of(child, tag, classes, style))
            tail = child.tail
            if tail:
                run.add(tail, style.italic, style.bold)
        self._flush(run, style)

    def _text_block(self, text: str | None, style: _Style) -> None:
        """A block holding text only (most paragraphs): the unit _container would make of it, made directly."""
        if not text or text.isspace():
            return
        cleaned = clean(text)
        text = text if cleaned is text else nfc(text)  # clean gives most text back as it is, NFC
        chars = len(text) - text.count(" ") - text.count("\n") - text.count("\t") - text.count("\xa0")
        if cleaned:
            self.units.append(
                Unit("paragraph", cleaned, (), style.italic, style.bold, style.align, style.caption_hint, 0, chars)
            )

    def _block(self, element: etree._Element, tag: str, style: _Style) -> None:
        if tag in HEADINGS:
            run = _Run()
            self._inline(element, tag, run, style)
            self._flush(run, style, kind="heading")
        elif tag in ("ul", "ol"):
            self._list(element, style)
        elif tag == "table":
            self._table(element, style)
        elif tag in ("figcaption", "figure"):
            self._container(element, style._replace(caption_hint=True))
        elif tag != "hr":
            self._container(element, style)

    def _list(self, element: etree._Element, style: _Style) -> None:
        lines: list[str] = []
        images: list[Image] = []
        for item in element.iter("li"):
            run = _Run()
            text = item.text
            if text:
                run.add(text, False, False)
            for child in item:
                tag = _tag_of(child)
                if self.skip.skips(tag, child.get("class")) or tag in ("ul", "ol"):
                    pass  # nested items are met by iter() on their own
                elif tag and tag not in SKIPPED:
                    self._inline(child, tag, run, style)
                tail = child.tail
                if tail:
                    run.add(tail, False, False)
            line = clean_line("".join(run.parts))
            if line:
                lines.append(line)
            images.extend(run.images)
        if lines or images:
            self.units.append(Unit("list", "\n".join(lines), tuple(images), align=style.align))

    def _table(self, element: etree._Element, style: _Style) -> None:
        rows = element.xpath("./tr | ./*/tr")
        if element.xpath(".//img"):
            # A layout table around photos: each cell is read as a container; its text may caption the photo.
            cell_style = style._replace(caption_hint=True)
            for row in rows:
                for cell in row:
                    tag, classes = _tag_of(cell), cell.get("class")
                    if tag in ("td", "th") and not self.skip.skips(tag, classes):
                        self._container(cell, _style_of(cell, tag, classes, cell_style))
            return
        lines = []
        for row in rows:
            cells = [clean_line(_plain_text(cell)) for cell in row if isinstance(cell.tag, str)]
            if any(cells):
                lines.append(" | ".join(cells))
        if lines:
            self.units.append(Unit("table", "\n".join(lines), align=style.align))

    # inline content

    def _inline(self, element: etree._Element, tag: str, run: _Run, style: _Style) -> None:
        if tag == "br":
            run.parts.append("\n")
            return
        if tag == "img":
            src = attribute(element, "src") or attribute(element, "data-src")
            if src and not src.startswith("data:"):
                run.images.append(Image(join_url(self.page_url, src.strip()), clean_line(attribute(element, "alt"))))
            return
        if tag in SKIPPED or not tag:
            return
        chars_before = run.chars
        text = element.text
        if text:
            run.add(text, style.italic, style.bold)
        skips = self.skip.skips
        for child in element:
            child_tag, classes = _tag_of(child), child.get("class")
            if not skips(child_tag, classes):
                self._inline(child, child_tag, run, _style_of(child, child_tag, classes, style))
            tail = child.tail
            if tail:
                run.add(tail, style.italic, style.bold)
        if tag == "a":
            run.link_chars += run.chars - chars_before  # the <a>'s own tail is added by its parent, after
        if tag in BLOCK_TAGS:
            run.parts.append("\n")

    def _flush(self, run: _Run, style: _Style, kind: str = "paragraph") -> None:
        if not run.chars and not run.images:
            return  # whitespace between blocks
        text = clean("".join(run.parts))
        if not text and not run.images:
            return
        italic = run.chars > 0 and run.italic_chars == run.chars
        bold = run.chars > 0 and run.bold_chars == run.chars
        images = tuple(run.images)
        self.units.append(
            Unit(kind, text, images, italic, bold, style.align, style.caption_hint, run.link_chars, run.chars)
        )


_STYLED_TAGS = ITALIC_TAGS | BOLD_TAGS | {"center", "figcaption"}
_OWN_BLOCKS = HEADINGS | {"ul", "ol", "table", "figcaption", "figure", "hr"}  # read otherwise than as a container


def _tag_of(element: etree._Element) -> str:
    """The element's tag in lower case; "" for a comment or processing instruction."""
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


def _style_of(element: etree._Element, tag: str, classes: str | None, inherited: _Style) -> _Style:
    css = element.get("style")
    align_attribute = element.get("align")
    if css is None and classes is None and align_attribute is None and tag not in _STYLED_TAGS:
        return inherited
    return _style(tag, classes, css, align_attribute, inherited)


@functools.lru_cache(maxsize=4096)  # a portal's editors repeat a few styles on every page
def _style(tag: str, classes: str | None, css: str | None, align_attribute: str | None, inherited: _Style) -> _Style:
    css = css.lower() if css else ""
    classes = classes or ""
    align = inherited.align
    match = _ALIGN_STYLE.search(css) if "text-align" in css else None
    if match:
        align = match.group(1)
    elif align_attribute:
        align = align_attribute.lower()
    elif tag == "center" or "text-center" in classes or "rtecenter" in classes:
        align = "center"
    elif "text-right" in classes or "rteright" in classes:
        align = "right"
    italic = inherited.italic or tag in ITALIC_TAGS or ("italic" in css and _ITALIC_STYLE.search(css) is not None)
    bold = inherited.bold or tag in BOLD_TAGS or ("font-weight" in css and _BOLD_STYLE.search(css) is not None)
    hint = inherited.caption_hint or tag == "figcaption" or "caption" in classes
    return _Style(align, italic, bold, hint)


def _plain_text(element: etree._Element) -> str:
    return " ".join(t for t in element.itertext() if t)
