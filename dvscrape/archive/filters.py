"""The filters search and export share (`--since`, `--until`, `--category`).

Days are inclusive bounds on a YYYY-MM-DD expression. A category: an article is in category C when one of its
categories equals C ignoring accents, case, punctuation and spacing, so 'tin tuc - su kien' and 'Tin tức - Sự kiện'
both name 'Tin tức sự kiện'. The archive's category names that match are found first (there are few); the SQL then
selects them exactly.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from datetime import date

from dvscrape.archive.folding import fold

_WORD = re.compile(r"\w+")


def day_conditions(day: str, since: date | None, until: date | None) -> tuple[list[str], dict[str, object]]:
    """SQL conditions that the YYYY-MM-DD expression *day* lies from *since* to *until* (inclusive), and their
    parameters (``:since``, ``:until``)."""
    bounds = {"since": (">=", since), "until": ("<=", until)}
    conditions = [f"{day} {sign} :{name}" for name, (sign, bound) in bounds.items() if bound]
    return conditions, {name: bound.isoformat() for name, (_, bound) in bounds.items() if bound}


def category_key(name: str) -> str:
    """What the filter compares: the words of *name*, folded (lower case, no accents, đ→d), one space apart."""
    return " ".join(_WORD.findall(fold(unicodedata.normalize("NFC", name))))


def archive_categories(conn: sqlite3.Connection) -> list[str]:
    """Every category name the archive's articles and their recorded versions hold, sorted."""
    found = conn.execute(
        "SELECT category FROM articles UNION SELECT value FROM articles, json_each(articles.categories)"
    ).fetchall()
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'article_versions'").fetchone():
        found += conn.execute("SELECT DISTINCT category FROM article_versions").fetchall()
    return sorted({str(name) for (name,) in found if name})


def matching_categories(conn: sqlite3.Connection, name: str) -> str:
    """The archive's category names that *name* matches, as the JSON list that in_categories() takes."""
    key = category_key(name)
    return json.dumps([found for found in archive_categories(conn) if category_key(found) == key], ensure_ascii=False)


def in_categories(alias: str, parameter: str, *, every_category: bool = True) -> str:
    """SQL that holds when the article (or version) *alias* is in one of the categories of the JSON list bound to the
    named *parameter*: its category, or with *every_category* any of its categories."""
    names = f"(SELECT value FROM json_each(:{parameter}))"
    if not every_category:
        return f"{alias}.category IN {names}"
    listed = f"EXISTS (SELECT 1 FROM json_each({alias}.categories) WHERE value IN {names})"
    return f"({alias}.category IN {names} OR {listed})"
