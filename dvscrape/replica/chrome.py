"""The boilerplate every replica page carries: header, menus, side portlets and footer, with their trap links."""

from __future__ import annotations

from html import escape

from dvscrape.replica import urls
from dvscrape.replica.model import Article, Corpus
from dvscrape.replica.theme import (
    BANNER,
    FOOTER_LOGO_PATH,
    LOGO_PATH,
    SITE_NAME,
    Chrome,
    borderless_portlet,
    decorated_portlet,
    strings,
)

FEATURED_PORTLET = "101_INSTANCE_noiBat8Xq2Lm"
MEDIA_PORTLET = "101_INSTANCE_mediaT7Vn3Kp"
CATEGORIES_PORTLET = "71_INSTANCE_danhMuc4Rz9"
SEARCH_KEYWORDS = ("cải cách hành chính", "an sinh xã hội", "nghĩa vụ quân sự", "dịch vụ công trực tuyến")
STATIC_PAGES = (("/web/neoportal/gioi-thieu", "Giới thiệu"), ("/web/neoportal/lien-he", "Liên hệ"))
# With --portal-pages (issue 14): the pages a real portal links from its footer, about 20 with the two above, and
# one menu link that answers 404 (a page removed long ago); for incremental-crawl tests and bench/recrawl.py.
PORTAL_PAGES = tuple(
    (f"/web/neoportal/{slug}", label)
    for slug, label in (
        ("so-do-to-chuc", "Sơ đồ tổ chức"),
        ("chuc-nang-nhiem-vu", "Chức năng, nhiệm vụ"),
        ("lich-su-hinh-thanh", "Lịch sử hình thành"),
        ("lanh-dao-quan", "Lãnh đạo quận"),
        ("cac-phuong", "Các phường"),
        ("thu-tuc-hanh-chinh", "Thủ tục hành chính"),
        ("van-ban-phap-luat", "Văn bản pháp luật"),
        ("hoi-dap", "Hỏi đáp"),
        ("gop-y", "Góp ý"),
        ("thong-tin-quy-hoach", "Thông tin quy hoạch"),
        ("danh-ba-dien-thoai", "Danh bạ điện thoại"),
        ("duong-day-nong", "Đường dây nóng"),
        ("chinh-sach-bao-mat", "Chính sách bảo mật"),
        ("dieu-khoan-su-dung", "Điều khoản sử dụng"),
        ("so-do-cong", "Sơ đồ cổng"),
        ("huong-dan-su-dung", "Hướng dẫn sử dụng"),
        ("tuyen-dung", "Tuyển dụng"),
        ("bao-chi", "Thông tin báo chí"),
    )
)
DEAD_MENU_LINK = ("/web/neoportal/trang-thong-tin-cu", "Trang thông tin cũ")
OFF_SITE_LINKS = (
    ("https://hochiminhcity.gov.vn", "Cổng thông tin điện tử Thành phố Hồ Chí Minh"),
    ("https://dichvucong.gov.vn", "Cổng Dịch vụ công Quốc gia"),
    ("https://dichvucong.hochiminhcity.gov.vn", "Cổng Dịch vụ công Thành phố"),
    ("https://www.facebook.com/tanbinh.hochiminhcity", "Fanpage Quận Tân Bình"),
)
LOCALE_QUICK_LINKS = (("/vi", "Tiếng Việt"), ("/en", "English"))


def nav_items(corpus: Corpus) -> tuple[tuple[str, str], ...]:
    """The menu: home, introduction, the five categories, the work calendar, contact."""
    return (
        (urls.HOME_PATH, "Trang chủ"),
        STATIC_PAGES[0],
        *((category.path, category.name) for category in corpus.categories),
        (urls.CALENDAR_PATH, "Lịch công tác"),
        STATIC_PAGES[1],
    )


