"""The replica's custom theme ("neoportal-theme") around exact Liferay 6.2 portlet markup, in two UI languages."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from dvscrape.replica.template import slot

SITE_NAME = "Cổng thông tin điện tử Quận Tân Bình"
BANNER = (
    "Chủ đề năm 2023: Nâng cao hiệu quả hoạt động công vụ, đẩy mạnh cải cách hành chính và cải thiện môi trường "
    "đầu tư; thúc đẩy phát triển kinh tế; đảm bảo an sinh xã hội"
)
THEME_PATH = "/neoportal-theme"
THEME_CSS = f"{THEME_PATH}/css/main.css?browserId=other&amp;themeId=neoportal_WAR_neoportaltheme&amp;languageId="
BAREBONE_JS = "/html/js/barebone.jsp?browserId=other&amp;minifierType=js&amp;minifierBundleId=javascript.barebone.files"
COMBO_JS = (
    "/combo/?browserId=other&amp;minifierType=&amp;languageId={language}&amp;b=6205&amp;t=1672531200000"
    "&amp;/html/js/aui/aui/aui-min.js&amp;/html/js/liferay/modules.js"
)
FAVICON_PATH = "/neoportal-theme/images/favicon.ico"
LOGO_PATH = "/image/company_logo?img_id=20159&amp;t=1672531200000"
# The footer names the same logo with an older cache-buster, as portals whose templates were edited at different
# times do: one image under two URLs, both referenced, both to be replayed.
FOOTER_LOGO_PATH = "/image/company_logo?img_id=20159&amp;t=1672444800000"


@dataclass(frozen=True)
class Strings:
    """Liferay UI messages in one language."""

    html_lang: str
    back: str
    read_more: str
    read_more_about: str
    related_assets: str
    showing: str
    first: str
    previous: str
    next: str
    last: str
    views: str
    page_of: str
    items_per_page: str
    skip: str
    sign_in: str
    search: str
    not_found: str
    error: str
    print: str


ENGLISH = Strings(
    "en-US",
    "Back",
    "Read More",
    " About ",
    "Related Assets",
    "Showing {start} - {end} of {total} results.",
    "First",
    "Previous",
    "Next",
    "Last",
    "Views",
    "Page {page} of {pages}",
    "{delta} Items per Page",
    "Skip to Content",
    "Sign In",
    "Search",
    "The requested resource could not be found.",
    "An unexpected system error occurred.",
    "Print",
)
VIETNAMESE = Strings(
    "vi-VN",
    "Quay lại",
    "Xem thêm",
    " về ",
    "Các tài sản liên quan",
    "Hiển thị {start} - {end} trong {total} kết quả.",
    "Đầu",
    "Trước",
    "Tiếp theo",
    "Cuối",
    "Lượt xem",
    "Trang {page} của {pages}",
    "{delta} mục mỗi trang",
    "Nhảy đến nội dung",
    "Đăng nhập",
    "Tìm kiếm",
    "Không tìm thấy tài nguyên được yêu cầu.",
    "Đã xảy ra lỗi hệ thống không mong muốn.",
    "In",
)


def strings(language: str) -> Strings:
    """UI messages for ``en_US`` or ``vi_VN``."""
    return ENGLISH if language == "en_US" else VIETNAMESE


def _boundary_open(portlet_id: str, extra_classes: str) -> str:
    root = portlet_id.split("_INSTANCE_")[0]
    return (
        f'<div class="portlet-boundary portlet-boundary_{root}_ portlet-static portlet-static-end {extra_classes}" '
        f'id="p_p_id_{portlet_id}_">\n<span id="p_{portlet_id}"></span>\n'
    )


def decorated_portlet(portlet_id: str, title: str, body: str, css_class: str = "", icon: str = "portlet") -> str:
    """A portlet with the 6.2 topper: the title twice (hidden icon label, visible title text)."""
    text = escape(title, quote=False)
    return (
        _boundary_open(portlet_id, css_class)
        + f'<section class="portlet" id="portlet_{portlet_id}">\n<header class="portlet-topper">\n'
        + f'<h1 class="portlet-title">\n<span class=""><img alt="" id="{portlet_id}_icon" '
        + f'src="/html/icons/{icon}.png" /> <span class="taglib-text hide-accessible">{text}</span></span> '
        + f'<span class="portlet-title-text">{text}</span>\n</h1>\n</header>\n'
        + f'<div class="portlet-content">\n<div class="portlet-body">\n{body}\n</div>\n</div>\n</section>\n</div>\n'
    )


def borderless_portlet(portlet_id: str, body: str, css_class: str = "") -> str:
    """A portlet without decorations: visitors see no title."""
    return (
        _boundary_open(portlet_id, f"portlet-borderless {css_class}".strip())
        + f'<div class="portlet-borderless-container">\n<div class="portlet-body">\n{body}\n</div>\n</div>\n</div>\n'
    )


@dataclass(frozen=True)
class Chrome:
    """The parts of every page that do not depend on which page it is (per locale prefix)."""

    prefix: str
    language: str
    header: str  # skip link, logo, banner, sign-in link, search box
    left: str  # "Tin tức nổi bật", "Danh mục"
    right: str  # "TIN TỨC MEDIA"
    footer: str
    nav_items: tuple[tuple[str, str], ...]  # (path without prefix, label)


def navigation(chrome: Chrome, selected_path: str) -> str:
    """The site menu with the current page (or its category) marked selected."""
    items = []
    for path, label in chrome.nav_items:
        selected = path == selected_path
        css = ' class="selected"' if selected else ""
        aria = ' aria-selected="true"' if selected else ""
        items.append(
            f'<li{css} id="layout_{path.rsplit("/", 1)[-1]}" role="presentation"><a{aria} '
            f'href="{chrome.prefix}{path}" role="menuitem"><span>{escape(label, quote=False)}</span></a></li>'
        )
    return (
        '<nav class="sort-pages modify-pages" id="navigation" role="navigation">\n'
        '<ul aria-label="Site Pages" role="menubar">\n' + "\n".join(items) + "\n</ul>\n</nav>\n"
    )


def breadcrumb(chrome: Chrome, crumbs: tuple[tuple[str, str], ...]) -> str:
    """Liferay's horizontal breadcrumb: (label, path) pairs; the last one is the current page."""
    items = []
    for position, (label, path) in enumerate(crumbs):
        first = position == 0
        last = position == len(crumbs) - 1
        css = " ".join(c for c in ("first" if first else "", "active last" if last else "") if c)
        divider = "" if last else '<span class="divider">/</span>'
        link = (
            f'<a href="{chrome.prefix}{path}">{escape(label, quote=False)}</a>' if path else escape(label, quote=False)
        )
        items.append(f'<li class="{css}">{link}{divider}</li>')
    return (
        '<nav id="breadcrumbs"><ul aria-label="Breadcrumb" class="breadcrumb breadcrumb-horizontal">'
        + "".join(items)
        + "</ul></nav>\n"
    )


