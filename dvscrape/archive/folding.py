"""Accent folding for the archive's search index, and its registration as the SQL function ``dvscrape_fold``.

SQLite's unicode61 tokenizer removes the diacritics that Unicode decomposes (â, ơ, ư, the five tones) but not the
Vietnamese đ, which is a letter of its own. The folded search index is therefore built from text folded here, in
Python: lower case, decomposed, combining marks dropped, đ→d. The fold maps every character of NFC text to at most
one character and never turns a letter into a separator, so token boundaries are those of the original text, which
lets FTS5 highlight matches in the original (accented) text.

The index depends on this exact function: changing it requires ``dvscrape reindex``.
"""

from __future__ import annotations

import sqlite3
import unicodedata

SQL_FUNCTION = "dvscrape_fold"
_LETTER_MAP = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def fold(text: str | None) -> str:
    """*text* in lower case without diacritics, đ→d: 'Đông Dân vận' → 'dong dan van'. None gives ""."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTER_MAP))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", stripped).lower()


def register_fold(conn: sqlite3.Connection) -> None:
    """Register ``dvscrape_fold(text)`` on *conn* (deterministic, so SQLite may use it in triggers and indexes)."""
    conn.create_function(SQL_FUNCTION, 1, fold, deterministic=True)
