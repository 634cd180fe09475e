"""Map a request target to what the replica serves, and to the URL families it belongs to (for the stats).

Families a crawler should fetch: home, page, listing, listing_page, article, robots, sitemap, rss, image, document,
theme, not_found. Trap families it should never fetch are listed in :data:`TRAP_FAMILIES`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlsplit

from dvscrape.replica import urls
from dvscrape.replica.chrome import PORTAL_PAGES
from dvscrape.replica.model import Article, Category
from dvscrape.replica.site import Site

TRAP_FAMILIES: tuple[str, ...] = (
    "redirect",
    "locale",
    "asset_publisher",
    "maximized",
    "print",
    "login",
    "language",
    "search",
    "calendar",
    "action",
)
BACK_PARAM_SUFFIXES = ("redirect", "Redirect", "backURL", "returnToFullPageURL")
HOME_ALIASES = frozenset({"", "/", urls.SITE_PATH, urls.SITE_PATH + "/", urls.HOME_PATH})
ARTICLE_RE = re.compile(r"^/web/neoportal/-/([a-z0-9-]+)/?$")
PORTLET_RE = re.compile(
    r"^(/web/neoportal/[a-z0-9-]+)/-/asset_publisher/([A-Za-z0-9]+)/(content/id/(\d+)|content/([a-z0-9-]+)|rss)/?$"
)


@dataclass(frozen=True)
class Route:
    """What to serve for one request.

    kind: stats, reset, robots, sitemap, rss, media, theme, home, listing, article, static, calendar, search,
    redirect, not_found. ``families`` feed the request counters.
    """

    kind: str
    path: str
    query: tuple[tuple[str, str], ...]
    prefix: str = ""
    language: str = urls.DEFAULT_LANGUAGE
    families: frozenset[str] = field(default_factory=frozenset)
    article: Article | None = None
    category: Category | None = None
    mode: str = ""
    number: int = 1
    year: int = 0
    text: str = ""

    @property
    def params(self) -> dict[str, str]:
        """The query parameters (the last value of a repeated name wins)."""
        return dict(self.query)

    @property
    def back_url(self) -> str:
        """The value of the ``redirect`` (or ``_<ns>_redirect``) parameter, if any."""
        for name, value in self.query:
            if name == "redirect" or (name.startswith("_") and name.endswith("_redirect")):
                return value
        return ""


def int_param(value: str | None, default: int) -> int:
    """A query parameter as a whole number, or *default* when it is missing or not one."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _article_route(site: Site, base: Route, article: Article | None, mode: str, families: set[str]) -> Route:
    if article is None:
        return routed(base, "not_found", families | {"not_found"})
    families.add("article")
    return routed(base, "article", families, article=article, category=site.category_of(article), mode=mode)


def routed(base: Route, kind: str, families: set[str], **changes: object) -> Route:
    """*base* (a request's path, query and locale) routed to *kind*, in *families*, with *changes*."""
    return replace(base, kind=kind, families=frozenset(families), **changes)  # type: ignore[arg-type]


def _portlet_state_route(site: Site, base: Route, category: Category, families: set[str]) -> Route:
    """A category page addressed with portlet parameters: maximized/print article, or a listing page."""
    params = base.params
    namespace = f"_{category.portlet_id}_"
    if params.get("p_p_id") == category.portlet_id and (
        f"{namespace}urlTitle" in params or f"{namespace}assetEntryId" in params
    ):
        article = site.by_url_title.get(params.get(f"{namespace}urlTitle", "")) or site.by_asset_entry.get(
            int_param(params.get(f"{namespace}assetEntryId"), -1)
        )
        print_view = params.get(f"{namespace}viewMode") == "print"
        if print_view:
            families.add("print")
        mode = "print" if print_view else ("maximized" if params.get("p_p_state") == "maximized" else "portlet")
        return _article_route(site, base, article, mode, families)
    cur = int_param(params.get(f"{namespace}cur"), 1)
    families.add("listing_page" if f"{namespace}cur" in params else "listing")
    pages = site.pages(category)
    return routed(base, "listing", families, category=category, number=max(1, min(cur, pages)))


