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

import json
import math
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dvscrape.archive.terms import K1, TOP_ENTRY_BYTES, B, Segment, Statistics, impact, statistics, terms_of, weights

PRUNED_SHARE = 4  # top lists are worth reading when their articles are fewer than a quarter of the archive's

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from dvscrape.archive.terms import Ids, Ints


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
    floor: float = math.inf  # every article left out (a pruned ranking) scores at least this; +inf: none is


def rank(conn: sqlite3.Connection, groups: list[list[QueryTerm]], *, folded: bool, pruned: bool = False) -> Candidates:
    """Score the articles holding the words of every group (a group is satisfied by any of its terms); the
    candidates come segment by segment (ids ascending within each). With *pruned*, when the query has no prefix,
    only the best holders of each common word are scored (rank_pruned), the others bounded by Candidates.floor."""
    import numpy as np

    if pruned and not any(term.prefix for group in groups for term in group):
        found = rank_pruned(conn, [[_tokens(term, folded) for term in group] for group in groups], folded=folded)
        if found is not None:
            return found
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


def rank_pruned(conn: sqlite3.Connection, groups: list[list[list[str]]], *, folded: bool) -> Candidates | None:
    """rank() for *groups* of terms given as their tokens, scoring in each segment only the articles that hold a
    token in few articles of the segment or are among the best holders of a common one (the stored ``top``, with
    their ids and lengths: a segment whose every posting has one is scored without reading its article arrays):
    every other article scores at least Candidates.floor, from the stored bounds (``rest``). None for an archive
    whose postings have no top lists yet (opened read-only before m0025)."""
    import numpy as np

    if not any(column[1] == "top" for column in conn.execute("PRAGMA table_info(search_postings)")):
        return None
    units = [token for group in groups for term in group for token in term]
    where = "FROM search_postings WHERE folded = ? AND term = ?"
    # the articles the query would score: its words' top lists, or all the holders of a word that has none
    sizes = f"SELECT coalesce(sum(coalesce(length(top) / {TOP_ENTRY_BYTES}, holders)), 0) {where}"
    scored = sum(conn.execute(sizes, (int(folded), unit)).fetchone()[0] for unit in set(units))
    (articles, tokens) = conn.execute("SELECT sum(live_articles), sum(live_tokens) FROM search_segments").fetchone()
    if scored * PRUNED_SHARE > (articles or 0):  # the lists hold too much of the archive to save anything
        return None
    query = f"SELECT segment, articles, weights, holders, top, rest {where}"
    postings = {unit: {row[0]: row[1:] for row in conn.execute(query, (int(folded), unit))} for unit in set(units)}
    wanted = json.dumps(sorted({segment for found in postings.values() for segment in found}))
    in_wanted = "id IN (SELECT value FROM json_each(?))"
    rows = conn.execute(f"SELECT id, dropped FROM search_segments WHERE {in_wanted}", (wanted,))
    dropped = {segment: np.frombuffer(blob, np.uint32) for segment, blob in rows}
    average = tokens / articles if articles else 1.0
    arrays = _SegmentArrays(conn)
    holding = dict.fromkeys(postings, 0)
    for unit, found in postings.items():
        for segment, (held, stored, holders, *_) in found.items():
            gone = dropped[segment]
            if len(gone):  # the dropped articles still count in a posting's holders
                places = np.searchsorted(arrays.ids(segment), gone) if not held else gone
                holders -= int(np.count_nonzero(_weights_at(held, stored, places, gone)))
            holding[unit] += holders
    idfs = [_idf_of(articles or 0, holding[unit]) for unit in units]
    id_parts, score_parts, bound = [], [], 0.0
    for segment, gone in dropped.items():
        here = {unit: postings[unit][segment] for unit in set(units) if segment in postings[unit]}
        parts = [_candidates(posting, segment, arrays) for posting in here.values()]
        positions, chosen, lengths = (np.concatenate([part[i] for part in parts]) for i in range(3))
        order = np.argsort(positions, kind="stable")
        once = np.diff(positions[order], prepend=-1) != 0  # each once (np.unique hashes: slower here)
        positions, chosen, lengths = positions[order][once], chosen[order][once], lengths[order][once]
        if len(gone):
            live = ~np.isin(chosen, gone)
            positions, chosen, lengths = positions[live], chosen[live], lengths[live]
        found = {unit: _weights_at(posting[0], posting[1], positions, chosen) for unit, posting in here.items()}
        required = np.ones(len(positions), bool)
        for group in groups:
            satisfied = np.zeros(len(positions), bool)
            for term in group:
                holds = np.full(len(positions), bool(term))
                for unit in term:
                    holds &= found[unit] > 0 if unit in found else False
                satisfied |= holds
            required &= satisfied
        chosen = chosen[required]
        norm = K1 * (1 - B) + (K1 * B / (average or 1.0)) * lengths[required]
        score = np.zeros(len(chosen), np.float64)
        left_out = 0.0
        for unit, idf in zip(units, idfs, strict=True):
            if unit in found:
                frequency = found[unit][required].astype(np.float64)
                score -= idf * (K1 + 1) * np.divide(frequency, np.add(frequency, norm))
                left_out += idf * (K1 + 1) * _rest_bound(here[unit][4], average)
        bound = max(bound, left_out)
        id_parts.append(chosen.astype(np.int64))
        score_parts.append(score)
    if not id_parts:
        return Candidates(np.zeros(0, np.int64), np.zeros(0, np.float64))
    floor = -bound * (1 + 1e-9) if bound else math.inf  # a margin for rounding; nothing left out: no floor
    return Candidates(np.concatenate(id_parts), np.concatenate(score_parts), floor)


