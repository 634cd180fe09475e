"""`dvscrape sites probe`: look at a portal (its home page, robots.txt, a few of the pages its menu links, one
article) and write a draft profile with what was found, and comments saying what a person must still check.

Plain HTTP with urllib, a dozen requests at most, one at a time. Liferay 6.2 or 7 is recognised from markers:
- 6.2: the ``Liferay-Portal`` header naming 6.2; ``portlet-boundary`` with ``asset-abstract`` or
  ``taglib-page-iterator``; Asset Publisher ids ``p_p_id_101_INSTANCE_<id>_``;
- 7 (7.x, DXP): the header naming 7 or DXP; Asset Publisher ids
  ``p_p_id_com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_<id>_``; ``p.asset-publisher-title``;
  Clay/Lexicon classes (``lexicon-icon``, ``autofit-row``, ``page-link``).
A listing is a page of the menu with an Asset Publisher of its own (not one of the side portlets most pages show)
that links at least MIN_LISTING_ARTICLES article (``/-/`` links).
No Scrapy import here.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import etree, html

from dvscrape.errors import ConfigurationError
from dvscrape.settings.declared import user_agent
from dvscrape.text import decode_html, header_charset

MAX_CANDIDATES = 12
MIN_LISTING_ARTICLES = 1
TIMEOUT = 20.0
_AP_ID = re.compile(
    r"p_p_id_(101_INSTANCE_[A-Za-z0-9]+|com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_"
    r"[A-Za-z0-9]+)_"
)
_SITE_PATH = re.compile(r"^(?:/[a-z]{2}(?:_[A-Z]{2})?)?(/(?:web|group)/[^/?#]+)")
_ARTICLE = re.compile(r"/-/(?!asset_publisher/)[^/?#]+(?:[?#]|$)")
_CLAY = ("lexicon-icon", "autofit-row", "page-link", "clay-")


@dataclass(frozen=True)
class Page:
    """One fetched page: final URL, status, headers (lower-case names) and HTML text."""

    url: str
    status: int
    headers: dict[str, str]
    text: str


@dataclass(frozen=True)
class Listing:
    """A listing page found: its path, its Asset Publisher portlets and how many article links they hold."""

    path: str
    portlets: tuple[str, ...]
    articles: int
    paginated: bool


@dataclass
class Probe:
    """What the probe found about one portal."""

    site_url: str
    name: str
    liferay: str = ""
    markers: list[str] = field(default_factory=list)
    site_path: str = ""
    home_path: str = ""
    locale: str = "vi_VN"
    title: str = ""
    sitemap_path: str = ""
    listings: list[Listing] = field(default_factory=list)
    article_url: str = ""
    checks: list[str] = field(default_factory=list)


def fetch(url: str) -> Page:
    """GET *url* (redirects followed); an HTTP error status is a Page too. Raises ConfigurationError when the
    portal does not answer at all."""
    request = urllib.request.Request(url, headers={"User-Agent": user_agent(""), "Accept": "text/html,*/*"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (http(s) checked by caller)
            body, status, final = response.read(), response.status, response.geturl()
            headers = {name.lower(): value for name, value in response.headers.items()}
    except urllib.error.HTTPError as error:
        body, status, final = error.read(), error.code, url
        headers = {name.lower(): value for name, value in error.headers.items()}
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise ConfigurationError(f"cannot fetch {url}: {getattr(error, 'reason', error)}") from error
    text = decode_html(body, header_charset(headers.get("content-type"))) if body else ""
    return Page(final, status, headers, text)


def liferay_generation(page: Page) -> tuple[str, list[str]]:
    """("6.2" | "7" | "", the markers seen) for one page."""
    header = page.headers.get("liferay-portal", "")
    text = page.text
    seven: list[str] = []
    six: list[str] = []
    if re.search(r"\b(DXP|7\.\d)", header):
        seven.append(f"header Liferay-Portal: {header}")
    elif "6.2" in header:
        six.append(f"header Liferay-Portal: {header}")
    if "_com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_" in text:
        seven.append("Asset Publisher ids com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_")
    if "asset-publisher-title" in text:
        seven.append("p.asset-publisher-title cards")
    clay = [name for name in _CLAY if name in text]
    if clay:
        seven.append(f"Clay/Lexicon classes ({', '.join(clay)})")
    if "portlet-boundary" in text and ("asset-abstract" in text or "taglib-page-iterator" in text):
        six.append("portlet-boundary with asset-abstract/taglib-page-iterator")
    if "p_p_id_101_INSTANCE_" in text:
        six.append("Asset Publisher ids 101_INSTANCE_")
    if not seven and not six:
        return "", []
    return ("7", seven) if len(seven) >= len(six) else ("6.2", six)


def _links(page: Page) -> list[str]:
    try:
        root = html.fromstring(page.text or "<html/>")
    except (etree.ParserError, ValueError):
        return []
    return [urljoin(page.url, str(href).strip()) for href in root.xpath("//a/@href") if str(href).strip()]


def _same_site(url: str, base: str) -> bool:
    return urlsplit(url).netloc.lower() == urlsplit(base).netloc.lower() and urlsplit(url).scheme in ("http", "https")


def _strip_locale(path: str) -> str:
    match = re.match(r"^/[a-z]{2}(?:_[A-Z]{2})?(/(?:web|group)/.*)$", path)
    return match.group(1) if match else path


def probe(url: str, name: str) -> Probe:
    """Probe the portal at *url* (its home page or any page of it) into a Probe; raises ConfigurationError when it
    does not answer, or is not a Liferay portal dvscrape knows."""
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise ConfigurationError(f"the portal URL must be an absolute http(s) URL, got {url!r}")
    home = fetch(url)
    if home.status >= 400:
        raise ConfigurationError(f"{url} answered HTTP {home.status}: give the portal's home page")
    base = f"{urlsplit(home.url).scheme}://{urlsplit(home.url).netloc}"
    found = Probe(site_url=base, name=name)
    found.liferay, found.markers = liferay_generation(home)
    links = [link for link in _links(home) if _same_site(link, base)]
    paths = Counter(match.group(1) for link in links if (match := _SITE_PATH.match(urlsplit(link).path)))
    if not paths:
        raise ConfigurationError(f"{url} links no /web/<site> page: not a Liferay portal dvscrape can probe")
    found.site_path = paths.most_common(1)[0][0]
    home_path = _strip_locale(urlsplit(home.url).path.rstrip("/"))
    found.home_path = home_path if home_path.startswith(found.site_path + "/") else found.site_path
    lang = re.search(r'<html[^>]*\blang="([a-z]{2})[-_]([A-Za-z]{2})"', home.text)
    found.locale = f"{lang.group(1)}_{lang.group(2).upper()}" if lang else "vi_VN"
    title = re.search(r"<title>\s*([^<]*?)\s*</title>", home.text)
    found.title = title.group(1) if title else ""
    found.sitemap_path = _sitemap_path(base)
    found.listings, article = _listings(links, found, base, home)
    found.article_url = article
    found.checks = _what_to_check(found)
    return found


def _sitemap_path(base: str) -> str:
    robots = fetch(base + "/robots.txt")
    if robots.status == 200:
        for line in robots.text.splitlines():
            if line.lower().startswith("sitemap:"):
                target = urlsplit(line.split(":", 1)[1].strip())
                if target.path:
                    return target.path
    return "/sitemap.xml" if fetch(base + "/sitemap.xml").status == 200 else ""


def _listings(links: list[str], found: Probe, base: str, home: Page) -> tuple[list[Listing], str]:
    """The menu's pages that are listings, and one article URL. Asset Publishers on most pages (side portlets) and
    a page showing the home page's portlets (the home page under its friendly URL) are not listings."""
    candidates: list[str] = []
    for link in links:
        path = _strip_locale(urlsplit(link).path.rstrip("/"))
        rest = path[len(found.site_path) :]
        menu_page = path.startswith(found.site_path + "/") and rest.count("/") == 1 and "/-/" not in path
        if menu_page and path != found.home_path and path not in candidates:
            candidates.append(path)
    pages = [(path, fetch(base + path)) for path in candidates[:MAX_CANDIDATES]]
    pages = [(path, page) for path, page in pages if page.status == 200]
    home_portlets = set(_AP_ID.findall(home.text))
    seen = Counter(portlet for _, page in pages for portlet in set(_AP_ID.findall(page.text)))
    common = {portlet for portlet, count in seen.items() if count > len(pages) / 2}
    listings: list[Listing] = []
    article = ""
    for path, page in pages:
        if not found.liferay:
            found.liferay, found.markers = liferay_generation(page)
        portlets = set(_AP_ID.findall(page.text))
        if portlets == home_portlets and found.home_path == found.site_path:
            found.home_path = path  # the home page's friendly URL
            continue
        own = tuple(portlet for portlet in dict.fromkeys(_AP_ID.findall(page.text)) if portlet not in common)
        articles, paginated = _portlet_articles(page, own, base)
        if len(articles) >= MIN_LISTING_ARTICLES:
            listings.append(Listing(path, own, len(articles), paginated))
            article = article or articles[0]
    return listings, article