def _header(prefix: str, language: str, auth_token: str) -> str:
    ui = strings(language)
    languages = "".join(
        f'<a class="taglib-language-list-text{" current-language" if code == language else ""}" '
        f'href="{urls.language_link(prefix, urls.HOME_PATH, code, auth_token)}" lang="{code.replace("_", "-")}">'
        f"{label}</a>"
        for code, label in (("vi_VN", "Tiếng Việt"), ("en_US", "English"))
    )
    search_form = (
        f'<form action="{prefix}{urls.HOME_PATH}" class="search-form" method="get">'
        '<input name="p_p_id" type="hidden" value="3" /><input name="p_p_lifecycle" type="hidden" value="0" />'
        '<input name="p_p_state" type="hidden" value="maximized" />'
        '<input name="_3_struts_action" type="hidden" value="/search/search" />'
        f'<input name="_3_keywords" placeholder="{ui.search}" size="30" type="text" />'
        f'<button type="submit">{ui.search}</button></form>'
    )
    return (
        '<div id="heading">\n<h1 class="site-title">\n'
        f'<a class="logo default-logo" href="{prefix}{urls.HOME_PATH}" title="{escape(SITE_NAME)}">'
        f'<img alt="{escape(SITE_NAME)}" height="90" src="{LOGO_PATH}" width="560" /></a>\n</h1>\n</div>\n'
        f'<div class="chu-de-nam"><p class="slogan">{escape(BANNER, quote=False)}</p></div>\n'
        f'<div class="user-links"><a href="/c/portal/login?p_l_id=30497" rel="nofollow">{ui.sign_in}</a></div>\n'
        + borderless_portlet("82", f'<div class="taglib-language-list">{languages}</div>', "portlet-language")
        + borderless_portlet("3", search_form, "portlet-search")
        + _calendar(prefix)
    )


def _calendar(prefix: str) -> str:
    """The work calendar portlet (8) in the header of every page, with its icon `/html/icons/calendar.png`, as the
    portal shows it: a requisite of every page (whose path a trap rule '/calendar' must not stop)."""
    link = f'<a href="{prefix}{urls.CALENDAR_PATH}">Xem lịch công tác tuần này</a>'
    return decorated_portlet("8", "Lịch công tác", link, "portlet-calendar", "calendar")


def _featured(prefix: str, language: str, articles: tuple[Article, ...]) -> str:
    items = "\n".join(
        f'<li class="title-list"><a href="{urls.display_page_link(prefix, article.url_title)}">'
        f"{escape(article.title, quote=False)}</a></li>"
        for article in articles
    )
    description = (
        '<p class="portlet-description">Tin tức, sự kiện nổi bật trên địa bàn quận Tân Bình</p>\n'
        if language == "vi_VN"
        else ""
    )
    return decorated_portlet(
        FEATURED_PORTLET,
        "Tin tức nổi bật",
        f'{description}<ul class="title-list">\n{items}\n</ul>',
        "portlet-asset-publisher",
        "asset_publisher",
    )


def _categories(prefix: str, corpus: Corpus) -> str:
    items = "\n".join(
        f'<li><a href="{prefix}{category.path}">{escape(category.name, quote=False)}</a></li>'
        for category in corpus.categories
    )
    return decorated_portlet(
        CATEGORIES_PORTLET, "Danh mục", f'<ul class="nav nav-list">\n{items}\n</ul>', "portlet-navigation"
    )


def _media(prefix: str, corpus: Corpus) -> str:
    with_photos = [article for article in corpus.articles if article.figures][:3]
    categories = {category.path: category for category in corpus.categories}
    items: list[str] = []
    for position, article in enumerate(with_photos):
        category = categories[article.category_path]
        thumb = escape(article.figures[0].image_path)
        if position == 0:
            href = urls.asset_publisher_link(prefix, category, article.url_title)
        elif position == 1:
            href = urls.asset_entry_link(prefix, category, article.asset_entry_id)
        else:
            href = urls.maximized_link(prefix, category, article)
        items.append(
            f'<li class="media-item"><a href="{href}"><img alt="" src="{thumb}" width="120" />'
            f"<span>{escape(article.title, quote=False)}</span></a></li>"
        )
    dead = corpus.dead_url_titles[0]
    items.append(
        f'<li class="media-item"><a href="{prefix}{urls.SITE_PATH}/-/{dead}">'
        "<span>Video: Thông báo lịch tiếp công dân định kỳ</span></a></li>"
    )
    return decorated_portlet(
        MEDIA_PORTLET,
        "TIN TỨC MEDIA",
        '<ul class="media-list">\n' + "\n".join(items) + "\n</ul>",
        "portlet-asset-publisher",
        "asset_publisher",
    )


