"""Text typed in legacy Vietnamese encodings (TCVN3, VNI, VIQR): decoding, detection, and decoding of legacy runs
embedded in otherwise Unicode text.

Detection looks only at the text. Each word is read both ways: a word counts as legacy evidence when its legacy
reading is a well-formed Vietnamese syllable, it actually changes, and its Unicode reading is not Vietnamese. Words
with Vietnamese letters outside Latin-1 (ư, ạ, ệ, …) are Unicode and end a legacy run. A run is decoded only when it
holds enough evidence, so scattered symbols ('5µm', '©', '·') never trigger it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from dvscrape.text.legacy_tables import VIQR_SHAPES, VIQR_TONES, tcvn3_decoding, vni_decoding
from dvscrape.text.syllables import is_vietnamese_syllable

LegacyEncoding = Literal["tcvn3", "vni", "viqr"]
_ENCODINGS: tuple[LegacyEncoding, ...] = ("tcvn3", "vni", "viqr")

# Latin-1 letters that Unicode Vietnamese uses itself; every other Latin-1 character in a word hints at TCVN3/VNI.
_VIETNAMESE_LATIN1 = "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý"
_MIN_RUN_EVIDENCE = 2.0
_MIN_VIQR_SHARE = 0.2


@dataclass(frozen=True)
class LegacyRun:
    """A stretch text[start:end] that reads as legacy-encoded text; evidence is its weighted count of legacy words."""

    start: int
    end: int
    encoding: LegacyEncoding
    evidence: float


@cache
def _eight_bit_hint_re() -> re.Pattern[str]:
    others = "".join(chr(code) for code in range(0xA1, 0x100) if chr(code) not in _VIETNAMESE_LATIN1)
    return re.compile(f"[{re.escape(others)}]")


@cache
def _viqr_hint_re() -> re.Pattern[str]:
    return re.compile(r"[AEIOUYaeiouy](?:[\^(+][`'?~.]?|[`'?~.])[A-Za-z]|[AEIOUYaeiouy][\^(+`~]|[Dd][Dd][aeiouy]")


@cache
def _eight_bit_word_re() -> re.Pattern[str]:
    return re.compile("[A-Za-z\u00a1-\u00ff\u0100-\u024f\u0300-\u036f\u0370-\u052f\u1e00-\u1eff]+")


@cache
def _viqr_word_re() -> re.Pattern[str]:
    # A VIQR word starts with a letter and goes on with letters, marks and backslash-escaped marks; non-ASCII
    # letters join in so that a Unicode word is seen whole.
    letter = "A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0300-\u036f"
    return re.compile(f"[{letter}](?:[{letter}]|\\\\[\\^(+`'?~.]|[\\^(+`'?~.])*")


@cache
def _viqr_escape_re() -> re.Pattern[str]:
    return re.compile(r"\\([\^(+`'?~.])")


@cache
def _vni_sequence_re() -> re.Pattern[str]:
    spellings = sorted(vni_decoding(), key=len, reverse=True)
    return re.compile("|".join(re.escape(spelling) for spelling in spellings))


def _decode_vni_word(word: str) -> str:
    table = vni_decoding()
    return _vni_sequence_re().sub(lambda match: table[match.group()], word)


def _decode_tcvn3_word(word: str, upper: bool) -> str:
    decoded = word.translate(tcvn3_decoding())
    return decoded.upper() if upper else decoded


def _tcvn3_word_is_capitals(word: str, line_is_capitals: bool) -> bool:
    # .VnTimeH shows TCVN3's lower-case codes as capitals: follow the ASCII letters of the word, or of its line.
    ascii_letters = [char for char in word if char.isascii() and char.isalpha()]
    if len(ascii_letters) >= 2:
        return all(char.isupper() for char in ascii_letters)
    return line_is_capitals


def _line_is_capitals(text: str) -> bool:
    ascii_letters = [char for char in text if char.isascii() and char.isalpha()]
    return len(ascii_letters) >= 3 and sum(char.isupper() for char in ascii_letters) >= 0.9 * len(ascii_letters)


def _decode_tcvn3(text: str) -> str:
    decoded_lines = []
    for line in text.split("\n"):
        capitals = _line_is_capitals(line)
        pieces: list[str] = []
        position = 0
        for match in _eight_bit_word_re().finditer(line):
            word = match.group()
            pieces += [line[position:match.start()], _decode_tcvn3_word(word, _tcvn3_word_is_capitals(word, capitals))]
            position = match.end()
        pieces.append(line[position:])
        decoded_lines.append("".join(pieces))
    return "\n".join(decoded_lines)


def _viqr_mark_is_punctuation(word: str, index: int, after: str) -> bool:
    # RFC 1456 wants a backslash before a full stop or question mark after a vowel; real text rarely has it, so a
    # '.', '?' or apostrophe ending the word before a line end, the end of the text or a capital is punctuation.
    if index != len(word) - 1 or word[index] not in ".?'":
        return False
    rest = after.lstrip(" \t")
    return not rest or rest[0] == "\n" or rest[0].isupper() or rest[0] in "\"'”’)]"


def _decode_viqr_word(word: str, after: str = "", strict: bool = True) -> tuple[str, float]:
    """(decoded word, evidence). Evidence is 1 per shape mark, backtick or tilde, 0.5 per other mark inside the word.

    after is the text that follows the word (for the full-stop rule). When strict, the word is returned unchanged
    with evidence 0 unless its decoding is a well-formed Vietnamese syllable.
    """
    letters: list[str] = []
    trailing = ""
    evidence = 0.0
    has_tone = False
    index = 0
    while index < len(word):
        char = word[index]
        if char == "\\" and index + 1 < len(word):
            letters.append(word[index + 1])
            index += 2
            continue
        if char in "dD" and word[index + 1:index + 2] in ("d", "D"):
            letters.append("đ" if char == "d" else "Đ")
            evidence += 0.5
            index += 2
            continue
        if char in VIQR_SHAPES or char in VIQR_TONES:
            if index == len(word) - 1 or _viqr_mark_is_punctuation(word, index, after):
                trailing = word[index:]
                break
            return word, 0.0
        letters.append(char)
        index += 1
        if char.lower() not in "aeiouy":
            continue
        next_char = word[index:index + 1]
        if next_char in VIQR_SHAPES and _shape_fits(char, next_char):
            letters[-1] += VIQR_SHAPES[next_char]
            evidence += 1.0
            index += 1
            next_char = word[index:index + 1]
        if next_char in VIQR_TONES and not has_tone and not _viqr_mark_is_punctuation(word, index, after):
            letters[-1] += VIQR_TONES[next_char]
            has_tone = True
            evidence += 1.0 if next_char in "`~" else (0.5 if index < len(word) - 1 else 0.0)
            index += 1
    decoded = unicodedata.normalize("NFC", "".join(letters))
    if decoded == word[:len(word) - len(trailing)] or strict and not is_vietnamese_syllable(decoded):
        return word, 0.0
    if len(decoded) <= 2 and evidence < 1.0:
        evidence = 0.0
    return decoded + trailing, evidence


def _decode_viqr(text: str, start: int, end: int, strict: bool = True) -> str:
    pieces: list[str] = []
    position = start
    for match in _viqr_word_re().finditer(text, start, end):
        pieces.append(text[position:match.start()])
        pieces.append(_decode_viqr_word(match.group(), text[match.end():match.end() + 3], strict)[0])
        position = match.end()
    pieces.append(text[position:end])
    decoded = "".join(pieces)
    return _viqr_escape_re().sub(r"\1", decoded) if "\\" in decoded else decoded


def _shape_fits(vowel: str, mark: str) -> bool:
    return vowel.lower() in {"(": "a", "^": "aeo", "+": "ou"}[mark]


@lru_cache(maxsize=65536)
def _eight_bit_evidence(word: str, encoding: LegacyEncoding) -> float:
    """+1 legacy word, -1 Unicode word (ends a run), 0 neither."""
    if any(ord(char) > 0xFF for char in word):
        return -1.0
    if word.isascii():
        return 0.0
    decoded = _decode_tcvn3_word(word, False) if encoding == "tcvn3" else _decode_vni_word(word)
    if decoded == word:
        return 0.0
    legacy_ok = is_vietnamese_syllable(decoded)
    unicode_ok = is_vietnamese_syllable(word)
    if legacy_ok and not unicode_ok:
        return 1.0 if len(word) >= 2 else 0.0
    if unicode_ok and not legacy_ok:
        return -1.0
    return 0.0


def _eight_bit_runs(text: str, encoding: LegacyEncoding) -> list[LegacyRun]:
    runs: list[LegacyRun] = []
    first = last = -1
    evidence = 0.0
    for match in _eight_bit_word_re().finditer(text):
        start = match.start()
        score = 0.0 if start and text[start - 1].isdigit() else _eight_bit_evidence(match.group(), encoding)
        if score < 0:
            if evidence >= _MIN_RUN_EVIDENCE:
                runs.append(LegacyRun(first, last, encoding, evidence))
            first, evidence = -1, 0.0
        elif score > 0:
            if first < 0:
                first = start
            last = match.end()
            evidence += score
    if evidence >= _MIN_RUN_EVIDENCE:
        runs.append(LegacyRun(first, last, encoding, evidence))
    return runs


def _viqr_runs(text: str) -> list[LegacyRun]:
    runs: list[LegacyRun] = []
    first = last = -1
    evidence = 0.0
    words = 0
    for match in _viqr_word_re().finditer(text):
        word = match.group()
        if not word.isascii():
            if evidence >= _MIN_RUN_EVIDENCE and evidence >= _MIN_VIQR_SHARE * words:
                runs.append(LegacyRun(first, last, "viqr", evidence))
            first, evidence, words = -1, 0.0, 0
            continue
        _, score = _decode_viqr_word(word, text[match.end():match.end() + 3])
        if first >= 0 or score > 0:
            words += 1
        if score > 0:
            if first < 0:
                first = match.start()
            last = match.end()
            evidence += score
    if evidence >= _MIN_RUN_EVIDENCE and evidence >= _MIN_VIQR_SHARE * words:
        runs.append(LegacyRun(first, last, "viqr", evidence))
    return runs


def find_legacy_runs(text: str) -> list[LegacyRun]:
    """The stretches of text that read as TCVN3, VNI or VIQR, in order and not overlapping.

    A run spans from its first to its last legacy word. Where a TCVN3 and a VNI reading overlap, the one with more
    evidence wins. Returns [] at once for text that has none of the characters legacy text is made of.
    """
    candidates: list[LegacyRun] = []
    if not text.isascii() and _eight_bit_hint_re().search(text):
        candidates += _eight_bit_runs(text, "tcvn3") + _eight_bit_runs(text, "vni")
    if _viqr_hint_re().search(text):
        candidates += _viqr_runs(text)
    chosen: list[LegacyRun] = []
    for run in sorted(candidates, key=lambda run: -run.evidence):
        if all(run.end <= other.start or run.start >= other.end for other in chosen):
            chosen.append(run)
    return sorted(chosen, key=lambda run: run.start)


def detect_legacy(text: str) -> LegacyEncoding | None:
    """The legacy encoding text is typed in ("tcvn3", "vni" or "viqr"), judged from the text alone, or None.

    When several encodings occur, the one with the most evidence wins. Unicode Vietnamese, English and other Latin
    text give None; so do single legacy words, which are too little evidence.
    """
    runs = find_legacy_runs(text)
    if not runs:
        return None
    totals = {encoding: sum(run.evidence for run in runs if run.encoding == encoding) for encoding in _ENCODINGS}
    return max(totals, key=lambda encoding: totals[encoding])


def from_legacy(text: str | bytes, encoding: LegacyEncoding) -> str:
    """Decode text typed in a legacy encoding to composed Unicode, without detection.

    text may be a str in which each legacy byte is the Latin-1 character of the same code (how such text shows in a
    web page) or the raw bytes of an old document. For TCVN3, a word typed in capitals (the .VnTimeH font) gets
    capital accented letters. In VIQR a '.', '?' or apostrophe that ends a word before a line end, the end of the
    text or a capital letter is read as punctuation (RFC 1456's backslash escape is honoured too).
    """
    if isinstance(text, bytes):
        text = text.decode("latin-1")
    if encoding == "tcvn3":
        return _decode_tcvn3(text)
    if encoding == "vni":
        return _vni_sequence_re().sub(lambda match: vni_decoding()[match.group()], text)
    if encoding == "viqr":
        return _decode_viqr(text, 0, len(text), strict=False)
    raise ValueError(f"unknown legacy encoding {encoding!r}; expected one of {', '.join(_ENCODINGS)}")


def decode_legacy_runs(text: str) -> str:
    """Decode every legacy run found in text (see find_legacy_runs), leaving the Unicode around it untouched."""
    runs = find_legacy_runs(text)
    if not runs:
        return text
    pieces: list[str] = []
    position = 0
    for run in runs:
        pieces.append(text[position:run.start])
        if run.encoding == "viqr":
            pieces.append(_decode_viqr(text, run.start, run.end))
        else:
            pieces.append(from_legacy(text[run.start:run.end], run.encoding))
        position = run.end
    pieces.append(text[position:])
    return "".join(pieces)
