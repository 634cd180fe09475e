"""The articles of the department portal: titles, dates, leads, paragraphs, photos with captions and signatures,
made from a seed. Each article is also its own ground truth (`truth()`), the record a crawl must produce."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

LATEST = date(2024, 6, 14)


@dataclass(frozen=True)
class Category:
    """A news category: its page path (under the site), menu label and Asset Publisher instance id."""

    slug: str
    name: str
    instance: str


CATEGORIES = (
    Category("tin-hoat-dong", "Tin hoạt động", "kQ3zR7mTbY1e"),
    Category("dat-dai", "Đất đai", "Hx8pLw2VnC5d"),
    Category("moi-truong", "Môi trường", "Zt4gNq9KsE7u"),
    Category("tai-nguyen-nuoc", "Tài nguyên nước", "Wm6yBc1JrF3a"),
)


@dataclass(frozen=True)
class Photo:
    """A photo of an article: file name, caption, and whether the editor used a figure (else a centred paragraph)."""

    file: str
    caption: str
    figure: bool


@dataclass(frozen=True)
class Article:
    """One web content article."""

    number: int
    url_title: str
    title: str
    published: date
    category: Category
    lead: str
    paragraphs: tuple[str, ...]
    photos: tuple[Photo, ...]
    signature: str
    entry_id: int

    def truth(self) -> dict[str, Any]:
        """What a careful archivist's record of this article holds."""
        return {
            "url_title": self.url_title,
            "title": self.title,
            "published": self.published.isoformat(),
            "category": self.category.name,
            "paragraphs": [self.lead, *self.paragraphs],
            "captions": [photo.caption for photo in self.photos],
            "signature": self.signature,
        }


EVENTS = (
    "Hội nghị triển khai",
    "Tập huấn nghiệp vụ về",
    "Kiểm tra việc thực hiện",
    "Ra quân hưởng ứng",
    "Sơ kết công tác",
    "Hội thảo góp ý",
    "Đối thoại với người dân về",
    "Giám sát tình hình",
)
SUBJECTS = {
    "tin-hoat-dong": ("cải cách hành chính", "chuyển đổi số", "công tác thi đua", "phòng chống tham nhũng"),
    "dat-dai": (
        "cấp giấy chứng nhận quyền sử dụng đất",
        "bảng giá đất",
        "thu hồi đất dự án",
        "đo đạc bản đồ địa chính",
    ),
    "moi-truong": ("phân loại rác tại nguồn", "quan trắc chất lượng không khí", "xử lý nước thải", "Ngày Môi trường"),
    "tai-nguyen-nuoc": (
        "cấp phép khai thác nước dưới đất",
        "bảo vệ nguồn nước sông Hậu",
        "chống xâm nhập mặn",
        "trám lấp giếng",
    ),
}
PLACES = (
    "quận Ninh Kiều",
    "quận Cái Răng",
    "quận Bình Thủy",
    "quận Ô Môn",
    "quận Thốt Nốt",
    "huyện Phong Điền",
    "huyện Cờ Đỏ",
    "huyện Thới Lai",
    "huyện Vĩnh Thạnh",
    "phường An Khánh",
)
PEOPLE = ("ông Nguyễn Văn Thanh", "bà Trần Thị Mỹ Linh", "ông Lê Hoàng Phúc", "bà Phạm Ngọc Diễm", "ông Võ Minh Tâm")
ROLES = (
    "Phó Giám đốc Sở",
    "Trưởng phòng Quản lý đất đai",
    "Chi cục trưởng Chi cục Bảo vệ môi trường",
    "Chánh Văn phòng Sở",
)
SENTENCES = (
    "Tham dự có đại diện lãnh đạo các sở, ngành thành phố và Ủy ban nhân dân {place}.",
    "Phát biểu tại buổi làm việc, {person}, {role}, đề nghị các đơn vị tập trung hoàn thành nhiệm vụ trước ngày 30/9.",
    "Theo báo cáo, trong 6 tháng đầu năm toàn thành phố đã giải quyết {number} hồ sơ liên quan đến {subject}.",
    "Nhiều ý kiến cho rằng cần tăng cường phối hợp giữa các cơ quan chuyên môn và chính quyền địa phương.",
    "Đoàn đã kiểm tra thực tế tại {number} điểm trên địa bàn {place} và ghi nhận nhiều chuyển biến tích cực.",
    "Sở Tài nguyên và Môi trường sẽ tiếp tục hướng dẫn các đơn vị thực hiện đúng quy định về {subject}.",
    "Các tồn tại, hạn chế được chỉ ra cụ thể kèm theo thời hạn khắc phục đối với từng đơn vị.",
    "Kết thúc hội nghị, lãnh đạo Sở ghi nhận và đánh giá cao tinh thần trách nhiệm của cán bộ, công chức.",
    "Người dân có thể tra cứu thông tin và gửi phản ánh qua Cổng dịch vụ công của thành phố.",
    "Dự kiến đến cuối năm 2024, tỷ lệ hồ sơ được giải quyết đúng hạn đạt trên {percent}%.",
)
CAPTIONS = (
    "{person}, {role}, phát biểu tại hội nghị",
    "Quang cảnh buổi làm việc tại {place}",
    "Đoàn kiểm tra thực tế tại {place}",
    "Các đại biểu tham dự chụp ảnh lưu niệm",
)
SIGNATURES = ("Văn phòng Sở", "Phòng Quản lý đất đai", "Chi cục Bảo vệ môi trường", "Phòng Tài nguyên nước")


