"""Repair of UTF-8 text that was decoded as windows-1252 or Latin-1 ('Viá»‡t Nam' → 'Việt Nam')."""

from __future__ import annotations

import codecs
import itertools
import re
from functools import cache, lru_cache

from dvscrape.text.letters import trigger_re, vietnamese_letter_set
from dvscrape.text.syllables import is_vietnamese_syllable

_MAX_ROUNDS = 3  # text mis-decoded twice or three times over
REPLACEMENT = "\ufffd"
# windows-1252 leaves these bytes undefined; a decoder with errors="replace" turns each into U+FFFD.
_UNDEFINED_CP1252 = (0x81, 0x8D, 0x8F, 0x90, 0x9D)
_PREFERRED_OTHERS = "“”‘’–—…•€™Ðð"


@cache
def _char_to_byte() -> dict[str, int]:
    """Each character windows-1252 or Latin-1 gives for a byte → that byte (0x81, 0x8D, … only exist in Latin-1)."""
    table: dict[str, int] = {}
    for code in range(0x80, 0x100):
        table[chr(code)] = code
        try:
            table[bytes([code]).decode("cp1252")] = code
        except UnicodeDecodeError:
            continue
    return table


def _char_class(low: int, high: int, extra: str = "") -> str:
    chars = sorted(char for char, code in _char_to_byte().items() if low <= code <= high)
    return "[" + re.escape("".join(chars) + extra) + "]"


@cache
def _sequence_re() -> re.Pattern[str]:
    tail = _char_class(0x80, 0xBF, REPLACEMENT)
    lead2, lead3, lead4 = _char_class(0xC2, 0xDF), _char_class(0xE0, 0xEF), _char_class(0xF0, 0xF4)
    return re.compile(f"{lead2}{tail}|{lead3}{tail}{{2}}|{lead4}{tail}{{3}}")


@cache
def pair_trigger() -> tuple[str, str]:
    """(the characters a mojibake pair ends with, a regex that follows one when it ends a pair): a lead byte's
    character followed by a continuation byte's. The scan starts at the continuation character, rarer in text than
    the letters that lead, so it stops less often."""
    tails = "".join(char for char, code in _char_to_byte().items() if 0x80 <= code <= 0xBF) + REPLACEMENT
    return tails, f"(?<={_char_class(0xC2, 0xF4)}.)"


def may_hold_mojibake(text: str) -> bool:
    """The cheap test fix_mojibake starts with: a lead byte's character followed by a continuation byte's."""
    return not text.isascii() and trigger_re(*pair_trigger()).search(text) is not None


@cache
def _run_re() -> re.Pattern[str]:
    return re.compile(f"(?:{_sequence_re().pattern})+")


@cache
def _word_after_re() -> re.Pattern[str]:
    return re.compile(r"[^\W\d_]*")


# What UTF-8 mojibake of Vietnamese and Western text decodes to, besides Latin letters and marks: windows-1252's
# ˆ and ˜ (bytes 0x88, 0x98: text mis-decoded twice), punctuation, letter-like symbols, number forms (⅔), arrows,
# mathematical operators (≥), technical symbols, enclosed numbers, box drawing, shapes, symbols (♦), dingbats,
# and pictographs (emoji).
_SYMBOL_RANGES = ((0x2C6, 0x2C6), (0x2DC, 0x2DC), (0x2010, 0x27BF), (0x1F300, 0x1FAFF))
# Letters beyond Latin Extended-B that names are written with: Azerbaijani ə, the ɛ and ɔ of West African languages.
# Not the whole IPA block: 'É' + no-break space (bytes C9 A0) would read as 'ɠ'.
_IPA_LETTERS = "əɛɔƏƐƆ"


@cache
def _implausible_re(controls: bool = False) -> re.Pattern[str]:
    """A character that UTF-8 mojibake does not decode to; with controls (text mis-decoded twice), the C1 controls
    that stand for windows-1252's undefined bytes are plausible too."""
    symbols = "".join(f"{chr(first)}-{chr(last)}" for first, last in _SYMBOL_RANGES)
    low = "\x80" if controls else "\xa0"
    return re.compile(f"[^\x00-\x7f{low}-\u024f{_IPA_LETTERS}\u0300-\u036f\u1e00-\u1eff{symbols}\ufffd]")


def _decode_whole(text: str) -> str | None:
    """The whole text read back as UTF-8 when every character of it is a windows-1252/Latin-1 one (text that is
    mojibake through and through: one C-speed pass instead of one per sequence), else None."""
    if REPLACEMENT in text or _native_re().search(text):
        return None
    try:
        decoded = text.encode("cp1252", _latin1_for_the_rest()).decode("utf-8")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return None
    if decoded == text or _implausible_re().search(decoded):
        return None
    return decoded


@cache
def _native_re() -> re.Pattern[str]:
    """A character that cp1252/Latin-1 decoding never yields: where one stands, part of the text decoded right."""
    return re.compile("[^" + re.escape("".join(_char_to_byte()) + REPLACEMENT) + "\x00-\x7f]")


@cache
def _latin1_for_the_rest() -> str:
    """An encoding error handler for text.encode("cp1252", …): each character windows-1252 has no byte for written as
    its Latin-1 byte (the C1 controls, 0x81, 0x8D, …), so that the bytes either decoding read come back."""

    def latin1(error: UnicodeError) -> tuple[bytes, int]:
        if not isinstance(error, UnicodeEncodeError):
            raise error
        return error.object[error.start : error.end].encode("latin-1"), error.end

    codecs.register_error("dvscrape.latin1", latin1)
    return "dvscrape.latin1"


