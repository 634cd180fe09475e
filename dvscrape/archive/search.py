"""Full-text search over article titles and bodies: accent-insensitive (default) or exact, ranked by bm25.

Two FTS5 indexes (migration m0005) cover ``articles``: ``articles_fts`` keeps diacritics ('dân' ≠ 'dẫn');
``articles_fts_folded`` indexes text folded by ``dvscrape_fold`` ('dan van' finds 'Dân vận', 'dong' finds 'Đông').
User queries never reach FTS5 as written: they are parsed into words, "quoted phrases", ``word*`` prefixes, ``OR``
between terms and ``-word`` exclusions, and every word is quoted, so no input can cause an FTS5 syntax error.

Ranking does not ask FTS5 to score every match (its cost grows with the matches: seconds for a word found in most
of a large archive). The candidates are scored with bm25 from the search statistics (archive.ranking), and FTS5
checks the best of them, a few at a time, against the query and the filters and highlights the hits.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING

from dvscrape.archive import terms
from dvscrape.archive.filters import day_conditions, in_categories, matching_categories
from dvscrape.archive.folding import fold
from dvscrape.archive.ranking import Candidates, QueryTerm, best, rank
from dvscrape.archive.versions import backfill_versions
from dvscrape.errors import QueryError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

EXACT_INDEX = "articles_fts"
FOLDED_INDEX = "articles_fts_folded"
TITLE_WEIGHT = float(terms.TITLE_WEIGHT)
BODY_WEIGHT = float(terms.BODY_WEIGHT)
SNIPPET_TOKENS = 16
MAX_LIMIT = 1000
CHECK_BLOCK = 200  # best candidates ordered at a time (then ten times as many); FTS5 checks them a few at a time
ONE_BY_ONE_SHARE = 64  # past checking one candidate in this many one by one, FTS5 lists every match instead
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
        return {**asdict(self), "score": round(self.score, 4)}


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


def _parse_terms(query: str, *, exact: bool) -> list[_Term]:
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
    if not any(not term.negated for term in terms):
        if terms:
            raise QueryError("the query only excludes words; add at least one word to search for")
        raise QueryError(f"the query {query.strip()!r} has no words to search for")
    return terms


def _groups(terms: list[_Term]) -> list[list[_Term]]:
    """The positive terms as AND-ed groups of OR-ed terms."""
    groups: list[list[_Term]] = []
    for term in terms:
        if term.negated:
            continue
        if term.or_before and groups:
            groups[-1].append(term)
        else:
            groups.append([term])
    return groups


def parse_query(query: str, *, exact: bool) -> str:
    """The FTS5 MATCH expression for a user's *query*; raises QueryError when it has no word to search for.

    Words are ANDed; "a phrase" matches words in sequence; word* matches a prefix; OR (upper case) between two
    terms matches either; -word, -"a phrase" or NOT word excludes articles containing it; AND is accepted and
    changes nothing. Other punctuation separates words.
    """
    terms = _parse_terms(query, exact=exact)
    groups = [[term.fts() for term in group] for group in _groups(terms)]
    expression = " AND ".join(f"({' OR '.join(group)})" if len(group) > 1 else group[0] for group in groups)
    for term in terms:
        if term.negated:
            expression = f"({expression}) NOT {term.fts()}"
    return expression


def query_groups(query: str, *, exact: bool) -> list[list[QueryTerm]]:
    """The positive terms of *query* as ranking.rank takes them: AND-ed groups of OR-ed terms."""
    return [
        [QueryTerm(term.words, term.prefix) for term in group] for group in _groups(_parse_terms(query, exact=exact))
    ]


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
    """Articles matching *options*, best first (bm25, title weighted; ties by id). *conn* must have dvscrape_fold
    registered."""
    import numpy as np

    if options.limit < 1 or options.limit > MAX_LIMIT:
        raise QueryError(f"the limit must be between 1 and {MAX_LIMIT}, got {options.limit}")
    if options.since and options.until and options.since > options.until:
        raise QueryError(f"--since {options.since} is after --until {options.until}")
    index = EXACT_INDEX if options.exact else FOLDED_INDEX
    conditions, params = match_conditions(options, index, "substr(a.published_date, 1, 10)")
    if options.category:
        conditions.append(in_categories("a", "categories"))
        params["categories"] = matching_categories(conn, options.category)
    groups = query_groups(options.query, exact=options.exact)
    found: dict[int, float] = {}
    for pruned in (True, False):  # the best holders of common words first; every match when they do not suffice
        try:
            candidates = rank(conn, groups, folded=not options.exact, pruned=pruned)
        except sqlite3.OperationalError as error:
            raise _query_error(error) from error
        found = _best_matching(conn, index, conditions, params, candidates, options.limit)
        if len(found) >= options.limit or not np.isfinite(candidates.floor):
            break
    return _hits(conn, index, params, found)


def _best_matching(
    conn: sqlite3.Connection,
    index: str,
    conditions: list[str],
    params: dict[str, object],
    candidates: Candidates,
    limit: int,
) -> dict[int, float]:
    """The *limit* best *candidates* FTS5 finds matching the query and the filters, by article id, best first: among
    those that score better than every article left out of them (below Candidates.floor)."""
    import numpy as np

    remaining = candidates.scores.copy()
    remaining[remaining >= candidates.floor] = np.inf  # an article left out may score as well
    found: dict[int, float] = {}  # article id: score, best first
    block, piece, checked = CHECK_BLOCK, limit, 0
    while len(found) < limit and np.isfinite(remaining).any():
        if checked * ONE_BY_ONE_SHARE > len(candidates.ids):
            # Most candidates fail the query (a phrase whose words also stand apart) or the filters: reading every
            # match of the query once costs less than checking candidates one by one.
            matching = _matching(conn, index, conditions, params, None)
            remaining[~np.isin(candidates.ids, np.fromiter(matching, np.int64, len(matching)))] = np.inf
            chosen = best(candidates, remaining, limit - len(found))
            found.update(zip(candidates.ids[chosen].tolist(), candidates.scores[chosen].tolist(), strict=True))
            break
        ordered = best(candidates, remaining, block)  # one selection, checked piece by piece
        start = 0
        while start < len(ordered) and len(found) < limit:
            chosen = ordered[start : start + piece]
            matching = _matching(conn, index, conditions, params, candidates.ids[chosen])
            pairs = zip(candidates.ids[chosen].tolist(), candidates.scores[chosen].tolist(), strict=True)
            found.update((article_id, score) for article_id, score in pairs if article_id in matching)
            start, checked, piece = start + piece, checked + piece, piece * 2
        block *= 10
    return dict(list(found.items())[:limit])


def _matching(
    conn: sqlite3.Connection,
    index: str,
    conditions: list[str],
    params: dict[str, object],
    ids: npt.NDArray[np.int64] | None,
) -> set[int]:
    """The articles among *ids* (all of them: None) that FTS5 finds matching the query and the filters."""
    among = f" AND {index}.rowid IN ({', '.join(str(int(i)) for i in ids)})" if ids is not None else ""
    filtered = f" JOIN articles AS a ON a.id = {index}.rowid" if len(conditions) > 1 else ""
    sql = f"SELECT {index}.rowid FROM {index}{filtered} WHERE {' AND '.join(conditions)}{among}"
    try:
        return {row[0] for row in conn.execute(sql, params)}
    except sqlite3.OperationalError as error:
        raise _query_error(error) from error


def _hits(conn: sqlite3.Connection, index: str, params: dict[str, object], scores: dict[int, float]) -> list[SearchHit]:
    """The hits for the articles of *scores*, in its order: metadata, the title highlighted, a snippet of the body."""
    if not scores:
        return []
    sql = f"""
        SELECT a.id, a.url, a.title, a.published_date, COALESCE(a.category, ''),
               highlight({index}, 0, :open, :close),
               snippet({index}, 1, :open, :close, '…', {SNIPPET_TOKENS})
        FROM {index} JOIN articles AS a ON a.id = {index}.rowid
        WHERE {index} MATCH :match AND {index}.rowid IN ({", ".join(map(str, scores))})
    """
    rows = {row[0]: row for row in conn.execute(sql, params)}
    hits = []
    for article_id, score in scores.items():
        _, url, title, published, category, title_marked, snippet = rows[article_id]
        hits.append(
            SearchHit(article_id, url, title, published, category, score, one_line(title_marked), one_line(snippet))
        )
    return hits


def _query_error(error: sqlite3.OperationalError) -> QueryError:
    if "no such table" in str(error):
        return QueryError("this archive has no search index; open it for writing once to upgrade it")
    return QueryError(f"the search failed: {error}")


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
    """Rebuild both search indexes and the search statistics from ``articles`` and backfill missing versions, in
    one transaction.

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
        terms.rebuild(conn)
        backfilled = backfill_versions(conn)
        (articles,) = conn.execute("SELECT count(*) FROM articles").fetchone()
    return ReindexResult(int(articles), backfilled)


def index_is_current(conn: sqlite3.Connection) -> bool:
    """Whether both indexes and the search statistics hold one entry per article (a cheap check, not a full
    integrity check)."""
    (articles,) = conn.execute("SELECT count(*) FROM articles").fetchone()
    for index in (EXACT_INDEX, FOLDED_INDEX):
        (indexed,) = conn.execute(f"SELECT count(*) FROM {index}_docsize").fetchone()
        if indexed != articles:
            return False
    (counted,) = conn.execute("SELECT coalesce(sum(live_articles), 0) FROM search_segments").fetchone()
    return bool(counted == articles and terms.pending_count(conn) == 0)
