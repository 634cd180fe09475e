"""Markup of the replica's second portal: a Ho Chi Minh City-style portal on Liferay 7.x/DXP, site ``/web/guest``.

Liferay facts this follows (7.x core; the theme and the card template are the replica's own choices, as a real city
portal's application display template and theme are not known here):
- portlet boundaries are ``div.portlet-boundary#p_p_id_<portletId>_`` as in 6.2, but portlet ids are OSGi component
  names: the Asset Publisher is ``com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_<id>``, so its
  render parameters are ``_<that id>_cur`` (page), ``…_delta`` (page size) and ``…_resetCur``, next to the public
  render parameter ``p_r_p_resetCur``;
- decorated portlets have the 7.x header ``div.autofit-float.autofit-row.portlet-header`` with ``h2.portlet-title-text``
  (no hidden duplicate of the title, unlike 6.2);
- the full-content view (``view_asset_entry_full_content.jsp``) is ``div.asset-full-content`` whose title is the
  ``component-title`` heading (``h4``) holding ``span.asset-title``; the back link is a Lexicon ``svg`` icon; the
  journal article is ``div.journal-content-article`` with ``data-analytics-asset-*`` attributes, inside
  ``div.asset-content``;
  the metadata (publish date, views) sits above the content;
- pagination is Clay: ``div.pagination-bar`` with ``ul.pagination > li.page-item > a.page-link`` and
  ``p.pagination-results``.
The card template prints each entry twice, a desktop copy (``d-none d-md-block``) and a mobile one (``d-md-none``),
as responsive ADTs often do; the mobile copy links the Asset Publisher's own content URL of the article.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from dvscrape.replica.model import Article
from dvscrape.replica.pages import date_text
from dvscrape.replica.template import slot

SITE_NAME = "Cổng thông tin điện tử Thành phố Hồ Chí Minh"
SITE_PATH = "/web/guest"
HOME_PATH = "/web/guest/trang-chu"
AP = "com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet"
JOURNAL = "com_liferay_journal_content_web_portlet_JournalContentPortlet"
LANGUAGE = "com_liferay_site_navigation_language_web_portlet_SiteNavigationLanguagePortlet"
SEARCH = "com_liferay_portal_search_web_portlet_SearchPortlet"
THEME_CSS = "/o/hcmc-city-theme/css/main.css?browserId=other&amp;themeId=hcmccity_WAR_hcmccitytheme&amp;t=1672531200000"
DELTA = 5
HOME_ENTRIES = 6
CUR = slot("CUR")


@dataclass(frozen=True)
class CityCategory:
    """A listing page of the city portal: its path, name and Asset Publisher instance id."""

    path: str
    name: str
    instance_id: str

    @property
    def portlet_id(self) -> str:
        """The Asset Publisher's portlet id."""
        return f"{AP}_INSTANCE_{self.instance_id}"


CATEGORIES = (
    CityCategory(f"{SITE_PATH}/tin-tuc", "Tin tức", "tinTuc7Hcm1"),
    CityCategory(f"{SITE_PATH}/kinh-te", "Kinh tế", "kinhTe7Hcm2"),
    CityCategory(f"{SITE_PATH}/van-hoa-xa-hoi", "Văn hóa - Xã hội", "vanHoa7Hcm3"),
    CityCategory(f"{SITE_PATH}/cai-cach-hanh-chinh", "Cải cách hành chính", "caiCach7Hcm4"),
    CityCategory(f"{SITE_PATH}/quoc-phong-an-ninh", "Quốc phòng - An ninh", "anNinh7Hcm5"),
)
FEATURED = f"{AP}_INSTANCE_noiBat7Hcm0"
HOME_PORTLET = f"{AP}_INSTANCE_tinMoi7Hcm9"


def article_path(article: Article) -> str:
    """The display page of an article on the city portal."""
    return f"{SITE_PATH}/-/{article.url_title}"


def content_link(category: CityCategory, article: Article) -> str:
    """The article inside the category's Asset Publisher (the mobile card's link), with its back link."""
    return (
        f"{category.path}/-/asset_publisher/{category.instance_id}/content/{article.url_title}"
        f"?_{category.portlet_id}_redirect={CUR}"
    )


