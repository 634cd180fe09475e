"""Whitespace and invisible characters."""

from __future__ import annotations

import re
from functools import cache

from dvscrape.text.legacy import find_legacy_runs
from dvscrape.text.tcvn3 import tcvn3_syllable

SOFT_HYPHEN = "\u00ad"
_ZWSP = "\u200b"
_BOM = "\ufeff"
# Bidi controls: LRM, RLM and the embeddings and overrides (LRE, RLE, PDF, LRO, RLO). The isolates (U+2066-2069)
# and ALM are never noise: they are newer than the editors that leave stray marks in Latin text.
_BIDI_CONTROLS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
# Invisible format characters: zero-width space/non-joiner/joiner, bidi controls, word joiner and invisible
# operators, BOM (zero-width no-break space), Mongolian vowel separator.
_INVISIBLE = "\u200b\u200c\u200d" + _BIDI_CONTROLS + "\u2060\u2061\u2062\u2063\u2064\ufeff\u180e"
# Spaces other than U+0020: tab, NBSP, ogham space, en quad … hair space, narrow NBSP, medium math space, ideographic.
_ODD_SPACES = "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# Every character clean_whitespace may change, besides plain spaces and line feeds.
_SPECIAL_WHITESPACE = _INVISIBLE + _ODD_SPACES + SOFT_HYPHEN + "\r\v\f\u2028\u2029"


_LINE_BREAKS = (("\r\n", "\n"), ("\r", "\n"), ("\v", "\n"), ("\f", "\n"), ("\u2028", "\n"), ("\u2029", "\n\n"))


@cache
def _odd_char_re() -> re.Pattern[str]:
    return re.compile("[" + re.escape(_SPECIAL_WHITESPACE) + "]")


def needs_spacing(text: str) -> bool:
    """Whether text's spaces and line feeds are not canonical: at an end, doubled, around a line feed, or three line
    feeds in a row (clean_whitespace also looks for odd characters)."""
    if not text:
        return False
    if text[0] in " \n" or text[-1] in " \n" or "  " in text:
        return True
    return "\n" in text and (" \n" in text or "\n " in text or "\n\n\n" in text)


@cache
def _spaces_re() -> re.Pattern[str]:
    """A run of two or more spaces of any kind, or one odd space (each branch opens with a space of some kind, so
    that the scan skips to the next one)."""
    odd = re.escape(_ODD_SPACES)
    return re.compile(f"[ {odd}](?:(?<= )[ {odd}]+|(?<=[{odd}])[ {odd}]*)")


@cache
def _line_edges_re() -> re.Pattern[str]:
    return re.compile(" *\n *")


@cache
def _blank_lines_re() -> re.Pattern[str]:
    return re.compile("\n{3,}")


@cache
def _invisible_run_re() -> re.Pattern[str]:
    invisible = "[" + re.escape(_INVISIBLE) + "]"
    return re.compile(invisible + invisible + "*")  # opening with a class, not a repeat: the scan skips faster


# Letters of the scripts whose spelling uses invisible characters (regex class bodies): right to left (Hebrew,
# Arabic, Syriac, Thaana, N'Ko, presentation forms, historic scripts; the Arabic block holds ALM) and the controls
# that set text right to left (RLM, RLE, RLO, RLI); scripts that write words without spaces and break them with
# zero-width spaces (Thai, Lao, Tibetan, Myanmar, Khmer, New Tai Lue, Tai Tham, Tai Viet); Indic and Mongolian,
# which join letters with zero-width (non-)joiners, as Arabic and the spaceless scripts do.
_RIGHT_TO_LEFT = (
    "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff\u200f\u202b\u202e\u2067"
)
_SPACELESS = "\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff\u1980-\u1aaf\ua9e0-\ua9ff\uaa60-\uaadf"
_JOINING = "\u0900-\u0dff\u1800-\u18af"
_JOINERS = "\u200c\u200d"


@cache
def _class_re(body: str) -> re.Pattern[str]:
    return re.compile(f"[{body}]")


def _scripts_marks(text: str) -> str:
    """The invisible characters that text's scripts use, which stay wherever they stand: bidi controls in a text
    with a right-to-left letter or control (they set the order of what is shown) or with no letter (a number or
    date formatted for a right-to-left page), zero-width spaces in the spaceless scripts, joiners in the joining
    ones."""
    if not _class_re(_RIGHT_TO_LEFT + _SPACELESS + _JOINING).search(text):
        return "" if any(map(str.isalpha, text)) else _BIDI_CONTROLS
    used = ""
    if _class_re(_RIGHT_TO_LEFT).search(text):
        used += _BIDI_CONTROLS + _JOINERS
    elif not any(map(str.isalpha, text)):
        used += _BIDI_CONTROLS
    if _class_re(_SPACELESS).search(text):
        used += _ZWSP + _JOINERS
    elif _class_re(_JOINING).search(text):
        used += _JOINERS
    return used


def _latin_side(char: str) -> bool:
    """A character of Latin-script text (ASCII, Latin letters and marks, Latin-1 symbols, general punctuation) or a
    space of any kind."""
    code = ord(char)
    latin = code < 0x250 or 0x300 <= code <= 0x36F or 0x1E00 <= code <= 0x1EFF or 0x2000 <= code <= 0x206F
    return latin or char.isspace()


def strip_invisible(text: str) -> str:
    """Remove zero-width characters, bidi controls, word joiners and BOMs where they are noise in Latin-script text
    (not the soft hyphen).

    Where a text's script uses them they stay, wherever they stand (beside a space, at either end; see
    _scripts_marks): the bidi controls of Hebrew, Arabic or Pashto text, the zero-width spaces of Khmer or Thai, the
    non-joiners of Persian or Hindi. Elsewhere one stays next to a letter or symbol that is not Latin (a Sinhala
    join in a Latin sentence, an emoji sequence) and goes between Latin letters, spaces and the text's ends, where
    it shows nothing. A BOM inside text is always noise.
    """
    # Every invisible character is unprintable: a printable text (most) has none, and the test is cheaper than the scan.
    if text.isascii() or text.isprintable() or not _invisible_run_re().search(text):
        return text
    used = _scripts_marks(text)

    def replace(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        foreign = not (_latin_side(before) and _latin_side(after))
        return "".join(char for char in match.group() if char != _BOM and (foreign or char in used))

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
    ordinary space and runs of spaces collapse to one; zero-width characters, bidi controls, the word joiner and BOMs
    are removed where they are noise (strip_invisible); CRLF, CR, vertical tab, form feed and U+2028 become LF
    (U+2029 a blank line); lines are trimmed;
    runs of blank lines become one blank line; blank lines at the start and end go. The soft hyphen is removed
    except inside text typed in TCVN3, where that code is the letter ư. Quotes, dashes, ellipses and guillemets are
    left as they are.
    """
    if not needs_spacing(text) and not _odd_char_re().search(text):
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
