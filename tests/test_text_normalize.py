"""normalize of dvscrape.text: the archival pipeline end to end, and its tone views."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from dvscrape.text import normalize
from dvscrape.text.legacy_tables import tcvn3_encoding, vni_encoding

# The seed page's text as the user gave it (shared/seeds/000_0082a50cf85ccdec.txt), shipped with the replica.
SEED = Path(__file__).resolve().parents[1] / "dvscrape" / "replica" / "data" / "seed_article.txt"
CLEAN = (
    "Phát biểu chỉ đạo tại hội nghị, đồng chí Nguyễn Hoàng Long đề nghị Ủy ban nhân dân quận tiếp tục triển "
    "khai thực hiện tốt Chương trình phối hợp số 07-CTrPH/BDVQU-UBND ngày 14 tháng 4 năm 2022; “Dân vận khéo”."
)


def test_clean_text_is_unchanged() -> None:
    assert normalize(CLEAN) == CLEAN
    assert normalize("Plain ASCII text, nothing to do.") == "Plain ASCII text, nothing to do."


def test_seed_article_is_unchanged() -> None:
    text = SEED.read_text(encoding="utf-8")
    assert normalize(text) == text.strip()


def test_everything_at_once() -> None:
    messy = (
        "\ufeff\r\n" + unicodedata.normalize("NFD", "Phát biểu chỉ đạo tại hội nghị,") + "\u00a0đồng chí Nguy"
        "e\u0303\u0302n Hoàng Long\u200b đề nghị \u00d0ảng ủy và Ủy ban nhân dân qu\u0430\u0323\u0302n\t tiếp tục"
        "\r\n\r\n\r\n"
        + "Viá»‡t Nam"
        + "\n"
        + "".join(tcvn3_encoding().get(c, c) for c in "Quyết định của Thủ tướng Chính phủ")
        + "  \n"
    )
    assert normalize(messy) == (
        "Phát biểu chỉ đạo tại hội nghị, đồng chí Nguyễn Hoàng Long đề nghị Đảng ủy và Ủy ban nhân dân quận tiếp tục"
        "\n\nViệt Nam\nQuyết định của Thủ tướng Chính phủ"
    )


def test_legacy_paragraph_inside_a_unicode_page() -> None:
    vni = "".join(vni_encoding().get(c, c) for c in "Cộng hòa xã hội chủ nghĩa Việt Nam")
    text = f"Văn bản đính kèm:\n{vni}\nNgười ký: Nguyễn Văn A"
    assert normalize(text) == "Văn bản đính kèm:\nCộng hòa xã hội chủ nghĩa Việt Nam\nNgười ký: Nguyễn Văn A"


@pytest.mark.parametrize(
    ("tone", "expected"),
    [
        ("keep", "Ủy ban tỉnh Khánh Hoà chăm lo sức khỏe, thuỷ lợi"),
        ("first", "Ủy ban tỉnh Khánh Hòa chăm lo sức khỏe, thủy lợi"),
        ("main", "Uỷ ban tỉnh Khánh Hoà chăm lo sức khoẻ, thuỷ lợi"),
    ],
)
def test_tone_views(tone: str, expected: str) -> None:
    assert normalize("Ủy ban tỉnh Khánh Hoà chăm lo sức khỏe, thuỷ lợi", tone=tone) == expected  # type: ignore


def test_keep_does_not_repair_typos_the_nlp_views_do() -> None:
    assert normalize("đảm baỏ chất lựơng") == "đảm baỏ chất lựơng"
    assert normalize("đảm baỏ chất lựơng", tone="first") == "đảm bảo chất lượng"


def test_unknown_tone_option_is_an_error() -> None:
    with pytest.raises(ValueError, match="tone option"):
        normalize("hòa", tone="old")  # type: ignore[arg-type]
