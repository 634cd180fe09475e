"""What `dvscrape sites probe` reads in a page's HTML: the main column of its layout, the articles a portlet links,
the markup of a listing's entries, the element that shows an article's date, and the traps a page links
(calendars, search, growing back links, action URLs). Pure functions over parsed pages; no network, no Scrapy."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree, html

from dvscrape.sites.traps import date_params, nested_urls, query_of
from dvscrape.sites.urls import split_param_name
from dvscrape.text import read_date

# An article link: the display page '/-/<urlTitle>' or the Asset Publisher's '/-/asset_publisher/<id>/content/…'.
ARTICLE = re.compile(r"/-/(?:asset_publisher/[^/?#]+/content/)?(?P<url_title>(?!asset_publisher/)[^/?#]+)$")
_LAYOUT_COLUMN = re.compile(r"column-\d+$")
_WIDTH = re.compile(r"(?:^|\s)(?:col-(?:xs|sm|md|lg|xl)-|span|aui-w|w)(\d{1,3})(?=\s|$)")
SEARCH_INPUTS = frozenset({"q", "keywords", "keyword", "tukhoa", "search"})
SEARCH_SEGMENTS = frozenset({"search", "tim-kiem", "timkiem", "tra-cuu"})
MAX_DATE_TEXT = 80
MEDIA_PREFIXES = ("/documents/", "/image/", "/o/")  # Liferay's files and theme resources: never traps
_UTILITY = re.compile(r"^(?:h\d|d-.+|text-.+|[mp][trblxy]?-\d|col(?:-.+)?|row|clearfix|show-.+|hide.*|sr-only|small)$")


@dataclass(frozen=True)
class Trap:
    """A trap a page links: its kind ('calendar', 'search', 'back-link', 'action'), the key a profile refuses it by
    (a portlet id, a path, a parameter name) and where it was seen."""

    kind: str
    key: str
    seen_on: str
    example: str


def parse(text: str) -> etree._Element:
    """The page's element tree (an empty document when it cannot be parsed)."""
    try:
        return html.fromstring(text or "<html/>")
    except (etree.ParserError, ValueError):
        return html.fromstring("<html/>")


def same_site(url: str, base: str) -> bool:
    """Whether *url* is on the portal at *base* (http or https, same host and port)."""
    parts = urlsplit(url)
    return parts.netloc.lower() == urlsplit(base).netloc.lower() and parts.scheme in ("http", "https")


def url_title(url: str) -> str:
    """The article's urlTitle when *url* links an article, else ''."""
    match = ARTICLE.search(urlsplit(url).path)
    return match.group("url_title") if match else ""


def main_column(root: etree._Element) -> etree._Element:
    """The layout column that holds the page's own content: the widest of Liferay's ``#column-N`` (by its grid
    class: col-md-8, span8, aui-w70, w70), the first one on a tie; the whole page when it has no layout columns."""
    best, widest = root, -1
    for column in root.xpath("//*[starts-with(@id, 'column-')]"):
        if not _LAYOUT_COLUMN.match(column.get("id") or ""):
            continue
        width = max((int(found) for found in _WIDTH.findall(column.get("class") or "")), default=0)
        if width > widest:
            best, widest = column, width
    return best


def portlet_elements(root: etree._Element, portlet: str) -> list[etree._Element]:
    """The boundaries of *portlet* on the page."""
    return list(root.xpath("//*[@id=$id]", id=f"p_p_id_{portlet}_"))


def article_links(element: etree._Element, page_url: str, base: str) -> dict[str, str]:
    """urlTitle → absolute URL of every article *element* links on the portal."""
    found: dict[str, str] = {}
    for anchor in element.iter("a"):
        link = urljoin(page_url, (anchor.get("href") or "").strip())
        title = url_title(link) if same_site(link, base) else ""
        if title:
            found.setdefault(title, link)
    return found


