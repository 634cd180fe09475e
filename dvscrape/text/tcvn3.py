"""TCVN3 (.VnTime, .VnTimeH) text decoded to Unicode, with the capitals of its headings: .VnTime has no capital
with a tone mark, so a heading typed in capitals (.VnTimeH shows TCVN3's lower-case codes as capitals) is read from
the letters around the toned ones."""

from __future__ import annotations

import re
from functools import cache

from dvscrape.text.legacy_tables import tcvn3_decoding
from dvscrape.text.syllables import is_vietnamese_syllable


@cache
def _eight_bit_word_re() -> re.Pattern[str]:
    return re.compile("[A-Za-z\u00a1-\u00ff\u0100-\u024f\u0300-\u036f\u0370-\u052f\u1e00-\u1eff]+")


# The letters .VnTime types in either case: ASCII letters and TCVN3's seven with a capital code, which
# _case_letters turns into 'A' (Ă Â Ê Ô Ơ Ư Đ) and 'a' (ă â ê ô ơ ư đ).
_CASE_TABLE = bytes.maketrans(bytes(range(0xA1, 0xAF)), b"A" * 7 + b"a" * 7)
_NOT_CASE_BYTES = bytes(code for code in range(256) if not (chr(code).isalpha() and code < 128 or 0xA1 <= code <= 0xAE))
_UPPER_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _case_letters(text: str) -> bytes:
    return text.encode("latin-1", "ignore").translate(_CASE_TABLE, _NOT_CASE_BYTES)


def _capitals(letters: bytes) -> int:
    return len(letters) - len(letters.translate(None, _UPPER_BYTES))


def _line_is_capitals(line: str) -> bool:
    # A heading set in capitals: the letters typed in either case are capitals, so the toned ones, which .VnTime has
    # only in lower case, are capitals too ('§¡NG Ký' is 'ĐĂNG KÝ', 'Hµ NéI' is 'HÀ NỘI'). A word with a legacy code
    # and two or more such letters, all capitals, must show it: 'X· Bµ Nµ' (Xã Bà Nà) is title case. A word of ASCII
    # letters in capitals shows it only when it is a syllable ('Tù DO' is 'TỰ DO'): 'S¬ ®å ODC' holds an acronym.
    letters = _case_letters(line)
    lower = len(letters) - _capitals(letters)
    if _capitals(letters) < max(3, 9 * lower):  # at most one small letter in ten: most lines stop here
        return False
    upper = 0
    shown = False
    for match in _eight_bit_word_re().finditer(line):
        word = match.group()
        if not word.isascii() or is_vietnamese_syllable(word):
            letters = _case_letters(word)
            upper += _capitals(letters)
            shown = shown or len(letters) >= 2 and _capitals(letters) == len(letters)
    return shown and upper >= max(3, 9 * lower)


@cache
def _two_capitals_re() -> re.Pattern[str]:
    return re.compile("[A-Z\u00a1-\u00a7][\u00a1-\u00ff]*[A-Z\u00a1-\u00a7]")


def _tcvn3_capital_words(text: str, decoded: str, line_capitals: bool) -> str:
    # .VnTimeH shows TCVN3's lower-case codes as capitals: a word follows its letters typed in either case when it
    # has two or more, its line otherwise. Each code maps to one character, so offsets in text and decoded agree.
    pieces: list[str] = []
    position = 0
    for match in _eight_bit_word_re().finditer(text):
        letters = _case_letters(match.group())
        if letters.isupper() if len(letters) >= 2 else line_capitals:
            pieces += [decoded[position : match.start()], decoded[match.start() : match.end()].upper()]
            position = match.end()
    pieces.append(decoded[position:])
    return "".join(pieces)


def decode_tcvn3(text: str, line: str = "") -> str:
    """text decoded from TCVN3 with its words in capitals, line by line; line: the whole line that a one-line text
    (a run) stands in, which tells whether it is set in capitals."""
    if "\n" in text:
        return "\n".join(decode_tcvn3(part) for part in text.split("\n"))
    decoded = text.translate(tcvn3_decoding())
    capitals = _line_is_capitals(line or text)
    return _tcvn3_capital_words(text, decoded, capitals) if capitals or _two_capitals_re().search(text) else decoded


def tcvn3_syllable(word: str) -> bool:
    """Whether a word of Latin-1 characters reads as a Vietnamese syllable in TCVN3."""
    return is_vietnamese_syllable(word.translate(tcvn3_decoding()))