def page_link(category: CityCategory, cur: int) -> str:
    """A page of a category listing as Clay's pagination writes it (7.x parameters, ``&amp;``-escaped)."""
    ns = f"_{category.portlet_id}_"
    return (
        f"{category.path}?p_p_id={category.portlet_id}&amp;p_p_lifecycle=0&amp;p_p_state=normal&amp;p_p_mode=view"
        f"&amp;{ns}delta={DELTA}&amp;p_r_p_resetCur=false&amp;{ns}cur={cur}"
    )


def portlet(portlet_id: str, title: str, body: str, css: str = "portlet-asset-publisher") -> str:
    """A decorated 7.x portlet."""
    root = portlet_id.split("_INSTANCE_")[0]
    header = (
        '<div class="autofit-float autofit-row portlet-header"><div class="autofit-col autofit-col-expand">'
        f'<h2 class="portlet-title-text">{escape(title, quote=False)}</h2></div></div>\n'
        if title
        else ""
    )
    return (
        f'<div class="portlet-boundary portlet-boundary_{root}_ portlet-static portlet-static-end portlet-decorate '
        f'{css}" id="p_p_id_{portlet_id}_">\n<span id="p_{portlet_id}"></span>\n'
        f'<section class="portlet" id="portlet_{portlet_id}">\n<div class="portlet-content">\n{header}'
        f'<div class="portlet-content-container">\n<div class="portlet-body">\n{body}\n</div>\n</div>\n</div>\n'
        "</section>\n</div>\n"
    )


def card(article: Article, href: str, image: str) -> str:
    """One entry of the card template."""
    title = escape(article.title, quote=False)
    return (
        '<div class="asset-publisher-card card card-horizontal">\n<div class="card-row">\n'
        f'<div class="autofit-col"><img alt="" class="card-img" src="{image}" /></div>\n'
        '<div class="autofit-col autofit-col-expand">\n'
        f'<p class="asset-publisher-title"><a href="{href}">{title}</a></p>\n'
        f'<span class="asset-publisher-date text-secondary">{date_text(article)}</span>\n'
        f'<p class="asset-publisher-summary">{escape(article.summary, quote=False)}</p>\n</div>\n</div>\n</div>\n'
    )


def cards(entries: list[tuple[Article, CityCategory, str]]) -> str:
    """The entries twice: desktop copies (display page links), then mobile copies (Asset Publisher links)."""
    desktop = "".join(card(article, article_path(article), image) for article, _, image in entries)
    mobile = "".join(card(article, content_link(category, article), image) for article, category, image in entries)
    return (
        f'<div class="asset-publisher-cards d-none d-md-block">\n{desktop}</div>\n'
        f'<div class="asset-publisher-cards d-block d-md-none">\n{mobile}</div>\n'
    )


