"""dvscrape.text against oracles nobody here wrote: real Vietnamese (VLSP 2013 sentences shipped with underthesea)
encoded by independent encoders (glibc's iconv for TCVN3, Python's cp1258 codec for windows-1258) and decoded back
exactly; real text in other languages (Babel's CLDR data) left exactly as it is."""

from __future__ import annotations

import shutil
import unicodedata

import pytest

from dvscrape.replica.charsets import windows_1258 as cp1258
from dvscrape.text import decode_html, detect_legacy, normalize
from dvscrape.text.legacy_tables import viqr_encoding, vni_encoding
from tests.corpora import (
    OTHER_LANGUAGES,
    iconv_many,
    other_language_lines,
    typed_for_vntime,
    vietnamese_sentences,
)

needs_underthesea = pytest.mark.skipif(not vietnamese_sentences(), reason="underthesea (test extra) not installed")
needs_tcvn_iconv = pytest.mark.skipif(
    shutil.which("iconv") is None or iconv_many(["ư"], "TCVN5712-1")[0] != b"\xad",
    reason="glibc iconv with TCVN5712-1 not available",
)


def _vn3(data: bytes | None) -> bool:
    """Bytes TCVN3 (VN3, the .VnTime fonts) shares with TCVN 5712:1993 VN1, which iconv writes: no capital with a
    tone (VN1 puts most of those in the C0 and C1 ranges, and Ằ Ắ Ẳ Ẵ Ầ Ấ Ẩ Ẫ Ề Ế Ể Ễ Ồ Ố Ổ Ỗ on codes VN3 gives
    to other letters or leaves unused: 0xAF, 0xBA, 0xBF, 0xC0-0xC5, 0xCD, 0xD9-0xDB, 0xE0, 0xF0, 0xFF, so the text
    is asked too) and no combining tone bytes."""
    return data is not None and not any(
        byte < 0x20 and byte not in b"\t\n" or 0x80 <= byte <= 0xA0 or 0xB0 <= byte <= 0xB4 for byte in data
    )


def _paragraphs(sentences: list[str], size: int = 4) -> list[str]:
    return [" ".join(sentences[i : i + size]) for i in range(0, len(sentences), size)]


@pytest.fixture(scope="module")
def tcvn3_pairs() -> list[tuple[str, bytes]]:
    sentences = list(vietnamese_sentences())
    encoded = iconv_many(sentences, "TCVN5712-1")
    return [
        (text, data)
        for text, data in zip(sentences, encoded, strict=True)
        if data is not None and _vn3(data) and not _capital_with_a_tone(text)
    ]


def _capital_with_a_tone(text: str) -> bool:
    return any(
        char.isupper() and set(unicodedata.normalize("NFD", char)) & set("\u0300\u0301\u0303\u0309\u0323")
        for char in text
    )


@needs_underthesea
@needs_tcvn_iconv
def test_tcvn3_from_iconv_decodes_back_exactly(tcvn3_pairs: list[tuple[str, bytes]]) -> None:
    assert len(tcvn3_pairs) > 1500
    assert sum(b"\xad" in data for _, data in tcvn3_pairs) > 500  # ư: the soft-hyphen code
    # As a page shows them: each byte the Latin-1 character of the same code.
    texts = [text for text, _ in tcvn3_pairs]
    legacy = [data.decode("latin-1") for _, data in tcvn3_pairs]
    for text, shown in zip(_paragraphs(texts), _paragraphs(legacy), strict=True):
        assert normalize(shown) == text
    # Sentence by sentence, with no context: all but a handful of two-word headings ('Nội dung', 'Khó khăn', where
    # 'Khã' is a syllable either way) come back exactly.
    wrong = [text for text, shown in zip(texts, legacy, strict=True) if normalize(shown) != text]
    assert len(wrong) <= 0.005 * len(texts), wrong[:10]
    # Known to be TCVN3 (the rest of the article is), each of them comes back exactly.
    assert [text for text, shown in zip(texts, legacy, strict=True) if normalize(shown, legacy="tcvn3") != text] == []


@needs_underthesea
@needs_tcvn_iconv
def test_tcvn3_headings_in_capitals_come_back_in_capitals() -> None:
    # The sentences set in capitals, as headings are, typed for .VnTime: a capital with a tone typed small, which
    # the capitals around it show to be a capital ('§¡NG Ký' is 'ĐĂNG KÝ').
    headings = [text.upper() for text in vietnamese_sentences() if len(text.split()) >= 3]
    encoded = iconv_many([typed_for_vntime(text) for text in headings], "TCVN5712-1")
    pairs = [(text, data.decode("latin-1")) for text, data in zip(headings, encoded, strict=True) if _vn3(data)]
    assert len(pairs) > 1500
    assert [text for text, shown in pairs if normalize(shown, legacy="tcvn3") != text] == []
    # Without the document's hint, all but a heading that starts with the list marker 'Đ.' ('§. Sù')
    assert len([text for text, shown in pairs if normalize(shown) != text]) <= 1