def page(
    chrome: Chrome,
    *,
    title: str,
    body_class: str,
    selected_path: str,
    crumbs: tuple[tuple[str, str], ...],
    main: str,
    right_extra: str = "",
    maximized: bool = False,
) -> str:
    """A whole themed page; the main column holds ``main`` (the layout's column-1)."""
    ui = strings(chrome.language)
    column = (
        '<div class="portlet-layout row-fluid" id="main-content" role="main">\n'
        '<div class="portlet-column portlet-column-only span12" id="column-1">\n'
        '<div class="portlet-dropzone portlet-column-content portlet-column-content-only" '
        'id="layout-column_column-1">\n'
        f"{main}</div>\n</div>\n</div>\n"
    )
    if maximized:
        content = column
    else:
        content = (
            f'<div class="row-fluid">\n<aside class="span3 sidebar-left">\n{chrome.left}</aside>\n'
            f'<div class="span6 main-column">\n{column}</div>\n'
            f'<aside class="span3 sidebar-right">\n{chrome.right}{right_extra}</aside>\n</div>\n'
        )
    return (
        f'<!DOCTYPE html>\n\n<html class="aui ltr" dir="ltr" lang="{ui.html_lang}">\n\n<head>\n'
        f"<title>{escape(title, quote=False)}</title>\n"
        '<meta content="initial-scale=1.0, width=device-width" name="viewport" />\n'
        '<meta content="text/html; charset=UTF-8" http-equiv="content-type" />\n'
        f"{slot('HEADLINKS')}"
        f'<link class="lfr-css-file" href="{THEME_CSS}{chrome.language}&amp;b=6205&amp;t=1672531200000" '
        'rel="stylesheet" type="text/css" />\n'
        f'<script src="{BAREBONE_JS}&amp;languageId={chrome.language}&amp;b=6205&amp;t=1672531200000" '
        'type="text/javascript"></script>\n'
        f'<script src="{COMBO_JS.format(language=chrome.language)}" type="text/javascript"></script>\n'
        f'<link href="{FAVICON_PATH}" rel="Shortcut Icon" />\n'
        "</head>\n\n"
        f'<body class="yui3-skin-sam controls-visible guest-site signed-out public-page site {body_class}">\n'
        f'<a href="#main-content" id="skip-to-content">{ui.skip}</a>\n'
        '<div class="container-fluid" id="wrapper">\n'
        f'<header id="banner" role="banner">\n{chrome.header}{navigation(chrome, selected_path)}</header>\n'
        f'<div id="content">\n{breadcrumb(chrome, crumbs)}{content}</div>\n'
        f"{chrome.footer}</div>\n</body>\n\n</html>\n"
    )


def popup_page(chrome: Chrome, *, title: str, main: str) -> str:
    """The pop-up window state (print view): no theme chrome, only the portlet."""
    ui = strings(chrome.language)
    return (
        f'<!DOCTYPE html>\n\n<html class="aui ltr" dir="ltr" lang="{ui.html_lang}">\n\n<head>\n'
        f"<title>{escape(title, quote=False)}</title>\n"
        '<meta content="text/html; charset=UTF-8" http-equiv="content-type" />\n'
        f"{slot('HEADLINKS')}"
        f'<link class="lfr-css-file" href="{THEME_CSS}{chrome.language}" rel="stylesheet" type="text/css" />\n'
        '</head>\n\n<body class="portal-popup">\n<div class="columns-1" id="main-content" role="main">\n'
        f"{main}</div>\n</body>\n\n</html>\n"
    )