def pagination(category: CityCategory, cur: int, total: int) -> str:
    """Clay's pagination bar; the current page and the unavailable arrows are not links."""
    pages = -(-total // DELTA)
    if pages <= 1:
        return ""

    def item(number: int, label: str, enabled: bool, active: bool = False) -> str:
        css = "page-item" + (" active" if active else "") + ("" if enabled else " disabled")
        inner = (
            f'<a class="page-link" href="{page_link(category, number)}">{label}</a>'
            if enabled and not active
            else f'<span class="page-link">{label}</span>'
        )
        return f'<li class="{css}">{inner}</li>'

    items = item(cur - 1, "&laquo;", cur > 1)
    items += "".join(item(number, str(number), True, number == cur) for number in range(1, pages + 1))
    items += item(cur + 1, "&raquo;", cur < pages)
    start, end = (cur - 1) * DELTA + 1, min(cur * DELTA, total)
    return (
        f'<div class="pagination-bar"><ul class="pagination">{items}</ul>\n'
        f'<p class="pagination-results">Hiển thị {start} đến {end} của {total} mục.</p></div>\n'
    )


def full_content(article: Article, category: CityCategory, body_html: str) -> str:
    """The Asset Publisher's full-content view of an article, Liferay 7 markup."""
    title = escape(article.shown_title, quote=False)
    back = category.path
    return (
        '<div class="asset-full-content clearfix mb-5 default-asset-publisher show-asset-title">\n'
        f'<div class="d-flex"><span class="header-back-to"><a href="{back}" title="Quay lại">'
        '<svg class="lexicon-icon lexicon-icon-angle-left" role="presentation"><use href="/o/hcmc-city-theme/images/'
        'clay/icons.svg#angle-left"></use></svg><span class="hide-accessible">Quay lại</span></a></span>\n'
        f'<h4 class="component-title"><span class="asset-title d-inline">{title}</span></h4></div>\n'
        '<div class="asset-metadata">'
        f'<span class="metadata-entry metadata-publish-date">{date_text(article)}</span> '
        f'<span class="metadata-entry metadata-view-count">{slot("VIEWS")} Lượt xem</span></div>\n'
        f'<div class="asset-content mb-3"><div class="journal-content-article" data-analytics-asset-id='
        f'"{article.article_id}" data-analytics-asset-title="{escape(article.title)}" '
        f'data-analytics-asset-type="web-content">\n{body_html}\n</div></div>\n'
        '<div class="taglib-social-bookmarks"><ul class="list-inline"><li><a class="btn btn-monospaced" '
        f'href="https://www.facebook.com/sharer/sharer.php?u={slot("HOSTENC")}" rel="nofollow">Chia sẻ</a></li>'
        "</ul></div>\n</div>\n"
    )


def page(*, title: str, nav: tuple[tuple[str, str], ...], selected: str, main: str, side: str) -> str:
    """A whole page of the city theme: navbar, language and search portlets, main column, side column, footer."""
    items = "".join(
        f'<li class="nav-item{" active" if path == selected else ""}"><a class="nav-link" href="{path}">'
        f"<span>{escape(label, quote=False)}</span></a></li>"
        for path, label in nav
    )
    languages = "".join(
        f'<a class="language-entry" href="{HOME_PATH}?p_p_id={LANGUAGE}&amp;p_p_lifecycle=1&amp;p_p_state=normal'
        f'&amp;_{LANGUAGE}_languageId={code}&amp;p_auth=cTy7Hcm0">{label}</a> '
        for code, label in (("vi_VN", "Tiếng Việt"), ("en_US", "English"))
    )
    search = (
        f'<form action="{SITE_PATH}/tim-kiem" method="get"><input name="p_p_id" type="hidden" value="{SEARCH}" />'
        f'<input name="_{SEARCH}_keywords" type="text" /></form>'
        f'<a href="{SITE_PATH}/search?p_p_id={SEARCH}&amp;_{SEARCH}_keywords=c%E1%BA%A3i+c%C3%A1ch">cải cách</a>'
    )
    return (
        f'<!DOCTYPE html>\n<html class="ltr" dir="ltr" lang="vi-VN">\n<head>\n<title>{escape(title, quote=False)}'
        f'</title>\n<meta charset="utf-8" />\n{slot("HEADLINKS")}'
        f'<link class="lfr-css-file" href="{THEME_CSS}" rel="stylesheet" type="text/css" />\n</head>\n'
        '<body class="controls-visible signed-out public-page site">\n<div class="d-flex flex-column min-vh-100">\n'
        f'<header id="banner"><div class="navbar-brand"><a href="{HOME_PATH}">{escape(SITE_NAME)}</a></div>\n'
        f'<nav class="navbar navbar-expand-md"><ul class="navbar-nav">{items}</ul></nav>\n'
        + portlet(LANGUAGE, "", languages, "portlet-language")
        + portlet(SEARCH, "", search, "portlet-search")
        + '</header>\n<section id="content"><div id="main-content" role="main"><div class="portlet-layout row">\n'
        f'<div class="col-md-8 portlet-column" id="column-1">\n{main}</div>\n'
        f'<div class="col-md-4 portlet-column" id="column-2">\n{side}</div>\n</div></div></section>\n'
        '<footer id="footer"><p>Ủy ban nhân dân Thành phố Hồ Chí Minh - 86 Lê Thánh Tôn, Quận 1</p>'
        '<a href="/c/portal/login">Đăng nhập</a></footer>\n</div>\n</body>\n</html>\n'
    )
