"""place_tones of dvscrape.text: the two conventions, repairs, qu/gi, and words left alone."""

from __future__ import annotations

import pytest

from dvscrape.text import place_tones

# (first style, main style): the words the state's documents spell both ways.
PAIRS = [
    ("hòa", "hoà"),
    ("thủy", "thuỷ"),
    ("khỏe", "khoẻ"),
    ("hóa", "hoá"),
    ("họa", "hoạ"),
    ("tùy", "tuỳ"),
    ("lòe", "loè"),
    ("Hòa Bình", "Hoà Bình"),
    ("HÒA", "HOÀ"),
    ("Thủy", "Thuỷ"),
    ("Ủy", "Uỷ"),
    ("ủy ban", "uỷ ban"),
    ("xòe", "xoè"),
    ("thụy", "thuỵ"),
    ("Khánh Hòa", "Khánh Hoà"),
]
# Words both styles write the same way.
SAME = [
    "hoàng",
    "toán",
    "hoặc",
    "huỳnh",
    "người",
    "trường",
    "thuở",
    "quý",
    "quả",
    "quốc",
    "quyết",
    "giá",
    "già",
    "gìn",
    "giữa",
    "giường",
    "giếng",
    "ngoài",
    "xoáy",
    "khuỷu",
    "mía",
    "múa",
    "mưa",
    "cửa",
    "tài",
    "sáu",
    "máy",
    "kéo",
    "túi",
    "dịu",
    "gửi",
    "rượu",
    "yêu",
    "khuấy",
    "thuế",
    "tuần",
    "Nguyễn",
    "Việt",
    "soóc",
    "ngoẹo",
]


@pytest.mark.parametrize(("first", "main"), PAIRS)
def test_styles(first: str, main: str) -> None:
    assert place_tones(first, "main") == main
    assert place_tones(main, "first") == first
    assert place_tones(first, "first") == first
    assert place_tones(main, "main") == main


@pytest.mark.parametrize("word", SAME)
def test_words_spelled_alike_in_both_styles(word: str) -> None:
    assert place_tones(word, "first") == word
    assert place_tones(word, "main") == word


@pytest.mark.parametrize(
    ("typed", "repaired"),
    [
        ("baỏ", "bảo"),
        ("lựơng", "lượng"),
        ("nghịêm", "nghiệm"),
        ("tìên", "tiền"),
        ("qúa", "quá"),
        ("qủa", "quả"),
        ("gìa", "già"),
        ("gíup", "giúp"),
        ("múôn", "muốn"),
        ("ngòai", "ngoài"),
        ("khủyu", "khuỷu"),
        ("thuở", "thuở"),
        ("Trừơng", "Trường"),
        ("BAỎ", "BẢO"),
        ("hoàn", "hoàn"),
        ("hòan", "hoàn"),
    ],
)
def test_marks_typed_on_the_wrong_vowel_are_repaired(typed: str, repaired: str) -> None:
    assert place_tones(typed, "first") == repaired
    assert place_tones(typed, "main") == repaired


@pytest.mark.parametrize(
    "text", ["café", "Müller", "résumé", "naïve", "TPHCM", "COVID-19", "iPhone", "Zoë", "aà", "hoàá"]
)
def test_other_words_are_untouched(text: str) -> None:
    assert place_tones(text, "main") == text
    assert place_tones(text, "first") == text


def test_sentence() -> None:
    text = "Ủy ban nhân dân tỉnh Khánh Hòa tổ chức hội nghị về thủy lợi; sức khỏe người dân được bảo đảm."
    main = "Uỷ ban nhân dân tỉnh Khánh Hoà tổ chức hội nghị về thuỷ lợi; sức khoẻ người dân được bảo đảm."
    assert place_tones(text, "main") == main
    assert place_tones(main, "first") == text


def test_decomposed_input_is_composed() -> None:
    assert place_tones("ho\u0300a", "main") == "hoà"


def test_unknown_style_is_an_error() -> None:
    with pytest.raises(ValueError, match="tone style"):
        place_tones("hòa", "new")  # type: ignore[arg-type]
