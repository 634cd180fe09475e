"""Accent folding for the archive's search index, its registration as the SQL function ``dvscrape_fold``, and the
exact and folded FTS5 indexes of a table (``create_search_indexes``, used by the migrations of articles and documents).

SQLite's unicode61 tokenizer removes the diacritics that Unicode decomposes (â, ơ, ư, the five tones) but not the
Vietnamese đ, which is a letter of its own. The folded search index is therefore built from text folded in Python
(dvscrape.text.fold_diacritics): lower case, combining marks dropped, đ→d. The fold maps every character of NFC text
to at most one character and never turns a letter into a separator, so token boundaries are those of the original
text, which lets FTS5 highlight matches in the original (accented) text.

The index depends on this exact function: changing it requires ``dvscrape reindex``.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from dvscrape.text import fold_diacritics

if TYPE_CHECKING:
    from sqlite_utils import Database

SQL_FUNCTION = "dvscrape_fold"


def fold(text: str | None) -> str:
    """*text* in lower case without diacritics, đ→d ('Đông Dân vận' → 'dong dan van'), by
    dvscrape.text.fold_diacritics; None gives ""."""
    return fold_diacritics(text) if text else ""


def register_fold(conn: sqlite3.Connection) -> None:
    """Register ``dvscrape_fold(text)`` on *conn* (deterministic, so SQLite may use it in triggers and indexes)."""
    conn.create_function(SQL_FUNCTION, 1, fold, deterministic=True)


def create_search_indexes(db: Database, table: str, first: str, second: str) -> None:
    """Full-text indexes over the text columns *first* and *second* of *table*: ``{table}_fts`` (diacritics kept)
    and ``{table}_fts_folded`` (dvscrape_fold, đ→d), external-content FTS5 tables kept in step by triggers. Every
    connection that writes *table* must register dvscrape_fold (Archive.open does)."""
    register_fold(db.conn)
    exact, folded = f"{table}_fts", f"{table}_fts_folded"
    for name, diacritics in ((exact, 0), (folded, 2)):
        db.execute(
            f"CREATE VIRTUAL TABLE {name} USING fts5({first}, {second}, content='{table}', content_rowid='id', "
            f"tokenize='unicode61 remove_diacritics {diacritics}')"
        )
    exact_delete = (
        f"INSERT INTO {exact} ({exact}, rowid, {first}, {second}) VALUES ('delete', old.id, old.{first}, old.{second});"
    )
    folded_delete = (
        f"INSERT INTO {folded} ({folded}, rowid, {first}, {second}) "
        f"VALUES ('delete', old.id, {SQL_FUNCTION}(old.{first}), {SQL_FUNCTION}(old.{second}));"
    )
    exact_insert = f"INSERT INTO {exact} (rowid, {first}, {second}) VALUES (new.id, new.{first}, new.{second});"
    folded_insert = (
        f"INSERT INTO {folded} (rowid, {first}, {second}) "
        f"VALUES (new.id, {SQL_FUNCTION}(new.{first}), {SQL_FUNCTION}(new.{second}));"
    )
    db.execute(f"CREATE TRIGGER {table}_search_insert AFTER INSERT ON {table} BEGIN {exact_insert} {folded_insert} END")
    db.execute(f"CREATE TRIGGER {table}_search_delete AFTER DELETE ON {table} BEGIN {exact_delete} {folded_delete} END")
    db.execute(
        f"CREATE TRIGGER {table}_search_update AFTER UPDATE OF {first}, {second} ON {table} "
        f"WHEN old.{first} IS NOT new.{first} OR old.{second} IS NOT new.{second} "
        f"BEGIN {exact_delete} {folded_delete} {exact_insert} {folded_insert} END"
    )
