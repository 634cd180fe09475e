"""URL canonicalisation and scope: which URLs of a portal are fetched, and under which single canonical form.

The rules follow the trap table of the portal notes: back-link parameters nest without end, locale prefixes and
alternative article views duplicate content, portlet position parameters are noise, action/session/search URLs are
never fetched. Everything here is a pure function of (url, profile).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from dvscrape.sites.profile import SiteProfile


class UrlKind(StrEnum):
    """What a URL of the portal is, as far as the crawl is concerned."""

    HOME = "home"
    LISTING = "listing"
    PAGE = "page"
    ARTICLE = "article"
    MEDIA = "media"
    REQUISITE = "requisite"  # what a page embeds to be shown: stylesheet, script, theme image, icon, font
    SITEMAP = "sitemap"
    ROBOTS = "robots"
    TRAP = "trap"
    OFFSITE = "offsite"


FETCHABLE_KINDS = frozenset(
    {
        UrlKind.HOME,
        UrlKind.LISTING,
        UrlKind.PAGE,
        UrlKind.ARTICLE,
        UrlKind.MEDIA,
        UrlKind.REQUISITE,
        UrlKind.SITEMAP,
        UrlKind.ROBOTS,
    }
)


@dataclass(frozen=True)
class UrlDecision:
    """The verdict on one URL: its kind, its canonical form (empty when refused), its locale and why."""

    kind: UrlKind
    canonical: str
    locale: str = ""
    reason: str = ""

    @property
    def fetchable(self) -> bool:
        """True when the crawl may fetch the canonical URL."""
        return self.kind in FETCHABLE_KINDS


_ASSET_CONTENT = re.compile(r"/-/asset_publisher/[^/]+/content/(?P<rest>.+)$")
_SITEMAP_FILE = re.compile(r"/sitemap[\w.-]*\.xml")  # a sitemap at the site's root: sitemap-2.xml, sitemap_news.xml
_DISPLAY_PAGE = re.compile(r"/-/(?P<url_title>[^/]+)$")
_PLAIN_PATH = re.compile(r"[A-Za-z0-9/_.~-]*")
_NAMESPACED = re.compile(r"^_(?P<ns>[^_].*?)_(?P<name>[A-Za-z][A-Za-z0-9]*)$")


def split_param_name(name: str) -> tuple[str, str]:
    """Split a Liferay parameter into (namespace, base name): '_101_INSTANCE_x_cur' → ('101_INSTANCE_x', 'cur')."""
    match = _NAMESPACED.match(name)
    return (match.group("ns"), match.group("name")) if match else ("", name)


def _portlet_of_namespace(namespace: str) -> str:
    return namespace.split("_INSTANCE_")[0]


def _strip_locale(path: str, profile: SiteProfile) -> tuple[str, str]:
    segments = path.split("/", 2)
    if len(segments) >= 3 and segments[1] in profile.urls.locale_prefixes:
        return "/" + segments[2], segments[1]
    return path, ""


def _normalise_path(path: str) -> str:
    if not _PLAIN_PATH.fullmatch(path):  # a plain path is its own quoted form
        path = quote(unquote(path), safe="/-_.~%")
    if "//" in path:
        path = re.sub(r"/{2,}", "/", path)
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/")
    return path or "/"


def classify(url: str, profile: SiteProfile) -> UrlDecision:
    """Decide whether *url* belongs to the crawl, and under which canonical URL.

    In scope are URLs on the profile's base URL (the address the crawl fetches from); the canonical URL is written on
    the site's own address (profile.site_url), so a page has one identity whichever mirror or replica port served it.
    profile.fetch_url(canonical) is where to fetch it."""
    if len(url) > profile.urls.max_url_length:
        return UrlDecision(UrlKind.TRAP, "", reason=f"URL longer than {profile.urls.max_url_length} characters")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return UrlDecision(UrlKind.OFFSITE, "", reason="malformed URL")
    if parts.scheme not in ("http", "https"):
        return UrlDecision(UrlKind.OFFSITE, "", reason=f"scheme {parts.scheme or 'none'!r} is not crawled")
    if ((parts.hostname or "").lower(), _explicit_port(parts.scheme, port)) != _origin(profile.base_url):
        return UrlDecision(UrlKind.OFFSITE, "", reason=f"host {parts.netloc!r} is outside the site")

    path, locale = _strip_locale(_normalise_path(parts.path), profile)
    locale = locale or profile.default_locale
    params = parse_qsl(parts.query, keep_blank_values=True)
    rules = profile.urls

    trap = _trap_reason(path, params, profile)
    if trap:
        return UrlDecision(UrlKind.TRAP, "", locale, trap)

    if path == profile.robots_path:
        return UrlDecision(UrlKind.ROBOTS, _site_url(profile, path), locale)
    if path == profile.sitemap_path or _SITEMAP_FILE.fullmatch(path):
        # The sitemap, or one a sitemap index lists (Liferay 7: /sitemap.xml?layoutUuid=…): the query names it.
        return UrlDecision(UrlKind.SITEMAP, _join(profile, path, sorted(params)), locale)
    if any(path.startswith(prefix) for prefix in rules.media_prefixes):
        kept = sorted((k, v) for k, v in params if k not in rules.media_noise_params)
        return UrlDecision(UrlKind.MEDIA, _join(profile, path, kept), locale)
    if not (path == rules.site_path or path.startswith(rules.site_path + "/")):
        return UrlDecision(UrlKind.TRAP, "", locale, "outside the site's pages")

    article = _article_url_title(path)
    if article is not None:
        url_title, reason = article
        if not url_title:
            return UrlDecision(UrlKind.TRAP, "", locale, reason)
        article_path = f"{rules.site_path}{rules.article_separator}{url_title}"
        return UrlDecision(UrlKind.ARTICLE, _site_url(profile, article_path), locale)

    page_params = _page_params(params, profile)
    if page_params is None:
        return UrlDecision(UrlKind.TRAP, "", locale, "listing page beyond the configured bound")
    kept = page_params
    canonical = _join(profile, path, kept)
    if path in (rules.site_path, rules.home_path):
        return UrlDecision(UrlKind.HOME, _join(profile, rules.home_path, kept), locale)
    if path in profile.listing_paths:
        return UrlDecision(UrlKind.LISTING, canonical, locale)
    return UrlDecision(UrlKind.PAGE, canonical, locale)


def classify_requisite(url: str, profile: SiteProfile) -> UrlDecision:
    """Decide whether a URL that a page or stylesheet *embeds* is fetched as a page requisite.

    Requisites on the site's host are in scope wherever they live (theme folders, ``/html/js``, ``/combo/``), as
    Heritrix and Browsertrix fetch embeds; action and session URLs stay refused. Images and documents under the
    media prefixes keep their media kind. The canonical form (the cache-busting parameters dropped, the order of the
    others kept: ``/combo/`` names its modules in order) decides sameness; the URL fetched is the one referenced.
    """
    decision = classify(url, profile)
    if decision.kind in (UrlKind.OFFSITE, UrlKind.MEDIA, UrlKind.ROBOTS, UrlKind.SITEMAP):
        return decision
    parts = urlsplit(url.strip())
    params = parse_qsl(parts.query, keep_blank_values=True)
    trap = _trap_reason(_normalise_path(parts.path), params, profile, page=False)
    if trap:
        return UrlDecision(UrlKind.TRAP, "", reason=trap)
    if decision.kind is UrlKind.TRAP and not decision.reason.startswith(("outside the site", "path contains")):
        return decision
    if decision.kind is not UrlKind.TRAP:
        return decision  # a page of the site embedded (an iframe, say): it keeps its kind
    kept = [(k, v) for k, v in params if k not in profile.urls.media_noise_params]
    query = "&".join(f"{k}={v}" if v else k for k, v in kept)
    base = urlsplit(profile.site_url)
    canonical = urlunsplit((base.scheme, base.netloc, _normalise_path(parts.path), query, ""))
    return UrlDecision(UrlKind.REQUISITE, canonical, decision.locale)


@functools.lru_cache(maxsize=64)
def _origin(base_url: str) -> tuple[str, int | None]:
    """The host (lower case) and explicit port of a base URL: what a URL must have to be on the site."""
    parts = urlsplit(base_url)
    return (parts.hostname or "").lower(), _explicit_port(parts.scheme, parts.port)


def _explicit_port(scheme: str, port: int | None) -> int | None:
    """The port unless it is the scheme's default: http and https on default ports are the same site."""
    return None if port in (None, {"http": 80, "https": 443}.get(scheme)) else port


