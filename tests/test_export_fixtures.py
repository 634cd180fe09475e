"""A small archive for the export tests, built with the Archive API (no crawl): Vietnamese articles over two years
and three categories, with exact and near duplicates planted on purpose and one article stored in two versions.

Not a test module by itself: the export tests import `build_archive` and the planted ids from here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from pathlib import Path

from dvscrape.archive.db import Archive
from dvscrape.archive.records import Capture
from dvscrape.pages.article import Article, Attachment, Block, Figure
from dvscrape.warc.model import WarcLocation

BASE_URL = "http://127.0.0.1:8123"
CATEGORIES = ("Tin tức - Sự kiện", "Kinh tế - Xã hội", "Cải cách hành chính")
SYLLABLES = (
    "quận",
    "Tân",
    "Bình",
    "phường",
    "ủy",
    "ban",
    "nhân",
    "dân",
    "hội",
    "nghị",
    "tổng",
    "kết",
    "công",
    "tác",
    "năm",
    "người",
    "đồng",
    "chí",
    "chủ",
    "tịch",
    "phó",
    "triển",
    "khai",
    "kế",
    "hoạch",
    "thực",
    "hiện",
    "nhiệm",
    "vụ",
    "trọng",
    "tâm",
    "địa",
    "bàn",
    "cán",
    "bộ",
    "đảng",
    "viên",
    "thanh",
    "niên",
    "phụ",
    "nữ",
    "cựu",
    "chiến",
    "binh",
    "an",
    "ninh",
    "trật",
    "tự",
    "môi",
    "trường",
    "vệ",
    "sinh",
    "giáo",
    "dục",
    "y",
    "tế",
    "văn",
    "hóa",
    "thể",
    "thao",
    "xây",
    "dựng",
    "đô",
    "thị",
    "văn",
    "minh",
    "hành",
    "chính",
    "cải",
    "cách",
    "thủ",
    "tục",
    "hồ",
    "sơ",
    "trực",
    "tuyến",
    "doanh",
    "nghiệp",
    "hộ",
    "kinh",
    "doanh",
    "ngân",
    "sách",
    "thu",
    "chi",
    "đầu",
    "tư",
    "công",
    "trình",
    "khen",
    "thưởng",
    "thi",
    "đua",
    "phong",
    "trào",
    "chăm",
    "lo",
    "gia",
    "đình",
    "chính",
    "sách",
    "khó",
    "khăn",
    "tặng",
    "quà",
    "học",
    "bổng",
    "sinh",
    "viên",
    "trường",
    "học",
    "mầm",
    "non",
    "tiểu",
    "học",
    "trung",
    "cơ",
    "sở",
    "phòng",
    "chống",
    "dịch",
    "bệnh",
    "tiêm",
    "chủng",
    "vắc",
    "xin",
    "hòa",
    "giải",
    "tranh",
    "chấp",
    "đất",
    "đai",
)
PLAIN_ARTICLES = 24
# Planted on purpose (ids are assigned in insertion order, starting at 1):
EXACT_COPY_OF = 3  # article PLAIN_ARTICLES + 1 repeats article 3's body word for word (another URL and title)
NEAR_COPY_OF = 5  # article PLAIN_ARTICLES + 2 is article 5 with a few words changed and a sentence added
TONE_COPY_OF = 7  # article PLAIN_ARTICLES + 3 is article 7 in the other tone-mark style (hoà for hòa ...)
VERSIONED = 2  # article 2 is stored twice: version 2 has a corrected body
EMPTY_BODY = PLAIN_ARTICLES + 4  # a photo-only article: no body text
TOTAL_ARTICLES = PLAIN_ARTICLES + 4
TITLE_OF_FIRST = "Quận Tân Bình tổng kết công tác năm 2023 và triển khai nhiệm vụ trọng tâm năm 2024"


@dataclass(frozen=True)
class Planted:
    """Ids of the planted duplicates in an archive made by build_archive."""

    exact_copy: int = PLAIN_ARTICLES + 1
    near_copy: int = PLAIN_ARTICLES + 2
    tone_copy: int = PLAIN_ARTICLES + 3
    empty_body: int = EMPTY_BODY


def _paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(SYLLABLES) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _article(
    index: int,
    title: str,
    paragraphs: tuple[str, ...],
    *,
    published: str | None,
    category: str,
    figures: int = 1,
    attachments: int = 1,
) -> Article:
    url = f"{BASE_URL}/web/neoportal/-/bai-viet-{index}"
    return Article(
        url=url,
        fetched_url=url,
        locale="vi_VN",
        title=title,
        published=published,
        categories=(category, "Tin hoạt động"),
        blocks=tuple(Block("paragraph", text) for text in paragraphs),
        figures=tuple(
            Figure(f"{BASE_URL}/documents/1/anh-{index}-{n}.jpg", "", f"Quang cảnh hội nghị số {n}")
            for n in range(figures)
        ),
        signature="Phòng Văn hóa và Thông tin",
        attachments=tuple(
            Attachment(f"{BASE_URL}/documents/10181/0/Quyết+định+{index}.pdf/uuid-{index}", "Quyết định", "pdf")
            for _ in range(attachments)
        ),
    )


def _tone_variant(text: str) -> str:
    """The same words in the other tone-mark placement (new style: hoà, thuỷ; here only oà/oá/uỷ)."""
    return text.replace("hòa", "hoà").replace("hóa", "hoá").replace("Hòa", "Hoà").replace("Hóa", "Hoá")


def articles() -> list[Article]:
    """The articles of the test archive, in insertion order."""
    rng = random.Random(7)
    result: list[Article] = []
    bodies: list[tuple[str, ...]] = []
    for index in range(1, PLAIN_ARTICLES + 1):
        paragraphs = tuple(_paragraph(rng, rng.randint(40, 70)) for _ in range(rng.randint(2, 4)))
        if index == TONE_COPY_OF:
            paragraphs = ("Phong trào văn hóa ở phường Hòa Bình được tuyên dương.", *paragraphs)
        bodies.append(paragraphs)
        title = TITLE_OF_FIRST if index == 1 else _paragraph(rng, 12).rstrip(".")
        year = 2023 + (index % 2)
        published = None if index == 11 else f"{year}-{(index % 12) + 1:02d}-{(index % 27) + 1:02d}T08:30:00"
        result.append(
            _article(
                index,
                title,
                paragraphs,
                published=published,
                category=CATEGORIES[index % len(CATEGORIES)],
                figures=index % 3,
                attachments=index % 2,
            )
        )
    exact = bodies[EXACT_COPY_OF - 1]
    result.append(
        _article(
            PLAIN_ARTICLES + 1,
            "Bản đăng lại: " + result[EXACT_COPY_OF - 1].title,
            exact,
            published="2024-06-01",
            category=CATEGORIES[0],
        )
    )
    near = list(bodies[NEAR_COPY_OF - 1])
    words = near[0].split()
    words[3] = "quận"
    words[10] = "phường"
    near[0] = " ".join(words)
    near.append("Tin, ảnh: Ban biên tập.")
    result.append(
        _article(
            PLAIN_ARTICLES + 2,
            "Tin tóm tắt: " + result[NEAR_COPY_OF - 1].title,
            tuple(near),
            published="2024-06-02",
            category=CATEGORIES[1],
        )
    )
    toned = tuple(_tone_variant(paragraph) for paragraph in bodies[TONE_COPY_OF - 1])
    result.append(
        _article(
            PLAIN_ARTICLES + 3,
            "Văn hoá: " + result[TONE_COPY_OF - 1].title,
            toned,
            published="2024-06-03",
            category=CATEGORIES[2],
        )
    )
    result.append(
        _article(
            EMPTY_BODY,
            "Ảnh: Ngày hội văn hóa phường 2",
            (),
            published="2024-06-04",
            category=CATEGORIES[0],
            figures=2,
            attachments=0,
        )
    )
    return result


def revised(article: Article) -> Article:
    """A second version of *article*: its last paragraph corrected."""
    blocks = (*article.blocks[:-1], Block("paragraph", article.blocks[-1].text + " (Đã cập nhật số liệu.)"))
    return replace(article, blocks=blocks)


def build_archive(directory: Path) -> Path:
    """Write the test archive into *directory*; return it."""
    with Archive.open(directory, clock=lambda: "2024-07-01T00:00:00Z") as archive:
        crawl_id = archive.begin_crawl("tanbinh", BASE_URL, {"fast": True})
        stored = articles()
        for offset, article in enumerate(stored):
            fetched_at = f"2024-07-01T00:{offset // 60:02d}:{offset % 60:02d}Z"
            capture_id = _capture(archive, crawl_id, article, offset, fetched_at)
            archive.save_article(article, capture_id=capture_id, seen_at="2024-07-01T00:00:00Z")
        archive.finish_crawl(crawl_id, "finished", {"captures": len(stored)})
        second = archive.begin_crawl("tanbinh", BASE_URL, {"fast": True})
        article = revised(stored[VERSIONED - 1])
        capture_id = _capture(archive, second, article, 999, "2024-07-02T00:00:00Z")
        archive.save_article(article, capture_id=capture_id, seen_at="2024-07-02T00:00:00Z")
        archive.finish_crawl(second, "finished", {"captures": 1})
    return directory


def _capture(archive: Archive, crawl_id: int, article: Article, offset: int, fetched_at: str) -> int:
    location = WarcLocation(
        filename="dvscrape-tanbinh-20240701000000-00000.warc.gz",
        offset=offset * 4096,
        length=4000,
        record_id=f"<urn:uuid:00000000-0000-4000-8000-{offset:012d}>",
        payload_digest="sha256:0",
        block_digest="sha256:0",
    )
    return archive.record_capture(
        Capture(
            crawl_id=crawl_id,
            url=article.url,
            canonical_url=article.url,
            kind="article",
            status=200,
            content_type="text/html; charset=utf-8",
            fetched_at=fetched_at,
            content_length=4000,
            location=location,
        )
    )
