"""Text typed in legacy Vietnamese encodings (TCVN3, VNI, VIQR): decoding, detection, and decoding of legacy runs
embedded in otherwise Unicode text.

Detection looks only at the text. Each word is read both ways: a word counts as legacy evidence when its legacy
reading is a well-formed Vietnamese syllable, it actually changes, and its Unicode reading is not Vietnamese. Words
with Vietnamese letters outside Latin-1 (ư, ạ, ệ, …) are Unicode and end a legacy run. A run is decoded only when it
holds enough evidence, so scattered symbols ('5µm', '©', '·') never trigger it.
"""

from __future__ import annotations

import bisect
import re
from functools import cache, lru_cache

from dvscrape.text.legacy_tables import tcvn3_decoding, vni_decoding
from dvscrape.text.runs import LegacyEncoding, LegacyRun, ScoredWord, runs_from_scores
from dvscrape.text.syllables import is_vietnamese_syllable
from dvscrape.text.viqr import decode_viqr, may_hold_viqr, viqr_runs

__all__ = ["LegacyEncoding", "LegacyRun", "decode_legacy_runs", "detect_legacy", "find_legacy_runs", "from_legacy"]

_ENCODINGS: tuple[LegacyEncoding, ...] = ("tcvn3", "vni", "viqr")

# Latin-1 letters that Unicode Vietnamese uses itself; every other Latin-1 character in a word hints at TCVN3/VNI.
_VIETNAMESE_LATIN1 = "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý"


@cache
def eight_bit_hint_chars() -> str:
    """The Latin-1 characters that TCVN3 and VNI text shows and Unicode Vietnamese does not use."""
    return "".join(chr(code) for code in range(0xA1, 0x100) if chr(code) not in _VIETNAMESE_LATIN1)


@cache
def _eight_bit_hint_re() -> re.Pattern[str]:
    return re.compile(f"[{re.escape(eight_bit_hint_chars())}]")


@cache
def _eight_bit_word_re() -> re.Pattern[str]:
    return re.compile("[A-Za-z\u00a1-\u00ff\u0100-\u024f\u0300-\u036f\u0370-\u052f\u1e00-\u1eff]+")


@cache
def _vni_sequence_re() -> re.Pattern[str]:
    spellings = sorted(vni_decoding(), key=len, reverse=True)
    return re.compile("|".join(re.escape(spelling) for spelling in spellings))


def _decode_vni_word(word: str) -> str:
    table = vni_decoding()
    return _vni_sequence_re().sub(lambda match: table[match.group()], word)


_NOT_LETTER_BYTES = bytes(code for code in range(128) if not chr(code).isalpha())
_UPPER_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _ascii_letters(text: str) -> bytes:
    return text.encode("ascii", "ignore").translate(None, _NOT_LETTER_BYTES)


def _line_is_capitals(line: str) -> bool:
    letters = _ascii_letters(line)
    capitals = len(letters) - len(letters.translate(None, _UPPER_BYTES))
    return len(letters) >= 3 and capitals >= 0.9 * len(letters)


@cache
def _two_capitals_re() -> re.Pattern[str]:
    return re.compile("[A-Z][\u00a1-\u00ff]*[A-Z]")


def _tcvn3_capital_words(line: str, decoded: str) -> str:
    # .VnTimeH shows TCVN3's lower-case codes as capitals: a word follows its ASCII letters when it has two or more,
    # its line otherwise.
    line_capitals = _line_is_capitals(line)
    pieces: list[str] = []
    position = 0
    for match in _eight_bit_word_re().finditer(line):
        letters = _ascii_letters(match.group())
        capitals = letters.isupper() if len(letters) >= 2 else line_capitals
        if capitals:
            pieces += [decoded[position : match.start()], decoded[match.start() : match.end()].upper()]
            position = match.end()
    pieces.append(decoded[position:])
    return "".join(pieces)


def _decode_tcvn3(text: str) -> str:
    decoded = text.translate(tcvn3_decoding())
    if not _two_capitals_re().search(text) and not _line_is_capitals(text):
        return decoded
    # Each code maps to one character, so offsets in text and decoded agree.
    lines, decoded_lines = text.split("\n"), decoded.split("\n")
    return "\n".join(
        _tcvn3_capital_words(line, decoded_line) for line, decoded_line in zip(lines, decoded_lines, strict=True)
    )