def canonicalize(url: str, profile: SiteProfile) -> str:
    """The canonical form of *url*, or "" when the URL is refused (trap or off-site)."""
    return classify(url, profile).canonical


def locale_of(url: str, profile: SiteProfile) -> str:
    """The locale a URL asks for ('en_US', 'vi', …), or the profile's default when it has no prefix."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return profile.default_locale
    return _strip_locale(path, profile)[1] or profile.default_locale


def path_has_part(path: str, part: str) -> bool:
    """Whether *path* holds the trap path rule *part* as whole segments ('/web/x/lich' holds '/lich', not '/li')."""
    segments = [segment for segment in path.lower().split("/") if segment]
    wanted = [segment for segment in part.lower().split("/") if segment]
    return any(segments[i : i + len(wanted)] == wanted for i in range(len(segments) - len(wanted) + 1))


def _trap_reason(path: str, params: list[tuple[str, str]], profile: SiteProfile, *, page: bool = True) -> str:
    """Why a URL is a trap ("" when it is not). The path rules are for pages: a page requisite (the calendar
    portlet's icon `/html/icons/calendar.png`) is never stopped by one. A path rule matches whole segments."""
    rules = profile.urls
    lowered = path.lower()
    for part in rules.trap_path_parts if page else ():
        # the text of the rule's segments is in the (normalised) path whenever its segments are: a cheap test first
        if part.strip("/").lower() in lowered and path_has_part(path, part):
            return f"path contains {part!r}"
    for name, value in params:
        namespace, base_name = split_param_name(name)
        if name == "p_p_lifecycle" and value not in ("", "0"):
            return "action or resource URL (p_p_lifecycle)"
        if name in ("p_auth", "doAsUserId") or base_name == "p_auth":
            return "session-bound action URL"
        if name == "p_p_id" and _portlet_of_namespace(value) in rules.trap_portlet_ids:
            return f"portlet {value} (login, language, search or calendar) is never fetched"
        if namespace and _portlet_of_namespace(namespace) in rules.trap_portlet_ids:
            return f"parameter {name} of a portlet that is never fetched"
        if base_name == "keywords":
            return "search URL"
    return ""


def _article_url_title(path: str) -> tuple[str, str] | None:
    """(urlTitle, "") for an article view, ("", reason) for a view we refuse, None for non-article paths."""
    content = _ASSET_CONTENT.search(path)
    if content:
        rest = content.group("rest")
        if rest.startswith("id/"):
            return "", "article view by asset entry id (the article is reached by its urlTitle)"
        return (rest, "") if "/" not in rest else ("", "unknown asset publisher view")
    if "/-/asset_publisher/" in path:
        return "", "asset publisher portlet URL that is not an article view"
    display = _DISPLAY_PAGE.search(path)
    if display:
        return display.group("url_title"), ""
    if "/-/" in path:
        return "", "portlet friendly URL that is not an article"
    return None


def _page_params(params: list[tuple[str, str]], profile: SiteProfile) -> list[tuple[str, str]] | None:
    """Query parameters kept on a listing or page URL, or None when the page is beyond the bound."""
    kept: list[tuple[str, str]] = []
    for name, value in params:
        _, base_name = split_param_name(name)
        if base_name in profile.urls.noise_param_suffixes or name in profile.urls.noise_param_suffixes:
            continue
        if base_name.endswith("redirect") or base_name.endswith("Redirect"):
            continue
        if base_name == "cur":
            if not value.isdigit() or int(value) > profile.urls.max_listing_page:
                return None
            if value == "1":
                continue
        kept.append((name, value))
    if not any(split_param_name(name)[1] == "cur" for name, _ in kept):
        # Without a page number the portlet parameters only select a view state of the same page.
        kept = [(k, v) for k, v in kept if not k.startswith("p_p_")]
    return sorted(kept)


def _join(profile: SiteProfile, path: str, params: list[tuple[str, str]]) -> str:
    base = urlsplit(profile.site_url)
    return urlunsplit((base.scheme, base.netloc, path, urlencode(params), ""))


def _site_url(profile: SiteProfile, path: str) -> str:
    """The canonical URL of a site path: on the site's own address, whichever base URL the crawl fetches from."""
    return profile.site_url + path
