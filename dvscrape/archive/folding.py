"""Accent folding for the archive's search index, and its registration as the SQL function ``dvscrape_fold``.

SQLite's unicode61 tokenizer removes the diacritics that Unicode decomposes (â, ơ, ư, the five tones) but not the
Vietnamese đ, which is a letter of its own. The folded search index is therefore built from text folded in Python
(dvscrape.text.fold_diacritics): lower case, combining marks dropped, đ→d. The fold maps every character of NFC text
to at most one character and never turns a letter into a separator, so token boundaries are those of the original
text, which lets FTS5 highlight matches in the original (accented) text.

The index depends on this exact function: changing it requires ``dvscrape reindex``.
"""

from __future__ import annotations

import sqlite3

from dvscrape.text import fold_diacritics

SQL_FUNCTION = "dvscrape_fold"


def fold(text: str | None) -> str:
    """*text* in lower case without diacritics, đ→d ('Đông Dân vận' → 'dong dan van'), by
    dvscrape.text.fold_diacritics; None gives ""."""
    return fold_diacritics(text) if text else ""


def register_fold(conn: sqlite3.Connection) -> None:
    """Register ``dvscrape_fold(text)`` on *conn* (deterministic, so SQLite may use it in triggers and indexes)."""
    conn.create_function(SQL_FUNCTION, 1, fold, deterministic=True)
