"""How the replica spells its URLs, the way Liferay 6.2 generates them (hrefs are HTML-escaped: ``&amp;``).

Links that depend on the request carry template slots (see :mod:`dvscrape.replica.template`): ``CUR`` is the current
URL (path and query) percent-encoded once more, exactly what Liferay puts into ``redirect`` parameters.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from dvscrape.replica.model import Article, Category
from dvscrape.replica.template import slot

SITE_PATH = "/web/neoportal"
HOME_PATH = "/web/neoportal/trang-chu"
CALENDAR_PATH = "/web/neoportal/lich-cong-tac"
LOCALE_LANGUAGES = {"en_US": "en_US", "en": "en_US", "vi_VN": "vi_VN", "vi": "vi_VN"}
DEFAULT_LANGUAGE = "vi_VN"
CUR = slot("CUR")


def encode(value: str) -> str:
    """Percent-encode a whole URL as a parameter value (Liferay's HttpUtil.encodeURL)."""
    return quote(value, safe="-_.*")


def split_locale(path: str) -> tuple[str, str, str]:
    """``/en_US/web/…`` → ("/en_US", "en_US", "/web/…"); a path without a locale prefix keeps the default."""
    head, _, rest = path.lstrip("/").partition("/")
    if head in LOCALE_LANGUAGES and rest:
        return f"/{head}", LOCALE_LANGUAGES[head], f"/{rest}"
    return "", DEFAULT_LANGUAGE, path


def display_page_link(prefix: str, url_title: str) -> str:
    """An article link as the home page and listings write it: display page, inheritRedirect, redirect."""
    return f"{prefix}{SITE_PATH}/-/{url_title}?inheritRedirect=true&amp;redirect={CUR}"


def asset_publisher_link(prefix: str, category: Category, url_title: str) -> str:
    """The article shown inside a category page's Asset Publisher, by urlTitle."""
    return f"{prefix}{category.path}/-/asset_publisher/{category.instance_id}/content/{url_title}?redirect={CUR}"


def asset_entry_link(prefix: str, category: Category, asset_entry_id: int) -> str:
    """The article shown inside a category page's Asset Publisher, by asset entry id (related assets)."""
    return (
        f"{prefix}{category.path}/-/asset_publisher/{category.instance_id}/content/id/{asset_entry_id}"
        f"?redirect={CUR}&amp;inheritRedirect=true"
    )


def _portlet_query(portlet_id: str, lifecycle: int, state: str, params: Iterable[tuple[str, str]]) -> str:
    """The query of a portlet URL: portal parameters (``p_…``) as given, the portlet's own under its namespace."""
    ns = f"_{portlet_id}_"
    head = f"p_p_id={portlet_id}&amp;p_p_lifecycle={lifecycle}&amp;p_p_state={state}&amp;p_p_mode=view"
    return head + "".join(f"&amp;{name if name.startswith('p_') else ns + name}={value}" for name, value in params)


def _publisher_link(
    prefix: str, category: Category, lifecycle: int, state: str, params: Iterable[tuple[str, str]]
) -> str:
    """A link to the category page's Asset Publisher."""
    return f"{prefix}{category.path}?{_portlet_query(category.portlet_id, lifecycle, state, params)}"


def maximized_link(prefix: str, category: Category, article: Article) -> str:
    """The article in the category Asset Publisher, window state maximized."""
    params = (
        ("struts_action", "%2Fasset_publisher%2Fview_content"),
        ("assetEntryId", str(article.asset_entry_id)),
        ("type", "content"),
        ("urlTitle", article.url_title),
        ("redirect", CUR),
    )
    return _publisher_link(prefix, category, 0, "maximized", params)


def print_link(prefix: str, category: Category, article: Article, language: str) -> str:
    """The print view of the article (pop-up window state, viewMode=print)."""
    params = (
        ("struts_action", "%2Fasset_publisher%2Fview_content"),
        ("assetEntryId", str(article.asset_entry_id)),
        ("viewMode", "print"),
        ("type", "content"),
        ("languageId", language),
        ("urlTitle", article.url_title),
    )
    return _publisher_link(prefix, category, 0, "pop_up", params)


def listing_page_link(prefix: str, category: Category, cur: int) -> str:
    """A page of a category listing, as the page iterator writes it."""
    params = (("p_p_col_id", "column-1"), ("p_p_col_count", "1"), ("cur", str(cur)), ("resetCur", "false"))
    return _publisher_link(prefix, category, 0, "normal", params)


def subscribe_link(prefix: str, category: Category, auth_token: str) -> str:
    """The Asset Publisher's subscribe action (an action URL with p_auth: never to be fetched by a crawler)."""
    params = (
        ("struts_action", "%2Fasset_publisher%2Fedit_subscription"),
        ("cmd", "subscribe"),
        ("redirect", CUR),
        ("p_auth", auth_token),
    )
    return _publisher_link(prefix, category, 1, "normal", params)


def language_link(prefix: str, page_path: str, language: str, auth_token: str) -> str:
    """The language portlet's switch action for ``language``."""
    params = (
        ("struts_action", "%2Flanguage%2Fview"),
        ("redirect", CUR),
        ("languageId", language),
        ("p_auth", auth_token),
    )
    return f"{prefix}{page_path}?{_portlet_query('82', 1, 'normal', params)}"


def login_link(prefix: str, struts_action: str, state: str = "normal") -> str:
    """A link of the sign-in portlet (58) on the home page, e.g. ``/login/open_id``."""
    query = (
        f"p_p_id=58&amp;p_p_lifecycle=0&amp;p_p_state={state}&amp;p_p_state_rcv=1"
        f"&amp;_58_struts_action={encode(struts_action)}"
    )
    return f"{prefix}{HOME_PATH}?{query}"


def search_link(prefix: str, keywords: str, cur: int = 1) -> str:
    """A search portlet (3) result page for ``keywords``."""
    params = [("struts_action", "%2Fsearch%2Fsearch"), ("keywords", quote(keywords, safe=""))]
    if cur > 1:
        params.append(("cur", str(cur)))
    return f"{prefix}{HOME_PATH}?{_portlet_query('3', 0, 'maximized', params)}"


def calendar_link(prefix: str, year: int, month0: int) -> str:
    """The calendar portlet (8) month view; ``month0`` counts from 0 as java.util.Calendar does."""
    params = (("struts_action", "%2Fcalendar%2Fview"), ("tabs1", "month"), ("month", str(month0)), ("year", str(year)))
    return f"{prefix}{CALENDAR_PATH}?{_portlet_query('8', 0, 'normal', params)}"


def rss_link(prefix: str, category: Category) -> str:
    """The Asset Publisher's Atom feed."""
    return f"{prefix}{category.path}/-/asset_publisher/{category.instance_id}/rss"


def canonical_query(pairs: Iterable[tuple[str, str]]) -> str:
    """The query of the canonical URL: every parameter ending in ``redirect`` dropped, ``inheritRedirect`` kept."""
    kept = [f"{quote(name, safe='_')}={encode(value)}" for name, value in pairs if not name.endswith("redirect")]
    return ("?" + "&".join(kept)) if kept else ""
