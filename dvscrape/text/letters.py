"""The Vietnamese alphabet as data: letters, tone marks and the shape marks that make ă, â, ê, ô, ơ, ư.

Everything here is built on first use and cached; nothing is computed at import time.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

GRAVE = "\u0300"  # huyền
ACUTE = "\u0301"  # sắc
TILDE = "\u0303"  # ngã
HOOK = "\u0309"  # hỏi
DOT_BELOW = "\u0323"  # nặng
TONE_MARKS = GRAVE + ACUTE + HOOK + TILDE + DOT_BELOW

CIRCUMFLEX = "\u0302"
BREVE = "\u0306"
HORN = "\u031b"

PLAIN_VOWELS = "aăâeêioôơuưy"
SHAPED_VOWELS = "ăâêôơư"


@cache
def vietnamese_letters() -> tuple[str, ...]:
    """The 134 non-ASCII letters of Vietnamese (67 lower-case, then their 67 capitals), composed (NFC).

    They are the 60 toned vowels, the six shaped vowels ă â ê ô ơ ư and đ, in each case.
    """
    lower: list[str] = []
    for vowel in PLAIN_VOWELS:
        if vowel in SHAPED_VOWELS:
            lower.append(vowel)
        lower.extend(unicodedata.normalize("NFC", vowel + tone) for tone in TONE_MARKS)
    lower.append("đ")
    return tuple(lower) + tuple(letter.upper() for letter in lower)


@cache
def _letter_parts() -> dict[str, tuple[str, str]]:
    """Every Vietnamese vowel letter (ASCII ones too) → (letter without tone, tone mark or "")."""
    parts: dict[str, tuple[str, str]] = {}
    for base in PLAIN_VOWELS:
        for cased in (base, base.upper()):
            parts[cased] = (cased, "")
            for tone in TONE_MARKS:
                parts[unicodedata.normalize("NFC", cased + tone)] = (cased, tone)
    for letter in "đĐ":
        parts[letter] = (letter, "")
    return parts


@cache
def _toned_letters() -> dict[tuple[str, str], str]:
    return {parts: letter for letter, parts in _letter_parts().items()}


def split_tone(letter: str) -> tuple[str, str] | None:
    """('ộ' → ('ô', DOT_BELOW)); ('a' → ('a', '')); None when the character is not a Vietnamese vowel or đ."""
    return _letter_parts().get(letter)


def add_tone(letter: str, tone: str) -> str:
    """Put tone (one of TONE_MARKS, or "") on a tone-less Vietnamese vowel: ('ô', DOT_BELOW) → 'ộ'."""
    return _toned_letters()[(letter, tone)]


@cache
def vietnamese_letter_set() -> frozenset[str]:
    """All letters a Vietnamese word may contain: ASCII letters, the 134 letters above."""
    ascii_letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return frozenset(ascii_letters) | frozenset(vietnamese_letters())


@cache
def trigger_re(chars: str, condition: str) -> re.Pattern[str]:
    """A cheap test's regex: one of chars, then condition (lookarounds). Opening with a character class, its scan
    skips every other character; normalize runs several such tests as one scan (see pipeline)."""
    return re.compile(f"[{re.escape(chars)}]{condition}")
