"""A Datasette plugin registering the SQL functions of dvscrape's canned queries on every connection:
``dvscrape_fold(text)`` and ``dvscrape_match(query)``, a user's query turned into a safe FTS5 expression for the
accent-folded index (an unusable query becomes one that matches nothing). Loaded by ``dvscrape serve``."""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette import hookimpl

from dvscrape.archive.folding import register_fold
from dvscrape.archive.search import QueryError, parse_query

NO_MATCH = '""'


def match_expression(query: str | None) -> str:
    """The FTS5 expression for *query* on the folded index, or an expression matching nothing."""
    try:
        return parse_query(query or "", exact=False)
    except QueryError:
        return NO_MATCH


@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    """Register dvscrape_fold and dvscrape_match."""
    register_fold(conn)
    conn.create_function("dvscrape_match", 1, match_expression, deterministic=True)
