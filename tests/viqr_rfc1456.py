"""An independent VIQR encoder for the tests and the bench, written from RFC 1456's description, not from dvscrape's
tables: each letter is split by Unicode's own decomposition (NFD) and every mark is spelled after its vowel, shape
first ('(' breve, '^' circumflex, '+' horn), then tone ("'" acute, '`' grave, '?' hook, '~' tilde, '.' dot below);
'đ' is 'dd' and 'Đ' 'DD'.

Three styles, as VIQR text is found:
- "rfc": RFC 1456's escapes: a mark character that stays literal right after a vowel is written with a backslash
  before it ('ho^m qua\\.', 'kho^ng bie^'t a\\?').
- "plain": no escapes, as most typists wrote: a full stop, question mark or quote after a vowel is left bare
  ('ho^m qua.'), so it reads like a tone mark.
- "star": "plain" with '*' for the horn ('ngu*o*`i'), a variant some VIQR writers used.
A literal 'dd' is not escaped (RFC 1456 gives no escape for it; the corpora have none).
"""

from __future__ import annotations

import unicodedata
from typing import Literal

ViqrStyle = Literal["rfc", "plain", "star"]
VIQR_STYLES: tuple[ViqrStyle, ...] = ("rfc", "plain", "star")

_SHAPE_MARKS = {"\u0306": "(", "\u0302": "^", "\u031b": "+"}
_TONE_MARKS = {"\u0301": "'", "\u0300": "`", "\u0309": "?", "\u0303": "~", "\u0323": "."}
_MARK_CHARACTERS = frozenset("(^+'`?~.")
_VOWELS = frozenset("aeiouyAEIOUY")


def _spell(char: str, horn: str) -> tuple[str, bool] | None:
    """(VIQR spelling of one Vietnamese letter, whether it ends with a vowel or its marks), or None for a character
    that is not a Latin letter with Vietnamese marks only."""
    if char in "đĐ":
        return ("dd" if char == "đ" else "DD"), False
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if not base.isascii() or not base.isalpha() or any(m not in _SHAPE_MARKS and m not in _TONE_MARKS for m in marks):
        return None
    shapes = "".join(horn if m == "\u031b" else _SHAPE_MARKS[m] for m in marks if m in _SHAPE_MARKS)
    tones = "".join(_TONE_MARKS[m] for m in marks if m in _TONE_MARKS)
    return base + shapes + tones, base in _VOWELS


def encode_viqr(text: str, style: ViqrStyle = "rfc") -> str:
    """text (NFC or not) in VIQR of the given style; characters VIQR has no spelling for are kept as they are."""
    horn = "*" if style == "star" else "+"
    out: list[str] = []
    after_vowel = False
    for char in unicodedata.normalize("NFC", text):
        spelled = _spell(char, horn)
        if spelled is not None:
            out.append(spelled[0])
            after_vowel = spelled[1]
            continue
        if after_vowel and char in _MARK_CHARACTERS and style == "rfc":
            out.append("\\")
        out.append(char)
        after_vowel = False
    return "".join(out)
