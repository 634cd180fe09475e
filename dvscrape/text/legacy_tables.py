"""Code tables of the pre-Unicode Vietnamese encodings: TCVN3 (ABC, fonts .VnTime/.VnTimeH), VNI (VNI-Windows,
fonts VNI-Times) and VIQR (RFC 1456, plain ASCII).

TCVN3 and VNI are 8-bit font encodings: a page shows them as Latin-1 characters with the same code points, so the
tables map those characters. All tables are built on first use and cached.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from dvscrape.text.letters import (
    ACUTE,
    BREVE,
    CIRCUMFLEX,
    DOT_BELOW,
    GRAVE,
    HOOK,
    HORN,
    TILDE,
    vietnamese_letters,
)

# TCVN3 has only lower-case toned letters; capitals with tones are the same codes shown in a .VnTimeH font.
_TCVN3_CODES = {
    0xA1: "Ă",
    0xA2: "Â",
    0xA3: "Ê",
    0xA4: "Ô",
    0xA5: "Ơ",
    0xA6: "Ư",
    0xA7: "Đ",
    0xA8: "ă",
    0xA9: "â",
    0xAA: "ê",
    0xAB: "ô",
    0xAC: "ơ",
    0xAD: "ư",
    0xAE: "đ",
    0xB5: "à",
    0xB6: "ả",
    0xB7: "ã",
    0xB8: "á",
    0xB9: "ạ",
    0xBB: "ằ",
    0xBC: "ẳ",
    0xBD: "ẵ",
    0xBE: "ắ",
    0xC6: "ặ",
    0xC7: "ầ",
    0xC8: "ẩ",
    0xC9: "ẫ",
    0xCA: "ấ",
    0xCB: "ậ",
    0xCC: "è",
    0xCE: "ẻ",
    0xCF: "ẽ",
    0xD0: "é",
    0xD1: "ẹ",
    0xD2: "ề",
    0xD3: "ể",
    0xD4: "ễ",
    0xD5: "ế",
    0xD6: "ệ",
    0xD7: "ì",
    0xD8: "ỉ",
    0xDC: "ĩ",
    0xDD: "í",
    0xDE: "ị",
    0xDF: "ò",
    0xE1: "ỏ",
    0xE2: "õ",
    0xE3: "ó",
    0xE4: "ọ",
    0xE5: "ồ",
    0xE6: "ổ",
    0xE7: "ỗ",
    0xE8: "ố",
    0xE9: "ộ",
    0xEA: "ờ",
    0xEB: "ở",
    0xEC: "ỡ",
    0xED: "ớ",
    0xEE: "ợ",
    0xEF: "ù",
    0xF1: "ủ",
    0xF2: "ũ",
    0xF3: "ú",
    0xF4: "ụ",
    0xF5: "ừ",
    0xF6: "ử",
    0xF7: "ữ",
    0xF8: "ứ",
    0xF9: "ự",
    0xFA: "ỳ",
    0xFB: "ỷ",
    0xFC: "ỹ",
    0xFD: "ý",
    0xFE: "ỵ",
}


@cache
def tcvn3_decoding() -> dict[int, str]:
    """str.translate table: TCVN3 code (as a Latin-1 character) → Unicode letter."""
    return dict(_TCVN3_CODES)


@cache
def tcvn3_encoding() -> dict[str, str]:
    """Unicode letter → TCVN3 character; a capital with a tone maps to its lower-case code (as .VnTimeH does)."""
    encoding = {letter: chr(code) for code, letter in _TCVN3_CODES.items()}
    for code, letter in _TCVN3_CODES.items():
        encoding.setdefault(letter.upper(), chr(code))
    return encoding


_VNI_TONE = {ACUTE: "ù", GRAVE: "ø", HOOK: "û", TILDE: "õ", DOT_BELOW: "ï"}
_VNI_CIRCUMFLEX_TONE = {"": "â", ACUTE: "á", GRAVE: "à", HOOK: "å", TILDE: "ã", DOT_BELOW: "ä"}
_VNI_BREVE_TONE = {"": "ê", ACUTE: "é", GRAVE: "è", HOOK: "ú", TILDE: "ü", DOT_BELOW: "ë"}
_VNI_I = {ACUTE: "í", GRAVE: "ì", HOOK: "æ", TILDE: "ó", DOT_BELOW: "ò"}
_VNI_HORN_BASE = {"o": "ô", "u": "ö"}


def _parts(letter: str) -> tuple[str, str, str]:
    """'Ộ' → ('o', CIRCUMFLEX, DOT_BELOW) with the base in lower case."""
    decomposed = unicodedata.normalize("NFD", letter.lower())
    base = decomposed[0]
    shape = next((mark for mark in decomposed[1:] if mark in CIRCUMFLEX + BREVE + HORN), "")
    tone = next((mark for mark in decomposed[1:] if mark in _VNI_TONE), "")
    return base, shape, tone


def _vni_lower(letter: str) -> str:
    if letter == "đ":
        return "ñ"
    base, shape, tone = _parts(letter)
    if base == "i":
        return _VNI_I[tone]
    if base == "y" and tone == DOT_BELOW:
        return "î"
    if shape == CIRCUMFLEX:
        return base + _VNI_CIRCUMFLEX_TONE[tone]
    if shape == BREVE:
        return base + _VNI_BREVE_TONE[tone]
    if shape == HORN:
        return _VNI_HORN_BASE[base] + _VNI_TONE.get(tone, "")
    return base + _VNI_TONE[tone]


@cache
def vni_encoding() -> dict[str, str]:
    """Unicode letter → its VNI-Windows spelling (one to three characters); capitals use the capital marks."""
    encoding: dict[str, str] = {}
    for letter in vietnamese_letters():
        spelled = _vni_lower(letter.lower())
        encoding[letter] = spelled.upper() if letter.isupper() else spelled
    return encoding


@cache
def vni_decoding() -> dict[str, str]:
    """VNI spelling → Unicode letter. Accepts a capital base with small marks ('AÁn' for 'Ấn') and the reverse."""
    decoding: dict[str, str] = {}
    for letter, spelled in vni_encoding().items():
        base, marks = spelled[0].lower(), spelled[1:].lower()
        for cased_base, cased_letter in ((base, letter.lower()), (base.upper(), letter.upper())):
            for cased_marks in (marks, marks.upper()):
                decoding.setdefault(cased_base + cased_marks, cased_letter)
    return decoding


VIQR_SHAPES = {"(": BREVE, "^": CIRCUMFLEX, "+": HORN}
VIQR_TONES = {"'": ACUTE, "`": GRAVE, "?": HOOK, "~": TILDE, ".": DOT_BELOW}


@cache
def viqr_encoding() -> dict[str, str]:
    """Unicode letter → VIQR spelling: 'ệ' → 'e^.', 'đ' → 'dd', 'Đ' → 'DD'."""
    shape_chars = {mark: char for char, mark in VIQR_SHAPES.items()}
    tone_chars = {mark: char for char, mark in VIQR_TONES.items()}
    encoding: dict[str, str] = {"đ": "dd", "Đ": "DD"}
    for letter in vietnamese_letters():
        if letter in encoding:
            continue
        base, shape, tone = _parts(letter)
        cased_base = base.upper() if letter.isupper() else base
        encoding[letter] = cased_base + shape_chars.get(shape, "") + tone_chars.get(tone, "")
    return encoding
