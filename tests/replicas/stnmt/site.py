"""The department portal's pages and files, by request target: what a Liferay 7.4 site serves, and the traps.

Always: a work calendar (``/web/stnmt/lich-cong-tac``) whose week links go back and forward for ever and whose year
list spans eleven years, with a 'Tin mới' Asset Publisher of its own in the side column; a search page
(``/web/stnmt/search``) whose facet links append to the query without end. With ``traps``:
- ``pager``: every listing's 'next' arrow is a link, past the last page too (which shows the last entries again);
- ``redirect``: the 'Giới thiệu' page links back to itself with ``p_l_back_url`` nesting the URL it was reached by,
  and links a page that answers with a redirect to itself, nesting its own URL once more in ``p_l_back_url``.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from threading import Lock
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit

from tests.replicas.stnmt import markup as m
from tests.replicas.stnmt.content import CATEGORIES, LATEST, Article, Category, build_articles

PORTAL = "Liferay Community Edition Portal 7.4.3.112 CE GA112 (Cavanaugh / Build 7403 / February 13, 2024)"
HTML = "text/html;charset=UTF-8"
CALENDAR_PATH = f"{m.SITE}/lich-cong-tac"
SEARCH_PATH = f"{m.SITE}/search"
ABOUT_PATH = f"{m.SITE}/gioi-thieu"
HOP_PATH = f"{m.SITE}/chuyen-trang"
WEEK = f"_{m.CALENDAR}_tuan"
YEAR = f"_{m.CALENDAR}_nam"
# A 1x1 JPEG; each image gets its own comment segment so that no two files are the same bytes.
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwS"
    "ExIQEw8QEBD/yQALCAABAAEBAREA/8wABgAQEAX/2gAIAQEAAD8A0s8g/9k="
)
TRAPS = ("pager", "redirect")
FAMILIES_OF_TRAPS = ("calendar-step", "search", "pager-beyond", "back-link", "redirect-hop")


@dataclass(frozen=True)
class Answer:
    """A response: status, headers, body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass
