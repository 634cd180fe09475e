"""Legacy encodings (TCVN3, VNI, VIQR) in dvscrape.text: tables, decoding, detection, embedded runs, and no false
positives on Unicode Vietnamese or English text."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest

from dvscrape.replica.content import build_corpus
from dvscrape.text import decode_legacy_runs, detect_legacy, find_legacy_runs, from_legacy, normalize
from dvscrape.text.legacy_tables import tcvn3_encoding, viqr_encoding, vni_encoding
from dvscrape.text.letters import vietnamese_letters

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_0082a50cf85ccdec.txt"
DOCUMENT = (
    "Cộng hòa xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc\n\nQuyết định về việc ban hành kế hoạch "
    "phối hợp giữa Ban Dân vận Quận ủy và Ủy ban nhân dân quận năm 2023. Trường học, bệnh viện và các phường "
    "tiếp tục thực hiện nghiêm túc việc tiếp xúc, đối thoại trực tiếp với Nhân dân."
)
ENCODERS = {"tcvn3": tcvn3_encoding, "vni": vni_encoding, "viqr": viqr_encoding}


def encode(text: str, encoding: str) -> str:
    table = ENCODERS[encoding]()
    return "".join(table.get(char, char) for char in text)


# Written from memory of real documents, independently of the tables under test.
@pytest.mark.parametrize(
    ("legacy", "encoding", "unicode"),
    [
        ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "tcvn3", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
        ("§éc lËp - Tù do - H¹nh phóc", "tcvn3", "Độc lập - Tự do - Hạnh phúc"),
        ("Hµ Néi, ngµy 14 th¸ng 4 n¨m 2022", "tcvn3", "Hà Nội, ngày 14 tháng 4 năm 2022"),
        ("QuyÕt ®Þnh cña Thñ t­íng ChÝnh phñ", "tcvn3", "Quyết định của Thủ tướng Chính phủ"),
        ("c«ng t¸c d©n vËn, ph­êng 10", "tcvn3", "công tác dân vận, phường 10"),
        ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "vni", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
        ("Ñoäc laäp - Töï do - Haïnh phuùc", "vni", "Độc lập - Tự do - Hạnh phúc"),
        ("Tröôøng hoïc, lòch söû, Myõ, tænh", "vni", "Trường học, lịch sử, Mỹ, tỉnh"),
        ("VIEÄT NAM, AÁn Ñoä", "vni", "VIỆT NAM, Ấn Độ"),
        ("Co^.ng ho`a xa~ ho^.i chu? nghi~a Vie^.t Nam", "viqr", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
        ("DDo^.c la^.p - Tu+. do - Ha.nh phu'c", "viqr", "Độc lập - Tự do - Hạnh phúc"),
        ("Tru+o+`ng ddi.nh ha(n ddu+o+`ng.", "viqr", "Trường định hăn đường."),
    ],
)
def test_known_legacy_strings(legacy: str, encoding: str, unicode: str) -> None:
    assert from_legacy(legacy, encoding) == unicode  # type: ignore[arg-type]


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "viqr"])
def test_every_vietnamese_letter_round_trips(encoding: str) -> None:
    for letter in vietnamese_letters():
        # TCVN3 has no capitals with tones (.VnTimeH shows the small codes as capitals): they come back small.
        expected = (
            letter.lower()
            if encoding == "tcvn3"
            and letter.lower() != letter
            and encode(letter.lower(), "tcvn3") == encode(letter, "tcvn3")
            and letter not in "ĂÂÊÔƠƯĐ"
            else letter
        )
        assert from_legacy(encode(letter, encoding) + " - ", encoding) == expected + " - ", letter  # type: ignore


@pytest.mark.parametrize("encoding", ["vni", "viqr"])
def test_tables_are_one_to_one(encoding: str) -> None:
    table = ENCODERS[encoding]()
    assert len(table) == 134 and len(set(table.values())) == 134


def test_tcvn3_table_covers_the_small_letters_and_seven_capitals() -> None:
    table = tcvn3_encoding()
    assert len(set(table.values())) == 67 + 7
    assert all(0xA1 <= ord(code) <= 0xFF for code in table.values())


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "viqr"])
def test_documents_decode_and_are_detected(encoding: str) -> None:
    legacy = encode(DOCUMENT, encoding)
    assert detect_legacy(legacy) == encoding
    # TCVN3 cannot write a capital with a tone in the .VnTime font: 'Ủy' was typed, and is read back, as 'ủy'.
    expected = DOCUMENT.replace("Ủy", "ủy") if encoding == "tcvn3" else DOCUMENT
    assert from_legacy(legacy, encoding) == expected  # type: ignore[arg-type]
    assert normalize(legacy) == expected


def test_tcvn3_capitals_typed_for_vntimeh() -> None:
    legacy = encode("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "tcvn3")
    assert legacy == "CéNG HOµ X· HéI CHñ NGHÜA VIÖT NAM"
    assert from_legacy(legacy, "tcvn3") == "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def test_bytes_of_an_old_document() -> None:
    data = encode("Quyết định số 15", "tcvn3").encode("latin-1")
    assert from_legacy(data, "tcvn3") == "Quyết định số 15"


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "viqr"])
def test_only_the_embedded_run_is_decoded(encoding: str) -> None:
    inner = "Quyết định về việc phối hợp giữa Ban Dân vận và ủy ban nhân dân quận"
    before, after = "Trích dẫn văn bản cũ (đính kèm): ", ". Bản gõ lại ở trên đã được kiểm tra."
    text = before + encode(inner, encoding) + after
    runs = find_legacy_runs(text)
    assert [run.encoding for run in runs] == [encoding]
    assert decode_legacy_runs(text) == before + inner + after


def test_a_font_name_is_not_evidence() -> None:
    assert detect_legacy('<font face=".VnTime">Quận Tân Bình tổ chức hội nghị</font>') is None
    assert detect_legacy("Font: VNI-Times, .VnTimeH; bảng mã TCVN3, VIQR") is None


def test_viqr_full_stops_and_escapes() -> None:
    assert from_legacy("Em ddi ho.c. Ba.n co' khoe? kho^ng?", "viqr") == "Em đi học. Bạn có khoẻ không?"
    assert from_legacy("So^' 3\\. Ha` No^.i", "viqr") == "Số 3. Hà Nội"


def test_viqr_names_and_abbreviations_inside_a_run() -> None:
    text = "Ba` Nguye^~n Thi. Lan, Chu? ti.ch UBND phu+o+`ng, ky' Quye^'t ddi.nh so^' 233/QDD-UBND ngày 14/4."
    assert decode_legacy_runs(text) == (
        "Bà Nguyễn Thị Lan, Chủ tịch UBND phường, ký Quyết định số 233/QĐ-UBND ngày 14/4."
    )


def test_unknown_encoding_is_an_error() -> None:
    with pytest.raises(ValueError, match="legacy encoding"):
        from_legacy("abc", "viscii")  # type: ignore[arg-type]


# --- no false positives ---------------------------------------------------------------------------------------------

ENGLISH = [
    "The People's Committee of Tan Binh District held a conference on March 23, 2023. I'm sure it's fine, isn't it?",
    "Prices rose 5% (e.g. rice, fuel); see p. 12 and i.e. the annex. Contact: info@tanbinh.gov.vn, Mr. O'Neil.",
    "Müller, Gödel, Zoë, São Paulo, Peña, Ñuñoa, Björk, Søren, café, naïve, résumé, Straße — all foreign names.",
    "Use C++ or a+b; x^2 + y^2 = z^2; ~approx. 3.5 µm; © 2023 UBND; 25°C ± 2; § 4 ¶ 2; «quoted» · item · item.",
    "Who? What? Go. So. No. Do it now! I'd say we'll go, you'll see. Ma'am, he's here; she'd left at 7 a.m.",
    "Do not use `re` as `re` imports `enum`; see ``os.path`` and `a`, `e`, `o` in the docs.",
]
VIETNAMESE = [
    "Chủ đề năm 2023: Nâng cao hiệu quả hoạt động công vụ, đẩy mạnh cải cách hành chính và cải thiện môi trường.",
    "Sức khỏe, sức khoẻ, hòa bình, hoà bình, thủy lợi, thuỷ lợi, Khánh Hòa, Thanh Hóa, Hòa Bình, Quý Mão.",
    "Nhiệt độ 25°C, độ ẩm 80% ± 5; kích thước 5µm × 3µm; © 2023 Cổng thông tin điện tử quận Tân Bình · Bản quyền.",
    "Ông Nguyễn Văn Bé, bà Lê Thị Mê, em Hồ Thị Bé Tý, Tô Lâm, Võ Văn Thưởng — các đồng chí “tiêu biểu”.",
    "«Dân biết, dân bàn, dân làm» · Ý kiến · Góp ý · Tìm kiếm · Sơ đồ cổng · Liên hệ · English.",
    "Bộ trưởng gặp gỡ ông Müller (Đức) và bà Peña (Tây Ban Nha) tại São Paulo; café Trung Nguyên.",
    "Hội nghị lúc 7 giờ 30 ngày 23/3/2023; Quyết định số 15/2020/NĐ-CP; Nghị quyết số 07-CTrPH/BDVQU-UBND.",
    "Ý Yên, Ô Môn, Ea Súp, Ân Thi, Ứng Hòa, Ý kiến, ở đâu, ừ, ạ, ồ, á, à, ờ, ê, ô, ơ, ư.",
]
_SUBJECTS = [
    "Ủy ban nhân dân quận",
    "Ban Dân vận Quận ủy",
    "Mặt trận Tổ quốc Việt Nam",
    "Đoàn Thanh niên",
    "Hội Liên hiệp Phụ nữ phường 10",
    "Trường THCS Ngô Sĩ Liên",
    "Công an quận Tân Bình",
]
_VERBS = [
    "tổ chức hội nghị tổng kết",
    "phối hợp triển khai",
    "kiểm tra, giám sát việc thực hiện",
    "tuyên truyền, vận động người dân tham gia",
    "trao tặng 120 phần quà cho hộ nghèo về",
    "ký kết chương trình phối hợp về",
]
_OBJECTS = [
    "công tác dân vận chính quyền",
    "cải cách hành chính, chuyển đổi số",
    "phong trào thi đua “Dân vận khéo”",
    "an sinh xã hội năm 2023",
    "phòng, chống dịch COVID-19",
    "chỉnh trang đô thị, trật tự lòng lề đường",
    "bảo vệ môi trường, khơi thông kênh Nhiêu Lộc – Thị Nghè",
]


def _generated_paragraphs(count: int) -> list[str]:
    rng = random.Random(23)
    paragraphs = []
    for _ in range(count):
        sentences = [f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}." for _ in range(4)]
        paragraphs.append(" ".join(sentences))
    return paragraphs


def _unicode_corpus() -> list[str]:
    corpus = ENGLISH + VIETNAMESE + _generated_paragraphs(300)
    if SEED.exists():
        corpus += [p for p in SEED.read_text(encoding="utf-8").split("\n") if p.strip()]
    corpus += [unicodedata.normalize("NFD", paragraph) for paragraph in corpus[:40]]
    return corpus


def test_no_false_positives_on_unicode_and_english_text() -> None:
    corpus = _unicode_corpus()
    flagged = [paragraph for paragraph in corpus if find_legacy_runs(paragraph)]
    assert flagged == []
    assert detect_legacy("\n".join(corpus)) is None
    assert all(decode_legacy_runs(paragraph) == paragraph for paragraph in corpus)


def test_no_false_positives_on_the_replica_corpus() -> None:
    corpus = build_corpus()
    paragraphs = [paragraph for article in corpus.articles for paragraph in article.paragraphs]
    assert paragraphs
    assert [paragraph for paragraph in paragraphs if find_legacy_runs(paragraph)] == []


def test_no_false_positives_on_english_documentation() -> None:
    import argparse
    import collections
    import email.message
    import inspect
    import json
    import re
    import subprocess

    paragraphs = []
    for module in (argparse, collections, email.message, json, re, subprocess, unicodedata, random):
        for _, member in [("", module), *inspect.getmembers(module)]:
            paragraphs += [part for part in (inspect.getdoc(member) or "").split("\n\n") if len(part) > 40]
    assert len(paragraphs) > 200
    assert [paragraph for paragraph in paragraphs if find_legacy_runs(paragraph)] == []


# --- what the oracles found ---------------------------------------------------------------------------


def test_tcvn3_soft_hyphen_code_is_the_letter_u_horn() -> None:
    # ư is 0xAD in TCVN3, the soft hyphen in Unicode: invisible-character clean-up must not see it first.
    assert normalize("Ph\u00adêng 9, n\u00adíc") == "Phường 9, nước"
    assert normalize("Ph\u00adêng 9, Berlin") == "Ph\u00adêng 9, Berlin"  # not decoded, yet no letter dropped
    assert normalize("T©m (Ph\u00adêng 9)") == "Tâm (Phường 9)"
    assert normalize("®\u00adîc") == "được"
    assert normalize("Ver\u00adsicherung und Zu\u00adsammen\u00adarbeit") == "Versicherung und Zusammenarbeit"


def test_a_legacy_document_decodes_its_short_fields() -> None:
    assert normalize("Néi dung", legacy="tcvn3") == "Nội dung"
    assert normalize("Néi dung") == "Néi dung"  # alone, one legacy word is too little evidence


def test_vni_typed_only_with_letters_latin1_shares_with_vietnamese() -> None:
    assert normalize("Maét coù quyeàn thaáy") == "Mắt có quyền thấy"


def test_short_title_case_tcvn3_stays_title_case() -> None:
    assert normalize("X· Bµ Nµ") == "Xã Bà Nà"
    assert from_legacy("CéNG HOµ X· HéI", "tcvn3") == "CỘNG HOÀ XÃ HỘI"


def test_viqr_star_horn_variant() -> None:
    assert normalize("Ngu*o*`i da^n ddu*o*.c hu*o*?ng lo*.i i'ch") == "Người dân được hưởng lợi ích"
    assert normalize("a*b + c*d = **bold**, 2*3") == "a*b + c*d = **bold**, 2*3"


def test_viqr_that_follows_rfc_1456_escapes() -> None:
    text = "Ban Thu+o+`ng vu. Quo^'c ho^.i ho.p ho^m qua\\. Ba.n co' khoe? kho^ng\\?"
    assert normalize(text) == "Ban Thường vụ Quốc hội họp hôm qua. Bạn có khoẻ không?"
