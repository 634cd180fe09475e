"""Text typed in legacy Vietnamese encodings (TCVN3, VNI, VIQR): decoding, detection, and decoding of legacy runs
embedded in otherwise Unicode text.

Detection looks only at the text. Each word is read both ways: a word counts as legacy evidence when its legacy
reading is a well-formed Vietnamese syllable, it actually changes, and its Unicode reading is not Vietnamese. Words
with Vietnamese letters outside Latin-1 (ư, ạ, ệ, …) are Unicode and end a legacy run. A run is decoded only when it
holds enough evidence, so scattered symbols ('5µm', '©', '·') never trigger it, and only when, decoded, it reads as
Vietnamese together with the words around it: foreign words in Latin-1 ('på', 'për të', 'haï dîne') decode to a
syllable now and then, but their neighbours do not. TCVN3's ư is the soft-hyphen code (0xAD), so legacy runs are
read before any invisible-character clean-up, and a document known to be legacy decodes even one-word fields.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache, lru_cache, partial
from itertools import filterfalse

from dvscrape.text.legacy_tables import tcvn3_decoding, vni_decoding
from dvscrape.text.letters import TONE_MARKS, add_tone, split_tone, trigger_re
from dvscrape.text.runs import MIN_RUN_EVIDENCE, LegacyEncoding, LegacyRun, runs_from_scores
from dvscrape.text.syllables import is_vietnamese_syllable, parse_syllable, rhymes, split_word
from dvscrape.text.tcvn3 import decode_tcvn3
from dvscrape.text.tones import tone_in_place
from dvscrape.text.viqr import decode_viqr, follows_rfc_escapes, mark_trigger, may_hold_viqr, viqr_runs

__all__ = [
    "LegacyEncoding",
    "LegacyRun",
    "decode_legacy_runs",
    "detect_legacy",
    "find_legacy_runs",
    "follows_rfc_escapes",
    "from_legacy",
]

_ENCODINGS: tuple[LegacyEncoding, ...] = ("tcvn3", "vni", "viqr")
SOFT_HYPHEN = "\u00ad"
# A run is decoded only when its stretch reads as Vietnamese once decoded: at least a share of the words in it and
# in up to _CONTEXT_WORDS words either side (same clause) are syllables, acronyms or numbers, and at least a share
# of the words decoding changes become syllables. Foreign words in Latin-1 ('på', 'për të', 'haï') decode to
# syllables now and then, but the words around them do not. A run with _STRONG_EVIDENCE legacy words or more may
# quote foreign names ('nhà thơ John Milton'): (window share, changed share) for weak and strong runs.
_WEAK_SHARES = (0.7, 0.8)
_STRONG_SHARES = (0.4, 0.75)
_STRONG_EVIDENCE = 4.0
_CONTEXT_WORDS = 3
_MIN_WINDOW = 4
# A word glued to one of these after it is code or a placeholder ('%s«', '$x', '\\n'), never prose.
_CODE_PREFIXES = frozenset("%$#@&\\=_~^*|{}")

# Latin-1 letters that Unicode Vietnamese uses itself; every other Latin-1 character in a word hints at TCVN3/VNI.
_VIETNAMESE_LATIN1 = "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý"


def _eight_bit_hints() -> str:
    """The Latin-1 characters that TCVN3 and VNI text shows and Unicode Vietnamese does not use."""
    return "".join(chr(code) for code in range(0xA1, 0x100) if chr(code) not in _VIETNAMESE_LATIN1)


@cache
def _eight_bit_hint_re() -> re.Pattern[str]:
    return re.compile(f"[{re.escape(_eight_bit_hints())}]")


@cache
def _any_trigger_re() -> re.Pattern[str]:
    """may_hold_eight_bit or may_hold_viqr in one scan: one of their characters, then that test's condition."""
    triggers = [(_eight_bit_hints(), ""), vni_trigger(), mark_trigger()]
    tests = "|".join(f"(?<=[{re.escape(chars)}]){condition}" for chars, condition in triggers)
    return re.compile(f"[{re.escape(''.join(chars for chars, _ in triggers))}](?:{tests})")


