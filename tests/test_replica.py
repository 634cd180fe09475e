"""The replica portal: served as a subprocess on port 0, checked for markup, pagination, traps and HTTP behaviour."""

from __future__ import annotations

import gzip
import http.client
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator, Mapping
from html import unescape
from urllib.parse import quote, urljoin, urlsplit

import lxml.html
import pytest

from dvscrape.replica import build_corpus, start_replica
from dvscrape.replica.content import CATEGORIES
from dvscrape.replica.model import Corpus
from dvscrape.replica.seed import SEED_TITLE, SEED_URL_TITLE, parse_seed, read_seed_text
from tests.conftest import CLI

SEED = 2023
ARTICLES = 200
SLOW_DELAY = 0.3
SEED_PATH = f"/web/neoportal/-/{SEED_URL_TITLE}"
READY = re.compile(r"^Replica portal serving at (http://127\.0\.0\.1:\d+/)$")


class Reply:
    """One HTTP exchange's result."""

    def __init__(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def fetch(base: str, target: str, headers: Mapping[str, str] | None = None) -> Reply:
    """GET ``target`` (path and query, or an absolute URL on the replica) with exactly the given headers."""
    parts = urlsplit(urljoin(base, target))
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=dict(headers or {}))
        response = connection.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def hrefs(html: str) -> list[str]:
    """Every href (and img src) of a page, HTML-unescaped."""
    return [unescape(href) for href in re.findall(r'(?:href|src)="([^"]*)"', html)]


def text_of(html: str) -> str:
    """The page's text with whitespace collapsed."""
    return " ".join(lxml.html.fromstring(html).text_content().split())


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return build_corpus(seed=SEED, n_articles=ARTICLES)