def _footer(prefix: str) -> str:
    off_site = " | ".join(f'<a href="{href}" target="_blank">{label}</a>' for href, label in OFF_SITE_LINKS)
    locales = " | ".join(
        f'<a href="{locale}{urls.HOME_PATH}" hreflang="{locale[1:]}">{label}</a>'
        for locale, label in LOCALE_QUICK_LINKS
    )
    keywords = " ".join(
        f'<a class="tag" href="{urls.search_link(prefix, keyword)}">{keyword}</a>' for keyword in SEARCH_KEYWORDS
    )
    return (
        '<footer id="footer" role="contentinfo">\n'
        f'<div class="footer-logo"><img alt="" height="45" src="{FOOTER_LOGO_PATH}" width="280" /></div>\n'
        f'<div class="footer-links">{off_site}</div>\n'
        f'<div class="footer-keywords">Từ khóa: {keywords}</div>\n'
        f'<div class="footer-locales">{locales}</div>\n'
        '<div class="footer-address"><p>Cơ quan chủ quản: Ủy ban nhân dân quận Tân Bình</p>\n'
        "<p>Địa chỉ: 387A Trường Chinh, Phường 14, quận Tân Bình, Thành phố Hồ Chí Minh</p>\n"
        "<p>Điện thoại: (028) 3842 0000 - Email: ubnd.tanbinh@tphcm.gov.vn</p></div>\n"
        "</footer>\n"
    )


def build_chrome(corpus: Corpus, prefix: str, language: str, auth_token: str, *, portal_pages: bool = False) -> Chrome:
    """The boilerplate of every page for one locale prefix (with *portal_pages*: the footer links PORTAL_PAGES and
    DEAD_MENU_LINK)."""
    footer = _footer(prefix)
    if portal_pages:
        links = "".join(
            f'<li><a href="{prefix}{path}">{escape(label)}</a></li>' for path, label in (*PORTAL_PAGES, DEAD_MENU_LINK)
        )
        footer = footer.replace("</footer>", f'<ul class="footer-pages">{links}</ul>\n</footer>', 1)
    return Chrome(
        prefix=prefix,
        language=language,
        header=_header(prefix, language, auth_token),
        left=_featured(prefix, language, corpus.articles[:5]) + _categories(prefix, corpus),
        right=_media(prefix, corpus),
        footer=footer,
        nav_items=nav_items(corpus),
    )


def login_portlet(prefix: str, language: str) -> str:
    """The sign-in portlet (58) shown on the home page, with its OpenID / password / account links."""
    ui = strings(language)
    links = "".join(
        f'<li><a href="{urls.login_link(prefix, action)}">{label}</a></li>'
        for action, label in (
            ("/login/open_id", "OpenID"),
            ("/login/create_account", "Tạo tài khoản" if language == "vi_VN" else "Create Account"),
            ("/login/forgot_password", "Quên mật khẩu" if language == "vi_VN" else "Forgot Password"),
        )
    )
    form = (
        f'<form action="/c/portal/login" method="post"><input name="_58_login" type="text" />'
        f'<input name="_58_password" type="password" /><button type="submit">{ui.sign_in}</button></form>'
        f'<ul class="navigation">{links}</ul>'
    )
    return decorated_portlet("58", ui.sign_in, form, "portlet-login", "login")
