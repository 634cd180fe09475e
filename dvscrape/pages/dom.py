"""Parsing: bytes or text → an lxml tree, and the profile's selectors compiled once per profile."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from cssselect import HTMLTranslator
from lxml import etree
from lxml.cssselect import CSSSelector

from dvscrape.errors import ExtractionError
from dvscrape.sites.profile import Boilerplate, Selectors
from dvscrape.text import decode_html, header_charset, to_nfc


@dataclass(frozen=True)
class Decoded:
    """The document as text (NFC), and any doubt about the decoding."""

    text: str
    flags: tuple[str, ...] = ()


def decode_document(html: str | bytes, content_type: str | None = None) -> Decoded:
    """Decode *html*, which came with the HTTP Content-Type *content_type*, with dvscrape.text.decode_html (its
    charset, a byte-order mark, the <meta> charset, mislabelled pages) and bring it to NFC. Raises ExtractionError
    when there is no document at all."""
    if isinstance(html, str):
        text = html
    else:
        if not html or html.isspace():
            raise ExtractionError("empty document")
        text = decode_html(html, header_charset(content_type))
    if not text or text.isspace():
        raise ExtractionError("empty document")
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = to_nfc(text)
    return Decoded(text, ("replacement-characters-in-source",) if "\ufffd" in text else ())


def parse_document(text: str) -> etree._Element:
    """Parse HTML text into an lxml tree; raises ExtractionError when nothing parseable is left.

    The text is handed to libxml2 as UTF-8 bytes with the encoding stated: faster than a str, and a <meta charset>
    in the page (already applied by decoding) cannot mislead the parser.
    """
    data = text.encode("utf-8", errors="surrogatepass")
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except (etree.ParserError, ValueError) as error:
        raise ExtractionError(f"unparseable HTML: {error}") from error
    if root is None:
        raise ExtractionError("no HTML element in the document")
    return root


def _css(selector: str) -> CSSSelector:
    return CSSSelector(selector, translator="html")


_SIMPLE_SELECTOR = re.compile(r"^(?:(?P<tag>[a-z][a-z0-9]*)|\.(?P<cls>[A-Za-z_][\w-]*))$")


@dataclass(frozen=True)
class SimpleMatcher:
    """Matches elements by tag name or by one class: the fast form of a list of ``tag`` / ``.class`` selectors."""

    tags: frozenset[str]
    classes: frozenset[str]

    @classmethod
    def parse(cls, selectors: tuple[str, ...]) -> SimpleMatcher | None:
        """The matcher for *selectors*, or None when one of them is more than a tag or a class."""
        tags: set[str] = set()
        classes: set[str] = set()
        for selector in selectors:
            match = _SIMPLE_SELECTOR.match(selector.strip())
            if match is None:
                return None
            if match.group("tag"):
                tags.add(match.group("tag"))
            else:
                classes.add(match.group("cls"))
        return cls(frozenset(tags), frozenset(classes))

    def __call__(self, element: etree._Element) -> bool:
        if element.tag in self.tags:
            return True
        names = element.get("class")
        return bool(names) and not self.classes.isdisjoint(names.split())


@dataclass(frozen=True)
class Compiled:
    """The profile's selectors compiled to XPath (built once per profile by ``compiled``)."""

    article_view: CSSSelector
    view_title: CSSSelector
    body: CSSSelector
    publish_date: CSSSelector
    modified_date: CSSSelector
    categories: CSSSelector
    tags: CSSSelector
    related: CSSSelector
    breadcrumb: CSSSelector
    active_menu: CSSSelector
    portlet_of: etree.XPath  # evaluated on an element: its ancestors-or-self that are portlets
    portlet_title: CSSSelector
    web_content_portlet: CSSSelector
    listing_markers: CSSSelector
    error_markers: CSSSelector
    main_content: CSSSelector
    canonical_link: CSSSelector
    meta_published: CSSSelector
    meta_modified: CSSSelector
    figure_caption: CSSSelector
    attachment_links: CSSSelector
    drop: CSSSelector
    view_drop: CSSSelector
    # The same two lists as tag and class sets, when every selector is that simple (``tag``, ``.class``): the body
    # walk then skips those elements itself instead of a tree-wide query removing them first.
    skip: SimpleMatcher | None


@functools.cache
def compiled(selectors: Selectors, boilerplate: Boilerplate) -> Compiled:
    """Compile a profile's selectors (cached: profiles are frozen and hashable)."""
    return Compiled(
        article_view=_css(selectors.article_view),
        view_title=_css(selectors.view_title),
        body=_css(selectors.body),
        publish_date=_css(selectors.publish_date),
        modified_date=_css(selectors.modified_date),
        categories=_css(selectors.categories),
        tags=_css(selectors.tags),
        related=_css(selectors.related),
        breadcrumb=_css(selectors.breadcrumb),
        active_menu=_css(selectors.active_menu),
        portlet_of=etree.XPath(HTMLTranslator().css_to_xpath(selectors.portlet, prefix="ancestor-or-self::")),
        portlet_title=_css(selectors.portlet_title_any),
        web_content_portlet=_css(selectors.web_content_portlet),
        listing_markers=_css(selectors.listing_markers),
        error_markers=_css(selectors.error_markers),
        main_content=_css(selectors.main_content),
        canonical_link=_css(selectors.canonical_link),
        meta_published=_css(", ".join(selectors.meta_published)),
        meta_modified=_css(", ".join(selectors.meta_modified)),
        figure_caption=_css(selectors.figure_caption),
        attachment_links=_css(selectors.attachment_links),
        drop=_css(", ".join(boilerplate.drop_selectors)),
        view_drop=_css(", ".join(boilerplate.view_drop_selectors)),
        skip=SimpleMatcher.parse(boilerplate.drop_selectors + boilerplate.view_drop_selectors),
    )


def drop_all(elements: list[etree._Element]) -> int:
    """Remove elements from their tree, keeping the text that follows each; returns how many were removed."""
    count = 0
    for element in elements:
        parent = element.getparent()
        if parent is None:
            continue
        if element.tail:
            previous = element.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + element.tail
            else:
                parent.text = (parent.text or "") + element.tail
        parent.remove(element)
        count += 1
    return count


def head_of(root: etree._Element) -> etree._Element:
    """The document's <head> (where <title>, <meta> and <link> live), or the root when it has none."""
    head = root.find("head")
    return root if head is None else head


def text_of(element: etree._Element) -> str:
    """All text inside *element* (scripts and styles excluded, <br> as a line break); the caller cleans it."""
    parts: list[str] = []
    _collect_text(element, parts)
    return "".join(parts)


def _collect_text(element: etree._Element, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag == "br":
        parts.append("\n")
    elif tag not in ("script", "style", "noscript"):
        if element.text and tag:
            parts.append(element.text)
        for child in element:
            _collect_text(child, parts)
            if child.tail:
                parts.append(child.tail)
        if tag in _BLOCKISH:
            parts.append("\n")


_BLOCKISH = frozenset({"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "section"})


def closest(element: etree._Element, ancestors_or_self: etree.XPath) -> etree._Element | None:
    """The nearest match of an ``ancestor-or-self::`` XPath evaluated on *element* (None when none matches)."""
    found = ancestors_or_self(element)
    return found[-1] if isinstance(found, list) and found and isinstance(found[-1], etree._Element) else None
