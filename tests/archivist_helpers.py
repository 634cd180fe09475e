"""Building small archives for the archivist tests (search, history, verify, WACZ, re-extraction) without a crawl:
Liferay-like article pages written to WARC with WarcWriter, recorded as captures and extracted with extract_page,
as the crawl's pipeline does."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dvscrape.archive.db import Archive
from dvscrape.archive.records import Capture
from dvscrape.pages import Article, extract_page
from dvscrape.pages.finish import normalise_article
from dvscrape.sites import get_profile
from dvscrape.sites.urls import canonicalize
from dvscrape.warc.model import HttpExchange
from dvscrape.warc.writer import WarcWriter

BASE_URL = "http://127.0.0.1:8123"
START = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class PageSpec:
    """One synthetic article page."""

    slug: str
    title: str
    paragraphs: tuple[str, ...]
    published: str = "15/02/2024"
    category: str = "Tin tức sự kiện"
    signature: str = "Minh Anh"
    image: str = ""
    caption: str = ""


SPECS: tuple[PageSpec, ...] = (
    PageSpec(
        "ban-dan-van",
        "Ban Dân vận Quận ủy Tân Bình tổng kết công tác năm 2023",
        (
            "Sáng ngày 15 tháng 2, Ban Dân vận Quận ủy quận Tân Bình tổ chức hội nghị tổng kết công tác dân vận "
            "năm 2023 và triển khai nhiệm vụ năm 2024 với sự tham dự của đại diện các phường.",
            "Phát biểu tại hội nghị, đồng chí Trưởng ban nhấn mạnh vai trò của công tác dân vận chính quyền "
            "trong việc giải quyết kịp thời các kiến nghị của người dân trên địa bàn quận.",
        ),
        image="/documents/10180/0/hoi-nghi.jpg",
        caption="Quang cảnh hội nghị tổng kết",
    ),
    PageSpec(
        "phuong-dong-hung",
        "Phường Đông Hưng dẫn đầu phong trào thi đua",
        (
            "Trong năm qua, Ủy ban nhân dân phường đã dẫn đầu phong trào thi đua xây dựng đô thị văn minh, "
            "phối hợp với các đoàn thể vận động người dân giữ gìn vệ sinh môi trường và trật tự lòng lề đường.",
            "Kết quả này được Ủy ban nhân dân quận ghi nhận và biểu dương tại hội nghị sơ kết quý.",
        ),
        published="20/01/2024",
        category="Kinh tế xã hội",
    ),
    PageSpec(
        "cai-cach-hanh-chinh",
        "Đẩy mạnh cải cách hành chính, nâng cao chỉ số hài lòng",
        (
            "Quận Tân Bình tiếp tục đẩy mạnh cải cách thủ tục hành chính, ứng dụng công nghệ thông tin trong "
            "tiếp nhận và giải quyết hồ sơ của người dân và doanh nghiệp tại bộ phận một cửa.",
            "Tỷ lệ hồ sơ giải quyết đúng hạn đạt trên chín mươi tám phần trăm, chỉ số hài lòng tăng so với "
            "cùng kỳ năm trước.",
        ),
        published="05/12/2023",
        category="Cải cách hành chính",
        signature="Thanh Tùng",
    ),
)


def article_html(spec: PageSpec) -> str:
    """A Liferay 6.2 Asset Publisher full-content page for *spec*."""
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in spec.paragraphs)
    figure = ""
    if spec.image:
        figure = (
            f'<p style="text-align:center"><img src="{spec.image}" alt=""/></p>'
            f'<p style="text-align:center"><em>{html.escape(spec.caption)}</em></p>'
        )
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"/>
<title>{html.escape(spec.title)} - Cổng thông tin điện tử quận Tân Bình</title></head><body>
<div id="wrapper"><div id="content"><div id="main-content"><div id="column-1">
<div class="portlet-boundary portlet-asset-publisher" id="p_p_id_101_INSTANCE_abcd_">
<div class="portlet-body"><div class="asset-full-content">
<div class="taglib-header"><h3 class="header-title"><span>{html.escape(spec.title)}</span></h3></div>
<div class="asset-metadata"><span class="metadata-entry metadata-publish-date">{spec.published}</span></div>
<div class="asset-content"><div class="journal-content-article">{paragraphs}{figure}
<p style="text-align:right"><strong>{html.escape(spec.signature)}</strong></p></div></div>
<div class="asset-categories"><a href="/web/neoportal/tin-tuc">{html.escape(spec.category)}</a></div>
</div></div></div></div></div></div></div></body></html>"""


