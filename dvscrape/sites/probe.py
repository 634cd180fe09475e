"""`dvscrape sites probe`: look at a portal (its home page, robots.txt, the pages its menu links, one article) and
write a draft profile with what was found, and comments saying what a person must still check (sites/draft.py).

Plain HTTP with urllib, one request at a time, at most MAX_CANDIDATES menu pages. Liferay 6.2 or 7 is recognised
from markers:
- 6.2: the ``Liferay-Portal`` header naming 6.2; ``portlet-boundary`` with ``asset-abstract`` or
  ``taglib-page-iterator``; Asset Publisher ids ``p_p_id_101_INSTANCE_<id>_``;
- 7 (7.x, DXP): the header naming 7 or DXP; Asset Publisher ids
  ``p_p_id_com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_<id>_``; ``p.asset-publisher-title``;
  Clay/Lexicon classes (``lexicon-icon``, ``autofit-row``, ``page-link``).
A listing is a page of the menu whose main layout column (sites/probe_reading.main_column) holds an Asset Publisher
of its own (not one of the side portlets most pages show) linking articles; a page with an Asset Publisher only in a
side column (a work calendar with 'latest news' beside it) is not one. The markup of the first listing's entries,
the element showing the article's date and the traps the pages link (calendars, search, growing back links) are
read so that the draft's selectors and URL rules fit the portal. No Scrapy import here.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from dvscrape.errors import ConfigurationError
from dvscrape.settings.declared import user_agent
from dvscrape.sites.liferay import generation_defaults
from dvscrape.sites.probe_reading import (
    Trap,
    article_links,
    date_element,
    entry_markup,
    main_column,
    parse,
    portlet_elements,
    same_site,
    traps_in,
)
from dvscrape.text import decode_html, header_charset

MAX_CANDIDATES = 12
MIN_LISTING_ARTICLES = 1
TIMEOUT = 20.0
_AP_ID = re.compile(
    r"p_p_id_(101_INSTANCE_[A-Za-z0-9]+|com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_"
    r"[A-Za-z0-9]+)_"
)
_SITE_PATH = re.compile(r"^(?:/[a-z]{2}(?:_[A-Z]{2})?)?(/(?:web|group)/[^/?#]+)")
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
    entries: tuple[str, str] | None = None  # (listing_entries, listing_entry_link) selectors of the first listing
    date: tuple[str, str] | None = None  # (selector, text) of the article's date when the defaults miss it
    article_view: dict[str, bool] = field(default_factory=dict)  # which default selectors found the article's parts
    traps: list[Trap] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # pages with an Asset Publisher only in a side column
    pages_read: list[str] = field(default_factory=list)


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
    return [urljoin(page.url, str(href).strip()) for href in parse(page.text).xpath("//a/@href") if str(href).strip()]


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
    links = [link for link in _links(home) if same_site(link, base)]
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
    pages = [home, *_menu_pages(links, found, base)]
    found.listings, found.article_url = _listings(pages[1:], found, base, home)
    if found.article_url:
        article = fetch(found.article_url)
        if article.status == 200:
            _read_article(found, article)
            pages.append(article)
    noise = generation_defaults(found.liferay or "6.2", "urls")["noise_param_suffixes"]
    for page in pages:
        found.traps.extend(traps_in(page.url, parse(page.text), base, found.site_path, noise))
    found.pages_read = [page.url for page in pages]
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


def _menu_pages(links: list[str], found: Probe, base: str) -> list[Page]:
    """The pages the home page's menu links (one level under the site path), fetched; those that answered 200."""
    candidates: list[str] = []
    for link in links:
        path = _strip_locale(urlsplit(link).path.rstrip("/"))
        rest = path[len(found.site_path) :]
        menu_page = path.startswith(found.site_path + "/") and rest.count("/") == 1 and "/-/" not in path
        if menu_page and path != found.home_path and path not in candidates:
            candidates.append(path)
    pages = [fetch(base + path) for path in candidates[:MAX_CANDIDATES]]
    return [page for page in pages if page.status == 200]


def _listings(pages: list[Page], found: Probe, base: str, home: Page) -> tuple[list[Listing], str]:
    """The menu's pages that are listings, and one article URL (a display page). Asset Publishers on most pages
    (side portlets), those outside the page's main column, and a page showing the home page's portlets (the home
    page under its friendly URL) are not listings."""
    home_portlets = set(_AP_ID.findall(home.text))
    seen = Counter(portlet for page in pages for portlet in set(_AP_ID.findall(page.text)))
    common = {portlet for portlet, count in seen.items() if count > len(pages) / 2}
    listings: list[Listing] = []
    article = ""
    for page in pages:
        path = _strip_locale(urlsplit(page.url).path.rstrip("/"))
        if not found.liferay:
            found.liferay, found.markers = liferay_generation(page)
        portlets = set(_AP_ID.findall(page.text))
        if portlets == home_portlets and found.home_path == found.site_path:
            found.home_path = path  # the home page's friendly URL
            continue
        root = parse(page.text)
        main = main_column(root)
        in_main = {
            portlet
            for portlet in portlets
            if any(main in e.iterancestors() or e is main for e in portlet_elements(root, portlet))
        }
        own = tuple(p for p in dict.fromkeys(_AP_ID.findall(page.text)) if p not in common and p in in_main)
        boundaries = [element for portlet in own for element in portlet_elements(root, portlet)]
        articles = {
            title: url for element in boundaries for title, url in article_links(element, page.url, base).items()
        }
        if len(articles) < MIN_LISTING_ARTICLES:
            if any(portlet not in common for portlet in portlets - in_main):
                found.skipped.append(path)
            continue
        paginated = any("_cur=" in href for element in boundaries for href in element.xpath(".//a/@href"))
        listings.append(Listing(path, own, len(articles), paginated))
        if not article:
            article = f"{base}{found.site_path}/-/{next(iter(articles))}"
            found.entries = next((m for e in boundaries if (m := entry_markup(e, page.url, base))), None)
    return listings, article


def _read_article(found: Probe, page: Page) -> None:
    """What the generation's selectors find on one article page; the date's element when they miss it."""
    defaults = generation_defaults(found.liferay or "6.2", "selectors")
    root = parse(page.text)
    views = root.cssselect(defaults["article_view"])
    view = views[0] if views else main_column(root)
    portlet = next((e for e in view.iterancestors() if "portlet-boundary" in (e.get("class") or "").split()), view)
    found.article_view = {
        "article_view": bool(views),
        "body": bool(view.cssselect(defaults["body"])),
        "view_title": any(e.text_content().strip() for e in portlet.cssselect(defaults["view_title"])),
        "publish_date": bool(view.cssselect(defaults["publish_date"])),
    }
    if not found.article_view["publish_date"]:
        found.date = date_element(view, defaults["body"], found.locale)