def _portlet_articles(page: Page, portlets: tuple[str, ...], base: str) -> tuple[list[str], bool]:
    """The distinct article URLs the *portlets* of *page* link, and whether they are paginated (``_cur=``)."""
    try:
        root = html.fromstring(page.text)
    except (etree.ParserError, ValueError):
        return [], False
    found: set[str] = set()
    paginated = False
    for portlet in portlets:
        for element in root.xpath("//*[@id=$id]", id=f"p_p_id_{portlet}_"):
            for href in element.xpath(".//a/@href"):
                link = urljoin(page.url, str(href).strip())
                paginated |= "_cur=" in link
                if _same_site(link, base) and _ARTICLE.search(link.split("?")[0]):
                    found.add(link.split("?")[0])
    return sorted(found), paginated


def _what_to_check(found: Probe) -> list[str]:
    checks = [
        "site_url: the portal's own address (the probe saw it at this address; a mirror is given with --base-url)",
        f"site_path {found.site_path!r} and home_path {found.home_path!r}: the site the archive is about",
    ]
    if not found.liferay:
        checks.append("liferay: no Liferay 6.2 or 7 marker was seen; '6.2' is a guess")
    if not found.listings:
        checks.append("listing_paths: no listing found among the menu's pages; add the category pages by hand")
    else:
        checks.append("listing_paths: every category page of the portal (the probe read only the menu's first pages)")
    if not found.sitemap_path:
        checks.append("sitemap_path: no sitemap found at robots.txt or /sitemap.xml")
    checks.append("[urls] trap_path_parts: calendars, search and other endless pages of this portal")
    checks.append("[boilerplate]: the banner lines and side-portlet titles of this theme (drop_lines, banner_prefixes)")
    return checks


