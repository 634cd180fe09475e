"""The home page, the static pages, the endless work calendar, search results and error pages."""

from __future__ import annotations

import calendar
import hashlib
from html import escape

from dvscrape.replica import urls
from dvscrape.replica.chrome import PORTAL_PAGES, STATIC_PAGES, login_portlet
from dvscrape.replica.pages import abstract_entry, title_list
from dvscrape.replica.site import Site
from dvscrape.replica.theme import SITE_NAME, Chrome, borderless_portlet, decorated_portlet, page, strings

HOME_PER_CATEGORY = 5
SEARCH_DELTA = 20
INTRODUCTION = (
    "Quận Tân Bình nằm ở phía Tây Bắc Thành phố Hồ Chí Minh, có diện tích tự nhiên 22,38 km², gồm 15 phường, là "
    "nơi có Sân bay quốc tế Tân Sơn Nhất.",
    "Quận được thành lập năm 1976; năm 2003, một phần địa bàn của quận được tách ra để thành lập quận Tân Phú.",
    "Với vị trí cửa ngõ giao thương, quận Tân Bình là trung tâm thương mại, dịch vụ và công nghiệp quan trọng của "
    "Thành phố.",
)
CONTACT = (
    "Ủy ban nhân dân quận Tân Bình",
    "Địa chỉ: 387A Trường Chinh, Phường 14, quận Tân Bình, Thành phố Hồ Chí Minh",
    "Điện thoại: (028) 3842 0000 - Email: ubnd.tanbinh@tphcm.gov.vn",
)


def home_page(site: Site, chrome: Chrome) -> str:
    """``/web/neoportal/trang-chu``: the newest articles of each category; the sign-in portlet on the side."""
    portlets = []
    for number, category in enumerate(site.corpus.categories, start=1):
        newest = site.listings[category.path][:HOME_PER_CATEGORY]
        entries = (
            "".join(abstract_entry(chrome, article) for article in newest[:2]) + title_list(chrome, newest[2:])
            if category.display == "abstracts"
            else title_list(chrome, newest)
        )
        more = f'<div class="view-all"><a href="{chrome.prefix}{category.path}">Xem tất cả &raquo;</a></div>'
        portlets.append(
            decorated_portlet(
                f"101_INSTANCE_home{number}Tb{category.instance_id[:4]}",
                category.name,
                entries + more,
                "portlet-asset-publisher",
                "asset_publisher",
            )
        )
    return page(
        chrome,
        title=f"Trang chủ - {SITE_NAME}",
        body_class="home-page",
        selected_path=urls.HOME_PATH,
        crumbs=(("Trang chủ", urls.HOME_PATH),),
        main="".join(portlets),
        right_extra=login_portlet(chrome.prefix, chrome.language),
    )


def _journal_content(portlet_id: str, paragraphs: tuple[str, ...]) -> str:
    text = "\n".join(f"<p>{escape(paragraph, quote=False)}</p>" for paragraph in paragraphs)
    return borderless_portlet(
        portlet_id, f'<div class="journal-content-article">\n{text}\n</div>', "portlet-journal-content"
    )


def static_page(chrome: Chrome, path: str) -> str | None:
    """The introduction or contact page, or None for another path."""
    labels = dict(STATIC_PAGES) | dict(PORTAL_PAGES)
    if path not in labels:
        return None
    paragraphs: tuple[str, ...] = INTRODUCTION if path.endswith("gioi-thieu") else CONTACT
    instance = "56_INSTANCE_gioiThieu01" if path.endswith("gioi-thieu") else "56_INSTANCE_lienHe02xx"
    if path in dict(PORTAL_PAGES):
        paragraphs = (f"{labels[path]} của Ủy ban nhân dân quận Tân Bình.", *CONTACT)
        instance = "56_INSTANCE_trang" + hashlib.sha1(path.encode(), usedforsecurity=False).hexdigest()[:6]
    return page(
        chrome,
        title=f"{labels[path]} - {SITE_NAME}",
        body_class="static-page",
        selected_path=path,
        crumbs=(("Trang chủ", urls.HOME_PATH), (labels[path], path)),
        main=_journal_content(instance, paragraphs),
    )