@cache
def vni_trigger() -> tuple[str, str]:
    """(VNI's mark characters, a regex that follows one where Unicode Vietnamese never writes it after the vowel
    before it: 'aé', 'où', 'eà' in 'Maét coù quyeàn'): VNI text made only of letters Latin-1 shares with Vietnamese."""
    marks = "".join(sorted({spelling[-1] for spelling in vni_decoding() if len(spelling) > 1}))
    unicode_pairs = _unicode_vowel_pairs()
    by_vowel = {
        vowel: "".join(
            mark for mark in marks if mark in _VIETNAMESE_LATIN1 and (vowel + mark).lower() not in unicode_pairs
        )
        for vowel in "aeiouyAEIOUY"
    }
    pairs = [(vowel, marks) for vowel, marks in by_vowel.items() if marks]
    shown = "".join(sorted({mark for _, marks in pairs for mark in marks}))
    vowels = "".join(vowel for vowel, _ in pairs)
    # The vowel first: most marks follow no vowel, and this fails at once there.
    return shown, f"(?<=[{vowels}].)(?<={'|'.join(f'{vowel}[{marks}]' for vowel, marks in pairs)})"


@cache
def _unicode_vowel_pairs() -> frozenset[str]:
    """Every two-letter vowel sequence of a Vietnamese syllable with its tone on any vowel ('oà', 'uý', 'iê', 'uà'
    of 'quà', 'ià' of 'già'), lower case."""
    pairs: set[str] = set()
    for rhyme in [*rhymes(), *("u" + rhyme for rhyme in rhymes()), *("i" + rhyme for rhyme in rhymes())]:
        for index, letter in enumerate(rhyme):
            if split_tone(letter) is None:
                continue
            for tone in ("", *TONE_MARKS):
                toned = rhyme[:index] + add_tone(letter, tone) + rhyme[index + 1 :]
                pairs.update(toned[i : i + 2] for i in range(len(toned) - 1))
    return frozenset(pairs)


def may_hold_eight_bit(text: str) -> bool:
    """The cheap test for TCVN3 or VNI: a Latin-1 character Unicode Vietnamese does not use, or may_hold_vni."""
    return not text.isascii() and (_eight_bit_hint_re().search(text) is not None or may_hold_vni(text))


def may_hold_vni(text: str) -> bool:
    """A VNI mark after a vowel where Unicode Vietnamese never puts that letter: VNI typed only in letters Latin-1
    shares with Vietnamese ('Maét coù quyeàn')."""
    return trigger_re(*vni_trigger()).search(text) is not None


@cache
def _vni_sequence_re() -> re.Pattern[str]:
    spellings = sorted(vni_decoding(), key=len, reverse=True)
    return re.compile("|".join(re.escape(spelling) for spelling in spellings))


def _decode_vni_word(word: str) -> str:
    table = vni_decoding()
    return _vni_sequence_re().sub(lambda match: table[match.group()], word)


@lru_cache(maxsize=65536)
def _eight_bit_evidence(word: str, lenient: LegacyEncoding | None = None) -> tuple[float, float]:
    """What a word of ASCII and Latin-1 characters says for (TCVN3, VNI): +1 legacy, -1 Unicode, 0 undecided.

    A soft hyphen in a word whose TCVN3 reading is a syllable ('Ph\xadêng' → 'Phường', '\xad¬ng' → 'ương') counts
    twice: in TCVN3 that code is the letter ư, and a real soft hyphen breaks a longer word, which then reads as no
    syllable. lenient: the text belongs to a document known to be in that encoding and shows no letter of Unicode
    Vietnamese beyond Latin-1; then a word that changes and reads as a syllable in that encoding is evidence even
    when its Unicode reading is a syllable too ('Khãm' is 'Khóm', 'Phoá' is 'Phố'), and so is any word that reads
    as letters only in that encoding ('§¾k' is 'Đắk', 'AlmerÝa' is 'Almería'): in such a document every Latin-1
    character is a code of that encoding.
    """
    unicode_ok = is_vietnamese_syllable(word)
    scores = []
    for encoding, decoded in (("tcvn3", word.translate(tcvn3_decoding())), ("vni", _decode_vni_word(word))):
        if decoded == word:
            scores.append(0.0)
            continue
        legacy_ok = is_vietnamese_syllable(decoded)
        if encoding == lenient and (legacy_ok or decoded.isalpha()):
            scores.append(2.0 if SOFT_HYPHEN in word and encoding == "tcvn3" else 1.0)
        elif legacy_ok and not unicode_ok:
            # A symbol between letters ('Th\xb5nh': µ) is no word as read: as strong as TCVN3's ư.
            strong = (SOFT_HYPHEN in word or _symbol_inside(word)) and len(word) >= 2 and tone_in_place(decoded)
            weight = 1.0 if tone_in_place(decoded) else 0.5  # 'HAØ' is VNI 'HÀ', not TCVN3 'HAỈ'
            scores.append(2.0 if strong else weight if len(word) >= 2 else 0.0)
        else:
            scores.append(-1.0 if unicode_ok and not legacy_ok else 0.0)
    return scores[0], scores[1]