class _SegmentArrays:
    """A segment's article ids and lengths, read from search_segments the first time a query needs them."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._read: dict[int, tuple[Ids, Ids]] = {}

    def ids(self, segment: int) -> Ids:
        return self._arrays(segment)[0]

    def lengths(self, segment: int) -> Ids:
        return self._arrays(segment)[1]

    def _arrays(self, segment: int) -> tuple[Ids, Ids]:
        import numpy as np

        if segment not in self._read:
            query = "SELECT articles, lengths FROM search_segments WHERE id = ?"
            ids, lengths = self._conn.execute(query, (segment,)).fetchone()
            self._read[segment] = (np.frombuffer(ids, np.uint32), np.frombuffer(lengths, np.uint32))
        return self._read[segment]


def _candidates(
    posting: tuple[bytes, bytes, int, bytes | None, bytes | None], segment: int, arrays: _SegmentArrays
) -> tuple[Ints, Ids, Ids]:
    """The articles of *segment* a posting makes candidates (its best holders, or all of them): their positions in
    the segment, ids and lengths."""
    import numpy as np

    held, stored, _, top, _ = posting
    if top is not None:
        positions, ids, lengths = np.frombuffer(top, np.uint32).reshape(3, -1)
        return positions.astype(np.int64), ids, lengths
    every = arrays.ids(segment)
    holders = np.frombuffer(held, np.uint32) if held else every[np.flatnonzero(np.frombuffer(stored, np.uint16))]
    places = np.searchsorted(every, holders)
    return places, holders, arrays.lengths(segment)[places]


def _weights_at(held: bytes, stored: bytes, positions: Ints, chosen: Ids) -> Ints:
    """A posting's weights for the articles *chosen* (ids) of its segment, at *positions* in it, 0 where not held."""
    import numpy as np

    weights = np.frombuffer(stored, np.uint16)
    if not held:
        return weights[positions]
    holders = np.frombuffer(held, np.uint32)
    places = np.minimum(np.searchsorted(holders, chosen), len(holders) - 1)
    return np.where(holders[places] == chosen, weights[places], 0)


def _rest_bound(rest: bytes | None, average: float) -> float:
    """The highest impact any holder outside a posting's top list can have (0 without a top list: none is out)."""
    import numpy as np

    if rest is None:
        return 0.0
    pairs = np.frombuffer(rest, np.uint32).reshape(-1, 2)
    return float(impact(pairs[:, 0], pairs[:, 1], average).max()) if len(pairs) else 0.0


def _idf_of(articles: int, holding: int) -> float:
    value = math.log((articles - holding + 0.5) / (holding + 0.5))
    return value if value > 0 else 1e-6


def _tokens(term: QueryTerm, folded: bool) -> list[str]:
    return [token for word in term.words for token in terms_of(word, folded=folded)]


def _weights_of_words(
    conn: sqlite3.Connection, stats: Statistics, term: QueryTerm, *, folded: bool
) -> list[dict[int, npt.NDArray[np.uint32]]]:
    """The weights (per segment) of every word of *term*: several for a phrase, the last one a prefix or not."""
    tokens = _tokens(term, folded)
    last = len(tokens) - 1
    return [
        weights(conn, stats, token, folded=folded, prefix=term.prefix and i == last) for i, token in enumerate(tokens)
    ]


def _holding(weight: npt.NDArray[np.uint32], segment: Segment) -> int:
    """How many live articles of *segment* hold the word of *weight*."""
    import numpy as np

    return int(np.count_nonzero(weight if segment.all_live else weight[segment.live]))


def _idf(stats: Statistics, holding: int) -> float:
    return _idf_of(stats.articles, holding)


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
