"""Hostile and broken pages for the replica (``--hostile``): what a crawler running for years meets sooner or later.

Every page lives under the article namespace ``/web/neoportal/-/hostile-<name>`` (so a crawler of the portal treats
it as an article and fetches it) except the page of 50,000 links, ``/web/neoportal/hostile-links``. They are reached
only through a block of links the home page gets in hostile mode, plus off-site entries added to the sitemap.

Groups (``--hostile input,redirects,scope``; ``--hostile`` alone means all):

input
    gzip, deflate and brotli decompression bombs (a few MB on the wire, ``bomb_bytes`` of zeros decompressed, built
    while they are sent, never held decompressed), a 30 MB page (streamed), 100,000-deep nesting, 50,000 links on
    one page, a 10,000-character URL, binary bytes labelled text/html, bytes invalid in the declared UTF-8, an empty
    200, and an article with ``<script>`` injected into its title, a caption and its body.
redirects
    A redirect loop (a → b → a) and a chain of ``chain_hops`` redirects ending at a real page.
charsets
    Articles whose charset is given only by a ``<meta>`` tag, only by a byte-order mark, wrongly by the HTTP header,
    or nowhere (replica/charsets.py).
scope
    Redirects from in-scope URLs to another host, to the site's host on another port, to ``localhost``, to a private
    address, to ``file:``, ``ftp:`` and ``data:`` URLs; an article whose attachment, image and links are off-site;
    off-site sitemap entries. Off-site URLs point at ``offsite_host_url`` / ``offsite_port_url`` (a canary server in
    the tests, which must receive nothing).
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from html import escape
from urllib.parse import urlsplit

from dvscrape.replica import charsets
from dvscrape.replica.bombs import brotli_bomb, deflate_bomb, gzip_bomb
from dvscrape.replica.model import Article
from dvscrape.replica.responses import AnyResponse, Response, StreamedResponse

GROUPS: frozenset[str] = frozenset({"input", "redirects", "scope", "charsets"})
ARTICLE_PREFIX = "/web/neoportal/-/hostile-"
LINKS_PATH = "/web/neoportal/hostile-links"
HTML = "text/html;charset=UTF-8"
TITLE_MARK = "HOSTILEMARK"
FILL_MARK = "HOSTILEFILL"
SCRIPT_TITLE = '<script>alert("title")</script><img src="x" onerror="alert(1)">Tiêm mã vào tiêu đề'
SCRIPT_CAPTION = '<script>alert("caption")</script><svg onload="alert(2)"></svg>'
SCRIPT_BODY = (
    '<p>Đoạn mở đầu.<script>document.write("<p>injected</p>")</script></p>\n'
    '<p><iframe src="javascript:alert(3)"></iframe><a href="javascript:alert(4)">bấm vào đây</a></p>\n'
)
INVALID_UTF8 = b"Ti\xeau \xff\xfe \xc0\xaf \xed\xa0\x80 \x80\x80 cu\xe1\xbb\xa7a \xe1\xbb"


@dataclass(frozen=True)
class HostileConfig:
    """Which hostile pages are served and how big they are."""

    groups: frozenset[str] = GROUPS
    offsite_host_url: str = "http://offsite.invalid"
    """Base URL of another host (a canary server in the tests)."""
    offsite_port_url: str = "http://127.0.0.1:9"
    """Base URL of the replica's host name on another port (a canary server in the tests)."""
    bomb_bytes: int = 2 << 30
    huge_page_bytes: int = 30_000_000
    nesting_depth: int = 100_000
    link_count: int = 50_000
    long_url_chars: int = 10_000
    chain_hops: int = 30
    private_url: str = "http://10.0.0.1/private"

    @staticmethod
    def parse_groups(text: str) -> frozenset[str]:
        """``"all"`` or a comma list of groups."""
        names = {part.strip() for part in text.split(",") if part.strip()}
        if not names or names == {"all"}:
            return GROUPS
        unknown = names - GROUPS
        if unknown:
            raise ValueError(f"unknown hostile groups {sorted(unknown)}; choose from {sorted(GROUPS)} or all")
        return frozenset(names)

    def long_name(self) -> str:
        """The name of the page with the very long URL (its path is about ``long_url_chars`` long)."""
        return "long-" + "x" * max(1, self.long_url_chars - len(ARTICLE_PREFIX) - 5)

    def entry_paths(self) -> dict[str, str]:
        """Name → path of every hostile page a crawler reaches from the home page (one per expected outcome)."""
        names: list[str] = []
        if "input" in self.groups:
            names += [
                "gzip-bomb",
                "deflate-bomb",
                "brotli-bomb",
                "huge-page",
                "deep-nesting",
                self.long_name(),
                "binary",
                "invalid-utf8",
                "empty",
                "script-injection",
            ]
        if "redirects" in self.groups:
            names += ["loop-a", "chain-1"]
        if "scope" in self.groups:
            names += [f"redirect-{kind}" for kind in self.offsite_redirects()] + ["offsite-attachment"]
        if "charsets" in self.groups:
            names += [f"charset-{kind}" for kind in charsets.KINDS]
        paths = {name if not name.startswith("long-") else "long-url": ARTICLE_PREFIX + name for name in names}
        if "input" in self.groups:
            paths["links"] = LINKS_PATH
        return paths

    def offsite_redirects(self) -> dict[str, str]:
        """Kind → where the in-scope ``redirect-<kind>`` page sends the client."""
        port = urlsplit(self.offsite_port_url).port or 80
        payload = base64.b64encode(b"<script>alert('data')</script>").decode()
        return {
            "other-host": f"{self.offsite_host_url}/redirected/other-host",
            "other-port": f"{self.offsite_port_url}/web/neoportal/-/redirected-other-port",
            "localhost": f"http://localhost:{port}/web/neoportal/-/redirected-localhost",
            "credentials": f"http://user:secret@{urlsplit(self.offsite_host_url).netloc}/redirected/credentials",
            "private": self.private_url,
            "file": "file:///etc/passwd",
            "ftp": f"ftp://{urlsplit(self.offsite_port_url).hostname}:{port}/redirected/ftp",
            "data": f"data:text/html;base64,{payload}",
        }

    def offsite_links(self) -> tuple[str, ...]:
        """Off-site URLs the home page, the links page and the sitemap list."""
        return (
            f"{self.offsite_host_url}/linked/from-home",
            f"{self.offsite_port_url}/web/neoportal/-/linked-other-port",
            f"{self.offsite_port_url}/documents/10180/0/linked.pdf",
        )

    def sitemap_urls(self) -> tuple[str, ...]:
        """Off-site ``<loc>`` entries of the sitemap (urls, then a nested sitemap)."""
        return (
            f"{self.offsite_host_url}/web/neoportal/-/from-sitemap",
            f"{self.offsite_port_url}/web/neoportal/-/from-sitemap-other-port",
            f"{self.offsite_port_url}/sitemap-nested.xml",
        )