@lru_cache(maxsize=16384)
def _decode(sequence: str, controls: bool = False) -> str | None:
    try:
        decoded = sequence.encode("cp1252", _latin1_for_the_rest()).decode("utf-8")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return None
    return None if _implausible_re(controls).search(decoded) else decoded


@lru_cache(maxsize=4096)
def _candidates(sequence: str) -> tuple[str, ...]:
    """Decodings of a sequence in which U+FFFD stands for one of the bytes windows-1252 leaves undefined."""
    gaps = sequence.count(REPLACEMENT)
    found: list[str] = []
    for guess in itertools.product(_UNDEFINED_CP1252, repeat=gaps):
        filled = iter(guess)
        spelled = "".join(chr(next(filled)) if char == REPLACEMENT else char for char in sequence)
        decoded = _decode(spelled)
        if decoded is not None and decoded != REPLACEMENT:
            found.append(decoded)
    letters = vietnamese_letter_set()
    return tuple(text for text in found if all(char in letters or char in _PREFERRED_OTHERS for char in text))


def _repair_gap(match: re.Match[str]) -> str:
    sequence = match.group()
    candidates = _candidates(sequence)
    if len(candidates) > 1:
        text = match.string
        word_start = match.start()
        while word_start > 0 and text[word_start - 1].isalpha():
            word_start -= 1
        after = _word_after_re().match(text, match.end())
        left = text[word_start : match.start()]
        right = after.group() if after else ""
        candidates = tuple(
            candidate
            for candidate in candidates
            if is_vietnamese_syllable((left + candidate + right).replace("Ð", "Đ").replace("ð", "đ"))
        )
    return candidates[0] if len(candidates) == 1 else sequence


def _mends_a_syllable(match: re.Match[str]) -> bool:
    """Whether repairing a lone two-character sequence makes its word a Vietnamese syllable it was not ('CÃ´ng' →
    'Công' beside correctly decoded letters): such text is mojibake through and through, only short."""
    if match.end() - match.start() != 2:
        return False
    decoded = _decode(match.group())
    if decoded is None:
        return False
    text = match.string
    start = match.start()
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    after = _word_after_re().match(text, match.end())
    end = after.end() if after else match.end()
    mended = text[start : match.start()] + decoded + text[match.end() : end]
    if end > match.end():  # letters go on after the sequence: 'CÃ´ng' is no word as read
        return is_vietnamese_syllable(mended)
    as_read = _word_after_re().match(text, start)  # the word as read: 'NGÃ' of '“NGÃ”', a syllable already
    return is_vietnamese_syllable(mended) and not (as_read and is_vietnamese_syllable(as_read.group()))


@lru_cache(maxsize=16384)
def _repair_run(run: str, weak_allowed: bool) -> str:
    if len(run) == 2 and not weak_allowed:
        return run
    controls = len(run) > 2
    if REPLACEMENT not in run:
        whole = _decode(run, controls)
        if whole is not None:
            return whole
    return _sequence_re().sub(
        lambda sequence: (
            _decode(sequence.group(), controls) or sequence.group()
            if REPLACEMENT not in sequence.group()
            else sequence.group()
        ),
        run,
    )


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 that was read as windows-1252 or Latin-1: 'Ä‘Æ°á»ng' → 'đường'. Clean text is returned unchanged.

    Only sequences that form valid UTF-8 and decode to Latin letters, combining marks or punctuation are replaced,
    so a correctly decoded '“NGÃ”' stays. A lone two-character sequence ('Ã©') is repaired only when the text shows
    other mojibake, has no correctly decoded Vietnamese letters at all, or the repair makes its word a Vietnamese
    syllable ('CÃ´ng tÃ¡c' beside 'bộc lộ'). Symbols (≥, ♦, ⅔, emoji) are repaired too. Text mis-decoded more than
    once is repaired round by round. Where a decoder replaced an undefined windows-1252 byte by U+FFFD ('Ä�'), the
    byte is guessed when exactly one guess gives a Vietnamese letter or quote, or exactly one makes the word a
    Vietnamese syllable.
    """
    if not may_hold_mojibake(text):
        return text
    runs = _run_re()
    for round_ in range(_MAX_ROUNDS):
        if round_ and not may_hold_mojibake(text):  # repaired: no sequence is left
            return text
        whole = _decode_whole(text)
        if whole is not None:
            text = whole
            continue
        matches = list(runs.finditer(text))
        if not matches:
            return text
        weak_allowed = any(match.end() - match.start() > 2 for match in matches) or not _native_re().search(text)
        pieces: list[str] = []
        position = 0
        for match in matches:
            weak = weak_allowed or _mends_a_syllable(match)
            pieces += [text[position : match.start()], _repair_run(match.group(), weak)]
            position = match.end()
        pieces.append(text[position:])
        repaired = "".join(pieces)
        if repaired == text:
            break
        text = repaired
    if REPLACEMENT in text:
        text = _sequence_re().sub(
            lambda match: _repair_gap(match) if REPLACEMENT in match.group() else match.group(), text
        )
    return text
