"""VIQR (RFC 1456): Vietnamese typed in ASCII, a mark after each vowel ('Vie^.t Nam', 'ddu+o+`ng').

Shape marks: ( breve, ^ circumflex, + horn; tone marks: ' acute, ` grave, ? hook, ~ tilde, . dot below; dd is đ.
A backslash makes the next mark a literal character.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Literal

from dvscrape.text.legacy_tables import VIQR_SHAPES, VIQR_TONES
from dvscrape.text.letters import trigger_re
from dvscrape.text.runs import LegacyRun, Spans, runs_from_scores
from dvscrape.text.syllables import is_vietnamese_syllable, parse_syllable, split_word
from dvscrape.text.tones import tone_position
from dvscrape.text.viqr_finals import DOT_BELOW_WINS, HOOK_WINS

_VOWELS = "aeiouyAEIOUY"
_AMBIGUOUS_FINAL_MARKS = ".?'"  # full stop, question mark, apostrophe: a tone or punctuation
_MIN_SHARE = 0.2  # VIQR is ASCII: demand evidence on at least a fifth of a run's words
_SHAPE_VOWELS = {"(": "a", "^": "aeo", "+": "ou", "*": "ou"}


@cache
def _name_mark_re() -> re.Pattern[str]:
    inside_tone = r"[AEIOUYaeiouy](?:[`~][A-Za-z]|'(?!(?:s|t|re|ve|ll|m|d)\b)[a-z]{2})"
    name_dd = r"^[A-Z][a-z]*[a-z]dd[aeiouy]"  # 'Honddurat', 'Becmudda': transliterations spell đ often
    return re.compile(rf"(?:[aA]\(|[aeoAEO]\^|[ouOU][+*]|{inside_tone}|{name_dd})")


@cache
def _shapes() -> dict[str, str]:
    """VIQR's shape marks, and '*' for the horn, as some VIQR writers type it ('ngu*o*`i')."""
    return {**VIQR_SHAPES, "*": VIQR_SHAPES["+"]}


def mark_trigger() -> tuple[str, str]:
    """(VIQR's marks, a regex that follows one where it can be a mark after a vowel): ^ ` ~ after a vowel, or ( + * '
    ? . after one and inside a word; not an ellipsis, '?.' or '?!' ending a sentence. The scan starts at the mark,
    not the vowel, so that it stops at rare characters only."""
    return "(+*'?.^`~", r"(?<=[AEIOUYaeiouy].)(?:(?<=[\^`~])|(?<=[(+*'])(?=[A-Za-z`'?~.])|(?=[A-Za-z`'~]))"


def may_hold_viqr(text: str) -> bool:
    """The cheap test for VIQR: a mark after a vowel that can be one (mark_trigger)."""
    return trigger_re(*mark_trigger()).search(text) is not None


@cache
def _word_re() -> re.Pattern[str]:
    # A word starts with a letter and goes on with letters, marks and backslash-escaped marks; non-ASCII letters
    # join in so that a Unicode word is seen whole (and rejected).
    letter = "A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0300-\u036f"
    return re.compile(f"[{letter}][{letter}\\^(+*`'?~.]*(?:\\\\[\\^(+`'?~.][{letter}\\^(+*`'?~.]*)*")


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


FinalContext = Literal["end", "opener", "ambiguous", "other"]
_OPENING_QUOTES = "\"'“‘"
# Words that open sentences (pronouns, prepositions, conjunctions, determiners): capitalised, one of them starts a
# sentence, where a proper name, which also takes a capital inside a sentence, would not be one of them.
_SENTENCE_OPENERS = """
theo các những trong qua ông bà tôi chúng sau khi để với tuy nhưng do vì từ đây đó ngoài bên tính hiện nếu mặc cũng
như trước tại về còn riêng mỗi song vậy thế đồng cùng hay hoặc và mà rồi nên bởi nhằm dù ngay lúc việc có
"""
_AFTER = 24  # how much of the text after a word is looked at: its next word


@cache
def _sentence_openers() -> frozenset[str]:
    return frozenset(_SENTENCE_OPENERS.split())


@cache
def _list_marker_re() -> re.Pattern[str]:
    return re.compile(r"(?:[a-zA-Z]|dd|DD)\)")


def _final_context(after: str) -> FinalContext:
    """What follows a word, as far as its final '.' or '?' is concerned (after, the text that follows it): the end
    of a line or of the text ("end"); a capitalised word that opens sentences ("opener": 'Theo', 'Các', 'DDe^?'); a
    capital, maybe after an opening quote, or a closing quote ("ambiguous": a sentence may end there or not);
    anything else ("other": a lower-case word, a comma, a bracket)."""
    rest = after.lstrip(" \t")
    if not rest or rest[0] == "\n":
        return "end"
    if rest[0] in "\"'”’":
        return "ambiguous"
    rest = rest.lstrip(_OPENING_QUOTES)
    if _list_marker_re().match(rest):
        return "opener"  # 'g)', 'dd)': an item of a list starts
    if rest and not rest[0].isupper():
        return "other"
    following = _word_re().match(rest)
    if following and _decode_word(following.group(), "other", False, True, False)[0].lower() in _sentence_openers():
        return "opener"
    return "ambiguous"


@cache
def _toned_before_capital() -> dict[str, frozenset[str]]:
    return {".": frozenset(DOT_BELOW_WINS.split()), "?": frozenset(HOOK_WINS.split())}


def _final_is_tone(bare: str, final: str, context: FinalContext) -> bool:
    """Whether a '.', '?' or apostrophe after a toneless syllable ending in a vowel is its tone, not punctuation.

    Inside a sentence (a lower-case word or a comma follows) it is the tone ('Cu. the^?' is 'Cụ thể'). Before the
    end of a line or text a '.' is a full stop, and so is either mark before a word that opens sentences ('Theo',
    'Các', 'Tôi') or a list item ('g)'). Where the text spells the same two syllables elsewhere, that spelling
    decides (_word_context). Otherwise, before a capital or a closing quote, both happen ('Thu+o+`ng vu.
    Quo^'c ho^.i' is 'Thường vụ Quốc hội'; 'ho^m qua. Sau ddo'' is 'hôm qua. Sau đó'): the reading whose word is
    the more frequent in Vietnamese wins (viqr_finals, from wordfreq's counts), so 'dda^u? To^i' is 'đâu? Tôi' and
    'Thi. Lan' 'Thị Lan'; a single ASCII letter is an initial or a numeral ('A. Tocqueville', 'I. Tổng quan').
    A '.' after an unescaped word before the end of the text is a full stop.
    """
    if final == "'" or context == "other":
        return True
    if final == "." and context == "end" or context == "opener" or len(bare) == 1 and bare.isascii():
        return False
    return bare.lower() in _toned_before_capital()[final]


def _pair_context(text: str, previous: str, word: str) -> FinalContext | None:
    """How the text itself spells, elsewhere, the two syllables previous and word when word's final '.' or '?' is
    left open by what follows ('dda^`u tu+. Lua^.t DDa^`u tu+'): without the mark ("opener": the mark is
    punctuation), with it as the tone ("other"), both or neither (None)."""
    core = word[:-1]
    first, plain, toned = (_decode_word(part, "other", False, True, False)[0] for part in (previous, core, word))
    lower = text.lower()
    found: set[FinalContext] = set()
    for spelled, reading in (
        (f"{first} {plain}", "opener"),
        (f"{previous} {core}", "opener"),
        (f"{first} {toned}", "other"),
    ):
        if _spelled_in(lower, spelled.lower()):
            found.add(reading)  # type: ignore[arg-type]
    return found.pop() if len(found) == 1 else None


def _spelled_in(text: str, spelled: str) -> bool:
    """Whether text holds spelled as whole words with no VIQR mark after it (so not the word asked about)."""
    index = text.find(spelled)
    while index >= 0:
        before, after = text[index - 1 : index] or " ", text[index + len(spelled) : index + len(spelled) + 1] or " "
        if not (before.isalnum() or before in "_\\" or after.isalnum() or after in "_.?'`~^(+*\\"):
            return True
        index = text.find(spelled, index + 1)
    return False


@lru_cache(maxsize=65536)
def _decode_word(
    word: str, context: FinalContext, before_bracket: bool, strict: bool, escaped: bool
) -> tuple[str, float]:
    """(decoded word, evidence). Evidence is 1 per shape mark, backtick or tilde, 0.5 per other mark inside the word
    or per dd; a mark ending the word adds none.

    A final '.', '?' or apostrophe is a tone when that gives a well-formed syllable with the tone where Vietnamese
    puts it and the text after the word (after) does not make it punctuation (see _final_is_tone). When strict, a
    word whose decoding is not a well-formed syllable is returned unchanged, except that DD in a capitalised
    abbreviation without vowels is Đ ('QDD' is 'QĐ') and 'dd' before ')' or '.' is the list marker 'đ'. When escaped
    (the text follows RFC 1456 and writes a literal mark after a vowel as '\\.'), an unescaped final '.' or '?' after
    a vowel is always the tone. Whatever follows a backslash stays literal ('qua\\.', 'ca\'o\\...'), and of the dots
    ending a word the first is the tone unless there are three ('vu..' is 'vụ.', 'vu....' 'vụ...', 'qua...' 'qua...').
    """
    if strict and "DD" in word and word.isupper() and not any(vowel in word for vowel in _VOWELS):
        return word.replace("DD", "Đ"), 0.0  # abbreviations: QDD-UBND, NDD-CP
    if word.rstrip(".") in ("dd", "DD") and (word != word.rstrip(".") or before_bracket):
        return ("đ" if word[0] == "d" else "Đ") + word[2:], 0.0  # list marker: 'a), b), c), d), đ)'
    escape = word.find("\\")
    if 0 < escape < len(word) - 1:
        decoded, evidence = _decode_word(word[:escape], "end", False, strict, True)
        return decoded + word[escape:], evidence
    dots = len(word) - len(word.rstrip("."))
    if dots >= 2 and len(word) > dots:  # a tone and a full stop ('vu..'), an ellipsis, or a tone and an ellipsis
        tone_dot = 0 if dots == 3 else 1
        decoded, evidence = _decode_viqr_word(word[: len(word) - dots + tone_dot], "other", strict)
        return decoded + "." * (dots - tone_dot), evidence
    if escaped and context != "other":  # the tone by RFC 1456's rule, but no evidence of VIQR by itself
        return _decode_viqr_word(word, "other", strict, final_evidence=False)
    return _decode_viqr_word(word, context, strict)


def _decode_viqr_word(word: str, context: FinalContext, strict: bool, final_evidence: bool = True) -> tuple[str, float]:
    core, final = word, ""
    if len(word) > 1 and word[-1] in _AMBIGUOUS_FINAL_MARKS and word[-2] != "\\":
        core, final = word[:-1], word[-1]
    decoded_core = _letters(core)
    if decoded_core is None:
        return word, 0.0
    letters, evidence, has_tone = decoded_core
    result = unicodedata.normalize("NFC", "".join(letters))
    literal = final
    if final and not has_tone and letters[-1][0] in _VOWELS and _final_is_tone(result, final, context):
        toned = unicodedata.normalize("NFC", result + VIQR_TONES[final])
        # Outside strict mode a mark on a non-syllable ('a(' + "'" for 'ắ' alone) is taken as a tone too.
        if _well_placed(toned) or not strict and not is_vietnamese_syllable(result):
            result, literal = toned, ""
            if len(result) >= 3 and context == "other" and final_evidence:
                evidence += 0.5  # a final mark the sentence goes on after: 'Nghi.' of 'Nghi. quye^'t'
    if result == core or strict and not _well_placed(result):
        return word, 0.0
    if len(result) <= 2 and evidence < 1.0:
        evidence = 0.0  # 'I'm', 'a.m' and the like are English far more often than VIQR
    return result + literal, evidence


def follows_rfc_escapes(text: str) -> bool:
    """Whether text escapes a literal mark after a vowel as RFC 1456 asks ('ta\\.'): then an unescaped mark there is
    always a tone, and 'vu. Quo^'c' is 'vụ Quốc', not the end of a sentence."""
    return "\\" in text and _escaped_after_vowel_re().search(text) is not None


@cache
def _escaped_after_vowel_re() -> re.Pattern[str]:
    return re.compile(r"[AEIOUYaeiouy][(^+`'?~.]*\\[.?']")


def _word_context(text: str, previous: str, word: str, end: int) -> tuple[FinalContext, bool]:
    """(the context of word's final mark, '.', '?' or an apostrophe, and whether a bracket follows word): word ends
    at end in text, previous is the word just before it ("" if none); where the text after leaves the mark open, the
    text's own spelling of the two syllables decides (_pair_context)."""
    after = text[end : end + _AFTER]
    context = _final_context(after)
    start = end - len(word)
    if context == "ambiguous" and start and text[start - 1] in _OPENING_QUOTES and after.lstrip()[:1] in "\"'”’":
        context = "other"  # a word quoted alone ('“tu+?”') is a term, not a sentence: the mark is its tone
    elif context in ("ambiguous", "end") and previous and word[-1] in ".?":
        context = _pair_context(text, previous, word) or context
    return context, after[:1] == ")"


@lru_cache(maxsize=2)
def _viqr_words(text: str, escaped: bool, strict: bool) -> tuple[Spans, list[float], dict[int, str], list[int]]:
    """The words of text read as VIQR: their spans, evidence (-1 for a Unicode word), the readings of those that
    decoding changes (by index), and where a final '.' or '?' is a tone or the list marker 'đ.' where a full stop
    could stand. The last texts are kept: finding the runs of a text and decoding them read the same words."""
    matches = list(_word_re().finditer(text))
    spans = [match.span() for match in matches]
    words = [match.group() for match in matches]
    scores = [0.0 if word.isascii() else -1.0 for word in words]
    readings: dict[int, str] = {}
    tone_ends: list[int] = []
    # Unicode words, and words of letters only without dd, are read alike in VIQR, with no evidence.
    marked = [
        index for index, word in enumerate(words) if word.isascii() and (not word.isalpha() or "dd" in word.lower())
    ]
    for index in marked:
        (start, end), word = spans[index], words[index]
        # A word right after a backtick is Markdown/reST code ('`re`'), never VIQR, where a backtick follows a vowel;
        # a word glued to digits or to a printf conversion is markup or an identifier (procps' colour codes '~1E~2',
        # 'U+%04X', 'x86_64'): VIQR spaces its words.
        before, after = text[start - 1 : start], text[end : end + 1]
        if before in ("`", "%", "$") or before.isdigit() or after == "%" or after.isdigit():
            continue
        if word[-1] in _AMBIGUOUS_FINAL_MARKS:
            previous = words[index - 1] if index and spans[index - 1][1] == start - 1 else ""
            context, bracket = _word_context(text, previous, word, end)
        else:  # a word without a final mark is read alike in any context
            context, bracket = "other", after == ")"
        decoded, scores[index] = _decode_word(word, context, bracket, strict, escaped)
        if word[-1] in ".?" and (context == "other" and decoded[-1] != word[-1] or decoded in ("đ.", "Đ.")):
            tone_ends.append(end - 1)
        if decoded == word and strict and _name_mark_re().search(word):
            # A transliterated or foreign name inside a VIQR run ('Bo^lo^via', 'Caribe^', 'Gene`ve', 're'gime',
            # 'Honddurat'): shape marks, tones inside a word and dd are VIQR; an English contraction ('we're') is not.
            decoded = _decode_word(word, context, bracket, False, escaped)[0]
        if decoded != word:
            readings[index] = decoded
    return spans, scores, readings, tone_ends


def decode_viqr(text: str, start: int = 0, end: int | None = None, strict: bool = True, escaped: bool = False) -> str:
    """Decode the VIQR words of text[start:end] (only well-formed syllables when strict) and the escaped marks.
    escaped: the document follows RFC 1456's escapes (see follows_rfc_escapes), even if this text shows none."""
    end = len(text) if end is None else end
    escaped = escaped or follows_rfc_escapes(text)
    spans, _, readings, _ = _viqr_words(text, escaped, strict)
    pieces: list[str] = []
    position = start
    for index, decoded in readings.items():
        word_start, word_end = spans[index]
        if start <= word_start and word_end <= end:
            pieces += [text[position:word_start], decoded]
            position = word_end
    pieces.append(text[position:end])
    decoded = "".join(pieces)
    return _escape_re().sub(r"\1", decoded) if "\\" in decoded else decoded


def viqr_runs(text: str, escaped: bool = False) -> list[LegacyRun]:
    """The stretches of text typed in VIQR: words with VIQR evidence, no Unicode Vietnamese word among them.

    A run ends at a full stop, not at a tone: a word's final '.' or '?' read as its tone inside a sentence ('Cu.' of
    'Cu. the^?', 'Uy?' of 'Uy? ban') or the list marker 'dd.' does not stop a run from taking in the words after it."""
    spans, scores, _, tone_ends = _viqr_words(text, escaped or follows_rfc_escapes(text), True)
    if tone_ends:  # runs_from_scores reads the text for terminators only: a tone mark is none
        characters = list(text)
        for index in tone_ends:
            characters[index] = "x"
        text = "".join(characters)
    return runs_from_scores(text, spans, scores, "viqr", _MIN_SHARE)