def url_title(title: str) -> str:
    """Liferay's urlTitle: lower case, accents dropped, words joined by '-'."""
    plain = unicodedata.normalize("NFD", title.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    return "-".join("".join(ch if ch.isalnum() else " " for ch in plain).split())


def build_articles(count: int = 80, seed: int = 74) -> tuple[Article, ...]:
    """*count* articles, newest first, spread over the months before LATEST, one category in four each."""
    rng = random.Random(seed)
    articles: list[Article] = []
    titles: set[str] = set()
    for number in range(count):
        category = CATEGORIES[number % len(CATEGORIES)]
        published = LATEST - timedelta(days=number * 2 + (number % 3))
        while True:
            subject = rng.choice(SUBJECTS[category.slug])
            title = f"{rng.choice(EVENTS)} {subject} tại {rng.choice(PLACES)}"
            if title not in titles:
                break
        titles.add(title)
        fill = {
            "place": rng.choice(PLACES),
            "person": rng.choice(PEOPLE),
            "role": rng.choice(ROLES),
            "subject": subject,
        }
        event_day = published - timedelta(days=number % 2)
        part = rng.choice(("Sáng", "Chiều"))
        what = title[0].lower() + title[1:]
        lead = f"{part} ngày {event_day.day}/{event_day.month}, Sở Tài nguyên và Môi trường tổ chức {what}."
        paragraphs = tuple(
            " ".join(
                rng.choice(SENTENCES).format(number=rng.randint(12, 900), percent=rng.randint(85, 98), **fill)
                for _ in range(rng.randint(2, 3))
            )
            for _ in range(rng.randint(3, 5))
        )
        photos = tuple(
            Photo(
                f"{url_title(title)[:40]}-{index + 1}.jpg",
                rng.choice(CAPTIONS).format(**fill),
                figure=(number + index) % 2 == 0,
            )
            for index in range(1 + number % 2)
        )
        articles.append(
            Article(
                number=number,
                url_title=url_title(title),
                title=title,
                published=published,
                category=category,
                lead=lead,
                paragraphs=paragraphs,
                photos=photos,
                signature=SIGNATURES[number % len(SIGNATURES)].upper(),
                entry_id=40100 + number,
            )
        )
    return tuple(articles)
