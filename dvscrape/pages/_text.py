"""Text clean-up for extracted fields: the single place the page objects normalise text.

Until ``dvscrape.text.normalize`` lands this is a minimal private stand-in (NFC, spaces collapsed per line,
invisible characters removed); the page objects call only ``clean`` and ``clean_line``.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x1c-\x1e\x85]+")


def clean(text: str) -> str:
    """Archival normal form of a multi-line text: NFC, one space between words, no empty lines."""
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    lines = (" ".join(line.split()) for line in _LINE_BREAKS.split(text))
    return "\n".join(line for line in lines if line)


def clean_line(text: str) -> str:
    """Archival normal form of a one-line text (title, caption, signature): line breaks become spaces."""
    return clean(text).replace("\n", " ")


def word_count(text: str) -> int:
    """Whitespace-separated tokens of *text*."""
    return len(text.split())
