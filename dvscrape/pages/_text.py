"""Text clean-up for extracted fields: the single place the page objects normalise text.

Until ``dvscrape.text.normalize`` lands this is a minimal private stand-in (NFC, spaces collapsed per line,
invisible characters removed); the page objects call only ``clean`` and ``clean_line``.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")


def clean(text: str) -> str:
    """Archival normal form of a multi-line text: NFC, one space between words, no empty lines."""
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def clean_line(text: str) -> str:
    """Archival normal form of a one-line text (title, caption, signature): line breaks become spaces."""
    return clean(text).replace("\n", " ")


def word_count(text: str) -> int:
    """Whitespace-separated tokens of *text*."""
    return len(text.split())
