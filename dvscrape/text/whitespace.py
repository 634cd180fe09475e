"""Whitespace and invisible characters."""

from __future__ import annotations

import re
from functools import cache

from dvscrape.text.legacy import find_legacy_runs, tcvn3_syllable

SOFT_HYPHEN = "\u00ad"
# Invisible format characters: zero-width space/non-joiner/joiner, LRM/RLM, bidi embeddings, word joiner and
# invisible operators, BOM (zero-width no-break space), Mongolian vowel separator.
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\ufeff\u180e"
# Spaces other than U+0020: tab, NBSP, ogham space, en quad … hair space, narrow NBSP, medium math space, ideographic.
_ODD_SPACES = "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# Every character clean_whitespace may change, besides plain spaces and line feeds.
SPECIAL_WHITESPACE = _INVISIBLE + _ODD_SPACES + SOFT_HYPHEN + "\r\v\f\u2028\u2029"


_LINE_BREAKS = (("\r\n", "\n"), ("\r", "\n"), ("\v", "\n"), ("\f", "\n"), ("\u2028", "\n"), ("\u2029", "\n\n"))


@cache
def _odd_char_re() -> re.Pattern[str]:
    return re.compile("[" + re.escape(SPECIAL_WHITESPACE) + "]")


def _needs_work(text: str) -> bool:
    if not text:
        return False
    return (
        text[0] in " \n"
        or text[-1] in " \n"
        or "  " in text
        or " \n" in text
        or "\n " in text
        or "\n\n\n" in text
        or _odd_char_re().search(text) is not None
    )


@cache
def _spaces_re() -> re.Pattern[str]:
    """A run of two or more spaces of any kind, or one odd space."""
    odd = re.escape(_ODD_SPACES)
    return re.compile(f"[ {odd}]{{2,}}|[{odd}]")


@cache
def _line_edges_re() -> re.Pattern[str]:
    return re.compile(" *\n *")


@cache
def _blank_lines_re() -> re.Pattern[str]:
    return re.compile("\n{3,}")


@cache
def _invisible_re() -> re.Pattern[str]:
    return re.compile("[" + re.escape(_INVISIBLE) + "]")


_BIDI_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
_BOM = "\ufeff"


@cache
def _invisible_run_re() -> re.Pattern[str]:
    return re.compile("[" + re.escape(_INVISIBLE) + "]+")


@cache
def _right_to_left_re() -> re.Pattern[str]:
    """A letter of a right-to-left script: Hebrew, Arabic, Syriac, Thaana, N'Ko and their presentation forms."""
    return re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def _latin_side(char: str) -> bool:
    """A character of Latin-script text (ASCII, Latin letters and marks, Latin-1 symbols, general punctuation) or a
    space of any kind."""
    code = ord(char)
    latin = code < 0x250 or 0x300 <= code <= 0x36F or 0x1E00 <= code <= 0x1EFF or 0x2000 <= code <= 0x206F
    return latin or char.isspace()


def strip_invisible(text: str) -> str:
    """Remove zero-width characters, bidi marks, word joiners and BOMs where they are noise in Latin-script text
    (not the soft hyphen).

    They are part of the spelling of other scripts, and stay there: a zero-width non-joiner, joiner, space or word
    joiner next to a letter or symbol that is not Latin (Persian, Malayalam and Sinhala joins, Khmer word breaks,
    emoji sequences) is kept, and so are bidi marks in a text with any right-to-left letter (Hebrew, Arabic). A BOM
    inside text is always noise.
    """
    if text.isascii() or not _invisible_re().search(text):
        return text
    right_to_left = _right_to_left_re().search(text) is not None

    def replace(match: re.Match[str]) -> str:
        run = match.group()
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        foreign = not (_latin_side(before) and _latin_side(after))
        kept = [char for char in run if char != _BOM and (foreign or right_to_left and char in _BIDI_MARKS)]
        return "".join(kept)

    return _invisible_run_re().sub(replace, text)


def _remove_soft_hyphens(text: str) -> str:
    # In TCVN3 the soft-hyphen code is the letter ư: soft hyphens inside a TCVN3 run are kept, and so are those of a
    # word that reads as a TCVN3 syllable ('Ph\xadêng'), undecoded as it may be: a letter is never dropped.
    kept = [(run.start, run.end) for run in find_legacy_runs(text) if run.encoding == "tcvn3"]
    kept += [match.span() for match in _soft_hyphen_word_re().finditer(text) if tcvn3_syllable(match.group())]
    if not kept:
        return text.replace(SOFT_HYPHEN, "")
    pieces: list[str] = []
    position = 0
    for start, end in sorted(kept):
        if start < position:
            continue
        pieces.append(text[position:start].replace(SOFT_HYPHEN, ""))
        pieces.append(text[start:end])
        position = end
    pieces.append(text[position:].replace(SOFT_HYPHEN, ""))
    return "".join(pieces)


@cache
def _soft_hyphen_word_re() -> re.Pattern[str]:
    return re.compile("[A-Za-z\u00a1-\u00ff]*\u00ad[A-Za-z\u00a1-\u00ff]*")


def clean_whitespace(text: str) -> str:
    """Make whitespace canonical and drop invisible characters; nothing visible changes.

    Every odd space (tab, NBSP, narrow NBSP, en/em and other typographic spaces, ideographic space) becomes one
    ordinary space and runs of spaces collapse to one; zero-width characters, bidi marks, the word joiner and BOMs
    are removed; CRLF, CR, vertical tab, form feed and U+2028 become LF (U+2029 a blank line); lines are trimmed;
    runs of blank lines become one blank line; blank lines at the start and end go. The soft hyphen is removed
    except inside text typed in TCVN3, where that code is the letter ư. Quotes, dashes, ellipses and guillemets are
    left as they are.
    """
    if not _needs_work(text):
        return text
    if SOFT_HYPHEN in text:
        text = _remove_soft_hyphens(text)
    text = strip_invisible(text)
    for old, new in _LINE_BREAKS:
        if old in text:
            text = text.replace(old, new)
    text = _spaces_re().sub(" ", text)
    if "\n" in text:
        text = _line_edges_re().sub("\n", text)
        if "\n\n\n" in text:
            text = _blank_lines_re().sub("\n\n", text)
    return text.strip(" \n")