def noise(seed: str, size: int) -> bytes:
    """Deterministic binary bytes (NULs and all)."""
    blocks = (hashlib.sha256(f"{seed}:{n}".encode()).digest() for n in range(-(-size // 32)))
    return b"".join(blocks)[:size]


@dataclass
class _Caches:
    brotli: dict[int, bytes] = field(default_factory=dict)


class HostilePages:
    """Answers the hostile URLs; everything else falls through to the normal replica (``respond`` returns None).

    ``render_article(article, target, host)`` is the replica's own article page renderer, so the hostile articles
    carry the portal's real markup around their hostile part.
    """

    def __init__(
        self, config: HostileConfig, base: Article, render_article: Callable[[Article, str, str], bytes]
    ) -> None:
        self.config = config
        self.base = base
        self._render = render_article
        self._lock = threading.Lock()
        self._caches = _Caches()
        self._hits: Counter[str] = Counter()

    def stats(self) -> dict[str, object]:
        """Requests per hostile page name, and the entry paths."""
        with self._lock:
            hits = dict(sorted(self._hits.items()))
        return {"hits": hits, "entry_paths": self.config.entry_paths()}

    # --- decoration of normal pages ---------------------------------------------------------------------------

    def home_links(self, host: str) -> bytes:
        """The block of links the home page carries in hostile mode (inserted before ``</body>``)."""
        items = [
            f'<li><a href="{escape(path)}">{escape(name)}</a></li>' for name, path in self.config.entry_paths().items()
        ]
        if "scope" in self.config.groups:
            items += [f'<li><a href="{escape(url)}">ngoài trang</a></li>' for url in self.config.offsite_links()]
            items.append(f'<li><img src="{escape(self.config.offsite_host_url)}/image/offsite.png" alt="" /></li>')
        return ('<div class="hostile-links"><ul>' + "".join(items) + "</ul></div>\n").encode("utf-8")

    def decorate_home(self, page: bytes, host: str) -> bytes:
        """The home page with the hostile links block."""
        head, sep, tail = page.rpartition(b"</body>")
        return head + self.home_links(host) + sep + tail if sep else page + self.home_links(host)

    def decorate_sitemap(self, xml: bytes) -> bytes:
        """The sitemap with off-site entries (scope group only)."""
        if "scope" not in self.config.groups:
            return xml
        *pages, nested = self.config.sitemap_urls()
        entries = "".join(f"<url><loc>{escape(url)}</loc></url>\n" for url in pages)
        entries += f"<sitemap><loc>{escape(nested)}</loc></sitemap>\n"
        head, sep, tail = xml.rpartition(b"</urlset>")
        return head + entries.encode("utf-8") + sep + tail if sep else xml

    # --- the hostile pages -----------------------------------------------------------------------------------

    def respond(self, target: str, host: str) -> AnyResponse | None:
        """The hostile response for ``target``, or None when it is not a hostile URL (or its group is off)."""
        path = urlsplit(target).path
        groups = self.config.groups
        if path == LINKS_PATH and "input" in groups:
            self._count("links")
            return Response(200, (("Content-Type", HTML),), self._links_page())
        if not path.startswith(ARTICLE_PREFIX):
            return None
        name = path[len(ARTICLE_PREFIX) :]
        response: AnyResponse | None = None
        if "input" in groups:
            response = self._input(name, target, host)
        if response is None and "redirects" in groups:
            response = self._redirects(name, target, host)
        if response is None and "scope" in groups:
            response = self._scope(name, target, host)
        if response is None and "charsets" in groups and name.removeprefix("charset-") in charsets.KINDS:
            kind = name.removeprefix("charset-")
            page = self._page(name, target, host, title=charsets.title(kind), body_html=charsets.body_html(
                self.base.body_html))  # fmt: skip
            response = Response(200, *charsets.encoded(kind, page))
        if response is not None:
            self._count("long-url" if name.startswith("long-") else name)
        return response

    def _count(self, name: str) -> None:
        with self._lock:
            self._hits[name] += 1

    def _article(self, name: str, title: str, body_html: str) -> Article:
        return replace(self.base, url_title="hostile-" + name, title=title, body_html=body_html, related=())

    def _page(self, name: str, target: str, host: str, *, title: str = "", body_html: str | None = None) -> bytes:
        article = self._article(name, title or f"Trang thử nghiệm {name[:40]}", body_html or self.base.body_html)
        return self._render(article, target, host)

    def _input(self, name: str, target: str, host: str) -> AnyResponse | None:
        config = self.config
        if name in ("gzip-bomb", "deflate-bomb"):
            length, chunks = (gzip_bomb if name == "gzip-bomb" else deflate_bomb)(config.bomb_bytes)
            encoding = "gzip" if name == "gzip-bomb" else "deflate"
            return StreamedResponse(200, (("Content-Type", HTML), ("Content-Encoding", encoding)), length, chunks)
        if name == "brotli-bomb":
            with self._lock:
                body = self._caches.brotli.get(config.bomb_bytes)
            if body is None:
                body = brotli_bomb(config.bomb_bytes)
                with self._lock:
                    self._caches.brotli[config.bomb_bytes] = body
            return Response(200, (("Content-Type", HTML), ("Content-Encoding", "br")), body)
        if name == "huge-page":
            return self._huge_page(target, host)
        if name == "deep-nesting":
            depth = config.nesting_depth
            nested = self.base.body_html + "<div>" * depth + "<p>Rất sâu.</p>" + "</div>" * depth
            return Response(200, (("Content-Type", HTML),), self._page(name, target, host, body_html=nested))
        if name.startswith("long-") and name == config.long_name():
            return Response(200, (("Content-Type", HTML),), self._page("long-url", target, host))
        if name == "binary":
            return Response(200, (("Content-Type", HTML),), noise("binary", 200_000))
        if name == "invalid-utf8":
            page = self._page(
                name,
                target,
                host,
                title=f"Tiêu đề {TITLE_MARK}",
                body_html=f"<p>Đoạn {FILL_MARK} hỏng.</p>\n" + self.base.body_html,
            )
            page = page.replace(TITLE_MARK.encode(), INVALID_UTF8).replace(FILL_MARK.encode(), INVALID_UTF8)
            return Response(200, (("Content-Type", HTML),), page)
        if name == "empty":
            return Response(200, (("Content-Type", HTML),), b"")
        if name == "script-injection":
            return Response(200, (("Content-Type", HTML),), self._script_page(target, host))
        return None

    def _script_page(self, target: str, host: str) -> bytes:
        body = SCRIPT_BODY + self.base.body_html
        if self.base.figures:
            caption = escape(self.base.figures[0].caption, quote=False)
            body = body.replace(caption, caption + FILL_MARK, 1)
        page = self._page("script-injection", target, host, title=f"Tiêu đề {TITLE_MARK}", body_html=body)
        return page.replace(TITLE_MARK.encode(), SCRIPT_TITLE.encode()).replace(
            FILL_MARK.encode(), SCRIPT_CAPTION.encode()
        )

    def _huge_page(self, target: str, host: str) -> StreamedResponse:
        page = self._page("huge-page", target, host, body_html=self.base.body_html + f"\n<p>{FILL_MARK}</p>\n")
        head, _, tail = page.partition(FILL_MARK.encode())
        unit = (
            "Đoạn văn rất dài của một trang khổng lồ, lặp lại cho đến khi trang nặng ba mươi megabyte. " * 8
            + "</p>\n<p>"
        ).encode("utf-8")
        fill = max(0, self.config.huge_page_bytes - len(head) - len(tail))
        units, spaces = divmod(fill, len(unit))

        def chunks() -> Iterator[bytes]:
            yield head
            block = unit * 256
            whole, rest = divmod(units, 256)
            for _ in range(whole):
                yield block
            yield unit * rest + b" " * spaces
            yield tail

        return StreamedResponse(200, (("Content-Type", HTML),), len(head) + fill + len(tail), chunks)

    def _links_page(self) -> bytes:
        articles = [f"/web/neoportal/-/{title}" for title in (self.base.url_title,)]
        items = [
            f'<a href="{articles[n % len(articles)]}?n={n}">liên kết {n}</a>\n' for n in range(self.config.link_count)
        ]
        if "scope" in self.config.groups:
            items += [f'<a href="{escape(url)}">ngoài trang</a>\n' for url in self.config.offsite_links()]
        return (
            "<!DOCTYPE html><html><head><title>Liên kết</title></head><body>\n" + "".join(items) + "</body></html>\n"
        ).encode("utf-8")

    def _redirects(self, name: str, target: str, host: str) -> AnyResponse | None:
        hops = self.config.chain_hops
        if name in ("loop-a", "loop-b"):
            return _redirect(host + ARTICLE_PREFIX + ("loop-b" if name == "loop-a" else "loop-a"))
        if name.startswith("chain-") and name[6:].isdigit() and 1 <= int(name[6:]) <= hops:
            number = int(name[6:])
            following = f"chain-{number + 1}" if number < hops else "chain-end"
            return _redirect(host + ARTICLE_PREFIX + following)
        if name == "chain-end":
            return Response(200, (("Content-Type", HTML),), self._page(name, target, host))
        return None

    def _scope(self, name: str, target: str, host: str) -> AnyResponse | None:
        redirects = self.config.offsite_redirects()
        if name.startswith("redirect-") and name[9:] in redirects:
            return _redirect(redirects[name[9:]])
        if name == "offsite-attachment":
            config = self.config
            body = (
                self.base.body_html + f'\n<p>Tải văn bản: <a href="{escape(config.offsite_port_url)}/documents/10180/0/'
                'offsite-attachment.pdf">offsite-attachment.pdf</a></p>\n'
                + f'<p>Tải thêm: <a href="{escape(config.offsite_host_url)}/documents/10180/0/other-host.docx">'
                "other-host.docx</a></p>\n"
                + f'<p style="text-align: center;"><img alt="" src="{escape(config.offsite_host_url)}/image/journal/'
                'article?img_id=1" /></p>\n'
            )
            return Response(200, (("Content-Type", HTML),), self._page(name, target, host, body_html=body))
        return None


def _redirect(location: str) -> Response:
    return Response(302, (("Location", location), ("Content-Type", HTML)), b"")
