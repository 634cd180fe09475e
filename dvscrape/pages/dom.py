"""Parsing: bytes or text → an lxml tree, and the profile's selectors compiled once per profile."""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from dataclasses import dataclass
from urllib.parse import urljoin

from cssselect import HTMLTranslator
from cssselect.xpath import XPathExpr, is_non_whitespace
from lxml import etree

from dvscrape.errors import ExtractionError
from dvscrape.sites.profile import Boilerplate, Selectors
from dvscrape.text import header_charset, read_html, to_nfc


@dataclass(frozen=True)
class Decoded:
    """The document as text (NFC), and any doubt about the decoding."""

    text: str
    flags: tuple[str, ...] = ()


def decode_document(html: str | bytes, content_type: str | None = None) -> Decoded:
    """Decode *html*, which came with the HTTP Content-Type *content_type*, with dvscrape.text.decode_html (its
    charset, a byte-order mark, the <meta> charset, mislabelled pages) and bring it to NFC. Raises ExtractionError
    when there is no document at all."""
    text = nfc(_read(html, content_type)[0])
    return Decoded(text, _flags(text))


def read_page(html: str | bytes, content_type: str | None = None) -> tuple[etree._Element, tuple[str, ...]]:
    """The tree of a page and any doubt about its decoding (decode_document's), except that page bytes that are
    their text in UTF-8 go to the parser as they are, with their text as written rather than in NFC. What is read
    from the tree is in NFC all the same: text by text_of and pages._text.clean, attribute values by attribute().
    Raises ExtractionError when there is no document at all."""
    text, utf8 = _read(html, content_type)
    if utf8 and isinstance(html, bytes):
        return _parsed(html), _flags(text)
    text = nfc(text)
    # As UTF-8 bytes with the encoding stated: faster than a str, and a <meta charset> cannot mislead the parser.
    return _parsed(text.encode("utf-8", errors="surrogatepass")), _flags(text)


def _read(html: str | bytes, content_type: str | None) -> tuple[str, bool]:
    if isinstance(html, bytes) and html and not html.isspace():
        text, utf8 = read_html(html, header_charset(content_type))
    else:
        text, utf8 = (html, False) if isinstance(html, str) else ("", False)
    if not text or text.isspace():
        raise ExtractionError("empty document")
    return text, utf8


def _flags(text: str) -> tuple[str, ...]:
    return ("replacement-characters-in-source",) if "\ufffd" in text else ()


_THREAD = threading.local()


def _parsed(data: bytes) -> etree._Element:
    # One parser per thread, reused: libxml2 then keeps its dictionary of names from page to page (a new parser
    # costs a fifth of the parse).
    parser = getattr(_THREAD, "parser", None)
    if parser is None:
        parser = _THREAD.parser = etree.HTMLParser(
            encoding="utf-8", remove_comments=True, remove_pis=True, collect_ids=False
        )
    try:
        root = etree.fromstring(data, parser)
    except (etree.ParserError, ValueError) as error:
        raise ExtractionError(f"unparseable HTML: {error}") from error
    if root is None:
        raise ExtractionError("no HTML element in the document")
    return root


def nfc(text: str) -> str:
    """*text* in NFC (as it stands when it already is: most text, cheaply)."""
    return text if text.isascii() or unicodedata.is_normalized("NFC", text) else to_nfc(text)


def attribute(element: etree._Element, name: str) -> str:
    """The value of attribute *name* of *element* in NFC, "" when it has none."""
    value = element.get(name)
    return nfc(value) if value else ""


# A root-relative reference urljoin keeps as it is (no ';' parameters, tab, fragment, empty query, dot segment).
_ROOTED = re.compile(r"/[A-Za-z0-9_\-.~%!$&'()*+,=:@/]*(\?[A-Za-z0-9_\-.~%!$&'()*+,=:@/?]+)?")
_ORIGIN = re.compile(r"https?://[\w.:@~%!$&'()*+,;=-]+(?=[/?#]|$)", re.ASCII)  # a host urlsplit takes as written


def join_url(base: str, reference: str) -> str:
    """urljoin(*base*, *reference*); most references (root-relative, plain) are joined without parsing either URL."""
    if _ROOTED.fullmatch(reference) and "//" not in reference and "/." not in reference:
        origin = _ORIGIN.match(base)
        if origin:
            return origin.group() + reference
    return urljoin(base, reference)


class _Translator(HTMLTranslator):
    """cssselect's HTML translation, with a class test libxml2 evaluates faster: ``contains(@class, 'x')`` before
    the exact word test, without first testing that @class exists (contains on a missing attribute is false)."""

    def xpath_attrib_includes(self, xpath: XPathExpr, name: str, value: str | None) -> XPathExpr:
        if name != "@class" or not value or not is_non_whitespace(value):
            return super().xpath_attrib_includes(xpath, name, value)
        within = f"contains(@class, {self.xpath_literal(value)})"
        word = f"contains(concat(' ', normalize-space(@class), ' '), {self.xpath_literal(' ' + value + ' ')})"
        return xpath.add_condition(f"{within} and {word}")


