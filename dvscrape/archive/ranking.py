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

from dvscrape.archive.terms import Segment, Statistics, statistics, terms_of, weights

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
    """The articles that hold every word the query needs (a superset of its FTS5 matches) and their scores
    (aligned)."""

    ids: npt.NDArray[np.int64]
    scores: npt.NDArray[np.float64]


def rank(conn: sqlite3.Connection, groups: list[list[QueryTerm]], *, folded: bool) -> Candidates:
    """Score the articles holding the words of every group (a group is satisfied by any of its terms); the
    candidates come segment by segment (ids ascending within each)."""
    import numpy as np

    stats = statistics(conn)
    words = [[_weights_of_words(conn, stats, term, folded=folded) for term in group] for group in groups]
    units = [unit for group in words for term in group for unit in term]
    idfs = [
        _idf(stats, sum(_holding(unit[key], segment) for key, segment in stats.segments.items() if key in unit))
        for unit in units
    ]
    id_parts, score_parts = [], []
    for key, segment in stats.segments.items():
        required = segment.live.copy()
        for group in words:
            satisfied = np.zeros(len(segment.articles), bool)
            for term in group:
                holds = np.full(len(segment.articles), bool(term))
                for unit in term:
                    holds &= unit[key] > 0 if key in unit else False
                satisfied |= holds
            required &= satisfied
        positions = np.flatnonzero(required)
        every = len(positions) == len(required)  # no gathering when every article of the segment is a candidate
        lengths = segment.lengths if every else segment.lengths[positions]
        norm = K1 * (1 - B) + (K1 * B / (stats.average_length or 1.0)) * lengths
        score = np.zeros(len(positions), np.float64)
        for unit, idf in zip(units, idfs, strict=True):
            if key in unit:
                frequency = (unit[key] if every else unit[key][positions]).astype(np.float64)
                saturated = np.divide(frequency, np.add(frequency, norm), out=frequency)
                score -= idf * (K1 + 1) * saturated
        id_parts.append((segment.articles if every else segment.articles[positions]).astype(np.int64))
        score_parts.append(score)
    if not id_parts:
        return Candidates(np.zeros(0, np.int64), np.zeros(0, np.float64))
    return Candidates(np.concatenate(id_parts), np.concatenate(score_parts))  # FTS5's sign: lower is better


def _weights_of_words(
    conn: sqlite3.Connection, stats: Statistics, term: QueryTerm, *, folded: bool
) -> list[dict[int, npt.NDArray[np.uint32]]]:
    """The weights (per segment) of every word of *term*: several for a phrase, the last one a prefix or not."""
    tokens = [token for word in term.words for token in terms_of(word, folded=folded)]
    last = len(tokens) - 1
    return [
        weights(conn, stats, token, folded=folded, prefix=term.prefix and i == last) for i, token in enumerate(tokens)
    ]


def _holding(weight: npt.NDArray[np.uint32], segment: Segment) -> int:
    """How many live articles of *segment* hold the word of *weight*."""
    import numpy as np

    return int(np.count_nonzero(weight if segment.all_live else weight[segment.live]))


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
        below, ties = np.flatnonzero(remaining < kth), np.flatnonzero(remaining == kth)
        ties = ties[np.argsort(candidates.ids[ties], kind="stable")[: count - len(below)]]
        chosen = np.concatenate([below, ties])
    chosen = chosen[np.lexsort((candidates.ids[chosen], candidates.scores[chosen]))]
    remaining[chosen] = np.inf
    return chosen