def exchange(url: str, body: bytes, moment: datetime, content_type: str = "text/html; charset=utf-8") -> HttpExchange:
    """A GET of *url* answered 200 with *body*."""
    return HttpExchange(
        url=url,
        method="GET",
        request_headers=(("User-Agent", "dvscrape-test"),),
        request_body=b"",
        protocol="HTTP/1.1",
        status=200,
        reason="OK",
        response_headers=(("Content-Type", content_type), ("Content-Length", str(len(body)))),
        response_body=body,
        fetched_at=moment,
    )


def normalised(article: Article) -> Article:
    """The article normalised again (idempotent: extract_page already normalised it), for reextract's step."""
    return normalise_article(article)


@dataclass
class ArchiveBuilder:
    """Writes captures and articles into an archive the way a crawl does."""

    directory: Path
    base_url: str = BASE_URL

    def __post_init__(self) -> None:
        self.archive = Archive.open(self.directory)
        self.crawl_id = self.archive.begin_crawl("tanbinh", self.base_url, {})
        self.writer = WarcWriter(self.archive.warc_dir, prefix="dvscrape-tanbinh", warcinfo={"isPartOf": "test"})
        self.profile = get_profile("tanbinh", self.base_url)
        self.moment = START

    def url(self, slug: str) -> str:
        """The URL the article page of *slug* is fetched from (on the builder's base URL)."""
        return f"{self.base_url}/web/neoportal/-/{slug}"

    def canonical(self, slug: str) -> str:
        """The canonical URL of *slug*'s article (on the site's own address): its key in ``articles``."""
        return canonicalize(self.url(slug), self.profile)

    def capture(self, url: str, body: bytes, kind: str, content_type: str = "text/html; charset=utf-8") -> int:
        """Write one exchange and record its capture; return the capture id."""
        self.moment += timedelta(minutes=1)
        location = self.writer.write_exchange(exchange(url, body, self.moment, content_type))
        return self.archive.record_capture(
            Capture(
                crawl_id=self.crawl_id,
                url=url,
                canonical_url=canonicalize(url, self.profile) or url,
                kind=kind,
                status=200,
                content_type=content_type,
                fetched_at=self.moment.isoformat(timespec="seconds"),
                content_length=len(body),
                location=location,
            )
        )

    def add_page(self, spec: PageSpec) -> Article:
        """Capture the article page of *spec*, extract and store the article as the pipeline does."""
        url = self.url(spec.slug)
        body = article_html(spec).encode("utf-8")
        capture_id = self.capture(url, body, "article")
        result = extract_page(url, body, self.profile)
        assert isinstance(result, Article), result
        article = result
        self.archive.save_article(article, capture_id=capture_id, seen_at=self.moment.isoformat(timespec="seconds"))
        return article

    def close(self) -> None:
        """Close the WARC writer, finish the crawl and close the archive."""
        self.writer.close()
        self.archive.finish_crawl(self.crawl_id, "success", {})
        self.archive.close()


def build_archive(directory: Path, specs: tuple[PageSpec, ...] = SPECS) -> Path:
    """An archive holding *specs* (and a sitemap and an image capture); return its folder."""
    builder = ArchiveBuilder(directory)
    for spec in specs:
        builder.add_page(spec)
    builder.capture(f"{BASE_URL}/documents/10180/0/hoi-nghi.jpg", b"\xff\xd8\xff\xe0fakejpeg", "media", "image/jpeg")
    builder.close()
    return directory
