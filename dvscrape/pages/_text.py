"""Text clean-up for extracted fields, in two steps.

``clean`` / ``clean_line`` give structure while the body is walked (lines, single spaces, NFC) and are cheap enough
to run on every unit. ``archival`` is applied once to every text field of the finished record: it is
``dvscrape.text.normalize(text, tone="keep")`` (mojibake, legacy encodings, mark order, look-alike letters).
"""

from __future__ import annotations

import unicodedata

from dvscrape.text import normalize, strip_invisible


def clean(text: str) -> str:
    """Archival normal form of a multi-line text: NFC, one space between words, no empty lines.

    Invisible characters go only where they are noise (dvscrape.text.strip_invisible); the soft hyphen stays for
    normalize, since in TCVN3 text it is the letter ư."""
    # Most text is one line as it should be: printable (so without line breaks or invisible characters), single-spaced.
    if _is_single_spaced(text) and unicodedata.is_normalized("NFC", text):
        return text
    text = strip_invisible(text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _is_single_spaced(text):
        return text
    # str.splitlines breaks at every line break (\r \n \v \f \x1c-\x1e \x85 \u2028 \u2029), a regex would be far slower.
    return "\n".join([line for line in map(_single_spaced, text.splitlines()) if line])


def _is_single_spaced(line: str) -> bool:
    # Every whitespace character but the space is unprintable: a printable line without a double, leading or
    # trailing space is already single-spaced (most are; the test is cheaper than splitting on words).
    return line.isprintable() and "  " not in line and line[:1] != " " and line[-1:] != " "


def _single_spaced(line: str) -> str:
    if _is_single_spaced(line):
        return line
    # Most lines that are not have only no-break spaces and an end space to change: replacing them is far cheaper
    # than splitting into words (str.split breaks at U+00A0 too, so the result is the same).
    spaced = line.replace("\xa0", " ").strip(" ")
    return spaced if _is_single_spaced(spaced) else " ".join(spaced.split())


def clean_line(text: str) -> str:
    """Archival normal form of a one-line text (title, caption, signature): line breaks become spaces."""
    return clean(text).replace("\n", " ")


def word_count(text: str) -> int:
    """Whitespace-separated tokens of *text*."""
    return len(text.split())


def archival(text: str) -> str:
    """The archival normal form of a finished field (dvscrape.text.normalize, tone kept as written)."""
    return normalize(text, tone="keep") if text else text
