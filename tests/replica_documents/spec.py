"""What each generated document says: the administrative document (heading, body, table, signature) an attachment's
key renders, and the expected text and heading fields the tests and bench/documents.py compare with. The writers are
in writers.py; __init__.py makes an attachment's document in the variant its uuid draws."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass

ENCRYPTED_PASSWORD = "matkhau-2024"

_TYPES = {
    "KH": "KẾ HOẠCH",
    "TB": "THÔNG BÁO",
    "QĐ": "QUYẾT ĐỊNH",
    "BC": "BÁO CÁO",
    "HD": "HƯỚNG DẪN",
}
_SUBJECTS = (
    "Triển khai công tác chuyển đổi số trên địa bàn quận năm {year}",
    "Tổ chức các hoạt động hưởng ứng Ngày Pháp luật Việt Nam năm {year}",
    "Tăng cường công tác phòng, chống dịch bệnh sốt xuất huyết",
    "Kiện toàn Ban Chỉ đạo thực hiện Quy chế dân chủ ở cơ sở",
    "Kết quả thực hiện công tác cải cách hành chính quý I năm {year}",
    "Tổ chức Hội nghị biểu dương người tốt, việc tốt năm {year}",
)
_SENTENCES = (
    "Ủy ban nhân dân quận đề nghị các phòng, ban, đơn vị và Ủy ban nhân dân 15 phường triển khai thực hiện nghiêm túc.",
    "Thủ trưởng các cơ quan, đơn vị chịu trách nhiệm tổ chức quán triệt nội dung kế hoạch đến cán bộ, công chức.",
    "Định kỳ hằng tháng, các đơn vị báo cáo kết quả thực hiện về Văn phòng Ủy ban nhân dân quận để tổng hợp.",
    "Phòng Văn hóa và Thông tin phối hợp với Trung tâm Văn hóa, Thể thao quận đẩy mạnh công tác tuyên truyền.",
    "Kinh phí thực hiện được bố trí từ nguồn ngân sách quận năm {year} theo phân cấp hiện hành.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các đơn vị kịp thời phản ánh để được hướng dẫn.",
    "Đẩy mạnh ứng dụng công nghệ thông tin trong giải quyết thủ tục hành chính, phục vụ người dân và doanh nghiệp.",
    "Ủy ban Mặt trận Tổ quốc Việt Nam quận và các đoàn thể chính trị - xã hội tham gia giám sát việc thực hiện.",
    "Bảo đảm an ninh trật tự, an toàn giao thông và vệ sinh môi trường tại các khu dân cư trên địa bàn.",
    "Công an quận chủ trì, phối hợp với các đơn vị liên quan kiểm tra, xử lý nghiêm các trường hợp vi phạm.",
)
_TABLE_TASKS = (
    "Tuyên truyền, phổ biến",
    "Kiểm tra, giám sát",
    "Tổng hợp, báo cáo",
    "Tập huấn cán bộ",
    "Sơ kết, đánh giá",
    "Rà soát hồ sơ",
)
_TABLE_UNITS = ("Phòng Nội vụ", "Văn phòng UBND", "Phòng Tư pháp", "UBND 15 phường", "Phòng Y tế", "Công an quận")
_SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi")
_MIDDLES = ("Văn", "Thị", "Minh", "Thanh", "Hữu", "Ngọc")
_GIVEN = ("Hùng", "Mai", "Tuấn", "Lan", "Phúc", "Dũng", "Hạnh", "Quang", "Thảo", "Bình")


@dataclass(frozen=True)
class DocumentSpec:
    """An administrative document as the issuing office wrote it."""

    issuer: tuple[str, ...]
    number: str
    place: str
    day: int
    month: int
    year: int
    type_word: str
    subject: str
    paragraphs: tuple[str, ...]
    table: tuple[tuple[str, ...], ...]
    recipients: tuple[str, ...]
    signer_titles: tuple[str, ...]
    signer: str
    motto: tuple[str, ...] = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")

    @property
    def number_line(self) -> str:
        return f"Số: {self.number}"

    @property
    def date_line(self) -> str:
        return f"{self.place}, ngày {self.day} tháng {self.month} năm {self.year}"

    @property
    def running_header(self) -> str:
        return f"{self.issuer[-1].title()} - {self.type_word.capitalize()} {self.number}"

    def table_lines(self) -> list[str]:
        return ["\t".join(row) for row in self.table]

    def expected_fields(self) -> dict[str, str]:
        number, symbol = self.number.split("/", 1)
        return {
            "issuer": " ".join(self.issuer),
            "number": self.number,
            "number_only": number,
            "symbol": symbol,
            "place": self.place,
            "date": f"{self.year:04d}-{self.month:02d}-{self.day:02d}",
            "document_type": self.type_word.capitalize(),
            "subject": self.subject,
            "signer": self.signer,
        }

    def reading_order(self, *, pages: int = 1, columns: bool = False) -> list[str]:
        """The lines a reader reads, in order (running header and footer once, for PDFs of *pages* pages)."""
        lines: list[str] = []
        if pages > 1:
            lines.append(self.running_header)
        lines += [*self.issuer, self.number_line, *self.motto, self.date_line, self.type_word, self.subject]
        lines += list(self.paragraphs)
        if pages > 1:
            lines.append(f"Trang 1/{pages}")
        lines += self.table_lines()
        lines += [*self.recipients, *self.signer_titles, self.signer]
        return lines

    def expected_text(self, **layout: object) -> str:
        return "\n".join(self.reading_order(**layout))  # type: ignore[arg-type]


def squeeze(text: str) -> str:
    """Text with every run of whitespace (tabs and line ends too) made one space, NFC: for exact comparisons."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def spec_for(key: str, label: str = "", published: tuple[int, int, int] | None = None) -> DocumentSpec:
    """The document behind an attachment: its number and type from the link *label* ('Kế hoạch số 109/KH-UBND'),
    everything else drawn from *key*."""
    rng = random.Random("dvscrape-replica-document:" + key)
    match = re.search(r"(\d+)/([A-ZĐ]+)-([A-ZĐ]+)", label)
    if match:
        number, kind, office = match.group(1), match.group(2), match.group(3)
    else:
        number, kind, office = str(rng.randint(12, 980)), rng.choice(sorted(_TYPES)), "UBND"
    year, month, day = published or (2023, rng.randint(1, 12), rng.randint(1, 28))
    issuer = ("ỦY BAN NHÂN DÂN", "QUẬN TÂN BÌNH") if office == "UBND" else ("BAN DÂN VẬN QUẬN ỦY", "QUẬN TÂN BÌNH")
    paragraphs = tuple(s.format(year=year) for s in rng.sample(_SENTENCES, 4))
    header = ("STT", "Nội dung", "Đơn vị thực hiện", "Thời gian")
    rows = tuple(
        (str(n), task, unit, f"Tháng {rng.randint(1, 12)}/{year}")
        for n, (task, unit) in enumerate(zip(rng.sample(_TABLE_TASKS, 3), rng.sample(_TABLE_UNITS, 3), strict=True), 1)
    )
    signer = f"{rng.choice(_SURNAMES)} {rng.choice(_MIDDLES)} {rng.choice(_GIVEN)}"
    chief = "CHỦ TỊCH" if office == "UBND" else "TRƯỞNG BAN"
    titles = (f"KT. {chief}", f"PHÓ {chief}") if rng.random() < 0.5 else (f"TM. {issuer[0]}", chief)
    return DocumentSpec(
        issuer=issuer,
        number=f"{number}/{kind}-{office}",
        place="Tân Bình",
        day=day,
        month=month,
        year=year,
        type_word=_TYPES.get(kind, "KẾ HOẠCH"),
        subject=rng.choice(_SUBJECTS).format(year=year),
        paragraphs=paragraphs,
        table=(header, *rows),
        recipients=("Nơi nhận:", "- Như trên;", "- Lưu: VT."),
        signer_titles=titles,
        signer=signer,
    )


# The document of the replica's committed documents (dvscrape/replica/data/documents).
FIXTURE_SPEC_ARGS = ("fixture", "Kế hoạch số 109/KH-UBND", (2024, 3, 12))


def fixture_spec() -> DocumentSpec:
    return spec_for(*FIXTURE_SPEC_ARGS)
