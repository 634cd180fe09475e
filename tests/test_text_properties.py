"""Property tests (hypothesis) of dvscrape.text: idempotence, NFC output, no letters lost or added, tone styles."""

from __future__ import annotations

import os
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dvscrape.text import clean_whitespace, normalize, place_tones, to_nfc
from dvscrape.text.legacy_tables import tcvn3_encoding, viqr_encoding, vni_encoding
from dvscrape.text.letters import vietnamese_letters

LETTERS = "".join(vietnamese_letters())
SPACES = " \t\n\r\u00a0\u202f\u2003\u3000\u200b\u200d\u2060\ufeff"
PUNCTUATION = ".,;:!?-–—…“”‘’«»()/'\"`^~+"
MARKS = "\u0300\u0301\u0302\u0303\u0306\u0309\u031b\u0323"
ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" + LETTERS + SPACES + PUNCTUATION + MARKS

vietnamese_text = st.text(alphabet=ALPHABET, max_size=120)
any_text = st.text(max_size=80)
WORDS = (
    "hòa hoà thủy thuỷ khỏe khoẻ quý giá già gìn người Nguyễn Việt Nam đường huỳnh khuya ngoài khuỷu toán "
    "HÒA Thuỷ Của quận Tân Bình Ủy ban nhân dân Chính phủ baỏ lựơng tuỳ hóa hoá họa hoạ lòe loè"
)
syllables = st.sampled_from(WORDS.split())
sentences = st.lists(syllables, min_size=1, max_size=12).map(" ".join)
# DVSCRAPE_HYPOTHESIS_EXAMPLES raises the number of examples for a long local run (the suite keeps 300).
PROPERTY_SETTINGS = settings(
    max_examples=int(os.environ.get("DVSCRAPE_HYPOTHESIS_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _encode(text: str, table: dict[str, str]) -> str:
    return "".join(table.get(char, char) for char in text)


legacy_text = st.tuples(sentences, st.sampled_from([tcvn3_encoding, vni_encoding, viqr_encoding])).map(
    lambda pair: _encode(pair[0], pair[1]())
)


def _letters_in_order(text: str) -> tuple[str, list[str]]:
    """The base letters of text in order, and its marks: what a reader must still find after a clean-up."""
    decomposed = unicodedata.normalize("NFD", text)
    return (
        "".join(char for char in decomposed if char.isalpha()),
        sorted(char for char in decomposed if unicodedata.combining(char)),
    )


@PROPERTY_SETTINGS
@given(st.one_of(vietnamese_text, any_text, legacy_text))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@PROPERTY_SETTINGS
@given(st.one_of(vietnamese_text, any_text, legacy_text), st.sampled_from(["first", "main"]))
def test_normalize_with_tone_style_is_idempotent(text: str, tone: str) -> None:
    once = normalize(text, tone=tone)  # type: ignore[arg-type]
    assert normalize(once, tone=tone) == once  # type: ignore[arg-type]


@PROPERTY_SETTINGS
@given(st.one_of(vietnamese_text, any_text))
def test_normalize_and_to_nfc_give_nfc(text: str) -> None:
    assert unicodedata.is_normalized("NFC", normalize(text))
    assert unicodedata.is_normalized("NFC", to_nfc(text))


def _base_letters_and_marks(text: str) -> tuple[str, list[str]]:
    decomposed = unicodedata.normalize("NFD", text)
    return (
        "".join(char for char in decomposed if not unicodedata.combining(char)),
        sorted(char for char in decomposed if unicodedata.combining(char)),
    )


@PROPERTY_SETTINGS
@given(vietnamese_text)
def test_to_nfc_neither_loses_nor_adds_letters_or_marks(text: str) -> None:
    assert _base_letters_and_marks(to_nfc(text)) == _base_letters_and_marks(text)


@PROPERTY_SETTINGS
@given(vietnamese_text)
def test_clean_whitespace_neither_loses_nor_adds_letters(text: str) -> None:
    assert _letters_in_order(clean_whitespace(text)) == _letters_in_order(text)


@PROPERTY_SETTINGS
@given(st.one_of(vietnamese_text, sentences))
def test_clean_whitespace_is_idempotent_and_canonical(text: str) -> None:
    cleaned = clean_whitespace(text)
    assert clean_whitespace(cleaned) == cleaned
    assert "  " not in cleaned and "\n\n\n" not in cleaned and "\r" not in cleaned and "\t" not in cleaned
    assert cleaned == cleaned.strip()


@PROPERTY_SETTINGS
@given(st.one_of(sentences, vietnamese_text))
def test_place_tones_round_trips_between_styles(text: str) -> None:
    first = place_tones(text, "first")
    main = place_tones(text, "main")
    assert place_tones(main, "first") == first
    assert place_tones(first, "main") == main
    assert place_tones(first, "first") == first


@PROPERTY_SETTINGS
@given(sentences)
def test_place_tones_only_moves_marks(text: str) -> None:
    for style in ("first", "main"):
        placed = place_tones(text, style)  # type: ignore[arg-type]
        assert len(placed) == len(text)
        assert unicodedata.normalize("NFD", placed).count("\u0300") == unicodedata.normalize("NFD", text).count(
            "\u0300"
        )
