"""Canonical Unicode: composition with Vietnamese mark order, look-alike letters, accent folding."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from dvscrape.text.letters import BREVE, CIRCUMFLEX, TONE_MARKS
from dvscrape.text.syllables import is_vietnamese_syllable

_COMBINING_CLASS = "\u0300-\u036f"
# Letters that can carry both a shape mark (circumflex, breve) and a tone mark.
_SHAPED_BASES = "aeoAEO"


@cache
def _combining_re() -> re.Pattern[str]:
    return re.compile(f"[{_COMBINING_CLASS}]")


@cache
def _misordered_marks_re() -> re.Pattern[str]:
    # After NFD the dot below (combining class 220) already precedes the class-230 marks; what can still be wrong
    # is a class-230 tone mark typed before the circumflex or breve.
    return re.compile(f"[{_SHAPED_BASES}]\u0323?[\u0300\u0301\u0303\u0309]+[{CIRCUMFLEX}{BREVE}]")


def _shape_before_tone(match: re.Match[str]) -> str:
    base, marks = match.group()[0], match.group()[1:]
    # Stable sort: shape marks first, tone marks after; marks of another kind keep their place among the first.
    ordered = sorted(marks, key=lambda mark: mark in TONE_MARKS)
    return base + "".join(ordered)


def to_nfc(text: str) -> str:
    """Compose text to NFC so that each Vietnamese letter is the single code point a reader sees.

    Besides plain NFC this puts a circumflex or breve typed after the tone mark back under it, so that
    'e' + acute + circumflex gives 'ế' (plain NFC would leave 'é' + a loose circumflex). Windows-1258 style text
    (a precomposed base letter plus a combining tone) is composed as well.
    """
    if text.isascii():
        return text
    if not _combining_re().search(text):
        return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
    decomposed = unicodedata.normalize("NFD", text)
    if CIRCUMFLEX in decomposed or BREVE in decomposed:
        decomposed = _misordered_marks_re().sub(_shape_before_tone, decomposed)
    return unicodedata.normalize("NFC", decomposed)


_CYRILLIC_TO_LATIN = {
    "а": "a",
    "е": "e",
    "о": "o",
    "р": "p",
    "с": "c",
    "у": "y",
    "х": "x",
    "і": "i",
    "ј": "j",
    "ѕ": "s",
    "ԁ": "d",
    "һ": "h",
    "ԛ": "q",
    "ԝ": "w",
    "ӏ": "l",
    "А": "A",
    "В": "B",
    "Е": "E",
    "К": "K",
    "М": "M",
    "Н": "H",
    "О": "O",
    "Р": "P",
    "С": "C",
    "Т": "T",
    "У": "Y",
    "Х": "X",
    "І": "I",
    "Ј": "J",
    "Ѕ": "S",
    "Ԁ": "D",
    "Һ": "H",
    "Ԛ": "Q",
    "Ԝ": "W",
    "Ӏ": "I",
    "ѐ": "è",
    "ё": "ë",
    "Ѐ": "È",
    "Ё": "Ë",
}
_GREEK_TO_LATIN = {
    "Α": "A",
    "Β": "B",
    "Ε": "E",
    "Ζ": "Z",
    "Η": "H",
    "Ι": "I",
    "Κ": "K",
    "Μ": "M",
    "Ν": "N",
    "Ο": "O",
    "Ρ": "P",
    "Τ": "T",
    "Υ": "Y",
    "Χ": "X",
    "ο": "o",
    "ι": "i",
    "ν": "v",
    "α": "a",
}
# Lower-case Cyrillic в, к, м, н, т look like small capitals; keep them lower-case in Latin words.
_LOWER_LOOKALIKES = {"в": "b", "к": "k", "м": "m", "н": "h", "т": "t"}
_ETH_TO_DJE = {"Ð": "Đ", "ð": "đ", "Ɖ": "Đ", "ɖ": "đ"}


@cache
def _lookalike_table() -> dict[str, str]:
    return {**_CYRILLIC_TO_LATIN, **_GREEK_TO_LATIN, **_LOWER_LOOKALIKES}


@cache
def _eth_translation() -> dict[int, str]:
    return str.maketrans(_ETH_TO_DJE)


# A regex character-class body: Greek, Cyrillic, eth and African D, the letters fold_confusables looks at.
_CONFUSABLE_CLASS = "\u0370-\u03ff\u0400-\u052f\u00d0\u00f0\u0189\u0256"


@cache
def _confusable_hint_re() -> re.Pattern[str]:
    return re.compile(f"[{_CONFUSABLE_CLASS}]")


@cache
def _mixed_word_re() -> re.Pattern[str]:
    # A word: letters and combining marks, holding at least one Greek or Cyrillic letter.
    letter = f"(?:[^\\W\\d_]|[{_COMBINING_CLASS}])"
    return re.compile(f"{letter}*[\u0370-\u03ff\u0400-\u052f]{letter}*")


def _is_latin_letter(char: str) -> bool:
    code = ord(char)
    return char.isalpha() and (code < 0x250 or 0x1E00 <= code <= 0x1EFF)


def _fold_word(match: re.Match[str]) -> str:
    word = match.group()
    table = _lookalike_table()
    latin = sum(map(_is_latin_letter, word))
    if not latin or match.start() and match.string[match.start() - 1] in "%\\":
        return word  # '%liс', '\\xНН': a printf conversion or an escape before a word
    foreign = [char for char in word if char.isalpha() and not _is_latin_letter(char)]
    if not all(char in table for char in foreign):
        return word
    folded = to_nfc("".join(table.get(char, char) for char in word))
    # 'sНет' of '%sНет', 'SEКОР', 'cCсС': mostly foreign letters, the Latin ones are the intruders
    return folded if latin > len(foreign) or is_vietnamese_syllable(folded) else word


@cache
def _own_script_re() -> re.Pattern[str]:
    """A Cyrillic or Greek letter that no Latin letter looks like, or a word of two letters or more wholly in one of
    those scripts."""
    lookalikes = re.escape("".join(_lookalike_table()))
    greek, cyrillic = "\u0370-\u03ff", "\u0400-\u052f"
    return re.compile(f"(?![{lookalikes}])[{greek}{cyrillic}]|(?<!\\w)(?:[{greek}]{{2,}}|[{cyrillic}]{{2,}})(?!\\w)")


def _scripts_in_use(text: str) -> str:
    """A character class of the scripts (Cyrillic, Greek) the text is written in: those of its letters that look
    like no Latin one, and of its words written wholly in them but for capitals of look-alikes ('Конверт' is
    Cyrillic, 'НСМ' may be 'HCM')."""
    used = {
        match.group()[0] >= "\u0400"
        for match in _own_script_re().finditer(text)
        if len(match.group()) == 1 or not match.group().isupper()
    }
    return "".join(("\u0400-\u052f" if cyrillic else "\u0370-\u03ff") for cyrillic in used)


@cache
def _eth_word_re() -> re.Pattern[str]:
    letter = f"(?:[^\\W\\d_]|[{_COMBINING_CLASS}])"
    return re.compile(f"{letter}*[\u00d0\u00f0\u0189\u0256]{letter}*")


def _fold_eth_word(match: re.Match[str]) -> str:
    word = match.group()
    folded = to_nfc(word.translate(_eth_translation()))
    # 'ÐBSCL', 'HÐND': Vietnamese acronyms are capitals with a vowel at most; 'NORÐURLAND' is an Icelandic word
    acronym = (
        folded.isupper()
        and all(char.isascii() or char == "Đ" for char in folded)
        and sum(char in "AEIOUY" for char in folded) <= 1
    )
    return folded if acronym or is_vietnamese_syllable(folded) else word


def fold_confusables(text: str) -> str:
    """Replace look-alike letters by the Latin letters they imitate.

    'Ð'/'ð' (eth) and 'Ɖ'/'ɖ' become 'Đ'/'đ' in words that then are Vietnamese syllables ('Ðà Nẵng') or capital
    acronyms of one vowel at most ('ÐBSCL', 'HÐND'); Icelandic and Faroese words keep their eth ('Guðjohnsen',
    'Norður', 'NORÐURLAND'). A Cyrillic or Greek
    letter that looks like a Latin one ('о', 'а', 'і', 'Н', 'Ο', …) becomes Latin when it stands inside a word that
    also has Latin letters and whose other foreign letters all have Latin look-alikes.
    Words written wholly in Cyrillic or Greek are left alone, and so are the look-alikes of a text written in that
    script (one with a Cyrillic or Greek letter that looks like no Latin one: 'Cервер', 'Aν', '%sНет' are Russian
    and Greek typed with a stray Latin letter), and words whose Latin letters are fewer than the others unless
    they then read as Vietnamese ('SEКОР' stays, 'Hа' becomes 'Ha').
    """
    if text.isascii() or not _confusable_hint_re().search(text):
        return text
    if any(char in text for char in _ETH_TO_DJE):
        text = _eth_word_re().sub(_fold_eth_word, text)
    if not _mixed_word_re().search(text):
        return text
    in_use = _scripts_in_use(text)
    if not in_use:
        return _mixed_word_re().sub(_fold_word, text)
    return _mixed_word_re().sub(
        lambda match: match.group() if re.search(f"[{in_use}]", match.group()) else _fold_word(match), text
    )


@cache
def _strip_marks_re() -> re.Pattern[str]:
    return re.compile(f"[{_COMBINING_CLASS}]+")


def fold_diacritics(text: str) -> str:
    """Lower-case, accent-free text for accent-insensitive search: 'Đường Lê Lợi' → 'duong le loi'.

    Removes every combining mark after canonical decomposition and maps đ/Đ (and the look-alike ð) to d.
    """
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    stripped = _strip_marks_re().sub("", unicodedata.normalize("NFD", lowered))
    return unicodedata.normalize("NFC", stripped.replace("đ", "d").replace("ð", "d"))
