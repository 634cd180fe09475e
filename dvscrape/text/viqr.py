"""VIQR (RFC 1456): Vietnamese typed in ASCII, a mark after each vowel ('Vie^.t Nam', 'ddu+o+`ng').

Shape marks: ( breve, ^ circumflex, + horn; tone marks: ' acute, ` grave, ? hook, ~ tilde, . dot below; dd is đ.
A backslash makes the next mark a literal character.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from dvscrape.text.legacy_tables import VIQR_SHAPES, VIQR_TONES
from dvscrape.text.runs import LegacyRun, ScoredWord, runs_from_scores
from dvscrape.text.syllables import is_vietnamese_syllable, parse_syllable, split_word
from dvscrape.text.tones import tone_position

_VOWELS = "aeiouyAEIOUY"
_AMBIGUOUS_FINAL_MARKS = ".?'"  # full stop, question mark, apostrophe: a tone or punctuation
_ESCAPABLE = "(^+`'?~."  # what RFC 1456 escapes with a backslash after a vowel to keep it literal
_MIN_SHARE = 0.2  # VIQR is ASCII: demand evidence on at least a fifth of a run's words
_SHAPE_VOWELS = {"(": "a", "^": "aeo", "+": "ou", "*": "ou"}
_WORD_GOES_ON = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz`'?~.")


@cache
def _shape_mark_re() -> re.Pattern[str]:
    return re.compile(r"(?:[aA]\(|[aeoAEO]\^|[ouOU]\+)")


@cache
def _shapes() -> dict[str, str]:
    """VIQR's shape marks, and '*' for the horn, as some VIQR writers type it ('ngu*o*`i')."""
    return {**VIQR_SHAPES, "*": VIQR_SHAPES["+"]}


@cache
def _mark_after_vowel_re() -> re.Pattern[str]:
    # Starts with the mark, not the vowel, so that the scan stops at rare characters only.
    return re.compile(r"[(+*'?.\^`~](?<=[AEIOUYaeiouy].)")


def may_hold_viqr(text: str) -> bool:
    """The cheap test for VIQR: ^ ` ~ after a vowel, or ( + ' ? . after a vowel and inside a word."""
    for match in _mark_after_vowel_re().finditer(text):
        if match.group() in "^`~" or text[match.end() : match.end() + 1] in _WORD_GOES_ON:
            return True
    return False


@cache
def _word_re() -> re.Pattern[str]:
    # A word starts with a letter and goes on with letters, marks and backslash-escaped marks; non-ASCII letters
    # join in so that a Unicode word is seen whole (and rejected).
    letter = "A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0300-\u036f"
    return re.compile(f"[{letter}](?:[{letter}]|\\\\[\\^(+`'?~.]|[\\^(+*`'?~.])*")


@cache
def _escape_re() -> re.Pattern[str]:
    return re.compile(r"\\([\^(+`'?~.])")


def _letters(core: str) -> tuple[list[str], float, bool] | None:
    """Decode a word without its ambiguous final mark: (letters with combining marks, evidence, has a tone).

    None when a mark stands where VIQR puts none (after a consonant, a second tone).
    """
    letters: list[str] = []
    evidence = 0.0
    has_tone = False
    index = 0
    while index < len(core):
        char = core[index]
        index += 1
        if char == "\\" and index < len(core):
            letters.append(core[index])
            index += 1
        elif char in "dD" and core[index : index + 1] in ("d", "D"):
            letters.append("đ" if char == "d" else "Đ")
            evidence += 0.5
            index += 1
        elif char in _shapes() or char in VIQR_TONES:
            return None
        else:
            letters.append(char)
            if char not in _VOWELS:
                continue
            mark = core[index : index + 1]
            if mark in _shapes() and char.lower() in _SHAPE_VOWELS[mark]:
                letters[-1] += _shapes()[mark]
                evidence += 1.0
                index += 1
                mark = core[index : index + 1]
            if mark in VIQR_TONES:
                if has_tone:
                    return None
                letters[-1] += VIQR_TONES[mark]
                has_tone = True
                evidence += 1.0 if mark in "`~" else 0.5
                index += 1
    return letters, evidence, has_tone


@lru_cache(maxsize=65536)
def _well_placed(word: str) -> bool:
    """A Vietnamese syllable whose tone sits where one of the two conventions puts it."""
    if not is_vietnamese_syllable(word):
        return False
    split = split_word(word)
    if split is None:
        return False
    bare, tone, letters = split
    syllable = parse_syllable(bare)
    if syllable is None or not tone:
        return syllable is not None
    toned = next(index for index, char in enumerate(word) if char != letters[index])
    allowed = {len(syllable.onset) + tone_position(syllable, style) for style in ("first", "main")}
    return toned in allowed


def _ends_sentence(word: str, after: str) -> bool:
    rest = after.lstrip(" \t")
    if not rest or rest[0] == "\n" or after[0] in "\"'”’":
        return True
    # A capital after a capitalised word is the next part of a name ('Nguye^~n Thi. Lan' is Nguyễn Thị Lan).
    return rest[0].isupper() and not word[0].isupper()


