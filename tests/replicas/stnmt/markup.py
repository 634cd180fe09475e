"""Liferay 7.4 markup of the department portal, written from Liferay's own templates (liferay-portal, modules/apps/
asset/asset-publisher-web: view_asset_entries_title_list.jsp, view_asset_entry_full_content.jsp; the lexicon page
iterator; the classic theme's portal_normal.ftl and portlet.ftl), not from dvscrape's profiles:

- a two-column layout (``#column-1.col-md-8``, ``#column-2.col-md-4``), portlets in 7.x boundaries with an
  ``h2.portlet-title-text`` header;
- the Asset Publisher in the Title List display: ``ul.list-group > li.list-group-item`` with the title in
  ``p.list-group-title > a`` (the asset's full content inside the portlet: ``…/-/asset_publisher/<id>/content/…``);
- the full content: ``div.asset-full-content``, the title in ``p.component-title.h4 > span.asset-title`` after a
  Clay back link, the date as ``span.date-info`` reading 'Đã xuất bản 14/06/2024', the article in
  ``div.asset-content > div.journal-content-article``; no categories shown;
- Clay pagination (``div.pagination-bar``, ``li.page-item > a.page-link``, 'Hiển thị 1 đến 5 trong số 20 mục.').
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from tests.replicas.stnmt.content import Article, Category

SITE = "/web/stnmt"
HOME = f"{SITE}/trang-chu"
SITE_NAME = "Sở Tài nguyên và Môi trường thành phố Cần Thơ"
AP = "com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet"
JOURNAL = "com_liferay_journal_content_web_portlet_JournalContentPortlet"
SEARCH_BAR = "com_liferay_portal_search_web_search_bar_portlet_SearchBarPortlet"
SEARCH_RESULTS = "com_liferay_portal_search_web_search_results_portlet_SearchResultsPortlet"
CALENDAR = "vn_stnmt_lichcongtac_web_portlet_LichCongTacPortlet"
FEATURED = "nbT5vX2qLk8w"  # 'Tin nổi bật', the side column of most pages
NEWEST = "tmR9cZ4hPj6s"  # 'Tin mới', the home page's main column
CALENDAR_SIDE = "lcS3fW7mQa2e"  # 'Tin mới' beside the work calendar: its own instance
THEME = "/o/stnmt-can-tho-theme"
STAMP = "t=1718000000000"
DELTA = 5
DOCS = "/documents/20126/35001"


def e(text: str) -> str:
    """Text escaped for HTML."""
    return escape(text, quote=False)


def portlet(portlet_id: str, title: str, body: str, extra: str = "") -> str:
    """A portlet as the 7.4 portlet decorator wraps it."""
    name = portlet_id.split("_INSTANCE_")[0]
    header = (
        '<div class="autofit-float autofit-row portlet-header">\n<div class="autofit-col autofit-col-expand">'
        f'<h2 class="portlet-title-text">{e(title)}</h2></div>\n'
        '<div class="autofit-col autofit-col-end"><div class="autofit-section"></div></div>\n</div>\n'
        if title
        else ""
    )
    return (
        f'<div class="portlet-boundary portlet-boundary_{name}_ portlet-static portlet-static-end '
        f'portlet-decorate {extra}" id="p_p_id_{portlet_id}_">\n<span id="p_{portlet_id}"></span>\n'
        f'<section class="portlet" id="portlet_{portlet_id}">\n<div class="portlet-content">\n{header}'
        f'<div class=" portlet-content-container">\n<div class="portlet-body">\n{body}\n</div>\n</div>\n'
        "</div>\n</section>\n</div>\n"
    )


def ap_id(instance: str) -> str:
    """The portlet id of an Asset Publisher instance."""
    return f"{AP}_INSTANCE_{instance}"


def content_url(page: str, instance: str, article: Article, current: str) -> str:
    """The article's full content in the Asset Publisher of *page*, as the Title List links it."""
    ns = f"_{ap_id(instance)}_"
    return (
        f"{page}/-/asset_publisher/{instance}/content/{article.url_title}?{ns}assetEntryId={article.entry_id}"
        f"&amp;{ns}redirect={quote(current, safe='')}"
    )


def title_list(
    page: str, instance: str, articles: tuple[Article, ...], current: str, *, dates: bool, in_context: bool
) -> str:
    """The Title List display of an Asset Publisher: links to the full content in the portlet, or, *in_context*
    ('view in context'), to each article's display page."""
    items = []
    for article in articles:
        href = f"{SITE}/-/{article.url_title}" if in_context else content_url(page, instance, article, current)
        subtitle = (
            f'<p class="list-group-subtitle text-truncate">Đã xuất bản {article.published:%d/%m/%Y}</p>\n'
            if dates
            else ""
        )
        items.append(
            '<li class="list-group-item list-group-item-flex">\n<div class="autofit-col autofit-col-expand">\n'
            f'<p class="h4 list-group-title text-truncate"><span class="asset-anchor lfr-asset-anchor" '
            f'id="{article.entry_id}"></span>\n<a href="{href}"> '
            f"{e(article.title)}\n</a></p>\n{subtitle}</div>\n</li>\n"
        )
    return f'<ul class="list-group show-quick-actions-on-hover">\n{"".join(items)}</ul>\n'


