"""The replica portal as a function from request to response, with its caches, counters and special cases.

No sockets here: :mod:`dvscrape.replica.server` feeds it requests. Thread-safe: counters live behind one lock;
the page cache is filled idempotently (a race renders a page twice, never wrongly).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from html import escape

from dvscrape.replica import chrome as chrome_module
from dvscrape.replica import feeds, other_pages, pages, urls
from dvscrape.replica.assets import theme_asset
from dvscrape.replica.documents import DocumentMaker
from dvscrape.replica.faults import FaultInjector
from dvscrape.replica.hostile import HostileConfig, HostilePages
from dvscrape.replica.media import file_bytes
from dvscrape.replica.model import Article, Corpus
from dvscrape.replica.responses import AnyResponse, Response
from dvscrape.replica.routing import TRAP_FAMILIES, Route, route
from dvscrape.replica.site import Site
from dvscrape.replica.template import Template
from dvscrape.replica.theme import Chrome

HTML = "text/html;charset=UTF-8"
PORTAL_HEADER = (
    "Liferay-Portal",
    "Liferay Portal Community Edition 6.2 CE GA6 (Newton / Build 6205 / January 6, 2016)",
)
MEDIA_LAST_MODIFIED = datetime(2023, 1, 1, tzinfo=UTC)
TRAP_URLS_KEPT = 100
PAGE_CACHE_SIZE = 3000  # rendered pages kept (about 30 KB each); the oldest go first
USER_AGENTS_KEPT = 20

__all__ = ["AnyResponse", "ReplicaApp", "Response"]


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header allows gzip (a ``q=0`` refuses it)."""
    for item in accept_encoding.split(","):
        name, _, params = item.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            quality = params.strip().lower()
            return not (quality.startswith("q=") and float(quality[2:] or 0) == 0)
    return False


def article_etag(found: Route, article: Article) -> str:
    """A weak ETag over what the article says (not the view counter, not the sidebars), per URL form and locale.

    Weak because the bytes differ from view to view (the counter); unchanged articles keep their ETag across
    editions, edited ones get a new one.
    """
    identity = "\x00".join(
        (article.url_title, str(article.revision), article.modified.isoformat(), article.title, article.body_html)
        + (found.prefix, found.mode, found.back_url, urls.canonical_query(found.query))
    )
    return 'W/"' + hashlib.sha1(identity.encode("utf-8"), usedforsecurity=False).hexdigest()[:32] + '"'


