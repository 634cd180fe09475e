"""Property tests (hypothesis) of dvscrape.text: idempotence, NFC output, no letters lost or added, tone styles."""

from __future__ import annotations

import os
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dvscrape.text import clean_whitespace, find_legacy_runs, normalize, place_tones, to_nfc
from dvscrape.text.legacy_tables import tcvn3_encoding, viqr_encoding, vni_encoding
from dvscrape.text.letters import vietnamese_letters
from dvscrape.text.pipeline import is_plain
from dvscrape.text.whitespace import needs_spacing

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


# --- legacy documents, other scripts ---------------------------------------------------------------------

# Words with ư and ơ, whose TCVN3 codes are 0xAD (the soft hyphen) and 0xAC.
LEGACY_WORDS = (
    "người phường được nước mười hướng thương trường lương sương dương tương ương Tâm lợi mới cơ sở thơ ơn "
    "của công tác dân vận quận huyện xã hội nghị ban ngày tháng năm"
)
legacy_sentences = st.lists(st.sampled_from(LEGACY_WORDS.split()), min_size=1, max_size=10).map(" ".join)
# Letters of scripts whose spelling uses invisible characters, each with those it uses: right to left (Hebrew,
# Persian) with the bidi controls and joiners, Khmer with zero-width spaces and joiners, Malayalam and Sinhala with
# joiners. In text of that script they stay wherever they stand: inside a word, beside a space, at either end.
SCRIPT_MARKS = (
    ("\u05d0\u05d1\u05d2\u0627\u0628\u067e\u06cc\u0647", "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u200c\u200d"),
    ("\u1780\u1781\u17d2\u1784\u17b6", "\u200b\u200c\u200d"),
    ("\u0d05\u0d15\u0d4d\u0d9a\u0dca", "\u200c\u200d"),
)
other_script_text = (
    st.sampled_from(SCRIPT_MARKS)
    .flatmap(lambda script: st.text(alphabet=script[0] + script[1] + " ", min_size=1, max_size=40))
    .filter(lambda text: text.strip() == text and "  " not in text and any(char.isalpha() for char in text))
)


@PROPERTY_SETTINGS
@given(legacy_sentences, st.sampled_from(["tcvn3", "vni"]))
def test_a_legacy_document_field_decodes_back_whatever_its_length(text: str, encoding: str) -> None:
    # One word that reads only one way ('người') is enough in a document known to be legacy; words that are a
    # syllable both ways (VNI's 'cô' for 'cơ', TCVN3's 'Khã' for 'Khó') ride along with it.
    text = f"{text} người"
    table = tcvn3_encoding() if encoding == "tcvn3" else vni_encoding()
    assert normalize(_encode(text, table), legacy=encoding) == text  # type: ignore[arg-type]


@PROPERTY_SETTINGS
@given(legacy_sentences)
def test_no_tcvn3_letter_is_ever_dropped(text: str) -> None:
    # Decoded or not, the code of ư (the soft hyphen) never disappears from TCVN3 text.
    legacy = _encode(text, tcvn3_encoding())
    out = normalize(legacy)
    assert out == text or out.count("\u00ad") == legacy.count("\u00ad")


@PROPERTY_SETTINGS
@given(other_script_text)
def test_invisible_characters_of_other_scripts_are_kept(text: str) -> None:
    assert normalize(text) == text


@PROPERTY_SETTINGS
@given(st.one_of(vietnamese_text, any_text, legacy_text, sentences, st.lists(sentences).map("  \n".join)), st.data())
def test_every_piece_of_a_plain_text_needs_its_spaces_seen_to_at_most(text: str, data: st.DataObject) -> None:
    # pages.finish normalises the pieces of an article's plain text so (legacy text, mojibake and VIQR are not plain).
    start = data.draw(st.integers(0, len(text)))
    piece = text[start : data.draw(st.integers(start, len(text)))]
    if is_plain(text):
        assert is_plain(piece)
        assert normalize(piece) == clean_whitespace(piece)
        assert needs_spacing(piece) or normalize(piece) == piece
        assert find_legacy_runs(piece) == []