def page_url(page: str, instance: str, cur: int) -> str:
    """A page of an Asset Publisher's list."""
    portlet_id = ap_id(instance)
    return (
        f"{page}?p_p_id={portlet_id}&amp;p_p_lifecycle=0&amp;p_p_state=normal&amp;p_p_mode=view"
        f"&amp;_{portlet_id}_cur={cur}&amp;p_r_p_resetCur=false"
    )


def pagination(page: str, instance: str, cur: int, total: int, endless: bool) -> str:
    """Clay's pagination bar; with *endless*, the 'next' arrow never stops (a theme's pager bug)."""
    pages = max(1, -(-total // DELTA))
    if pages == 1 and not endless:
        return ""

    def item(number: int, label: str, enabled: bool, active: bool = False) -> str:
        href = page_url(page, instance, number) if enabled else "javascript:;"
        css = "page-item" + (" active" if active else "") + ("" if enabled else " disabled")
        return f'<li class="{css}"><a class="page-link" href="{href}">{label}</a></li>\n'

    items = item(cur - 1, '<span class="sr-only">Trang trước</span>', cur > 1)
    items += "".join(item(number, str(number), True, number == cur) for number in range(1, pages + 1))
    items += item(cur + 1, '<span class="sr-only">Trang tiếp theo</span>', endless or cur < pages)
    start, end = (min(cur, pages) - 1) * DELTA + 1, min(min(cur, pages) * DELTA, total)
    return (
        '<div class="pagination-bar" data-qa-id="paginator">\n'
        f'<div class="pagination-results">Hiển thị {start} đến {end} trong số {total} mục.</div>\n'
        f'<ul class="pagination">\n{items}</ul>\n</div>\n'
    )


def article_body(article: Article) -> str:
    """The journal article's content as the editor saved it: lead, paragraphs, photos, signature."""
    parts = [f"<p>{e(article.lead)}</p>"]
    paragraphs = list(article.paragraphs)
    for index, paragraph in enumerate(paragraphs):
        parts.append(f'<p style="text-align: justify;">{e(paragraph)}</p>')
        if index < len(article.photos):
            photo = article.photos[index]
            src = f"{DOCS}/{photo.file}/{article.entry_id:08d}-0000-4000-8000-{index:012d}?{STAMP}"
            if photo.figure:
                parts.append(
                    f'<figure class="image"><img alt="" src="{src}" />\n<figcaption>{e(photo.caption)}</figcaption>'
                    "</figure>"
                )
            else:
                parts.append(f'<p style="text-align: center;"><img alt="" src="{src}" /></p>')
                parts.append(f'<p style="text-align: center;"><em>{e(photo.caption)}</em></p>')
    parts.append(f'<p style="text-align: right;"><strong>{e(article.signature)}</strong></p>')
    return "\n".join(parts)


def full_content(article: Article, back: str) -> str:
    """view_asset_entry_full_content.jsp: back link and title, the date, the content, the share bar."""
    return (
        '<div class="asset-full-content clearfix mb-5 default-asset-publisher show-asset-title">\n'
        '<div class="align-items-center d-flex mb-2">\n<p class="component-title h4">\n'
        f'<a aria-label="Quay lại" class="header-back-to lfr-portal-tooltip" href="{back}" title="Quay lại">'
        f'<svg class="lexicon-icon lexicon-icon-angle-left" role="presentation"><use xlink:href="{THEME}/images/'
        'clay/icons.svg#angle-left"></use></svg></a>\n'
        f'<span class="asset-title d-inline">{e(article.title)}</span>\n</p>\n</div>\n'
        f'<span class="asset-anchor lfr-asset-anchor" id="{article.entry_id}"></span>\n'
        '<div class="autofit-row mb-4 metadata-author">\n<div class="autofit-col autofit-col-expand">\n'
        '<div class="asset-user-info text-secondary">'
        f'<span class="date-info">Đã xuất bản {article.published:%d/%m/%Y}</span></div>\n</div>\n</div>\n'
        '<div class="asset-content mb-3">\n'
        f'<div class="journal-content-article " data-analytics-asset-id="{article.entry_id}" '
        f'data-analytics-asset-title="{escape(article.title)}" data-analytics-asset-type="web-content">\n'
        f"{article_body(article)}\n</div>\n</div>\n"
        '<hr class="separator" />\n<div class="autofit-row asset-details">\n<div class="autofit-col">'
        '<div class="social-bookmarks"><a class="btn btn-monospaced btn-outline-borderless" '
        'href="https://www.facebook.com/sharer/sharer.php?u=stnmt" rel="nofollow" target="_blank">Chia sẻ</a>'
        "</div></div>\n</div>\n</div>\n"
    )


def shell(*, title: str, canonical: str, selected: str, nav: tuple[tuple[str, str], ...], main: str, side: str) -> str:
    """portal_normal: head with the theme's files, banner with logo, search bar and menu, two columns, footer."""
    items = "".join(
        f'<li class="lfr-nav-item nav-item{" selected active" if path == selected else ""}" role="presentation">'
        f'<a class="nav-link text-truncate" href="{path}" role="menuitem"><span class="text-truncate">{e(label)}'
        "</span></a></li>\n"
        for path, label in nav
    )
    search = (
        f'<form action="{SITE}/search" method="get" class="form-inline"><div class="input-group">'
        '<input class="form-control input-group-inset" name="q" placeholder="Tìm kiếm..." type="text" value="" />'
        '<button class="btn btn-unstyled" type="submit">Tìm</button></div></form>'
    )
    return (
        f'<!DOCTYPE html>\n<html class="ltr" dir="ltr" lang="vi-VN">\n<head>\n<title>{e(title)}</title>\n'
        '<meta content="initial-scale=1.0, width=device-width" name="viewport" />\n'
        '<meta content="text/html; charset=UTF-8" http-equiv="content-type" />\n'
        f'<link href="{THEME}/images/favicon.ico" rel="icon" />\n'
        f'<link data-senna-track="temporary" href="{canonical}" rel="canonical" />\n'
        f'<link class="lfr-css-file" href="{THEME}/css/clay.css?browserId=chrome&amp;themeId=stnmtcantho_WAR_'
        f'stnmtcanthotheme&amp;minifierType=css&amp;languageId=vi_VN&amp;{STAMP}" rel="stylesheet" type="text/css" />\n'
        f'<link class="lfr-css-file" href="{THEME}/css/main.css?browserId=chrome&amp;themeId=stnmtcantho_WAR_'
        f'stnmtcanthotheme&amp;minifierType=css&amp;languageId=vi_VN&amp;{STAMP}" rel="stylesheet" type="text/css" />\n'
        f'<script src="/o/frontend-js-web/liferay/global.bundle.js?browserId=chrome&amp;languageId=vi_VN&amp;{STAMP}" '
        'type="text/javascript"></script>\n</head>\n'
        '<body class="chrome controls-visible yui3-skin-sam guest-site signed-out public-page site">\n'
        '<div class="d-flex flex-column min-vh-100">\n<div class="d-flex flex-column flex-fill" id="wrapper">\n'
        '<header class="header" id="banner">\n<div class="container-fluid container-fluid-max-xl">\n'
        f'<a class="logo custom-logo" href="{HOME}" title="Đi tới {e(SITE_NAME)}">'
        f'<img alt="" height="80" src="/image/layout_set_logo?img_id=30123&amp;{STAMP}" width="80" /></a>\n'
        f'<span class="site-name">{e(SITE_NAME)}</span>\n'
        + portlet(f"{SEARCH_BAR}_INSTANCE_templateSearch", "", search, "portlet-search-bar")
        + '<nav class="sort-pages modify-pages" id="navigation" role="navigation">\n'
        f'<ul aria-label="Trang web" class="navbar-blank navbar-nav navbar-site" role="menubar">\n{items}</ul>\n'
        "</nav>\n</div>\n</header>\n"
        '<section class="flex-fill" id="content">\n<div class="columns-2" id="main-content" role="main">\n'
        '<div class="portlet-layout row">\n'
        '<div class="col-md-8 portlet-column portlet-column-first" id="column-1">\n'
        f'<div class="portlet-dropzone portlet-column-content portlet-column-content-first" '
        f'id="layout-column_column-1">\n{main}</div>\n</div>\n'
        '<div class="col-md-4 portlet-column portlet-column-last" id="column-2">\n'
        f'<div class="portlet-dropzone portlet-column-content portlet-column-content-last" '
        f'id="layout-column_column-2">\n{side}</div>\n</div>\n</div>\n</div>\n</section>\n'
        '<footer id="footer" role="contentinfo">\n<p class="powered-by">Cơ quan chủ quản: Sở Tài nguyên và Môi '
        "trường thành phố Cần Thơ. Địa chỉ: 9 Võ Văn Tần, phường Tân An, quận Ninh Kiều.</p>\n"
        f'<a href="/c/portal/login?p_l_id=1001&amp;redirect={quote(canonical, safe="")}">Đăng nhập</a>\n'
        "</footer>\n</div>\n</div>\n</body>\n</html>\n"
    )


def web_content(portlet_id: str, title: str, html: str) -> str:
    """A Web Content Display portlet showing one article."""
    body = f'<div class="journal-content-article " data-analytics-asset-type="web-content">\n{html}\n</div>'
    return portlet(f"{JOURNAL}_INSTANCE_{portlet_id}", title, body, "portlet-journal-content")


def category_link(category: Category) -> str:
    """The path of a category's page."""
    return f"{SITE}/{category.slug}"