@lru_cache(maxsize=65536)
def _eight_bit_evidence(word: str) -> tuple[float, float]:
    """What a word of ASCII and Latin-1 characters says for (TCVN3, VNI): +1 legacy, -1 Unicode, 0 undecided."""
    unicode_ok = is_vietnamese_syllable(word)
    scores = []
    for decoded in (word.translate(tcvn3_decoding()), _decode_vni_word(word)):
        if decoded == word:
            scores.append(0.0)
            continue
        legacy_ok = is_vietnamese_syllable(decoded)
        if legacy_ok and not unicode_ok:
            scores.append(1.0 if len(word) >= 2 else 0.0)
        else:
            scores.append(-1.0 if unicode_ok and not legacy_ok else 0.0)
    return scores[0], scores[1]


@cache
def _latin1_word_re() -> re.Pattern[str]:
    """A whole word of ASCII and Latin-1 letters holding at least one Latin-1 character."""
    letter = "A-Za-z\u00a1-\u00ff"
    other_letter = "\u0100-\u024f\u0300-\u036f\u0370-\u052f\u1e00-\u1eff"
    return re.compile(f"(?<![{letter}{other_letter}])[A-Za-z]*[\u00a1-\u00ff][{letter}]*(?![{letter}{other_letter}])")


@cache
def _unicode_letter_re() -> re.Pattern[str]:
    return re.compile("[\u0100-\u024f\u0300-\u036f\u0370-\u052f\u1e00-\u1eff]")


def _eight_bit_runs(text: str) -> list[LegacyRun]:
    """TCVN3 and VNI runs. Only words with Latin-1 characters are read; a letter beyond Latin-1 between two of them
    (a Unicode Vietnamese word) separates them."""
    unicode_letters = [match.start() for match in _unicode_letter_re().finditer(text)]
    tcvn3: list[ScoredWord] = []
    vni: list[ScoredWord] = []
    previous_end = -1
    for match in _latin1_word_re().finditer(text):
        start, end = match.span()
        if previous_end >= 0 and unicode_letters:
            after_previous = bisect.bisect_left(unicode_letters, previous_end)
            if after_previous < len(unicode_letters) and unicode_letters[after_previous] < start:
                tcvn3.append((previous_end, previous_end, -1.0))
                vni.append((previous_end, previous_end, -1.0))
        previous_end = end
        if start and text[start - 1].isdigit():  # '5µm', '25°C': symbols after a number
            tcvn3_score = vni_score = 0.0
        else:
            tcvn3_score, vni_score = _eight_bit_evidence(match.group())
        tcvn3.append((start, end, tcvn3_score))
        vni.append((start, end, vni_score))
    return runs_from_scores(text, tcvn3, "tcvn3") + runs_from_scores(text, vni, "vni")


def find_legacy_runs(text: str) -> list[LegacyRun]:
    """The stretches of text that read as TCVN3, VNI or VIQR, in order and not overlapping.

    A run spans from its first to its last legacy word. Where a TCVN3 and a VNI reading overlap, the one with more
    evidence wins. Returns [] at once for text that has none of the characters legacy text is made of.
    """
    candidates: list[LegacyRun] = []
    if not text.isascii() and _eight_bit_hint_re().search(text):
        candidates += _eight_bit_runs(text)
    if may_hold_viqr(text):
        candidates += viqr_runs(text)
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
        return decode_viqr(text, strict=False)
    raise ValueError(f"unknown legacy encoding {encoding!r}; expected one of {', '.join(_ENCODINGS)}")


def decode_legacy_runs(text: str) -> str:
    """Decode every legacy run found in text (see find_legacy_runs), leaving the Unicode around it untouched."""
    runs = find_legacy_runs(text)
    if not runs:
        return text
    pieces: list[str] = []
    position = 0
    for run in runs:
        pieces.append(text[position : run.start])
        if run.encoding == "viqr":
            pieces.append(decode_viqr(text, run.start, run.end))
        else:
            pieces.append(from_legacy(text[run.start : run.end], run.encoding))
        position = run.end
    pieces.append(text[position:])
    return "".join(pieces)