def entry_markup(portlet: etree._Element, page_url: str, base: str) -> tuple[str, str] | None:
    """(entries selector, link selector) of a listing portlet's entries: the largest element around each article
    link that links that article only, by tag and first class; None when fewer than two entries repeat."""
    keys: Counter[tuple[str, str]] = Counter()
    link_keys: Counter[str] = Counter()
    for anchor in portlet.iter("a"):
        link = urljoin(page_url, (anchor.get("href") or "").strip())
        title = url_title(link) if same_site(link, base) else ""
        if not title:
            continue
        node = anchor
        parent = node.getparent()
        while parent is not None and parent is not portlet and set(article_links(parent, page_url, base)) == {title}:
            node, parent = parent, parent.getparent()
        if node is anchor:
            continue
        keys[(str(node.tag), _first_class(node))] += 1
        holder = anchor.getparent()
        link_keys[
            _selector(str(holder.tag), _first_class(holder)) if holder is not None and holder is not node else ""
        ] += 1
    if not keys:
        return None
    (tag, css), count = keys.most_common(1)[0]
    if count < 2:
        return None
    holder = link_keys.most_common(1)[0][0]
    return _selector(tag, css), f"{holder} a[href]" if holder else "a[href]"


def date_element(view: etree._Element, body_selector: str, locale: str) -> tuple[str, str] | None:
    """(selector, text) of the innermost element outside the article's body, in its view, whose short text reads as
    a date ('Đã xuất bản 14/06/2024'); None when the view shows none."""
    body = set()
    for element in view.cssselect(body_selector):
        body.update(element.iter())
    for element in view.iter():
        if not isinstance(element.tag, str) or element in body or element.tag in ("script", "style"):
            continue
        text = " ".join(element.text_content().split())
        if not text or len(text) > MAX_DATE_TEXT or read_date(text, locale) is None:
            continue
        inner = [child for child in element if isinstance(child.tag, str) and read_date(child.text_content(), locale)]
        if inner:
            continue  # a child holds it: take the innermost
        return _selector(str(element.tag), _first_class(element)), text
    return None


def traps_in(page_url: str, root: etree._Element, base: str, site_path: str, noise: tuple[str, ...]) -> list[Trap]:
    """The traps *root* links: links stepping a date parameter (a calendar: refused by its portlet, else its path),
    search forms (by their portlet when they name one, else the page they send to) and search pages, links nesting a
    URL of the site in a parameter the profile keeps (*noise* lists those it drops: a growing back link), and action
    URLs (refused by the Liferay rules already)."""
    path = urlsplit(page_url).path
    found: list[Trap] = []
    for anchor in root.iter("a"):
        link = urljoin(page_url, (anchor.get("href") or "").strip())
        if not same_site(link, base) or url_title(link) or urlsplit(link).path.startswith(MEDIA_PREFIXES):
            continue
        params = query_of(link)
        names = {name for name, _ in params}
        link_path = urlsplit(link).path
        if "/c/portal/" in link_path or "p_auth" in names or dict(params).get("p_p_lifecycle", "0") not in ("", "0"):
            found.append(Trap("action", link_path, path, link))
        elif date_params(link):
            found.append(Trap("calendar", _portlet_of(params) or link_path, path, link))
        elif link_path.rstrip("/").rsplit("/", 1)[-1] in SEARCH_SEGMENTS:
            found.append(Trap("search", link_path.rstrip("/"), path, link))
        elif nested_urls(link) >= 1:
            for name, value in params:
                base_name = split_param_name(name)[1]
                kept = base_name not in noise and not base_name.lower().endswith("redirect")
                if kept and (value.startswith(site_path + "/") or same_site(value, base)):
                    found.append(Trap("back-link", base_name, path, link))
    for form in root.iter("form"):
        inputs = {split_param_name(str(name))[1].lower() for name in form.xpath(".//input/@name")}
        action = urljoin(page_url, (form.get("action") or "").strip())
        portlet = form.xpath("string(.//input[@name='p_p_id']/@value)").split("_INSTANCE_")[0]
        if inputs & SEARCH_INPUTS and same_site(action, base):
            found.append(Trap("search", portlet or urlsplit(action).path.rstrip("/"), path, action))
    return found


def _portlet_of(params: list[tuple[str, str]]) -> str:
    """The portlet a calendar link belongs to: p_p_id, or the namespace of its date parameter."""
    for name, value in params:
        if name == "p_p_id" and value:
            return value.split("_INSTANCE_")[0]
    for name, _ in params:
        namespace = split_param_name(name)[0]
        if namespace:
            return namespace.split("_INSTANCE_")[0]
    return ""


def _first_class(element: etree._Element) -> str:
    """The element's first class that names what it is (Bootstrap's utility classes skipped)."""
    classes = (element.get("class") or "").split()
    named = [css for css in classes if not _UTILITY.match(css)]
    return (named or classes or [""])[0]


def _selector(tag: str, css: str) -> str:
    return f"{tag}.{css}" if css else tag
