"""Full-text search over article titles and bodies: accent-insensitive (default) or exact, ranked by bm25.

Two FTS5 indexes (migration m0005) cover ``articles``: ``articles_fts`` keeps diacritics ('dân' ≠ 'dẫn');
``articles_fts_folded`` indexes text folded by ``dvscrape_fold`` ('dan van' finds 'Dân vận', 'dong' finds 'Đông').
User queries never reach FTS5 as written: they are parsed into words, "quoted phrases", ``word*`` prefixes, ``OR``
between terms and ``-word`` exclusions, and every word is quoted, so no input can cause an FTS5 syntax error.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import date

from dvscrape.archive.filters import day_conditions, in_categories, matching_categories
from dvscrape.archive.folding import fold
from dvscrape.archive.versions import backfill_versions
from dvscrape.errors import QueryError

EXACT_INDEX = "articles_fts"
FOLDED_INDEX = "articles_fts_folded"
TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0
SNIPPET_TOKENS = 16
MAX_LIMIT = 1000
# bm25 costs a few microseconds per matching article: a query matching more articles than this (a word found in
# nearly every article, such as 'quận') is too common to rank usefully or quickly, and lists the most recently
# archived matches first instead.
RANK_LIMIT = 10_000
_TERM = re.compile(r'(?P<minus>-?)"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+)')
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class SearchOptions:
    """What to search and how: the query as typed, the mode, filters and the number of hits."""

    query: str
    exact: bool = False
    since: date | None = None
    until: date | None = None
    category: str | None = None
    limit: int = 20
    highlight_open: str = "["
    highlight_close: str = "]"


@dataclass(frozen=True)
class SearchHit:
    """One article found: ids, metadata, bm25 score (lower is better), title with matches marked, body snippet."""

    article_id: int
    url: str
    title: str
    published_date: str | None
    category: str
    score: float
    title_highlighted: str
    snippet: str

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "article_id": self.article_id,
            "url": self.url,
            "title": self.title,
            "published_date": self.published_date,
            "category": self.category,
            "score": round(self.score, 4),
            "title_highlighted": self.title_highlighted,
            "snippet": self.snippet,
        }


@dataclass(frozen=True)
class _Term:
    words: tuple[str, ...]
    prefix: bool = False
    negated: bool = False
    or_before: bool = False

    def fts(self) -> str:
        quoted = '"' + " ".join(self.words) + '"'
        return quoted + "*" if self.prefix else quoted


def _normalise_words(text: str, *, exact: bool) -> tuple[str, ...]:
    text = unicodedata.normalize("NFC", text)
    if not exact:
        text = fold(text)
    return tuple(_WORD.findall(text))


def parse_query(query: str, *, exact: bool) -> str:
    """The FTS5 MATCH expression for a user's *query*; raises QueryError when it has no word to search for.

    Words are ANDed; "a phrase" matches words in sequence; word* matches a prefix; OR (upper case) between two
    terms matches either; -word, -"a phrase" or NOT word excludes articles containing it; AND is accepted and
    changes nothing. Other punctuation separates words.
    """
    terms: list[_Term] = []
    pending_or = pending_not = False
    for match in _TERM.finditer(query):
        phrase, raw = match.group("phrase"), match.group("word")
        if raw in ("OR", "AND", "NOT"):
            pending_or = raw == "OR" and bool(terms)
            pending_not = raw == "NOT"
            continue
        negated, prefix = pending_not or bool(match.group("minus")), False
        text = phrase if phrase is not None else raw
        if raw is not None:
            negated = negated or (raw.startswith("-") and len(raw) > 1)
            prefix = raw.endswith("*")
        words = _normalise_words(text, exact=exact)
        if not words:
            continue
        terms.append(_Term(words, prefix=prefix, negated=negated, or_before=pending_or and not negated))
        pending_or = pending_not = False
    positive = [term for term in terms if not term.negated]
    if not positive:
        if terms:
            raise QueryError("the query only excludes words; add at least one word to search for")
        raise QueryError(f"the query {query.strip()!r} has no words to search for")
    groups: list[list[str]] = []
    for term in positive:
        if term.or_before and groups:
            groups[-1].append(term.fts())
        else:
            groups.append([term.fts()])
    expression = " AND ".join(f"({' OR '.join(group)})" if len(group) > 1 else group[0] for group in groups)
    for term in terms:
        if term.negated:
            expression = f"({expression}) NOT {term.fts()}"
    return expression


def count_matches(conn: sqlite3.Connection, options: SearchOptions) -> int:
    """How many articles the query of *options* matches (filters ignored): cheap, it reads no article."""
    index = EXACT_INDEX if options.exact else FOLDED_INDEX
    expression = parse_query(options.query, exact=options.exact)
    try:
        (count,) = conn.execute(f"SELECT count(*) FROM {index} WHERE {index} MATCH ?", (expression,)).fetchone()
    except sqlite3.OperationalError as error:
        raise QueryError(f"the search failed: {error}") from error
    return int(count)


def match_conditions(options: SearchOptions, index: str, day: str) -> tuple[list[str], dict[str, object]]:
    """What every search shares: the full-text MATCH on *index*, the since/until filters on the SQL expression
    *day* (a YYYY-MM-DD text), and the parameters they and the highlighting need."""
    conditions, params = day_conditions(day, options.since, options.until)
    params.update(
        match=parse_query(options.query, exact=options.exact),
        open=options.highlight_open,
        close=options.highlight_close,
        limit=options.limit,
    )
    return [f"{index} MATCH :match", *conditions], params


def search(conn: sqlite3.Connection, options: SearchOptions) -> list[SearchHit]:
    """Articles matching *options*, best first (bm25, title weighted), or most recently archived first when the
    query matches more than RANK_LIMIT articles. *conn* must have dvscrape_fold registered."""
    if options.limit < 1 or options.limit > MAX_LIMIT:
        raise QueryError(f"the limit must be between 1 and {MAX_LIMIT}, got {options.limit}")
    if options.since and options.until and options.since > options.until:
        raise QueryError(f"--since {options.since} is after --until {options.until}")
    index = EXACT_INDEX if options.exact else FOLDED_INDEX
    conditions, params = match_conditions(options, index, "substr(a.published_date, 1, 10)")
    if options.category:
        conditions.append(in_categories("a", "categories"))
        params["categories"] = matching_categories(conn, options.category)
    ranked = count_matches(conn, options) <= RANK_LIMIT
    order = "score, a.id" if ranked else f"{index}.rowid DESC"
    sql = f"""
        SELECT a.id, a.url, a.title, a.published_date, COALESCE(a.category, ''),
               bm25({index}, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS score,
               highlight({index}, 0, :open, :close),
               snippet({index}, 1, :open, :close, '…', {SNIPPET_TOKENS})
        FROM {index} JOIN articles AS a ON a.id = {index}.rowid
        WHERE {" AND ".join(conditions)}
        ORDER BY {order}
        LIMIT :limit
    """
    try:
        found = conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):
            raise QueryError("this archive has no search index; open it for writing once to upgrade it") from error
        raise QueryError(f"the search failed: {error}") from error
    return [
        SearchHit(
            int(row[0]), row[1], row[2], row[3], row[4], float(row[5]), one_line(row[6] or ""), one_line(row[7] or "")
        )
        for row in found
    ]


_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029]+\s*")


def one_line(text: str) -> str:
    """*text* on one line: each paragraph or line break (with the spaces around it) becomes " ¶ ", so a snippet
    that spans paragraphs prints as one line."""
    return _LINE_BREAKS.sub(" ¶ ", text).strip()


@dataclass(frozen=True)
class ReindexResult:
    """What reindex did: articles indexed, versions backfilled."""

    articles: int
    versions_backfilled: int


def reindex(conn: sqlite3.Connection) -> ReindexResult:
    """Rebuild both search indexes from ``articles`` and backfill missing versions, in one transaction.

    *conn* must be writable and have dvscrape_fold registered.
    """
    with conn:
        conn.execute(f"INSERT INTO {EXACT_INDEX} ({EXACT_INDEX}) VALUES ('rebuild')")
        conn.execute(f"INSERT INTO {FOLDED_INDEX} ({FOLDED_INDEX}) VALUES ('delete-all')")
        conn.execute(
            f"INSERT INTO {FOLDED_INDEX} (rowid, title, body) "
            "SELECT id, dvscrape_fold(title), dvscrape_fold(body) FROM articles"
        )
        for index in (EXACT_INDEX, FOLDED_INDEX):
            conn.execute(f"INSERT INTO {index} ({index}) VALUES ('optimize')")
        backfilled = backfill_versions(conn)
        (articles,) = conn.execute("SELECT count(*) FROM articles").fetchone()
    return ReindexResult(int(articles), backfilled)


def index_is_current(conn: sqlite3.Connection) -> bool:
    """Whether both indexes hold one entry per article (a cheap check, not a full integrity check)."""
    (articles,) = conn.execute("SELECT count(*) FROM articles").fetchone()
    for index in (EXACT_INDEX, FOLDED_INDEX):
        (indexed,) = conn.execute(f"SELECT count(*) FROM {index}_docsize").fetchone()
        if indexed != articles:
            return False
    return True