def decode_viqr_word(word: str, after: str = "", strict: bool = True, escaped: bool = False) -> tuple[str, float]:
    """(decoded word, evidence). Evidence is 1 per shape mark, backtick or tilde, 0.5 per other mark inside the word
    or per dd; a mark ending the word adds none.

    A final '.', '?' or apostrophe is a tone when that gives a well-formed syllable with the tone where Vietnamese
    puts it, and punctuation otherwise; a final '.' before a line end, the end of the text or a capital (after, the
    text that follows the word) is punctuation, unless both words are capitalised (a name: 'Thi. Lan' is 'Thị Lan').
    When strict, a word whose decoding is not a well-formed syllable is returned unchanged, except that DD in a
    capitalised abbreviation without vowels is Đ ('QDD' is 'QĐ'). When escaped (the text follows RFC 1456 and writes
    a literal full stop after a vowel as '\\.'), a final '.' after a vowel is always the tone.
    """
    if strict and "DD" in word and word.isupper() and not any(vowel in word for vowel in _VOWELS):
        return word.replace("DD", "Đ"), 0.0  # abbreviations: QDD-UBND, NDD-CP
    if len(word) > 2 and word[-2] == "\\" and word[-1] in _ESCAPABLE:  # 'ta\\.': an escaped final mark is literal
        decoded, evidence = decode_viqr_word(word[:-2], "", strict, escaped=True)
        return decoded + word[-1], evidence
    if word.endswith("...") and len(word) > 3:  # an ellipsis; a fourth dot before it is the dot-below tone
        decoded, evidence = _decode_viqr_word(word[:-3], False, strict)
        return decoded + "...", evidence
    return _decode_viqr_word(word, not escaped and _ends_sentence(word, after), strict)


@lru_cache(maxsize=65536)
def _decode_viqr_word(word: str, sentence_ends: bool, strict: bool) -> tuple[str, float]:
    core, final = word, ""
    if len(word) > 1 and word[-1] in _AMBIGUOUS_FINAL_MARKS and word[-2] != "\\":
        core, final = word[:-1], word[-1]
    decoded_core = _letters(core)
    if decoded_core is None:
        return word, 0.0
    letters, evidence, has_tone = decoded_core
    result = unicodedata.normalize("NFC", "".join(letters))
    literal = final
    if final and not has_tone and letters[-1][0] in _VOWELS and not (final == "." and sentence_ends):
        toned = unicodedata.normalize("NFC", result + VIQR_TONES[final])
        # Outside strict mode a mark on a non-syllable ('a(' + "'" for 'ắ' alone) is taken as a tone too.
        if _well_placed(toned) or not strict and not is_vietnamese_syllable(result):
            result, literal = toned, ""
            if len(result) >= 3:
                evidence += 0.5  # a final mark read as a tone: 'Nghi.' of 'Nghi. quye^'t'
    if result == core or strict and not _well_placed(result):
        return word, 0.0
    if len(result) <= 2 and evidence < 1.0:
        evidence = 0.0  # 'I'm', 'a.m' and the like are English far more often than VIQR
    return result + literal, evidence


def _in_code_span(text: str, start: int) -> bool:
    # A word right after a backtick is Markdown/reST code ('`re`'), never VIQR, where a backtick follows a vowel.
    return start > 0 and text[start - 1] == "`"


def follows_rfc_escapes(text: str) -> bool:
    """Whether text escapes a literal mark after a vowel as RFC 1456 asks ('ta\\.'): then an unescaped mark there is
    always a tone, and 'vu. Quo^'c' is 'vụ Quốc', not the end of a sentence."""
    return "\\" in text and _escaped_after_vowel_re().search(text) is not None


@cache
def _escaped_after_vowel_re() -> re.Pattern[str]:
    return re.compile(r"[AEIOUYaeiouy][(^+`'?~.]*\\[.?']")


def decode_viqr(text: str, start: int = 0, end: int | None = None, strict: bool = True, escaped: bool = False) -> str:
    """Decode the VIQR words of text[start:end] (only well-formed syllables when strict) and the escaped marks.
    escaped: the document follows RFC 1456's escapes (see follows_rfc_escapes), even if this text shows none."""
    end = len(text) if end is None else end
    escaped = escaped or follows_rfc_escapes(text)
    pieces: list[str] = []
    position = start
    for match in _word_re().finditer(text, start, end):
        if _in_code_span(text, match.start()):
            continue
        pieces.append(text[position : match.start()])
        word = match.group()
        decoded = decode_viqr_word(word, text[match.end() : match.end() + 3], strict, escaped)[0]
        if decoded == word and strict and _shape_mark_re().search(word):
            # A transliterated name inside a VIQR run ('Bo^lo^via', 'Caribe^'): shape marks are never punctuation.
            decoded = decode_viqr_word(word, text[match.end() : match.end() + 3], False, escaped)[0]
        pieces.append(decoded)
        position = match.end()
    pieces.append(text[position:end])
    decoded = "".join(pieces)
    return _escape_re().sub(r"\1", decoded) if "\\" in decoded else decoded


def viqr_runs(text: str, escaped: bool = False) -> list[LegacyRun]:
    """The stretches of text typed in VIQR: words with VIQR evidence, no Unicode Vietnamese word among them."""
    escaped = escaped or follows_rfc_escapes(text)
    words: list[ScoredWord] = []
    for match in _word_re().finditer(text):
        word = match.group()
        if not word.isascii():
            words.append((match.start(), match.end(), -1.0))
            continue
        if _in_code_span(text, match.start()):
            words.append((match.start(), match.end(), 0.0))
            continue
        _, evidence = decode_viqr_word(word, text[match.end() : match.end() + 3], escaped=escaped)
        words.append((match.start(), match.end(), evidence))
    return runs_from_scores(text, words, "viqr", _MIN_SHARE)
