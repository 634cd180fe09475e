"""Page requisites: the URLs a page or a stylesheet embeds (stylesheets, scripts, images, icons, fonts), as a browser
would load them to show the page. Heritrix calls them embeds (hop E), Browsertrix loads them with the page; both
archive them with the page so that it replays with its look. No Scrapy import here: (url, markup) → URLs.

URLs are returned as the page references them (resolved against the page's URL or its ``<base href>``, HTML
entities decoded, fragments dropped), never canonicalised: a replay tool looks a reference up exactly as written.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag

from dvscrape.errors import ExtractionError
from dvscrape.pages.dom import join_url, read_page
from dvscrape.text import header_charset

# <link rel=…> values whose target a browser loads to render the page.
_LINK_RELS = frozenset({"stylesheet", "icon", "shortcut", "apple-touch-icon", "apple-touch-icon-precomposed"})
# url(...) in CSS, quoted or not, and @import "…" without url().
_CSS_URL = re.compile(r"""url\(\s*(?P<q>["']?)(?P<url>[^"')]*?)(?P=q)\s*\)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s+(?P<q>["'])(?P<url>[^"']+)(?P=q)""", re.IGNORECASE)
_SKIPPED_SCHEMES = ("data:", "javascript:", "about:", "blob:", "mailto:", "#")


def _usable(reference: str) -> bool:
    return bool(reference) and not reference.lower().startswith(_SKIPPED_SCHEMES)


def _resolved(base: str, reference: str) -> str:
    return urldefrag(join_url(base, reference.strip()))[0]


def _unique(urls: list[str]) -> list[str]:
    return list(dict.fromkeys(urls))


def css_references(base_url: str, css: str) -> list[str]:
    """Every URL a stylesheet (or a ``style`` attribute) references with ``url()`` or ``@import``, in order."""
    found = [match.group("url") for match in _CSS_URL.finditer(css)]
    found += [match.group("url") for match in _CSS_IMPORT.finditer(css)]
    return _unique([_resolved(base_url, ref) for ref in found if _usable(ref.strip())])


def stylesheet_text(body: bytes, content_type: str | None) -> str:
    """A stylesheet's bytes as text: its byte-order mark, else the charset it came with, else UTF-8 (CSS Syntax
    §3.2, without the rarely used @charset rule); bytes a charset cannot read are replaced."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if body.startswith(bom):
            return body.decode(codec, errors="replace")
    try:
        return body.decode(header_charset(content_type) or "utf-8", errors="replace")
    except LookupError:  # a label Python does not know
        return body.decode("utf-8", errors="replace")


def page_requisites(base_url: str, markup: str | bytes, content_type: str | None = None) -> list[str]:
    """The URLs *markup* embeds: ``<link rel=stylesheet|icon>``, ``<script src>``, ``<img src>`` (and ``srcset``),
    ``<input type=image>``, ``<video poster>``, ``<source src>``, and ``url()`` in ``<style>`` and style attributes.
    Bytes are decoded as the extraction decodes them (pages.dom.read_page), with the charset of *content_type*."""
    try:
        root = read_page(markup, content_type)[0]
    except ExtractionError:  # no document at all
        return []
    base = base_url
    for href in root.xpath("//base/@href"):
        base = join_url(base_url, str(href).strip())
        break
    found: list[str] = []
    for link in root.xpath("//link[@href]"):
        rels = set(str(link.get("rel", "")).lower().split())
        if rels & _LINK_RELS:
            found.append(str(link.get("href")))
    found += [str(src) for src in root.xpath("//script/@src | //img/@src | //input[@type='image']/@src")]
    found += [str(src) for src in root.xpath("//video/@poster | //audio/@src | //video/@src | //source/@src")]
    for srcset in root.xpath("//img/@srcset | //source/@srcset"):
        found += [part.strip().split(" ")[0] for part in str(srcset).split(",") if part.strip()]
    urls = [_resolved(base, ref) for ref in found if _usable(ref.strip())]
    for style in root.xpath("//style/text()"):
        urls += css_references(base, str(style))
    for style in root.xpath("//@style"):
        urls += css_references(base, str(style))
    return _unique(urls)