def draft_toml(found: Probe) -> str:
    """The draft profile file of *found*, with comments on what was seen and what to check."""
    from dvscrape.sites.liferay import GENERATION_DEFAULTS

    generation = found.liferay or "6.2"
    seen_as = f" ({found.title})" if found.title else ""
    lines = [
        f"# Draft profile of {found.site_url}{seen_as}, written by `dvscrape sites probe`.",
        f"# Liferay {generation} recognised by: {'; '.join(found.markers) or 'nothing (a guess)'}.",
        "# A person must still check:",
        *(f"#  - CHECK {item}" for item in found.checks),
        "",
        f'name = "{found.name}"',
        f'liferay = "{generation}"',
        f'site_url = "{found.site_url}"',
        f'default_locale = "{found.locale}"',
    ]
    if found.sitemap_path:
        lines.append(f'sitemap_path = "{found.sitemap_path}"')
    lines.append("listing_paths = [")
    for listing in found.listings:
        paging = "paginated" if listing.paginated else "one page"
        lines.append(f'    "{listing.path}",  # {listing.articles} articles, {paging}; {", ".join(listing.portlets)}')
    lines += ["]", "", "[urls]", f'site_path = "{found.site_path}"', f'home_path = "{found.home_path}"', ""]
    lines.append(
        f"# The Liferay {generation} page kinds (dvscrape/sites/liferay.py) apply; override what the theme changes."
    )
    lines.append("[selectors]")
    for key, value in sorted(GENERATION_DEFAULTS[generation].get("selectors", {}).items()):
        lines.append(f"# {key} = {json.dumps(value, ensure_ascii=False)}")
    lines += ["", "[boilerplate]", "", "[politeness]", "# dvscrape's defaults: one request a second, two at a time."]
    if found.article_url:
        lines.insert(3, f"# An article seen: {found.article_url}")
    return "\n".join(lines) + "\n"
