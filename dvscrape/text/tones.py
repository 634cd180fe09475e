"""Tone-mark placement: the two conventions of Vietnamese spelling, and repair of marks typed on the wrong vowel."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Literal

from dvscrape.text.letters import SHAPED_VOWELS, add_tone
from dvscrape.text.syllables import Syllable, is_vietnamese_syllable, parse_syllable, split_word
from dvscrape.text.unicode import to_nfc

ToneStyle = Literal["first", "main"]
# Open syllables where the two conventions differ: a glide (o, u) before the main vowel.
_GLIDE_PAIRS = frozenset(("oa", "oe", "uy"))


@cache
def _word_re() -> re.Pattern[str]:
    return re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+")


def tone_position(syllable: Syllable, style: ToneStyle) -> int:
    """Index, within syllable.vowels, of the vowel that carries the tone.

    A shaped vowel (ă â ê ô ơ ư) takes it, the last one in 'ươ'; with a final consonant the last vowel takes it;
    of three vowels the middle one; of two, the first — except oa, oe, uy, which take it on the second vowel in
    the "main" style (hoà, khoẻ, thuỷ) and on the first in the "first" style (hòa, khỏe, thủy).
    """
    vowels = syllable.vowels
    if len(vowels) == 1:
        return 0
    shaped = [index for index, vowel in enumerate(vowels) if vowel in SHAPED_VOWELS]
    if shaped:
        return shaped[-1]
    if syllable.coda:
        return len(vowels) - 1
    if len(vowels) == 3:
        return 1
    if vowels in _GLIDE_PAIRS and style == "main":
        return 1
    return 0


@lru_cache(maxsize=65536)
def _place_in_word(word: str, style: ToneStyle) -> str:
    split = split_word(word)
    if split is None:
        return word
    bare, tone, letters = split
    if not tone or not is_vietnamese_syllable(word):
        return word
    syllable = parse_syllable(bare)
    if syllable is None:
        return word
    target = len(syllable.onset) + tone_position(syllable, style)
    letters[target] = add_tone(letters[target], tone)
    return "".join(letters)


def place_tones(text: str, style: ToneStyle) -> str:
    """Put every tone mark where the chosen convention puts it.

    style "first" is the traditional placement (hòa, thủy, khỏe); "main" puts the mark on the main vowel of oa, oe,
    uy (hoà, thuỷ, khoẻ). Both styles also repair a mark typed on the wrong vowel ('baỏ' → 'bảo',
    'lựơng' → 'lượng'); 'qu' and 'gi' count as consonants ('quý', 'giá'). Words that are not well-formed Vietnamese
    syllables, or that carry two tone marks, are left untouched. The text is composed (NFC) first.
    """
    if style not in ("first", "main"):
        raise ValueError(f"unknown tone style {style!r}; expected 'first' or 'main'")
    if text.isascii():
        return text
    return _word_re().sub(lambda match: _place_in_word(match.group(), style), to_nfc(text))


def tone_in_place(word: str) -> bool:
    """Whether a word's tone mark sits where one of the two conventions puts it ('hải', 'hoà', 'hòa'; not 'haỉ',
    'phôì'). Words that are not Vietnamese syllables are in place: there is nothing to compare."""
    return word in (_place_in_word(word, "first"), _place_in_word(word, "main"))