def calendar_page(chrome: Chrome, year: int, month0: int) -> str:
    """The work calendar (portlet 8) for one month, linking the previous and next month without end."""
    month0 = max(0, min(11, month0))
    previous = (year - 1, 11) if month0 == 0 else (year, month0 - 1)
    following = (year + 1, 0) if month0 == 11 else (year, month0 + 1)
    rows = []
    for week in calendar.Calendar().monthdayscalendar(year, month0 + 1):
        cells = []
        for weekday, day in enumerate(week):
            event = (
                '<div class="event">07:30 Họp giao ban Thường trực Ủy ban nhân dân quận</div>'
                if day and weekday == 0
                else ""
            )
            cells.append(f"<td>{day or ''}{event}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    heading = f"Tháng {month0 + 1}/{year}"
    body = (
        '<div class="calendar-navigation">'
        f'<a class="previous" href="{urls.calendar_link(chrome.prefix, *previous)}">&laquo; Tháng trước</a> '
        f"<strong>{heading}</strong> "
        f'<a class="next" href="{urls.calendar_link(chrome.prefix, *following)}">Tháng sau &raquo;</a></div>\n'
        '<table class="calendar-month table"><thead><tr><th>T2</th><th>T3</th><th>T4</th><th>T5</th><th>T6</th>'
        "<th>T7</th><th>CN</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )
    return page(
        chrome,
        title=f"Lịch công tác - {SITE_NAME}",
        body_class="calendar-page",
        selected_path=urls.CALENDAR_PATH,
        crumbs=(("Trang chủ", urls.HOME_PATH), ("Lịch công tác", urls.CALENDAR_PATH)),
        main=decorated_portlet("8", "Lịch công tác", body, "portlet-calendar", "calendar"),
    )


def search_page(site: Site, chrome: Chrome, keywords: str, cur: int) -> str:
    """Search results (portlet 3): articles whose title contains the keywords, paginated, more keywords."""
    ui = strings(chrome.language)
    needle = keywords.strip().lower()
    hits = [a for a in site.corpus.articles if needle and needle in a.title.lower()] or list(
        site.corpus.articles[:SEARCH_DELTA]
    )
    cur = max(1, cur)
    shown = tuple(hits[(cur - 1) * SEARCH_DELTA : cur * SEARCH_DELTA])
    more = f'<a href="{urls.search_link(chrome.prefix, keywords, cur + 1)}">{ui.next}</a>'
    related = " ".join(
        f'<a href="{urls.search_link(chrome.prefix, f"{keywords} {word}".strip())}">{escape(word)}</a>'
        for word in ("năm 2023", "phường", "hội nghị")
    )
    body = (
        f'<div class="search-results">{ui.search}: <strong>{escape(keywords)}</strong></div>\n'
        + title_list(chrome, shown)
        + f'<div class="search-pages">{more}</div>\n<div class="related-keywords">{related}</div>\n'
    )
    return page(
        chrome,
        title=f"{ui.search} - {SITE_NAME}",
        body_class="search-page",
        selected_path="",
        crumbs=(("Trang chủ", urls.HOME_PATH), (ui.search, "")),
        main=decorated_portlet("3", ui.search, body, "portlet-search", "search"),
        maximized=True,
    )


def message_page(chrome: Chrome, status: int) -> str:
    """The portal's 404 or 500 page."""
    ui = strings(chrome.language)
    message = ui.not_found if status == 404 else ui.error
    body = f'<div class="alert alert-error">{message}</div>'
    return page(
        chrome,
        title=f"{status} - {SITE_NAME}",
        body_class="status-page",
        selected_path="",
        crumbs=(("Trang chủ", urls.HOME_PATH),),
        main=borderless_portlet("status", body),
    )