def _symbol_inside(word: str) -> bool:
    """Whether a Latin-1 character that is no letter stands between two letters of word ('Th\xb5nh', 'c\xb8c')."""
    return any(not char.isalpha() for char in word[1:-1])


# Latin-1 letters and symbols (TCVN3 and VNI codes), and the letters and marks beyond Latin-1 of Unicode text.
_LATIN1 = "A-Za-z\u00a1-\u00ff"
_BEYOND_LATIN1 = "\u0100-\u024f\u0300-\u036f\u0370-\u052f\u1e00-\u1eff"


@cache
def _latin1_word_re() -> re.Pattern[str]:
    """A whole word of ASCII and Latin-1 letters holding at least one Latin-1 character."""
    letter = _LATIN1 + _BEYOND_LATIN1
    return re.compile(f"(?<![{letter}])[A-Za-z]*[\u00a1-\u00ff][{_LATIN1}]*(?![{letter}])")


@cache
def _glued_word_re() -> re.Pattern[str]:
    """A word of _latin1_word_re (group 1) after a character neither a space nor a letter: maybe a digit or a code
    prefix ('5µm', '%s«')."""
    return re.compile(f"[^\\s{_LATIN1}{_BEYOND_LATIN1}]({_latin1_word_re().pattern})")


@cache
def _unicode_letter_re() -> re.Pattern[str]:
    return re.compile(f"[{_BEYOND_LATIN1}]")


@cache
def _any_word_re() -> re.Pattern[str]:
    return re.compile("[A-Za-z\u00a1-\u00ff\u0100-\u024f\u0300-\u036f\u1e00-\u1eff\\d]+")


@cache
def _clause_end_re() -> re.Pattern[str]:
    # A full stop ends a sentence before a capital; in "dec. sön" and "Dez., Son." it ends an abbreviation.
    return re.compile("[!?;\n]|[.:](?=\\s+[A-Z\u00c0-\u00de])")


def _word_reads_vietnamese(word: str) -> bool:
    """A word that fits in Vietnamese text: a syllable, a number, an acronym ('UBND', 'QĐ', 'COVID'), or a foreign
    name spelled in Vietnamese syllables ('Bôlôvia', 'Êquađo', 'Honđurat')."""
    return is_vietnamese_syllable(word) or _neutral_word(word) or _transliterated(word)


@lru_cache(maxsize=16384)
def _transliterated(word: str) -> bool:
    """Whether word is written as Vietnamese syllables run together, as Vietnamese spells foreign names
    ('Bôlôvia' = bô·lô·via, 'Honđurat' = hon·đu·rat; the tone rule of closed syllables is not asked for)."""
    if len(word) > 24:
        return False
    lower = word.lower()
    reachable = [True] + [False] * len(lower)
    for end in range(1, len(lower) + 1):
        reachable[end] = any(
            reachable[start] and _syllable_shape(lower[start:end]) for start in range(max(0, end - 7), end)
        )
    return reachable[-1]


def _syllable_shape(part: str) -> bool:
    split = split_word(part)
    return split is not None and parse_syllable(split[0]) is not None


@lru_cache(maxsize=16384)
def _neutral_word(word: str) -> bool:
    """A number, a word with digits ('loongson2f') or an acronym ('UBND', 'QĐ', 'JUMP'): it fits text in any
    language, so it says nothing about the words around it."""
    if not word.isalpha() and _digit_re().search(word):
        return True
    return len(word) >= 2 and word.isupper() and word.replace("Đ", "").isascii()


@cache
def _digit_re() -> re.Pattern[str]:
    return re.compile(r"\d")