_TRANSLATOR = _Translator()


def css(selector: str, prefix: str = "descendant-or-self::") -> etree.XPath:
    """A CSS selector compiled to XPath, matched as HTML (tag names in lower case). A translation never calls EXSLT
    regular expressions: lxml then does not register them on every evaluation."""
    return etree.XPath(_TRANSLATOR.css_to_xpath(selector, prefix=prefix), regexp=False)


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

    def skips(self, tag: str, classes: str | None) -> bool:
        """Whether an element of *tag* and *classes* (its class attribute) is one of the selectors'."""
        return tag in self.tags or (classes is not None and not self.classes.isdisjoint(classes.split()))


@dataclass(frozen=True)
class Compiled:
    """The profile's selectors compiled to XPath (built once per profile by ``compiled``)."""

    article_view: etree.XPath
    view_title: etree.XPath
    body: etree.XPath
    publish_date: etree.XPath
    modified_date: etree.XPath
    categories: etree.XPath
    tags: etree.XPath
    related: etree.XPath
    breadcrumb: etree.XPath
    active_menu: etree.XPath
    portlet_of: etree.XPath  # evaluated on an element: its ancestors-or-self that are portlets
    portlet_title: etree.XPath
    web_content_portlet: etree.XPath
    listing_markers: etree.XPath
    error_markers: etree.XPath
    main_content: etree.XPath
    canonical_link: etree.XPath
    meta_published: etree.XPath
    meta_modified: etree.XPath
    figure_caption: etree.XPath
    attachment_links: etree.XPath
    drop: etree.XPath
    view_drop: etree.XPath
    # The same two lists as tag and class sets, when every selector is that simple (``tag``, ``.class``): the body
    # walk then skips those elements itself instead of a tree-wide query removing them first.
    skip: SimpleMatcher | None


@functools.cache
def compiled(selectors: Selectors, boilerplate: Boilerplate) -> Compiled:
    """Compile a profile's selectors (cached: profiles are frozen and hashable)."""
    return Compiled(
        article_view=css(selectors.article_view),
        view_title=css(selectors.view_title),
        body=css(selectors.body),
        publish_date=css(selectors.publish_date),
        modified_date=css(selectors.modified_date),
        categories=css(selectors.categories),
        tags=css(selectors.tags),
        related=css(selectors.related),
        breadcrumb=css(selectors.breadcrumb),
        active_menu=css(selectors.active_menu),
        portlet_of=css(selectors.portlet, prefix="ancestor-or-self::"),
        portlet_title=css(selectors.portlet_title_any),
        web_content_portlet=css(selectors.web_content_portlet),
        listing_markers=css(selectors.listing_markers),
        error_markers=css(selectors.error_markers),
        main_content=css(selectors.main_content),
        canonical_link=css(selectors.canonical_link),
        meta_published=css(", ".join(selectors.meta_published)),
        meta_modified=css(", ".join(selectors.meta_modified)),
        figure_caption=css(selectors.figure_caption),
        attachment_links=css(selectors.attachment_links),
        drop=css(", ".join(boilerplate.drop_selectors)),
        view_drop=css(", ".join(boilerplate.view_drop_selectors)),
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
    head = next(root.iterchildren("head"), None)
    return root if head is None else head


def text_of(element: etree._Element) -> str:
    """All text inside *element* (scripts and styles excluded, <br> as a line break), in NFC; the caller cleans it."""
    if not len(element):
        tag = element.tag
        if tag in _BLOCKISH:
            return nfc(element.text or "") + "\n"
        if tag == "br":
            return "\n"
        return nfc(element.text or "") if isinstance(tag, str) and tag not in ("script", "style", "noscript") else ""
    parts: list[str] = []
    _collect_text(element, parts)
    return "".join(parts)


def _collect_text(element: etree._Element, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag == "br":
        parts.append("\n")
    elif tag not in ("script", "style", "noscript"):
        text = element.text
        if text and tag:
            parts.append(nfc(text))
        for child in element:
            _collect_text(child, parts)
            tail = child.tail
            if tail:
                parts.append(nfc(tail))
        if tag in _BLOCKISH:
            parts.append("\n")


_BLOCKISH = frozenset({"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "section"})


def closest(element: etree._Element, ancestors_or_self: etree.XPath) -> etree._Element | None:
    """The nearest match of an ``ancestor-or-self::`` XPath evaluated on *element* (None when none matches)."""
    found = ancestors_or_self(element)
    return found[-1] if isinstance(found, list) and found and isinstance(found[-1], etree._Element) else None