@pytest.fixture(scope="module")
def replica() -> Iterator[str]:
    command = [*CLI, "replica", "--port", "0", "--articles", str(ARTICLES)]
    command += ["--seed", str(SEED), "--slow-delay", str(SLOW_DELAY)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline().rstrip("\n")
    match = READY.match(line)
    assert match, f"unexpected first line {line!r}"
    yield match.group(1)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    assert process.stdout.read() == ""  # exactly one line was printed


def test_seed_article_has_the_real_text_in_order(replica: str) -> None:
    seed = parse_seed(read_seed_text())
    redirect = quote("/en_US/web/neoportal/trang-chu", safe="")
    reply = fetch(replica, f"/en_US{SEED_PATH}?inheritRedirect=true&redirect={redirect}")
    assert reply.status == 200
    assert reply.headers["content-type"] == "text/html;charset=UTF-8"
    text = text_of(reply.text)
    expected = [
        seed.banner,
        "Tin tức nổi bật Tin tức nổi bật",
        "Danh mục Danh mục",
        "Back " + SEED_TITLE,
        *(" ".join(part[1:]) if part[0] == "p" else part[1] for part in seed.body),
        seed.signature,
        "TIN TỨC MEDIA TIN TỨC MEDIA",
    ]
    position = 0
    for piece in expected:
        found = text.find(piece, position)
        assert found >= 0, f"missing or out of order: {piece[:60]!r}"
        position = found + len(piece)


def test_seed_article_markup_is_liferay_core(replica: str) -> None:
    redirect = "/en_US/web/neoportal/trang-chu"
    reply = fetch(replica, f"/en_US{SEED_PATH}?inheritRedirect=true&redirect={quote(redirect, safe='')}")
    doc = lxml.html.fromstring(reply.text)
    boundary = doc.xpath("//div[@id='p_p_id_101_INSTANCE_u4WITwIcfjPS_']")
    assert boundary and "portlet-boundary" in boundary[0].get("class")
    topper = doc.xpath("//section[@class='portlet']/header[@class='portlet-topper']/h1[@class='portlet-title']")
    titles = [" ".join(h1.text_content().split()) for h1 in topper]
    assert "Tin tức nổi bật Tin tức nổi bật" in titles
    assert doc.xpath("//h1/span/span[@class='taglib-text hide-accessible']")
    assert doc.xpath("//section/div[@class='portlet-content']/div[@class='portlet-body']")
    back = doc.xpath(
        "//div[contains(@class,'taglib-header')]/span[@class='header-back-to']/a/span[@class='helper-hidden-accessible']"
    )
    assert [span.text.strip() for span in back] == ["Back"]
    assert back[0].getparent().get("href") == redirect
    assert doc.xpath("string(//h3[@class='header-title']/span)").strip() == SEED_TITLE
    body = doc.xpath(
        "//div[contains(@class,'asset-full-content')]/div[@class='asset-content']/div[@class='journal-content-article']"
    )
    assert len(body) == 1
    assert "Phường 1<br />\nbáo cáo tham luận" in reply.text
    assert body[0].xpath("p[last()][@style='text-align: right;']/strong")[0].text == "BAN DÂN VẬN QUẬN ỦY."
    assert doc.xpath("//div[contains(@class,'taglib-social-bookmarks')]")
    assert doc.xpath("string(//span[@class='metadata-entry metadata-publish-date'])") == "24/03/2023"
    assert doc.xpath("//span[@class='metadata-entry metadata-view-count']")
    assert doc.findtext(".//title").endswith(" - Tin tức sự kiện - Cổng thông tin điện tử Quận Tân Bình")
    canonical = doc.xpath("//link[@rel='canonical']/@href")[0]
    assert canonical == f"{replica.rstrip('/')}{SEED_PATH}?inheritRedirect=true"
    alternates = set(doc.xpath("//link[@rel='alternate']/@hreflang"))
    assert {"en-US", "vi-VN"} <= alternates


def test_default_locale_is_vietnamese(replica: str, corpus: Corpus) -> None:
    article = corpus.articles[3]
    reply = fetch(replica, f"{article.path}?inheritRedirect=true&redirect=%2F")
    back = lxml.html.fromstring(reply.text).xpath("//span[@class='helper-hidden-accessible']")
    assert [span.text.strip() for span in back] == ["Quay lại"]
    no_redirect = fetch(replica, article.path).text
    assert "header-back-to" not in no_redirect and "header-title" in no_redirect


def test_pagination_reaches_every_article(replica: str, corpus: Corpus) -> None:
    for category in CATEGORIES:
        expected = [article.url_title for article in corpus.in_category(category.path)]
        seen: list[str] = []
        target: str | None = f"/en_US{category.path}"
        pages = 0
        while target:
            html = fetch(replica, target).text
            pages += 1
            links = [h for h in hrefs(html) if "/web/neoportal/-/" in h and "inheritRedirect=true&redirect=" in h]
            page_titles = [urlsplit(link).path.rsplit("/", 1)[-1] for link in links]
            seen.extend(t for t in dict.fromkeys(page_titles) if t not in seen and t in expected)
            if pages == 1 and len(expected) > 20:
                assert f"Showing 1 - 20 of {len(expected)} results." in html
                assert '<a href="javascript:;" target="_self">&larr; First</a>' in html
            next_link = re.search(r'<li class="">\n<a href="([^"]+)" target="_self">Next</a>', html)
            target = unescape(next_link.group(1)) if next_link else None
        assert seen == expected, category.path
        assert pages == -(-len(expected) // 20)


def test_page_links_have_the_liferay_parameters(replica: str) -> None:
    category = CATEGORIES[1]
    html = fetch(replica, category.path).text
    ns = category.portlet_id
    expected = (
        f"{category.path}?p_p_id={ns}&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view&p_p_col_id=column-1"
        f"&p_p_col_count=1&_{ns}_cur=2&_{ns}_resetCur=false"
    )
    assert expected in hrefs(html)
    assert 'ul class="title-list"' in html
    abstracts = fetch(replica, CATEGORIES[0].path).text
    assert 'class="asset-abstract' in abstracts and "Xem thêm" in abstracts


TRAP_PATTERNS = {
    "redirect": r"[?&]redirect=%2F",
    "locale": r"^/(en|vi)(_[A-Z]{2})?/web/neoportal/",
    "asset_publisher": r"/-/asset_publisher/\w+/content/[a-z0-9-]+\?",
    "asset_entry_id": r"/-/asset_publisher/\w+/content/id/\d+",
    "maximized": r"p_p_state=maximized",
    "print": r"_viewMode=print",
    "login": r"_58_struts_action=%2Flogin%2Fopen_id",
    "sign_in": r"^/c/portal/login",
    "language": r"p_p_id=82&p_p_lifecycle=1.*p_auth=",
    "search": r"p_p_id=3&.*_3_keywords=",
    "calendar": r"^/web/neoportal/lich-cong-tac\?p_p_id=8&.*_8_month=",
    "action": r"p_p_lifecycle=1&.*p_auth=\w+",
    "off_site": r"^https://hochiminhcity\.gov\.vn",
    "facebook_share": r"facebook\.com/sharer\.php\?u=",
    "dead_article": r"^/web/neoportal/-/thong-bao-lich-tiep-cong-dan",
    "image": r"^/documents/\d+/\d+/[^/]+/[0-9a-f-]{36}\?t=\d+$",
}


def test_every_trap_family_is_linked(replica: str, corpus: Corpus) -> None:
    related = next(article for article in corpus.articles if article.related)
    targets = ["/web/neoportal/trang-chu", "/web/neoportal/lich-cong-tac", SEED_PATH, related.path, CATEGORIES[0].path]
    links = [link for target in targets for link in hrefs(fetch(replica, target).text)]
    for family, pattern in TRAP_PATTERNS.items():
        assert any(re.search(pattern, link) for link in links), family


def test_trap_urls_answer_and_are_counted(replica: str) -> None:
    before = fetch(replica, "/__replica__/stats").text
    assert '"trap_families"' in before
    calendar_page = fetch(replica, "/web/neoportal/lich-cong-tac").text
    next_month = next(h for h in hrefs(calendar_page) if "_8_month=6" in h)
    assert fetch(replica, next_month).status == 200
    assert fetch(replica, f"/vi/web/neoportal/-/{SEED_URL_TITLE}").status == 200
    stats = fetch(replica, "/__replica__/stats").text
    assert re.search(r'"calendar": \d+', stats) and re.search(r'"locale": \d+', stats)


def test_sitemap_and_robots(replica: str, corpus: Corpus) -> None:
    robots = fetch(replica, "/robots.txt")
    assert robots.status == 200 and "Disallow:\n" in robots.text
    assert f"Sitemap: {replica}sitemap.xml" in robots.text
    root = ElementTree.fromstring(fetch(replica, "/sitemap.xml").body)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locations = {url.findtext("s:loc", namespaces=ns): url for url in root.findall("s:url", ns)}
    for article in corpus.articles:
        entry = locations[replica.rstrip("/") + article.path]
        assert entry.findtext("s:lastmod", namespaces=ns)
        assert len(entry.findall("x:link", ns)) == 3


def test_gzip_etag_and_304(replica: str) -> None:
    plain = fetch(replica, SEED_PATH)
    zipped = fetch(replica, SEED_PATH, {"Accept-Encoding": "gzip, deflate"})
    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert int(zipped.headers["content-length"]) == len(zipped.body)
    unzipped = gzip.decompress(zipped.body).decode("utf-8")
    views = re.compile(r'metadata-view-count">([\d.]+) ')
    assert views.sub("", unzipped) == views.sub("", plain.text)
    assert views.search(unzipped).group(1) != views.search(plain.text).group(1)  # type: ignore[union-attr]
    etag = plain.headers["etag"]
    assert zipped.headers["etag"] == etag
    again = fetch(replica, SEED_PATH, {"If-None-Match": etag})
    assert again.status == 304 and again.body == b"" and again.headers["etag"] == etag
    since = fetch(replica, SEED_PATH, {"If-Modified-Since": plain.headers["last-modified"]})
    assert since.status == 304
    assert fetch(replica, SEED_PATH, {"If-None-Match": '"other"'}).status == 200


def test_keep_alive_serves_many_requests_on_one_connection(replica: str, corpus: Corpus) -> None:
    parts = urlsplit(replica)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        for article in corpus.articles[:10]:
            connection.request("GET", article.path, headers={"Accept-Encoding": "gzip"})
            response = connection.getresponse()
            body = response.read()
            assert response.status == 200 and len(body) == int(response.getheader("Content-Length") or -1)
    finally:
        connection.close()


def test_flaky_page_fails_once_then_works(replica: str, corpus: Corpus) -> None:
    path = f"/web/neoportal/-/{corpus.flaky_url_title}"
    assert fetch(replica, path).status == 500
    assert fetch(replica, path).status == 200


def test_slow_page_and_dead_links(replica: str, corpus: Corpus) -> None:
    started = time.monotonic()
    assert fetch(replica, f"/web/neoportal/-/{corpus.slow_url_title}").status == 200
    assert time.monotonic() - started >= SLOW_DELAY
    assert fetch(replica, f"/web/neoportal/-/{corpus.dead_url_titles[0]}").status == 404


def test_media_files_are_valid(replica: str, corpus: Corpus) -> None:
    seed_article = corpus.article(SEED_URL_TITLE)
    assert seed_article is not None
    image = fetch(replica, seed_article.figures[0].image_path)
    assert image.status == 200 and image.headers["content-type"] == "image/jpeg"
    assert image.body.startswith(b"\xff\xd8") and image.body.endswith(b"\xff\xd9")
    with_pdf = next(a for a in corpus.articles if any(x.content_type == "application/pdf" for x in a.attachments))
    pdf = next(x for x in with_pdf.attachments if x.content_type == "application/pdf")
    document = fetch(replica, pdf.path)
    assert document.status == 200 and document.body.startswith(b"%PDF-1.") and b"%%EOF" in document.body[-16:]


def test_without_the_test_libraries_every_attachment_is_a_real_document(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plain install has no reportlab (it is in the test extra): the replica still serves, for every attachment,
    a document the readers read with its heading fields (the committed one of its file type)."""
    from dvscrape.documents.model import DONE
    from dvscrape.documents.reader import read_document
    from dvscrape.replica.documents import CONTENT_TYPES

    monkeypatch.setitem(sys.modules, "reportlab", None)  # import reportlab… raises ImportError
    attachments = {x.content_type: x for article in corpus.articles for x in article.attachments}
    assert {"application/pdf", CONTENT_TYPES[".docx"]} <= set(attachments)
    with start_replica(articles=ARTICLES, seed=SEED) as running:
        for attachment in attachments.values():
            document = fetch(running.url, attachment.path)
            assert document.status == 200 and document.headers["content-type"] == attachment.content_type
            result = read_document(document.body, attachment.filename, ocr=False)
            assert result.status == DONE, (attachment.filename, result.reason)
            assert result.fields.get("number") == "109/KH-UBND", (attachment.filename, result.text[:300])


def test_same_seed_same_bytes_except_view_counter(replica: str) -> None:
    views = re.compile(rb'metadata-view-count">[\d.]+ ')
    with start_replica(articles=ARTICLES, seed=SEED) as other:
        for target in (SEED_PATH, "/web/neoportal/trang-chu", CATEGORIES[2].path + "?p_p_id=x"):
            mine, theirs = (
                fetch(base, target).body.replace(base.encode(), b"HOST/").replace(quote(base, safe="").encode(), b"H")
                for base in (replica, other.url)
            )
            assert views.sub(b"", mine) == views.sub(b"", theirs)


def test_ground_truth_of_the_seed_article(corpus: Corpus) -> None:
    article = corpus.article(SEED_URL_TITLE)
    assert article is not None
    assert article.title == SEED_TITLE and article.category_path == "/web/neoportal/tin-tuc-su-kien"
    assert (article.published.year, article.published.month, article.published.day) == (2023, 3, 24)
    assert len(article.paragraphs) == 5 and article.paragraphs[0].startswith("Ngày 23/3, Ban Dân vận Quận ủy")
    assert [figure.caption for figure in article.figures][:2] == [
        "Toàn cảnh hội nghị",
        "Đồng chí Bùi Hoàng Lộc, Phó Bí thư Thường trực Đảng ủy Phường 1 báo cáo tham luận tại hội nghị",
    ]
    assert article.signature == "BAN DÂN VẬN QUẬN ỦY."


def test_ground_truth_matches_every_body(corpus: Corpus) -> None:
    from dvscrape.replica.legacy import typed

    for article in corpus.articles:
        text = " ".join(lxml.html.fromstring(f"<div>{article.body_html}</div>").text_content().split())

        def shown(truth: str, legacy: str = article.legacy) -> str:  # as typed in the article's legacy encoding
            return typed(truth, legacy) if legacy else truth

        for block in article.blocks:
            for line in block.text.split("\n"):
                assert shown(line) in text, article.url_title
        for figure in article.figures:
            assert shown(figure.caption) in text
            assert figure.image_path.replace("&", "&amp;") in article.body_html
        assert text.endswith(shown(article.signature))


def test_edition_two_adds_edits_and_removes(corpus: Corpus) -> None:
    second = build_corpus(seed=SEED, n_articles=ARTICLES, edition=2)
    titles = {article.url_title for article in second.articles}
    assert second.removed and not titles & set(second.removed)
    assert set(second.added) <= titles and len(second.articles) == len(corpus.articles) + 2
    for url_title in second.edited:
        before, after = corpus.article(url_title), second.article(url_title)
        assert before is not None and after is not None
        assert after.paragraphs != before.paragraphs and after.modified > before.modified
    unchanged = next(a for a in second.articles if a.url_title not in second.edited and a.url_title not in second.added)
    with (
        start_replica(articles=ARTICLES, seed=SEED) as first_site,
        start_replica(articles=ARTICLES, seed=SEED, edition=2) as second_site,
    ):
        assert fetch(second_site.url, f"/web/neoportal/-/{second.removed[0]}").status == 404
        assert fetch(second_site.url, f"/web/neoportal/-/{second.added[0]}").status == 200
        for url_title, expected in ((unchanged.url_title, 304), (second.edited[0], 200)):
            old = fetch(first_site.url, f"/web/neoportal/-/{url_title}")
            validators = {"If-None-Match": old.headers["etag"]}
            assert fetch(second_site.url, f"/web/neoportal/-/{url_title}", validators).status == expected
            validators = {"If-Modified-Since": old.headers["last-modified"]}
            assert fetch(second_site.url, f"/web/neoportal/-/{url_title}", validators).status == expected