def _reads_as_vietnamese(text: str, run: LegacyRun) -> bool:
    """Whether a TCVN3/VNI run, decoded, reads as Vietnamese: see _WEAK_SHARES. The window is the run and up to
    _CONTEXT_WORDS words either side in the same clause, or past the clause's ends when it is shorter than
    _MIN_WINDOW words ('Son. Méi. Dën. Mët.' is a list of abbreviations). Numbers and acronyms are left out of the
    window: they fit any language ('loongson2f', 'JUMP')."""
    decoded = from_legacy(text[run.start : run.end], run.encoding)
    changed = [
        word
        for word, original in zip(
            _any_word_re().findall(decoded), _any_word_re().findall(text[run.start : run.end]), strict=False
        )
        if word != original
    ]
    # Strong only with as many different words: Albanian repeats one ('të … të … të … të' → 'tở').
    strong = run.evidence >= _STRONG_EVIDENCE and len({word.lower() for word in changed}) >= _STRONG_EVIDENCE
    window_share, changed_share = _STRONG_SHARES if strong else _WEAK_SHARES
    if not changed or sum(map(_word_reads_vietnamese, changed)) < changed_share * len(changed):
        return False
    before_text, after_text = text[max(0, run.start - 200) : run.start], text[run.end : run.end + 200]
    before = _telling_words(_clause_end_re().split(before_text)[-1])[-_CONTEXT_WORDS:]
    after = _telling_words(_clause_end_re().split(after_text)[0])[:_CONTEXT_WORDS]
    inside = _telling_words(decoded)
    if len(before) + len(inside) + len(after) < _MIN_WINDOW:  # a short clause: look past its ends
        before = _telling_words(before_text)[-_CONTEXT_WORDS:]
        after = _telling_words(after_text)[:_CONTEXT_WORDS]
    words = [*before, *inside, *after]
    return sum(map(is_vietnamese_syllable, words)) >= window_share * len(words)


def _telling_words(text: str) -> list[str]:
    """The words of text that can tell a language: numbers and acronyms left out (soft hyphens removed), so that a
    clause of markup ('”~1<~2”/”~1>~2” vä/hö') is not taken for a long one."""
    words = _any_word_re().findall(text)
    if SOFT_HYPHEN in text:
        words = [word.replace(SOFT_HYPHEN, "") for word in words]
    return list(filterfalse(_neutral_word, words))


def _eight_bit_runs(text: str, expect: LegacyEncoding | None = None) -> list[tuple[LegacyRun, bool]]:
    """TCVN3 and VNI runs, each with whether it must still be shown to read as Vietnamese once decoded
    (_reads_as_vietnamese). Only words with Latin-1 characters are read; a letter beyond Latin-1 between two of them
    (a Unicode Vietnamese word) separates them.
    With expect (the encoding the rest of the document is in), one legacy word makes a run of that encoding, and a
    text that shows no letter of Unicode Vietnamese beyond Latin-1 is read in that encoding: every word that reads
    as a syllable or as letters in it ('Thµnh Phè Aberdeen', a title in a TCVN3 article)."""
    breaks = _unicode_letter_re() if _unicode_letter_re().search(text) else None
    # A field of a legacy document that shows nothing of Unicode Vietnamese is read in the document's encoding.
    lenient = expect if expect in ("tcvn3", "vni") and not breaks else None
    evidence = partial(_eight_bit_evidence, lenient=lenient) if lenient else _eight_bit_evidence  # one-key cache
    matches = list(_latin1_word_re().finditer(text))
    spans = [match.span() for match in matches]
    scores = [evidence(match.group()) for match in matches]
    if expect == "tcvn3":  # the list marker 'đ.' / 'đ)' of a TCVN3 document (a, b, c, d, đ, e)
        for index, (start, end) in enumerate(spans):
            if text[start:end] == "®" and text[end : end + 1] in (".", ")"):
                scores[index] = (1.0, scores[index][1])
    for match in _glued_word_re().finditer(text):  # '5µm', '25°C': symbols after a number; '»%s«': a placeholder
        before = match.group()[0]
        if before.isdigit() or before in _CODE_PREFIXES and not lenient:
            scores[bisect_left(spans, match.span(1))] = (0.0, 0.0)
    tcvn3, vni = zip(*scores, strict=True) if scores else ((), ())
    runs = [
        *runs_from_scores(text, spans, tcvn3, "tcvn3", 0.0, 1.0 if expect == "tcvn3" else MIN_RUN_EVIDENCE, breaks),
        *runs_from_scores(text, spans, vni, "vni", 0.0, 1.0 if expect == "vni" else MIN_RUN_EVIDENCE, breaks),
    ]
    return [(run, run.encoding != lenient) for run in runs]


