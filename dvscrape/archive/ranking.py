"""bm25 over the search statistics (dvscrape.archive.terms), for any number of matching articles.

The score is FTS5's bm25(index, TITLE_WEIGHT, BODY_WEIGHT): for each query term t, idf(t) * f * (k1 + 1) / (f + k1 *
(1 - b + b * length / average length)), where f is the article's weighted frequency of t, idf(t) = log((N - n +
0.5) / (n + 0.5)) with n the articles holding t (1e-6 when that is not positive), k1 = 1.2 and b = 0.75; FTS5
reports it negated, lower is better, and so does this module. A word, and a word* prefix (its terms' frequencies
added up), score exactly as in FTS5. A "quoted phrase" scores as its words, each a term: FTS5 would count the
phrase itself, which needs every article's word positions; the phrase still decides which articles match (the
caller verifies every candidate with the FTS5 query).
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dvscrape.archive.terms import Statistics, statistics, terms_of, weights

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

K1 = 1.2
B = 0.75


@dataclass(frozen=True)
class QueryTerm:
    """One term of a query as the user typed it: its words (several for a phrase), the last one a prefix or not."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Candidates:
    """The articles that hold every word the query needs (a superset of its FTS5 matches) and their scores."""

    ids: npt.NDArray[np.int64]
    scores: npt.NDArray[np.float64]


def rank(conn: sqlite3.Connection, groups: list[list[QueryTerm]], *, folded: bool) -> Candidates:
    """Score the articles holding the words of every group (a group is satisfied by any of its terms)."""
    import numpy as np

    stats = statistics(conn)
    size = len(stats.lengths)
    required = np.ones(size, bool)
    units: list[tuple[npt.NDArray[np.float64], float]] = []  # every word's weights and idf
    for group in groups:
        satisfied = np.zeros(size, bool)
        for term in group:
            tokens = [token for word in term.words for token in terms_of(word, folded=folded)]
            holds = np.full(size, bool(tokens))
            for position, token in enumerate(tokens):
                found = weights(conn, stats, token, folded=folded, prefix=term.prefix and position == len(tokens) - 1)
                present = found > 0
                holds &= present
                units.append((found, _idf(stats, int(np.count_nonzero(present)))))
            satisfied |= holds
        required &= satisfied
    ids = np.flatnonzero(required)
    norm = K1 * (1 - B + B * stats.lengths[ids] / (stats.average_length or 1.0))
    score = np.zeros(len(ids), np.float64)
    for found, idf in units:
        frequency = found[ids]
        score += idf * (K1 + 1) * frequency / (frequency + norm)
    return Candidates(ids, -score)


def _idf(stats: Statistics, holding: int) -> float:
    value = math.log((stats.articles - holding + 0.5) / (holding + 0.5))
    return value if value > 0 else 1e-6


def best(candidates: Candidates, remaining: npt.NDArray[np.float64], count: int) -> npt.NDArray[np.int64]:
    """Positions of the *count* best candidates, best first (ties by article id, as FTS5's ``ORDER BY score,
    id``), among those whose score is still in *remaining* (the candidates' scores, +inf where taken before); marks
    them taken."""
    import numpy as np

    kth = np.partition(remaining, count - 1)[count - 1] if count < len(remaining) else np.inf
    if np.isinf(kth):
        chosen = np.flatnonzero(np.isfinite(remaining))
    else:
        below = np.flatnonzero(remaining < kth)
        chosen = np.concatenate([below, np.flatnonzero(remaining == kth)[: count - len(below)]])
    chosen = chosen[np.lexsort((candidates.ids[chosen], candidates.scores[chosen]))]
    remaining[chosen] = np.inf
    return chosen