def route(site: Site, target: str) -> Route:
    """The route of a request target (origin-form or absolute-form)."""
    split = urlsplit(target)
    query = tuple(parse_qsl(split.query, keep_blank_values=True))
    prefix, language, path = urls.split_locale(split.path)
    families: set[str] = {"locale"} if prefix else set()
    if any(name.endswith(BACK_PARAM_SUFFIXES) for name, _ in query):
        families.add("redirect")
    base = Route("", path, query, prefix, language)
    params = base.params
    portlet = params.get("p_p_id", "")
    if split.path.startswith("/__replica__/"):
        return routed(base, split.path.rsplit("/", 1)[-1], set())
    if path in ("/robots.txt", "/sitemap.xml"):
        return routed(base, path[1:].split(".")[0], families | {path[1:].split(".")[0]})
    if path.startswith(("/documents/", "/image/")) and path != "/image/company_logo":
        key = params.get("img_id", "") if path.startswith("/image/") else path.rstrip("/").rsplit("/", 1)[-1]
        media = site.media.get(key)
        kind = "image" if media is None or media.content_type.startswith("image/") else "document"
        return routed(base, "media" if media else "not_found", families | {kind}, text=key)
    if path.startswith(("/neoportal-theme/", "/html/", "/image/company_logo", "/combo")):
        combo = path.rstrip("/") == "/combo"  # the modules it concatenates are named in its query
        return routed(base, "theme", families | {"theme"}, text=f"{path}?{split.query}" if combo else path)
    if path.startswith("/c/portal/login"):
        login_page = html.unescape(urls.login_link(prefix, "/login/login", "maximized"))
        return routed(base, "redirect", families | {"login"}, text=login_page)
    if params.get("p_p_lifecycle") == "1" or "p_auth" in params:
        families.add("action")
        if portlet == "82":
            families.add("language")
        return routed(base, "redirect", families, text=_action_target(base))
    if portlet == "58":
        return routed(base, "home", families | {"login"})
    if portlet == "3":
        keywords, cur = params.get("_3_keywords", ""), int_param(params.get("_3_cur"), 1)
        return routed(base, "search", families | {"search"}, text=keywords, number=cur)
    if portlet == "8" or (path == urls.CALENDAR_PATH and "_8_month" in params):
        year = int_param(params.get("_8_year"), 2023)
        return routed(base, "calendar", families | {"calendar"}, year=year, number=int_param(params.get("_8_month"), 5))
    if params.get("p_p_state") in ("maximized", "pop_up", "exclusive"):
        families.add("maximized")
    if path in HOME_ALIASES:
        return routed(base, "home", families | {"home"})
    if path == urls.CALENDAR_PATH:
        return routed(base, "calendar", families | {"page"}, year=2023, number=5)
    match = ARTICLE_RE.match(path)
    if match:
        return _article_route(site, base, site.by_url_title.get(match.group(1)), "display", families)
    match = PORTLET_RE.match(path)
    if match:
        category = site.by_path.get(match.group(1))
        if category is None:
            return routed(base, "not_found", families | {"not_found"})
        if match.group(3) == "rss":
            return routed(base, "rss", families | {"rss"}, category=category)
        families.add("asset_publisher")
        entry_id = match.group(4)
        article = site.by_asset_entry.get(int(entry_id)) if entry_id else site.by_url_title.get(match.group(5))
        return _article_route(site, base, article, "portlet", families)
    category = site.by_path.get(path.rstrip("/"))
    if category is not None:
        return _portlet_state_route(site, base, category, families)
    if path.rstrip("/") in ("/web/neoportal/gioi-thieu", "/web/neoportal/lien-he"):
        return routed(base, "static", families | {"page"}, text=path.rstrip("/"))
    if site.portal_pages and path.rstrip("/") in {page for page, _label in PORTAL_PAGES}:
        return routed(base, "static", families | {"page"}, text=path.rstrip("/"))
    return routed(base, "not_found", families | {"not_found"})


def _action_target(base: Route) -> str:
    """Where an action URL sends the browser afterwards (its redirect parameter, localised for language)."""
    params = base.params
    target = base.back_url or f"{base.prefix}{base.path}"
    language = params.get("_82_languageId")
    if language in ("en_US", "vi_VN"):
        _prefix, _language, rest = urls.split_locale(urlsplit(target).path)
        query = urlsplit(target).query
        target = f"/{language}{rest}" + (f"?{query}" if query else "")
    return target
