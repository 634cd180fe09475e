"""to_nfc, fold_confusables, fold_diacritics and the alphabet tables of dvscrape.text."""

from __future__ import annotations

import unicodedata

import pytest

from dvscrape.text import fold_confusables, fold_diacritics, is_vietnamese_syllable, to_nfc
from dvscrape.text.letters import vietnamese_letters

PARAGRAPH = (
    "Ngày 23/3, Ban Dân vận Quận ủy phối hợp với Ủy ban nhân dân quận Tân Bình tổ chức hội nghị tổng kết "
    "việc thực hiện kế hoạch phối hợp năm 2022; phong trào thi đua “Dân vận khéo” được hưởng ứng."
)


def test_the_alphabet_has_134_composed_letters() -> None:
    letters = vietnamese_letters()
    assert len(letters) == len(set(letters)) == 134
    assert all(unicodedata.is_normalized("NFC", letter) and len(letter) == 1 for letter in letters)
    assert [letter.upper() for letter in letters[:67]] == list(letters[67:])
    assert "ế" in letters and "Ự" in letters and "đ" in letters and "Đ" in letters


def test_to_nfc_composes_decomposed_paragraph() -> None:
    assert to_nfc(unicodedata.normalize("NFD", PARAGRAPH)) == PARAGRAPH


@pytest.mark.parametrize(
    ("typed", "seen"),
    [
        ("e\u0301\u0302", "ế"),  # tone typed before the circumflex: plain NFC leaves 'é' + a loose circumflex
        ("\u00e9\u0302", "ế"),  # precomposed é then circumflex
        ("Vie\u0323\u0302t", "Việt"),
        ("Vie\u0302\u0323t", "Việt"),
        ("a\u0309\u0306", "ẳ"),
        ("A\u0300\u0302", "Ầ"),
        ("o\u0301\u0302", "ố"),
        ("o\u031b\u0300", "ờ"),
        ("u\u0301\u031b", "ứ"),
        ("Vi\u00ea\u0323t Nam", "Việt Nam"),  # windows-1258 style: precomposed ê + combining dot below
        ("Tr\u01b0\u01a1\u0300ng", "Trường"),
    ],
)
def test_to_nfc_puts_shape_marks_under_tone_marks(typed: str, seen: str) -> None:
    assert to_nfc(typed) == seen


def test_plain_nfc_would_not_do_it() -> None:
    assert unicodedata.normalize("NFC", "e\u0301\u0302") == "\u00e9\u0302"


def test_to_nfc_leaves_clean_and_foreign_text() -> None:
    assert to_nfc(PARAGRAPH) is PARAGRAPH
    assert to_nfc("plain ASCII") == "plain ASCII"
    assert to_nfc("Sen\u0303or Mu\u0308ller") == "Señor Müller"
    assert to_nfc("\u0301 loose mark") == "\u0301 loose mark"


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("\u00d0À NẴNG", "ĐÀ NẴNG"),
        ("\u00f0ường Lê Lợi", "đường Lê Lợi"),
        ("Hà Nộ\u0456", "Hà Nội"),  # Cyrillic і
        ("Việt N\u0430m", "Việt Nam"),  # Cyrillic а
        ("\u0422ân Bình", "Tân Bình"),  # Cyrillic Т
        ("quận T\u0430\u0302n Bình", "quận Tân Bình"),  # Cyrillic а with a combining circumflex
        ("H\u03bf\u00e0", "Hoà"),  # Greek omicron
        ("c\u043eng t\u0430́c", "cong tác"),
        # Capitals of look-alikes alone ('НСМ') do not make a text Cyrillic.
        ("quận T\u0430\u0302n Bình, \u0422\u0420.\u041d\u0421\u041c", "quận Tân Bình, \u0422\u0420.\u041d\u0421\u041c"),
    ],
)
def test_fold_confusables(typed: str, folded: str) -> None:
    assert fold_confusables(typed) == folded


@pytest.mark.parametrize(
    "text",
    [
        "Москва",
        "Tổng thống Путин thăm Hà Nội",
        "ΑΘΗΝΑ và Ελλάδα",
        "Bдi",
        "Конверт кahu",  # a word wholly in Cyrillic, though all its letters look Latin: Cyrillic text
        PARAGRAPH,
        "x = α + β",
    ],
)
def test_fold_confusables_leaves_other_scripts(text: str) -> None:
    assert fold_confusables(text) == text


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đường Lê Lợi", "duong le loi"),
        ("ỦY BAN NHÂN DÂN QUẬN TÂN BÌNH", "uy ban nhan dan quan tan binh"),
        ("Nguyễn Thị Hằng", "nguyen thi hang"),
        ("hòa hoà thủy thuỷ", "hoa hoa thuy thuy"),
        ("\u00d0à Nẵng", "da nang"),
        (unicodedata.normalize("NFD", "Việt Nam"), "viet nam"),
        ("Số 15/2020/NĐ-CP", "so 15/2020/nd-cp"),
    ],
)
def test_fold_diacritics(text: str, folded: str) -> None:
    assert fold_diacritics(text) == folded


def test_fold_diacritics_output_is_ascii_for_vietnamese() -> None:
    assert fold_diacritics("".join(vietnamese_letters())).isascii()


@pytest.mark.parametrize(
    "word",
    ["Nguyễn", "khuỷu", "quốc", "giữa", "gìn", "nghiêng", "thuở", "hoặc", "xoong", "khuya", "Trường", "rượu", "Tân"],
)
def test_vietnamese_syllables(word: str) -> None:
    assert is_vietnamese_syllable(word)


@pytest.mark.parametrize("word", ["café", "Müller", "hàt", "cem", "ge", "TPHCM", "Back", "ă", "street"])
def test_not_vietnamese_syllables(word: str) -> None:
    assert not is_vietnamese_syllable(word)