@needs_underthesea
@needs_tcvn_iconv
def test_tcvn3_page_bytes_under_a_windows_1252_label(tcvn3_pairs: list[tuple[str, bytes]]) -> None:
    texts = _paragraphs([text for text, _ in tcvn3_pairs[:400]])
    shown = _paragraphs([data.decode("latin-1") for _, data in tcvn3_pairs[:400]])
    for text, data in zip(texts, shown, strict=True):
        page = b"<html><head><meta charset='windows-1252'></head><body><p>" + data.encode("latin-1") + b"</p></body>"
        decoded = decode_html(page, "windows-1252")
        body = decoded.split("<p>")[1].split("</p>")[0]
        assert normalize(body) == text


@needs_underthesea
def test_windows_1258_from_pythons_codec_decodes_back_exactly() -> None:
    texts = [text for text in vietnamese_sentences() if _cp1258_ok(text)]
    assert len(texts) > 1500
    for text in _paragraphs(texts):
        data = cp1258(text)
        assert decode_html(data, "windows-1258") == text
        assert decode_html(data) == text  # no label: windows-1258 wins on Vietnamese syllables
        assert decode_html(data, "iso-8859-1") == text  # the usual wrong label


def _cp1258_ok(text: str) -> bool:
    try:
        cp1258(text)
    except UnicodeEncodeError:
        return False
    return True


@needs_underthesea
@pytest.mark.parametrize("encoding", ["vni", "viqr"])
def test_vni_and_viqr_of_real_text_decode_back(encoding: str) -> None:
    # No independent VNI encoder exists on this machine: the tables' own encoders, on text nobody here wrote. VIQR
    # also has an independent encoder written from RFC 1456 (tests/viqr_rfc1456.py, used by tests/test_text_viqr.py).
    table = vni_encoding() if encoding == "vni" else viqr_encoding()
    texts = list(vietnamese_sentences())
    paragraphs = _paragraphs(texts)
    restored = sum(normalize("".join(table.get(char, char) for char in text)) == text for text in paragraphs)
    # Unescaped VIQR is ambiguous where a sentence ends on an open syllable before a capital ('cư? Trung Quốc'):
    # where neither the next word nor the text's own spelling tells, the more frequent reading is taken.
    assert restored >= 0.99 * len(paragraphs)


@needs_underthesea
def test_no_change_to_real_unicode_vietnamese() -> None:
    texts = list(vietnamese_sentences())
    assert [text for text in texts if normalize(text) != text] == []
    assert detect_legacy("\n".join(texts)) is None
    decomposed = [unicodedata.normalize("NFD", text) for text in texts[:300]]
    assert [text for text in decomposed if normalize(text) != unicodedata.normalize("NFC", text)] == []


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_real_text_in_other_languages_is_never_changed(language: str) -> None:
    pytest.importorskip("babel")
    lines = other_language_lines(language)
    assert len(lines) > 500
    changed = [(line, normalize(line)) for line in lines if normalize(line) != line]
    assert changed == []


def test_the_foreign_words_the_issue_names() -> None:
    for text in (
        "Han fick tre poäng på matchen och spelade på sin plats.",
        "Er sagte »%s« und ging.",
        "Ishujt Periferikë të SHBA-së, për të gjithë",
        "România în Europa, în anul 2024",
        "Le chat haï dîne de rôtis.",
        "Eiður Guðjohnsen skoraði mark.",
        "Bài báo trích lời HLV: «Han fick tre poäng på matchen», và cầu thủ Eiður Guðjohnsen.",
        "راست‌به‌چپ",
        "അഫ്‌ഗാനിസ്ഥാൻ",
        "អាមេរិក\u200bខាង\u200bជើង",
        "שלום\u200f.",
    ):
        assert normalize(text) == text


@needs_underthesea
def test_vni_page_bytes_are_not_taken_for_windows_1258() -> None:
    # VNI bytes read as windows-1258 make syllables by chance ('Nếu' → 'NƠu'); the legacy reading is weighed too.
    table = vni_encoding()
    paragraphs = _paragraphs(list(vietnamese_sentences()))
    wrong = []
    for text in paragraphs:
        data = "".join(table.get(char, char) for char in text).encode("cp1252", errors="replace")
        for label in ("windows-1252", None):
            if normalize(decode_html(data, label)) != text:
                wrong.append(text)
    # The only misses: a character VNI cannot write ('⅔') and the one-letter list marker 'đ.' alone in its run.
    assert len(wrong) <= 4, wrong[:4]