def find_legacy_runs(text: str, expect: LegacyEncoding | None = None, escaped: bool = False) -> list[LegacyRun]:
    """The stretches of text that read as TCVN3, VNI or VIQR, in order and not overlapping.

    A run spans from its first to its last legacy word, and decoded must read as Vietnamese (its words and those
    around it syllables, numbers or acronyms): foreign words in Latin-1 are not legacy text. Where a TCVN3 and a
    VNI reading overlap, the one with more evidence wins. expect, the encoding the rest of a document is known to be
    in (see detect_legacy), lets a single legacy word of that encoding make a run: a short title or signature of a
    TCVN3 article. escaped: the document is VIQR that follows RFC 1456's escapes (a literal full stop after a vowel
    written '\\.'), so an unescaped one is a tone even where this text shows no escape. Returns [] at once for text
    that has none of the characters legacy text is made of.
    """
    expected = expect in ("tcvn3", "vni") and not text.isascii()
    if not expected and _any_trigger_re().search(text) is None:
        return []
    candidates: list[tuple[LegacyRun, bool]] = []
    if expected or may_hold_eight_bit(text):
        candidates += _eight_bit_runs(text, expect)
    if may_hold_viqr(text):
        candidates += [(run, False) for run in viqr_runs(text, escaped)]
    chosen: list[LegacyRun] = []
    for run, unproven in sorted(candidates, key=lambda candidate: -candidate[0].evidence):
        # Checked last: a run that overlaps a stronger one is left out whatever it reads as.
        if all(run.end <= other.start or run.start >= other.end for other in chosen) and not (
            unproven and not _reads_as_vietnamese(text, run)
        ):
            chosen.append(run)
    return sorted(chosen, key=lambda run: run.start)


def detect_legacy(text: str, runs: list[LegacyRun] | None = None) -> LegacyEncoding | None:
    """The legacy encoding text is typed in ("tcvn3", "vni" or "viqr"), judged from the text alone, or None.

    When several encodings occur, the one with the most evidence wins. Unicode Vietnamese, English and other Latin
    text give None; so do single legacy words, which are too little evidence. *runs*: find_legacy_runs(text), when
    the caller has them already.
    """
    runs = find_legacy_runs(text) if runs is None else runs
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
        return decode_tcvn3(text)
    if encoding == "vni":
        return _vni_sequence_re().sub(lambda match: vni_decoding()[match.group()], text)
    if encoding == "viqr":
        return decode_viqr(text, strict=False)
    raise ValueError(f"unknown legacy encoding {encoding!r}; expected one of {', '.join(_ENCODINGS)}")


def decode_legacy_runs(text: str, expect: LegacyEncoding | None = None, escaped: bool = False) -> str:
    """Decode every legacy run found in text (see find_legacy_runs, and expect and escaped there), leaving the
    Unicode around it untouched."""
    runs = find_legacy_runs(text, expect, escaped)
    if not runs:
        return text
    pieces: list[str] = []
    position = 0
    for run in runs:
        pieces.append(text[position : run.start])
        if run.encoding == "viqr":
            pieces.append(decode_viqr(text, run.start, run.end, escaped=escaped))
        elif run.encoding == "tcvn3":
            # Capitals (.VnTimeH) are judged on the whole line: 'Trao ®æi ESC vµ CapsLock' is not in capitals
            # because its run '®æi ESC vµ' holds one acronym.
            line_start = text.rfind("\n", 0, run.start) + 1
            line_end = text.find("\n", run.end)
            line = text[line_start : line_end if line_end >= 0 else len(text)]
            pieces.append(decode_tcvn3(text[run.start : run.end], line))
        else:
            pieces.append(from_legacy(text[run.start : run.end], run.encoding))
        position = run.end
    pieces.append(text[position:])
    return "".join(pieces)