class Site:
    """The portal: its articles, which traps are on, and what was asked of it."""

    articles: tuple[Article, ...]
    traps: frozenset[str] = frozenset()
    requests: Counter[str] = field(default_factory=Counter)
    fetched: Counter[str] = field(default_factory=Counter)  # article url_title → fetches
    trap_urls: list[str] = field(default_factory=list)
    lock: Lock = field(default_factory=Lock)

    @classmethod
    def build(cls, count: int, traps: frozenset[str]) -> Site:
        """The site with *count* articles and the *traps* on."""
        return cls(build_articles(count), traps)

    def __post_init__(self) -> None:
        self.by_url_title = {article.url_title: article for article in self.articles}
        self.by_category = {c.slug: tuple(a for a in self.articles if a.category == c) for c in CATEGORIES}
        self.nav = (
            (m.HOME, "Trang chủ"),
            *((m.category_link(category), category.name) for category in CATEGORIES),
            (CALENDAR_PATH, "Lịch công tác"),
            (ABOUT_PATH, "Giới thiệu"),
            (SEARCH_PATH, "Tìm kiếm"),
        )

    # --- what exists --------------------------------------------------------------------------------------------

    def listing_pages(self, category: Category) -> int:
        """How many pages a category's list has."""
        return max(1, -(-len(self.by_category[category.slug]) // m.DELTA))

    def images(self) -> list[str]:
        """The file names of every photo."""
        return [photo.file for article in self.articles for photo in article.photos]

    def pages_that_exist(self) -> int:
        """Every distinct page and file of the site a crawler may archive (traps' endless variants aside): articles,
        listing pages, home, calendar, search, about; photos, logo, favicon, stylesheets and what they load, script;
        robots.txt and the sitemap."""
        listing_pages = sum(self.listing_pages(category) for category in CATEGORIES)
        return len(self.articles) + listing_pages + 4 + len(self.images()) + 2 + 5 + 2

    def truth(self) -> dict[str, Any]:
        """The ground truth the tests compare a crawl with."""
        return {
            "articles": [article.truth() for article in self.articles],
            "pages_that_exist": self.pages_that_exist(),
            "listing_paths": [m.category_link(category) for category in CATEGORIES],
        }

    def stats(self) -> dict[str, Any]:
        """What was asked of the site so far."""
        with self.lock:
            traps = sum(self.requests[family] for family in FAMILIES_OF_TRAPS)
            return {
                "requests": sum(self.requests.values()),
                "families": dict(self.requests),
                "articles": dict(self.fetched),
                "traps": traps,
                "trap_urls": list(self.trap_urls[:2000]),
            }

    # --- answers ------------------------------------------------------------------------------------------------

    def answer(self, target: str, host: str) -> Answer:
        """The response to GET *target* on *host* ('http://127.0.0.1:port')."""
        parts = urlsplit(target)
        path = parts.path.rstrip("/") or "/"
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        if path.startswith("/__replica__/"):
            body = self.truth() if path.endswith("truth.json") else self.stats()
            return Answer(200, (("Content-Type", "application/json"),), json.dumps(body, ensure_ascii=False).encode())
        family, found = self._route(path, params, target, host)
        with self.lock:
            self.requests[family] += 1
            if family in FAMILIES_OF_TRAPS:
                self.trap_urls.append(target)
        return found

    def _route(self, path: str, params: dict[str, str], target: str, host: str) -> tuple[str, Answer]:
        if path == "/":
            return "root", Answer(302, (("Location", f"{host}{m.SITE}"),), b"")
        if path == "/robots.txt":
            text = f"User-Agent: *\nDisallow:\nSitemap: {host}/sitemap.xml\n"
            return "robots", Answer(200, (("Content-Type", "text/plain;charset=UTF-8"),), text.encode())
        if path == "/sitemap.xml":
            return "sitemap", self._sitemap(host)
        if path.startswith(("/o/", "/image/", "/documents/")):
            return self._file(path)
        if path in (m.SITE, m.HOME):
            return "home", self._html(self._home(host))
        if path.startswith(f"{m.SITE}/-/"):
            return self._article(path.rsplit("/", 1)[-1], m.HOME, host)
        head, sep, rest = path.partition("/-/asset_publisher/")
        if sep and "/content/" in rest:
            back = next((value for name, value in params.items() if name.endswith("_redirect")), head)
            return self._article(rest.rsplit("/", 1)[-1], back, host)
        category = next((c for c in CATEGORIES if path == m.category_link(c)), None)
        if category is not None:
            return self._listing(category, params, host)
        if path == CALENDAR_PATH:
            family = "calendar-step" if WEEK in params or YEAR in params else "calendar"
            return family, self._html(self._calendar(params, host))
        if path == SEARCH_PATH:
            return ("search" if params else "search-page"), self._html(self._search(target, params, host))
        if path == HOP_PATH and "redirect" in self.traps:
            return "redirect-hop", Answer(
                302, (("Location", f"{host}{HOP_PATH}?p_l_back_url={quote(target, safe='')}"),), b""
            )
        if path == ABOUT_PATH:
            family = "back-link" if "p_l_back_url" in params else "about"
            return family, self._html(self._about(target, host))
        return "not-found", self._html(self._not_found(host), 404)

    def _html(self, text: str, status: int = 200) -> Answer:
        return Answer(status, (("Content-Type", HTML), ("Liferay-Portal", PORTAL)), text.encode("utf-8"))

    def _side(self, page: str, host: str) -> str:
        featured = m.title_list(page, m.FEATURED, self.articles[:5], page, dates=False, in_context=True)
        return m.portlet(m.ap_id(m.FEATURED), "Tin nổi bật", featured, "portlet-asset-publisher")

    def _home(self, host: str) -> str:
        newest = m.title_list(m.HOME, m.NEWEST, self.articles[:8], m.HOME, dates=True, in_context=True)
        main = m.portlet(m.ap_id(m.NEWEST), "Tin mới", newest, "portlet-asset-publisher")
        title = f"Trang chủ - {m.SITE_NAME}"
        return m.shell(
            title=title,
            canonical=host + m.HOME,
            selected=m.HOME,
            nav=self.nav,
            main=main,
            side=self._side(m.HOME, host),
        )

    def _listing(self, category: Category, params: dict[str, str], host: str) -> tuple[str, Answer]:
        page = m.category_link(category)
        portlet_id = m.ap_id(category.instance)
        pages = self.listing_pages(category)
        try:
            cur = max(1, int(params.get(f"_{portlet_id}_cur", "1")))
        except ValueError:
            cur = 1
        family = "pager-beyond" if cur > pages else ("listing-page" if cur > 1 else "listing")
        shown_page = min(cur, pages)
        entries = self.by_category[category.slug][(shown_page - 1) * m.DELTA : shown_page * m.DELTA]
        current = page if cur == 1 else m.page_url(page, category.instance, cur).replace("&amp;", "&")
        body = m.title_list(page, category.instance, entries, current, dates=False, in_context=False)
        total = len(self.by_category[category.slug])
        body += m.pagination(page, category.instance, cur, total, endless="pager" in self.traps)
        main = m.portlet(portlet_id, category.name, body, "portlet-asset-publisher")
        canonical = host + (page if cur == 1 else current)
        title = f"{category.name} - {m.SITE_NAME}"
        html = m.shell(
            title=title, canonical=canonical, selected=page, nav=self.nav, main=main, side=self._side(page, host)
        )
        return family, self._html(html)

    def _article(self, url_title: str, back: str, host: str) -> tuple[str, Answer]:
        article = self.by_url_title.get(url_title)
        if article is None:
            return "not-found", self._html(self._not_found(host), 404)
        with self.lock:
            self.fetched[url_title] += 1
        page = m.category_link(article.category)
        main = m.portlet(m.ap_id(article.category.instance), article.category.name, m.full_content(article, back))
        title = f"{article.title} - {article.category.name} - {m.SITE_NAME}"
        canonical = f"{host}{m.SITE}/-/{article.url_title}"
        html = m.shell(
            title=title, canonical=canonical, selected=page, nav=self.nav, main=main, side=self._side(page, host)
        )
        return "article", self._html(html)

    def _calendar(self, params: dict[str, str], host: str) -> str:
        monday = LATEST - timedelta(days=LATEST.weekday())
        try:
            if WEEK in params:
                monday = date.fromisoformat(params[WEEK])
            elif YEAR in params:
                monday = date.fromisocalendar(int(params[YEAR]), 1, 1)
        except ValueError:
            pass
        monday -= timedelta(days=monday.weekday())
        link = f"{CALENDAR_PATH}?p_p_id={m.CALENDAR}&amp;p_p_lifecycle=0&amp;p_p_state=normal&amp;p_p_mode=view"
        oldest = self.articles[-1].published
        rows = []
        for offset, name in enumerate(("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu")):
            day = monday + timedelta(days=offset)
            event = (
                "08g00: Giám đốc Sở họp giao ban; 14g00: làm việc với Ủy ban nhân dân quận Ninh Kiều"
                if oldest <= day <= LATEST
                else "Chưa có lịch công tác."
            )
            rows.append(f"<tr><td>{name}<br/>{day:%d/%m/%Y}</td><td>{event}</td></tr>")
        years = "".join(
            f'<li><a href="{link}&amp;{YEAR}={year}">{year}</a></li>'
            for year in range(monday.year - 5, monday.year + 6)
        )
        body = (
            f'<div class="lich-cong-tac"><h3>Lịch công tác tuần từ {monday:%d/%m/%Y} đến '
            f"{monday + timedelta(days=6):%d/%m/%Y}</h3>\n"
            f'<a href="{link}&amp;{WEEK}={monday - timedelta(days=7)}">« Tuần trước</a> | '
            f'<a href="{link}&amp;{WEEK}={LATEST - timedelta(days=LATEST.weekday())}">Tuần này</a> | '
            f'<a href="{link}&amp;{WEEK}={monday + timedelta(days=7)}">Tuần sau »</a>\n'
            f'<table class="table table-bordered">{"".join(rows)}</table>\n<ul class="nam">{years}</ul></div>'
        )
        main = m.portlet(m.CALENDAR, "Lịch công tác", body, "portlet-lich-cong-tac")
        newest = m.title_list(
            CALENDAR_PATH, m.CALENDAR_SIDE, self.articles[:5], CALENDAR_PATH, dates=True, in_context=True
        )
        side = m.portlet(m.ap_id(m.CALENDAR_SIDE), "Tin mới", newest, "portlet-asset-publisher")
        title = f"Lịch công tác - {m.SITE_NAME}"
        return m.shell(
            title=title, canonical=host + CALENDAR_PATH, selected=CALENDAR_PATH, nav=self.nav, main=main, side=side
        )

    def _search(self, target: str, params: dict[str, str], host: str) -> str:
        query = urlsplit(target).query
        pairs = parse_qsl(query, keep_blank_values=True)
        words = params.get("q", "").lower()
        chosen = {value for name, value in pairs if name == "category"}
        found = [
            a
            for a in self.articles
            if words and words in a.title.lower() and (not chosen or str(CATEGORIES.index(a.category) + 101) in chosen)
        ]
        popular = "".join(
            f'<li><a href="{SEARCH_PATH}?q={quote_plus(word)}">{e_(word)}</a></li>'
            for word in ("đất đai", "môi trường", "nguồn nước")
        )
        results = "".join(
            f'<li class="list-group-item"><a href="{m.SITE}/-/{a.url_title}">{e_(a.title)}</a></li>' for a in found[:10]
        )
        facets = ""
        if words:
            here = f"{SEARCH_PATH}?{query}".replace("&", "&amp;")
            facets = "".join(
                f'<li><a href="{here}&amp;category={index + 101}">{e_(c.name)}</a></li>'
                for index, c in enumerate(CATEGORIES)
            ) + "".join(
                f'<li><a href="{here}&amp;modified={span}">{label}</a></li>'
                for span, label in (
                    ("past-24-hours", "24 giờ qua"),
                    ("past-week", "Tuần trước"),
                    ("past-month", "Tháng trước"),
                    ("past-year", "Năm ngoái"),
                )
            )
        body = (
            f'<ul class="tu-khoa">{popular}</ul>\n<p class="search-total-label">{len(found)} kết quả</p>\n'
            f'<ul class="list-group">{results}</ul>\n<ul class="search-facet">{facets}</ul>'
        )
        main = m.portlet(m.SEARCH_RESULTS, "Kết quả tìm kiếm", body, "portlet-search-results")
        title = f"Tìm kiếm - {m.SITE_NAME}"
        return m.shell(
            title=title, canonical=host + SEARCH_PATH, selected=SEARCH_PATH, nav=self.nav, main=main, side=""
        )

    def _about(self, target: str, host: str) -> str:
        text = (
            "<p>Sở Tài nguyên và Môi trường là cơ quan chuyên môn thuộc Ủy ban nhân dân thành phố Cần Thơ, tham mưu "
            "về đất đai, tài nguyên nước, khoáng sản, môi trường, khí tượng thủy văn và đo đạc bản đồ.</p>"
        )
        if "redirect" in self.traps:
            text += f'<p><a href="{ABOUT_PATH}?p_l_back_url={quote(target, safe="")}">Trở về trang trước</a></p>'
            text += f'<p><a href="{HOP_PATH}?p_l_back_url={quote(ABOUT_PATH, safe="")}">Chuyển trang</a></p>'
        main = m.web_content("gioiThieu01", "Giới thiệu", text)
        title = f"Giới thiệu - {m.SITE_NAME}"
        return m.shell(
            title=title,
            canonical=host + ABOUT_PATH,
            selected=ABOUT_PATH,
            nav=self.nav,
            main=main,
            side=self._side(ABOUT_PATH, host),
        )

    def _not_found(self, host: str) -> str:
        main = '<div class="alert alert-danger">Không tìm thấy trang bạn yêu cầu.</div>'
        return m.shell(
            title=f"Không tìm thấy - {m.SITE_NAME}",
            canonical=host + m.HOME,
            selected="",
            nav=self.nav,
            main=main,
            side="",
        )

    def _sitemap(self, host: str) -> Answer:
        entries = "".join(f"<url><loc>{host}{path}</loc></url>\n" for path, _ in self.nav if path != SEARCH_PATH)
        text = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</urlset>\n'
        return Answer(200, (("Content-Type", "application/xml;charset=UTF-8"),), text.encode())

    def _file(self, path: str) -> tuple[str, Answer]:
        if path.startswith(m.DOCS + "/"):
            name = path[len(m.DOCS) + 1 :].split("/")[0]
            if name in self.images():
                body = JPEG[:2] + b"\xff\xfe" + (len(name) + 2).to_bytes(2, "big") + name.encode() + JPEG[2:]
                return "image", Answer(200, (("Content-Type", "image/jpeg"),), body)
        files = {
            "/image/layout_set_logo": ("image/png", b"\x89PNG\r\n\x1a\n stnmt logo"),
            f"{m.THEME}/images/favicon.ico": ("image/x-icon", b"\x00\x00\x01\x00 favicon"),
            f"{m.THEME}/css/clay.css": ("text/css", b".container-fluid{max-width:1280px}\n"),
            f"{m.THEME}/css/main.css": (
                "text/css",
                b"@font-face{font-family:Roboto;src:url(../fonts/roboto.woff2)}\n"
                b"#banner{background:url(../images/banner.png)}\n",
            ),
            f"{m.THEME}/fonts/roboto.woff2": ("font/woff2", b"wOF2 roboto"),
            f"{m.THEME}/images/banner.png": ("image/png", b"\x89PNG\r\n\x1a\n banner"),
            "/o/frontend-js-web/liferay/global.bundle.js": ("application/javascript", b"var Liferay={};\n"),
        }
        if path in files:
            kind, body = files[path]
            return "theme", Answer(200, (("Content-Type", kind),), body)
        return "not-found", Answer(404, (("Content-Type", "text/plain"),), b"not found")


def e_(text: str) -> str:
    """Text escaped for HTML (the markup module's helper)."""
    return m.e(text)
