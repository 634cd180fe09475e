"""The replica's second portal (``--portal city7``): the same corpus served as a Liferay 7/DXP city-style portal.

Site ``/web/guest``, home ``/web/guest/trang-chu``, five category pages each with an Asset Publisher of cards
(paginated with ``?…AssetPublisherPortlet_INSTANCE_<id>_cur=N`` plus the other 7.x parameters), a desktop and a mobile
copy of every card, articles at ``/web/guest/-/<urlTitle>`` (and inside the Asset Publisher at
``<category>/-/asset_publisher/<id>/content/<urlTitle>``), robots.txt and sitemap.xml. Markup: replica/city7_pages.py.
Images, documents, conditional requests, gzip, view counters and stats are the 6.2 replica's (ReplicaApp); only
routing and pages differ. Traps: the language switch (action URLs with p_auth), search, sign-in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from dvscrape.replica import city7_pages as markup
from dvscrape.replica import urls
from dvscrape.replica.app import ReplicaApp, article_etag
from dvscrape.replica.model import Article, Corpus
from dvscrape.replica.responses import AnyResponse, Response
from dvscrape.replica.routing import Route, int_param, route, routed

HTML = "text/html;charset=UTF-8"
PORTAL_HEADER = ("Liferay-Portal", "Liferay Digital Experience Platform 7.4.13 Update 72 (Cavanaugh / Build 7413)")
THEME_CSS_BODY = b"body{font-family:Roboto,sans-serif}.asset-publisher-title{font-weight:700}\n"


class City7App(ReplicaApp):
    """Answers requests as the Liferay 7 city portal; a ReplicaApp for media, validators, counters and stats."""

    def __init__(self, corpus: Corpus, **options: Any) -> None:
        super().__init__(corpus, **options)
        pairs = zip(corpus.categories, markup.CATEGORIES, strict=True)
        self.city_of = {category.path: city for category, city in pairs}
        self.by_city_path = {city.path: city for city in markup.CATEGORIES}
        self.city_listings = {city.path: self.site.listings[path] for path, city in self.city_of.items()}
        self.nav = ((markup.HOME_PATH, "Trang chủ"), *((city.path, city.name) for city in markup.CATEGORIES))

    # --- routing ------------------------------------------------------------------------------------------------

    def route7(self, target: str) -> Route:
        """The route of a request to the city portal (kinds as the 6.2 replica's Route; families feed the stats)."""
        split = urlsplit(target)
        query = tuple(parse_qsl(split.query, keep_blank_values=True))
        params = dict(query)
        base = Route("", split.path, query)
        path = split.path.rstrip("/") or "/"
        if split.path.startswith(("/__replica__/", "/documents/", "/image/")):
            return route(self.site, target)  # stats, media: as the 6.2 replica serves them
        families: set[str] = set()
        if any(name.endswith(("redirect", "Redirect")) for name, _ in query):
            families.add("redirect")
        if path in ("/robots.txt", "/sitemap.xml"):
            return routed(base, path[1:].split(".")[0], {path[1:].split(".")[0]})
        if path.startswith("/o/"):
            return routed(base, "theme", {"theme"}, text=path)
        if path.startswith("/c/portal/login") or params.get("p_p_lifecycle") == "1" or "p_auth" in params:
            return routed(base, "redirect", {"login" if "login" in path else "action"}, text=markup.HOME_PATH)
        if any(name.endswith("_keywords") for name in params):
            return routed(base, "not_found", {"search"})
        if path in ("/", markup.SITE_PATH, markup.HOME_PATH):
            return routed(base, "home", families | {"home"})
        if path.startswith(markup.SITE_PATH + "/-/"):
            article = self.site.by_url_title.get(path.rsplit("/", 1)[-1])
            return self._article(base, article, families)
        head, sep, rest = path.partition("/-/asset_publisher/")
        if sep and head in self.by_city_path:
            article = self.site.by_url_title.get(rest.rsplit("/", 1)[-1]) if "/content/" in rest else None
            return self._article(base, article, families | {"asset_publisher"})
        city = self.by_city_path.get(path)
        if city is not None:
            cur_name = f"_{city.portlet_id}_cur"
            pages = max(1, -(-len(self.city_listings[city.path]) // markup.DELTA))
            number = max(1, min(int_param(params.get(cur_name), 1), pages))
            families.add("listing_page" if cur_name in params else "listing")
            return routed(base, "listing", families, text=city.path, number=number)
        return routed(base, "not_found", families | {"not_found"})

    def _article(self, base: Route, article: Article | None, families: set[str]) -> Route:
        if article is None:
            return routed(base, "not_found", families | {"not_found"})
        return routed(base, "article", families | {"article"}, article=article, category=self.site.category_of(article))

    # --- pages --------------------------------------------------------------------------------------------------

    def _image(self, article: Article) -> str:
        return f"/image/journal/article?img_id={article.small_image_id}&amp;t={int(article.modified.timestamp())}"

    def _entries(self, articles: tuple[Article, ...]) -> list[tuple[Article, markup.CityCategory, str]]:
        return [(article, self.city_of[article.category_path], self._image(article)) for article in articles]

    def _side(self) -> str:
        featured = markup.cards(self._entries(self.site.corpus.articles[:3]))
        return markup.portlet(markup.FEATURED, "Tin nổi bật", featured)

    def render(self, found: Route) -> str:
        """The page of a route (a home, listing, article or not-found page) with its request slots."""
        side = self._side()
        if found.kind == "article" and found.article is not None:
            article = found.article
            city = self.city_of[article.category_path]
            body = article.body_html.replace(urls.SITE_PATH + "/", markup.SITE_PATH + "/")
            main = markup.portlet(city.portlet_id, city.name, markup.full_content(article, city, body))
            title = f"{article.shown_title} - {city.name} - {markup.SITE_NAME}"
            return markup.page(title=title, nav=self.nav, selected=city.path, main=main, side=side)
        if found.kind == "listing":
            city = self.by_city_path[found.text]
            articles = self.city_listings[city.path]
            shown = articles[(found.number - 1) * markup.DELTA : found.number * markup.DELTA]
            body = markup.cards(self._entries(shown)) + markup.pagination(city, found.number, len(articles))
            main = markup.portlet(city.portlet_id, city.name, body)
            title = f"{city.name} - {markup.SITE_NAME}"
            return markup.page(title=title, nav=self.nav, selected=city.path, main=main, side=side)
        if found.kind == "home":
            newest = markup.cards(self._entries(self.site.corpus.articles[: markup.HOME_ENTRIES]))
            main = markup.portlet(markup.HOME_PORTLET, "Tin mới", newest)
            title = f"Trang chủ - {markup.SITE_NAME}"
            return markup.page(title=title, nav=self.nav, selected=markup.HOME_PATH, main=main, side=side)
        main = markup.portlet(markup.JOURNAL, "", '<div class="alert alert-danger">Không tìm thấy trang.</div>')
        return markup.page(title=f"Không tìm thấy - {markup.SITE_NAME}", nav=self.nav, selected="", main=main, side="")

    # --- responses ----------------------------------------------------------------------------------------------

    def respond(self, target: str, headers: Mapping[str, str], host: str) -> AnyResponse:
        """The response to ``GET target`` on the city portal."""
        found = self.route7(target)
        if found.kind in ("stats", "reset", "media"):
            return super().respond(target, headers, host)
        response = self._respond7(found, target, headers, host)
        self._count(target, found, response.status)
        return response

    def _respond7(self, found: Route, target: str, headers: Mapping[str, str], host: str) -> Response:
        gzip_ok = "gzip" in headers.get("accept-encoding", "")
        if found.kind == "redirect":
            return Response(302, (("Location", host + found.text), ("Content-Type", HTML)), b"")
        if found.kind == "theme":
            return Response(200, (("Content-Type", "text/css;charset=UTF-8"),), THEME_CSS_BODY)
        if found.kind in ("robots", "sitemap"):
            text = self._robots() if found.kind == "robots" else self._sitemap(dict(found.query).get("layoutUuid", ""))
            content_type = "text/plain;charset=UTF-8" if found.kind == "robots" else "application/xml;charset=UTF-8"
            return Response(200, (("Content-Type", content_type),), text.replace("HOST", host).encode("utf-8"))
        key = ("city7", found.kind, found.text, found.number, found.article.url_title if found.article else "")
        template = self._template(key, lambda: self.render(found))
        canonical = found.path if found.kind != "listing" or found.number == 1 else target
        values = {
            "HEADLINKS": f'<link href="{host}{canonical}" rel="canonical" />\n',
            "CUR": urls.encode(target),
            "HOSTENC": urls.encode(host),
        }
        status = 404 if found.kind == "not_found" else 200
        article = found.article
        if article is None:
            return self._city_html(status, template.fill(values), gzip_ok, ())
        etag = article_etag(found, article)
        if headers.get("if-none-match") == etag:
            return Response(304, (("ETag", etag),), b"")
        with self._lock:
            self._views[article.url_title] += 1
            values["VIEWS"] = str(article.view_count_base + self._views[article.url_title])
        return self._city_html(200, template.fill(values), gzip_ok, (("ETag", etag),))

    def _city_html(self, status: int, body: bytes, gzip_ok: bool, extra: tuple[tuple[str, str], ...]) -> Response:
        response = self._html(status, body, gzip_ok, extra)
        headers = tuple(
            PORTAL_HEADER if name == "Liferay-Portal" else (name, value) for name, value in response.headers
        )
        return Response(response.status, headers, response.body)

    def _robots(self) -> str:
        return "User-Agent: *\nDisallow:\nSitemap: HOST/sitemap.xml\n"

    def _sitemap(self, part: str) -> str:
        """As Liferay 7 serves it: /sitemap.xml is an index of one sitemap per page layout (here: the navigation
        pages, and the articles with their lastmod), each at /sitemap.xml?layoutUuid=…."""
        if part == "navigation":
            entries = [f"<url><loc>HOST{path}</loc><changefreq>daily</changefreq></url>\n" for path, _ in self.nav]
        elif part == "articles":
            entries = [
                f"<url><loc>HOST{markup.article_path(article)}</loc>"
                f"<lastmod>{article.modified.isoformat(timespec='seconds')}</lastmod></url>\n"
                for article in self.site.corpus.articles
            ]
        else:
            entries = [
                f"<sitemap><loc>HOST/sitemap.xml?groupId=20126&amp;layoutUuid={name}&amp;privateLayout=false</loc>"
                "</sitemap>\n"
                for name in ("navigation", "articles")
            ]
            return (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                + "".join(entries)
                + "</sitemapindex>\n"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "".join(entries)
            + "</urlset>\n"
        )