def _http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def _not_modified(headers: Mapping[str, str], etag: str, modified: datetime) -> bool:
    """Whether a conditional GET is answered 304: by If-None-Match when sent (weak comparison, RFC 9110 §13.1.2,
    as GET requires), else by If-Modified-Since."""
    if_none_match = headers.get("if-none-match")
    if if_none_match:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag.removeprefix("W/") in tags
    try:
        since = parsedate_to_datetime(headers.get("if-modified-since", ""))
    except (TypeError, ValueError, IndexError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return modified.replace(microsecond=0) <= since


class ReplicaApp:
    """Answers requests for one corpus; holds the page cache, view counters, the 500-once flag and the stats."""

    def __init__(
        self,
        corpus: Corpus,
        slow_delay: float = 1.5,
        sleep: Callable[[float], None] = time.sleep,
        *,
        hostile: HostileConfig | None = None,
        faults: FaultInjector | None = None,
        robots_disallow: tuple[str, ...] = (),
        portal_pages: bool = False,
        documents: DocumentMaker | None = None,
    ) -> None:
        self.site = Site.build(corpus, portal_pages=portal_pages)
        self.robots_disallow = robots_disallow
        seed_article = self.site.by_url_title[corpus.seed_url_title]
        self.hostile = HostilePages(hostile, seed_article, self.render_article) if hostile is not None else None
        self.faults = faults
        self.slow_delay = slow_delay
        self._sleep = sleep
        self._lock = threading.Lock()
        self._templates: dict[tuple[object, ...], Template] = {}
        self._chromes: dict[str, Chrome] = {}
        self._views: Counter[str] = Counter()
        self._failed_once: set[str] = set()
        self._families: Counter[str] = Counter()
        self._statuses: Counter[str] = Counter()
        self._articles: Counter[str] = Counter()
        self._trap_urls: list[str] = []
        self._total = 0
        self.documents = documents
        self._media_bytes: dict[str, bytes] = {}
        # A document maker's writers (reportlab, python-docx, openpyxl) keep module state that is not safe across
        # threads: one file is made at a time, then cached.
        self._media_lock = threading.Lock()
        self._user_agents: Counter[str] = Counter()

    # --- stats -----------------------------------------------------------------------------------------------

    def stats(self) -> dict[str, object]:
        """Request counts per URL family, per status and per article (any URL form), and the first trap URLs."""
        extra: dict[str, object] = {}
        if self.hostile is not None:
            extra["hostile"] = self.hostile.stats()
        if self.faults is not None:
            extra["faults"] = self.faults.stats()
        with self._lock:
            return {
                **extra,
                "user_agents": dict(self._user_agents),
                "total": self._total,
                "families": dict(sorted(self._families.items())),
                "trap_families": list(TRAP_FAMILIES),
                "traps": sum(self._families[name] for name in TRAP_FAMILIES),
                "trap_urls": list(self._trap_urls),
                "statuses": dict(sorted(self._statuses.items())),
                "articles": dict(sorted(self._articles.items())),
            }

    def reset_stats(self) -> None:
        """Forget every counter (not the view counters nor the 500-once flag)."""
        with self._lock:
            self._families.clear()
            self._statuses.clear()
            self._articles.clear()
            self._trap_urls.clear()
            self._total = 0

    def _count(self, target: str, found: Route, status: int) -> None:
        with self._lock:
            self._total += 1
            self._families.update(found.families)
            self._statuses[str(status)] += 1
            if found.article is not None:
                self._articles[found.article.url_title] += 1
            if len(self._trap_urls) < TRAP_URLS_KEPT and found.families & set(TRAP_FAMILIES):
                self._trap_urls.append(target)

    # --- rendering ---------------------------------------------------------------------------------------------

    def chrome(self, prefix: str, language: str) -> Chrome:
        """The boilerplate for a locale prefix, built once."""
        found = self._chromes.get(prefix)
        if found is None:
            found = chrome_module.build_chrome(
                self.site.corpus, prefix, language, self.site.auth_token, portal_pages=self.site.portal_pages
            )
            self._chromes[prefix] = found
        return found

    def _template(self, key: tuple[object, ...], render: Callable[[], str]) -> Template:
        found = self._templates.get(key)
        if found is None:
            found = Template.compile(render())
            with self._lock:
                self._templates[key] = found
                while len(self._templates) > PAGE_CACHE_SIZE:
                    del self._templates[next(iter(self._templates))]
        return found

    def _page_template(self, found: Route) -> Template:
        site, frame = self.site, self.chrome(found.prefix, found.language)
        if found.kind == "article" and found.article is not None:
            article, mode = found.article, found.mode
            return self._template(
                ("article", found.prefix, article.url_title, mode),
                lambda: pages.article_page(site, frame, article, mode),
            )
        if found.kind == "listing" and found.category is not None:
            category, number = found.category, found.number
            return self._template(
                ("listing", found.prefix, category.path, number),
                lambda: pages.listing_page(site, frame, category, number),
            )
        if found.kind == "home":
            return self._template(("home", found.prefix), lambda: other_pages.home_page(site, frame))
        if found.kind == "static":
            path = found.text
            return self._template(("static", found.prefix, path), lambda: other_pages.static_page(frame, path) or "")
        if found.kind == "calendar":
            return Template.compile(other_pages.calendar_page(frame, found.year, found.number))
        if found.kind == "search":
            return Template.compile(other_pages.search_page(site, frame, found.text, found.number))
        status = 500 if found.kind == "error" else 404
        return self._template(("status", found.prefix, status), lambda: other_pages.message_page(frame, status))

    def _slot_values(self, found: Route, target: str, host: str) -> dict[str, str]:
        path_qs = target if target.startswith("/") else target.split("://", 1)[-1].partition("/")[2]
        path_qs = path_qs if path_qs.startswith("/") else "/" + path_qs
        canonical_query = urls.canonical_query(found.query)
        links = [f'<link href="{escape(host + found.path + canonical_query)}" rel="canonical" />']
        links.extend(
            f'<link href="{escape(host + prefix + found.path + canonical_query)}" hreflang="{lang}" rel="alternate" />'
            for lang, prefix in feeds.ALTERNATES
        )
        values = {
            "CUR": urls.encode(path_qs),
            "HEADLINKS": "\n".join(links) + "\n",
            "HOST": host,
            "HOSTENC": urls.encode(host),
        }
        back = found.back_url
        if back and found.category is not None:
            values["BACKLINK"] = pages.back_link(found.category.portlet_id, found.language, escape(back))
        return values

    # --- responses ---------------------------------------------------------------------------------------------

    def render_article(self, article: Article, target: str, host: str) -> bytes:
        """The display page of an article that is not in the corpus (the hostile pages), filled for one request."""
        found = Route(
            "article", article.path, (), article=article, category=self.site.category_of(article), mode="display"
        )
        page = pages.article_page(self.site, self.chrome("", urls.DEFAULT_LANGUAGE), article, "display")
        values = self._slot_values(found, target, host)
        values["VIEWS"] = "1"
        return Template.compile(page).fill(values)

    def respond(self, target: str, headers: Mapping[str, str], host: str) -> AnyResponse:
        """The response to ``GET target``; ``headers`` are the request headers (lower-case names)."""
        found = route(self.site, target)
        if found.kind in ("stats", "reset", "rearm"):
            if found.kind == "reset":
                self.reset_stats()
            elif found.kind == "rearm":  # the flaky article fails once more (a crawl that must meet it first)
                with self._lock:
                    self._failed_once.clear()
            body = json.dumps(self.stats(), ensure_ascii=False, indent=1).encode("utf-8")
            return Response(200, (("Content-Type", "application/json;charset=UTF-8"),), body)
        user_agent = headers.get("user-agent", "")
        with self._lock:
            if user_agent in self._user_agents or len(self._user_agents) < USER_AGENTS_KEPT:
                self._user_agents[user_agent] += 1
        if self.hostile is not None:
            hostile = self.hostile.respond(target, host)
            if hostile is not None:
                return hostile
        response = self._respond(found, target, headers, host)
        self._count(target, found, response.status)
        return response

    def _respond(self, found: Route, target: str, headers: Mapping[str, str], host: str) -> Response:
        gzip_ok = accepts_gzip(headers.get("accept-encoding", ""))
        if found.kind == "redirect":
            return Response(302, (("Location", host + found.text), ("Content-Type", HTML)), b"")
        if found.kind in ("robots", "sitemap", "rss"):
            return self._feed(found, host, gzip_ok)
        if found.kind in ("media", "theme"):
            return self._file(found, headers)
        article = found.article
        status = 404 if found.kind == "not_found" else 200
        if article is not None:
            if article.url_title == self.site.corpus.slow_url_title:
                self._sleep(self.slow_delay)
            with self._lock:
                first_time = article.url_title == self.site.corpus.flaky_url_title and not self._failed_once
                if first_time:
                    self._failed_once.add(article.url_title)
            if first_time:
                error = Route("error", found.path, found.query, found.prefix, found.language, found.families)
                body = self._page_template(error).fill(self._slot_values(found, target, host))
                return self._html(500, body, gzip_ok, ())
        template = self._page_template(found)
        values = self._slot_values(found, target, host)
        if article is None:
            page = template.fill(values)
            if self.hostile is not None and found.kind == "home":
                page = self.hostile.decorate_home(page, host)
            return self._html(status, page, gzip_ok, ())
        etag = article_etag(found, article)
        validators = (("ETag", etag), ("Last-Modified", _http_date(article.modified)))
        if _not_modified(headers, etag, article.modified):
            return Response(304, validators, b"")
        with self._lock:
            self._views[article.url_title] += 1
            views = article.view_count_base + self._views[article.url_title]
        values["VIEWS"] = f"{views:,}".replace(",", ".")
        return self._html(200, template.fill(values), gzip_ok, validators)

    def _html(self, status: int, body: bytes, gzip_ok: bool, extra: tuple[tuple[str, str], ...]) -> Response:
        headers: list[tuple[str, str]] = [("Content-Type", HTML), PORTAL_HEADER, ("Vary", "Accept-Encoding"), *extra]
        if gzip_ok:
            body = gzip.compress(body, compresslevel=5, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
        return Response(status, tuple(headers), body)

    def _feed(self, found: Route, host: str, gzip_ok: bool) -> Response:
        if found.kind == "robots":
            text, content_type = feeds.robots_txt(self.robots_disallow), "text/plain;charset=UTF-8"
        elif found.kind == "sitemap":
            text, content_type = feeds.sitemap_xml(self.site), "application/xml;charset=UTF-8"
        else:
            assert found.category is not None
            text, content_type = feeds.atom_feed(self.site, found.category), "application/atom+xml;charset=UTF-8"
        body = Template.compile(text).fill({"HOST": host})
        if self.hostile is not None and found.kind == "sitemap":
            body = self.hostile.decorate_sitemap(body)
        response = self._html(200, body, gzip_ok, ())
        return Response(200, (("Content-Type", content_type), *response.headers[1:]), response.body)

    def _file(self, found: Route, headers: Mapping[str, str]) -> Response:
        if found.kind == "theme":
            asset = theme_asset(found.text)
            if asset is None:
                return Response(404, (("Content-Type", "text/plain;charset=UTF-8"),), b"Not Found")
            content_type, body = asset
            filename = found.text.rsplit("/", 1)[-1]
        else:
            media = self.site.media[found.text]
            with self._media_lock:
                body = self._media_bytes.get(media.key) or self._media_bytes.setdefault(
                    media.key, file_bytes(media, self.documents)
                )
            content_type, filename = media.content_type, media.filename
        etag = '"' + hashlib.sha1(body, usedforsecurity=False).hexdigest()[:24] + '"'
        validators = (("ETag", etag), ("Last-Modified", _http_date(MEDIA_LAST_MODIFIED)))
        if _not_modified(headers, etag, MEDIA_LAST_MODIFIED):
            return Response(304, validators, b"")
        disposition = ("Content-Disposition", f'inline; filename="{filename.encode("ascii", "replace").decode()}"')
        return Response(200, (("Content-Type", content_type), disposition, *validators), body)
