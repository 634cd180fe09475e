"""clean_whitespace of dvscrape.text."""

from __future__ import annotations

import pytest

from dvscrape.text import clean_whitespace
from dvscrape.text.legacy_tables import tcvn3_encoding
from dvscrape.text.whitespace import _INVISIBLE


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("Quận\u00a0Tân\u00a0Bình", "Quận Tân Bình"),  # NBSP
        ("10\u202f000 đồng", "10 000 đồng"),  # narrow NBSP
        ("Hội\u2003nghị\u3000tổng kết", "Hội nghị tổng kết"),  # em space, ideographic space
        ("Ban\tDân\t\tvận", "Ban Dân vận"),
        ("Ủy\u200bban nhân\u200c dân\u200d", "Ủyban nhân dân"),  # zero-width characters go, they are not spaces
        ("\ufeffChủ đề năm 2023", "Chủ đề năm 2023"),  # BOM
        ("Nhân\u2060dân", "Nhândân"),  # word joiner
        ("dòng một\r\ndòng hai\rdòng ba", "dòng một\ndòng hai\ndòng ba"),
        ("  dòng một  \n   dòng hai   ", "dòng một\ndòng hai"),
        ("đoạn một\n\n\n\n\nđoạn hai\n \n\t\n\u00a0\nđoạn ba", "đoạn một\n\nđoạn hai\n\nđoạn ba"),
        ("\n\n\n  Tiêu đề\n\n\n", "Tiêu đề"),
        ("Nhà\u00adnước", "Nhànước"),  # soft hyphen in Unicode text
        ("", ""),
        ("   \n\t \u00a0", ""),
    ],
)
def test_clean_whitespace(text: str, clean: str) -> None:
    assert clean_whitespace(text) == clean


def test_punctuation_is_kept_as_it_is() -> None:
    text = '“Nhà nước kêu gọi – Nhân dân đồng hành” — «Dân vận khéo»… ‘5 không’ - "quote" ...'
    assert clean_whitespace(text) == text


def test_clean_text_is_returned_as_is() -> None:
    text = "Tin tức nổi bật\n\nToàn cảnh hội nghị"
    assert clean_whitespace(text) is text


def test_soft_hyphen_is_kept_in_tcvn3_text() -> None:
    # In TCVN3 the soft-hyphen code 0xAD is the letter ư: "Trường" is "Tr\xadêng".
    table = tcvn3_encoding()
    legacy = "".join(table.get(char, char) for char in "Trường Đại học Sư phạm, phường 10, đường Trương Định")
    assert "\u00ad" in legacy
    assert clean_whitespace(legacy + "\u00a0\u00a0") == legacy


def test_soft_hyphen_outside_an_embedded_tcvn3_run_is_removed() -> None:
    table = tcvn3_encoding()
    legacy = "".join(table.get(char, char) for char in "Trường Đại học Sư phạm thành phố")
    text = "Trích văn bản gốc: " + legacy + ". Ghi\u00adchú cuối."
    assert clean_whitespace(text) == "Trích văn bản gốc: " + legacy + ". Ghichú cuối."


def test_every_invisible_character_is_unprintable() -> None:
    """strip_invisible returns printable text untouched: right only while none of the characters it removes is."""
    assert not any(char.isprintable() for char in _INVISIBLE)
