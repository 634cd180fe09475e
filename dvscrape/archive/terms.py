"""The search statistics beside the FTS5 indexes: every term's articles with its weighted frequency in each, and every
article's length in tokens, which is what bm25 needs (archive.ranking ranks with them, so that a query matching most
of the archive is ranked without FTS5 scoring each match).

Terms are the tokens of FTS5's unicode61 tokenizer (runs of letters and digits, in lower case) of the text as stored
(the exact index) and of the text folded by dvscrape_fold (the folded index). An article's weight for a term is
TITLE_WEIGHT times the term's count in its title plus its count in its body; its length is the tokens of both.

Postings are written in segments, one per batch of articles indexed together. A segment lists its articles (ids
ascending) and their lengths; a term's posting in it is either the ids of the articles holding it with their weights,
or, for a term most of them hold, one weight per article of the segment (``articles`` left empty). A newer segment
supersedes an article's postings in the older ones (their ``dropped`` ids); segments of similar size are merged, so
there are few. Triggers record every article inserted, changed or deleted in ``search_pending``; index_pending turns
them into a segment before the write transaction commits, so readers never see statistics behind the articles.
"""

from __future__ import annotations

import functools
import itertools
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dvscrape.archive.folding import fold

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Ids = npt.NDArray[np.uint32]
    Ints = npt.NDArray[np.integer]

TITLE_WEIGHT = 10
BODY_WEIGHT = 1
MAX_WEIGHT = 0xFFFF  # weights are stored as uint16; bm25 has long saturated at this frequency
BUILD_BATCH = 5000  # articles per segment when the whole archive is indexed
MAX_SEGMENTS = 24
DENSE_SHARE = 3  # a term held by more than a third of a segment's articles is stored as one weight per article
MERGE_CHUNK = 1 << 20  # posting entries merged at once (tens of MB), whatever the size of the segments
TOP_HOLDERS = 16000  # a term held by more of a segment's articles keeps its best ones apart (see archive.ranking)
K1, B = 1.2, 0.75  # bm25's parameters, as FTS5 sets them
TOP_ENTRY_BYTES = 12  # a top list holds positions, ids and lengths, uint32 each (top_and_rest)
_TOKEN = re.compile(r"[^\W_]+")
_IDS, _WEIGHTS, _LENGTHS = "<u4", "<u2", "<u4"
_Posting = tuple[int, str, int, bytes, bytes]  # folded, term, segment, articles, weights: a stored posting
_INSERT_SEGMENT = (
    "INSERT INTO search_segments (articles, lengths, dropped, live_articles, live_tokens) VALUES (?, ?, x'', ?, ?)"
)
_INSERT_POSTING = "INSERT INTO search_postings (folded, term, segment, articles, weights{}) VALUES (?, ?, ?, ?, ?{})"


def terms_of(text: str, *, folded: bool) -> list[str]:
    """The tokens FTS5's unicode61 tokenizer makes of *text* in the exact (folded=False) or folded index."""
    return _TOKEN.findall(fold(text) if folded else text.lower())


def weights_of(title: str, body: str) -> tuple[Counter[str], Counter[str], int]:
    """An article's weight for each of its terms in the exact and in the folded index, and its length in tokens.

    A folded term is the fold of an exact one: dvscrape_fold maps each character to at most one and never makes a
    letter a separator, so folding the text and folding its words give the same words."""
    in_title, in_body = terms_of(title, folded=False), terms_of(body, folded=False)
    exact = Counter({term: BODY_WEIGHT * count for term, count in Counter(in_body).items()})
    for term, count in Counter(in_title).items():
        exact[term] += TITLE_WEIGHT * count
    folded: Counter[str] = Counter()
    for term, weight in exact.items():
        folded[_folded(term)] += weight
    return exact, folded, len(in_title) + len(in_body)


@functools.lru_cache(maxsize=1 << 16)
def _folded(term: str) -> str:
    return fold(term)


# -- writing ------------------------------------------------------------------------------------------------------


def index_pending(conn: sqlite3.Connection) -> int:
    """Index the articles recorded in search_pending (one new segment), drop their older postings, merge segments;
    return how many articles were pending. Runs inside the caller's write transaction."""
    pending_ids = [row[0] for row in conn.execute("SELECT article_id FROM search_pending")]
    if not pending_ids:
        return 0  # before numpy's import: most transactions store no article
    import numpy as np

    pending = np.array(pending_ids, np.int64)
    bounds = "SELECT id, substr(articles, 1, 4), substr(articles, -4, 4) FROM search_segments WHERE live_articles > 0"
    for segment, first, last in conn.execute(bounds).fetchall():
        low, high = int.from_bytes(first, "little"), int.from_bytes(last, "little")
        if np.any((pending >= low) & (pending <= high)):  # an article indexed before, changed or deleted since
            _drop(conn, segment, pending)
    _write_segment(
        conn, conn.execute("SELECT id, title, body FROM articles WHERE id IN (SELECT article_id FROM search_pending)")
    )
    conn.execute("DELETE FROM search_pending")
    _merge(conn)
    return len(pending)


def rebuild(conn: sqlite3.Connection) -> None:
    """Index every article anew (the statistics dropped first). Runs inside the caller's write transaction."""
    for table in ("search_postings", "search_segments", "search_pending"):
        conn.execute(f"DELETE FROM {table}")
    (last,) = conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()
    for start in range(0, int(last), BUILD_BATCH):
        query = "SELECT id, title, body FROM articles WHERE id > ? AND id <= ?"
        _write_segment(conn, conn.execute(query, (start, start + BUILD_BATCH)))
        _merge(conn)


def _write_segment(conn: sqlite3.Connection, rows: Iterable[tuple[int, str | None, str | None]]) -> None:
    import numpy as np

    lengths: dict[int, int] = {}
    keys: dict[tuple[int, str], int] = {}  # (folded, term) -> its code
    codes: list[int] = []
    owners: list[int] = []
    weights: list[int] = []
    for article_id, title, body in rows:
        exact, folded, lengths[article_id] = weights_of(title or "", body or "")
        for kind, found in enumerate((exact, folded)):
            codes.extend(keys.setdefault((kind, term), len(keys)) for term in found)
            owners.extend(itertools.repeat(article_id, len(found)))
            weights.extend(found.values())
    if not lengths:
        return
    articles = np.array(sorted(lengths), _IDS)
    sizes = np.array([lengths[article_id] for article_id in articles.tolist()], _LENGTHS)
    segment = _new_segment(conn, articles, sizes)
    _write_postings(conn, segment, articles, sizes, list(keys), np.array(codes), np.array(owners), np.array(weights))


def _new_segment(conn: sqlite3.Connection, articles: Ids, lengths: Ints) -> int | None:
    """Insert a segment of *articles* (ids ascending) and their *lengths* in tokens; its id."""
    values = (articles.tobytes(), lengths.tobytes(), len(articles), int(lengths.sum()))
    return conn.execute(_INSERT_SEGMENT, values).lastrowid


def _write_postings(
    conn: sqlite3.Connection,
    segment: int | None,
    articles: Ids,
    lengths: Ints,
    keys: list[Any],
    codes: Ints,
    held: Ints,
    ws: Ints,
) -> None:
    """Write the postings of *segment* (its *articles*, ids ascending, and their *lengths*): article held[i] holds the
    term keys[codes[i]] (folded, term) with weight ws[i], in any order, each article at most once per term. A
    posting lists the articles holding the term with their weights, or (no ids) gives a weight for each of the
    segment's articles when most of them hold it; with how many hold it, and when more than TOP_HOLDERS do, their
    best apart (top_and_rest)."""
    import numpy as np

    (tokens, live) = conn.execute("SELECT sum(live_tokens), sum(live_articles) FROM search_segments").fetchone()
    average = tokens / live if live else 1.0

    order = np.lexsort((held, codes))
    codes, held = codes[order], held[order].astype(_IDS)
    weights = np.minimum(ws[order], MAX_WEIGHT).astype(_WEIGHTS)
    starts = np.flatnonzero(np.diff(codes, prepend=-1)).tolist()
    positions = np.searchsorted(articles, held)  # each article's place in the segment, for dense postings

    def posting(start: int, end: int) -> tuple[bytes, bytes, int, bytes | None, bytes | None]:
        where = positions[start:end]
        top, rest = top_and_rest(where, held[start:end], weights[start:end], lengths[where], average)
        if DENSE_SHARE * (end - start) <= len(articles):
            return held[start:end].tobytes(), weights[start:end].tobytes(), end - start, top, rest
        every = np.zeros(len(articles), _WEIGHTS)
        every[where] = weights[start:end]
        return b"", every.tobytes(), end - start, top, rest

    bounds = zip(codes[starts].tolist(), starts, [*starts[1:], len(held)][: len(starts)], strict=True)
    if _has_tops(conn):
        insert = _INSERT_POSTING.format(", holders, top, rest", ", ?, ?, ?")
        conn.executemany(insert, ((*keys[code], segment, *posting(start, end)) for code, start, end in bounds))
    else:  # a migration before m0025 writing postings (m0018 indexing an archive older than it)
        rows = ((*keys[code], segment, *posting(start, end)[:2]) for code, start, end in bounds)
        conn.executemany(_INSERT_POSTING.format("", ""), rows)


def _has_tops(conn: sqlite3.Connection) -> bool:
    return any(column[1] == "top" for column in conn.execute("PRAGMA table_info(search_postings)"))


def fill_tops(conn: sqlite3.Connection) -> None:
    """Count the holders of every stored posting, and keep the best apart for the postings of terms held by more
    than TOP_HOLDERS articles of their segment (written before m0025 added them), a segment at a time."""
    import numpy as np

    conn.execute("UPDATE search_postings SET holders = length(articles) / 4 WHERE length(articles) > 0")
    (tokens, live) = conn.execute("SELECT sum(live_tokens), sum(live_articles) FROM search_segments").fetchone()
    average = tokens / live if live else 1.0
    crowded = f"length(articles) = 0 OR length(articles) > {4 * TOP_HOLDERS}"
    for segment, articles, lengths in conn.execute("SELECT id, articles, lengths FROM search_segments").fetchall():
        ids, sizes = np.frombuffer(articles, _IDS), np.frombuffer(lengths, _LENGTHS)
        updates = []
        query = f"SELECT id, articles, weights FROM search_postings WHERE segment = ? AND ({crowded})"
        for posting, held, stored in conn.execute(query, (segment,)):
            weights = np.frombuffer(stored, _WEIGHTS)
            holders = np.frombuffer(held, _IDS) if held else ids[np.flatnonzero(weights)]
            positions = np.searchsorted(ids, holders)
            weights = weights if held else weights[positions]
            tops = top_and_rest(positions, holders, weights, sizes[positions], average)
            updates.append((len(positions), *tops, posting))
        conn.executemany("UPDATE search_postings SET holders = ?, top = ?, rest = ? WHERE id = ?", updates)


def impact(weights: Ints, lengths: Ints, average: float) -> npt.NDArray[np.float64]:
    """bm25's saturated frequency of a term for articles of *lengths* holding it with *weights* (idf left out)."""
    import numpy as np

    frequency = weights.astype(np.float64)
    return frequency / (frequency + (K1 * (1 - B) + (K1 * B / (average or 1.0)) * lengths))


def top_and_rest(
    positions: Ints, ids: Ints, weights: Ints, lengths: Ints, average: float
) -> tuple[bytes | None, bytes | None]:
    """For a term held by more than TOP_HOLDERS articles of a segment (at *positions* in it, with their *ids*,
    *weights* and *lengths*): the TOP_HOLDERS best by impact at the *average* length of now, as their positions
    (ascending), ids and lengths one after the other, and of the others the pairs (weight, length) no other one
    beats in both (more weight, fewer tokens), from which a query bounds their impact at any average length.
    (None, None) for a term held by fewer."""
    import numpy as np

    if len(positions) <= TOP_HOLDERS:
        return None, None
    best = np.argpartition(-impact(weights, lengths, average), TOP_HOLDERS)[:TOP_HOLDERS]
    best = best[np.argsort(positions[best])]
    others = np.ones(len(positions), bool)
    others[best] = False
    rest_weights, rest_lengths = weights[others].astype(np.int64), lengths[others].astype(np.int64)
    order = np.lexsort((rest_lengths, -rest_weights))  # heaviest first, then shortest
    rest_weights, rest_lengths = rest_weights[order], rest_lengths[order]
    shortest_before = np.concatenate(([np.iinfo(np.int64).max], np.minimum.accumulate(rest_lengths)[:-1]))
    front = rest_lengths < shortest_before
    pairs = np.stack([rest_weights[front], rest_lengths[front]], axis=1).astype(_IDS)
    top = np.concatenate([positions[best], ids[best], lengths[best]]).astype(_IDS)
    return top.tobytes(), pairs.tobytes()


def _drop(conn: sqlite3.Connection, segment: int, changed: npt.NDArray[np.int64]) -> None:
    """Mark the *changed* articles of *segment* as dropped (indexed again in a newer segment, or deleted)."""
    import numpy as np

    query = "SELECT articles, lengths, dropped FROM search_segments WHERE id = ?"
    articles, lengths, dropped = conn.execute(query, (segment,)).fetchone()
    ids = np.frombuffer(articles, _IDS)
    gone = np.union1d(np.frombuffer(dropped, _IDS), ids[np.isin(ids, changed)]).astype(_IDS)
    live = ~np.isin(ids, gone, assume_unique=True)
    conn.execute(
        "UPDATE search_segments SET dropped = ?, live_articles = ?, live_tokens = ? WHERE id = ?",
        (gone.tobytes(), int(live.sum()), int(np.frombuffer(lengths, _LENGTHS)[live].sum()), segment),
    )


def _merge(conn: sqlite3.Connection) -> None:
    """Merge the newest segment into the one before while it is at least half its size (or while there are too
    many), so that segment sizes grow geometrically; segments left without a live article are removed."""
    empty = "SELECT id FROM search_segments WHERE live_articles = 0"
    conn.execute(f"DELETE FROM search_postings WHERE segment IN ({empty})")
    conn.execute("DELETE FROM search_segments WHERE live_articles = 0")
    while True:
        sizes = conn.execute("SELECT id, live_articles FROM search_segments ORDER BY id DESC").fetchall()
        if len(sizes) < 2 or (2 * sizes[0][1] < sizes[1][1] and len(sizes) <= MAX_SEGMENTS):
            return
        _merge_two(conn, older=sizes[1][0], newer=sizes[0][0])


def _merge_two(conn: sqlite3.Connection, *, older: int, newer: int) -> None:
    """Replace two segments by one (a new, newest segment) holding their live articles, written from their postings
    read in order of term, a chunk of whole terms (MERGE_CHUNK entries) at a time: memory stays a chunk's."""
    import numpy as np

    segments: dict[int, tuple[bytes, Ids]] = {}  # each one's articles as stored, and its dropped ones
    id_parts, length_parts = [], []
    query = "SELECT id, articles, lengths, dropped FROM search_segments WHERE id IN (?, ?)"
    for segment, articles, lengths, dropped in conn.execute(query, (older, newer)).fetchall():
        ids = np.frombuffer(articles, _IDS)
        live = ~np.isin(ids, np.frombuffer(dropped, _IDS), assume_unique=True)
        segments[segment] = (articles, ids[~live])
        id_parts.append(ids[live])
        length_parts.append(np.frombuffer(lengths, _LENGTHS)[live])
    ids = np.concatenate(id_parts)
    order = np.argsort(ids)
    merged, lengths = ids[order], np.concatenate(length_parts)[order]
    into = _new_segment(conn, merged, lengths)
    query = "SELECT folded, term, segment, articles, weights FROM search_postings WHERE segment IN (?, ?) ORDER BY 1, 2"
    chunk: list[_Posting] = []
    size = 0  # the chunk's bytes of weights, two an entry
    for _, postings in itertools.groupby(conn.execute(query, (older, newer)), key=lambda row: row[:2]):
        for row in postings:
            chunk.append(row)
            size += len(row[4])
        if size >= 2 * MERGE_CHUNK:
            _merge_chunk(conn, into, merged, lengths, segments, chunk)
            chunk, size = [], 0
    _merge_chunk(conn, into, merged, lengths, segments, chunk)
    conn.execute("DELETE FROM search_postings WHERE segment IN (?, ?)", (older, newer))
    conn.execute("DELETE FROM search_segments WHERE id IN (?, ?)", (older, newer))


def _merge_chunk(
    conn: sqlite3.Connection,
    into: int | None,
    merged: Ids,
    lengths: Ints,
    segments: dict[int, Any],
    rows: list[_Posting],
) -> None:
    """Write the postings of segment *into* (its *merged* articles and their *lengths*) from *rows*, the stored
    postings of some terms in the two *segments* it replaces, without their dropped articles. A dense posting (no
    ids) has a weight for each of its segment's articles, 0 where the term is not held."""
    import numpy as np

    keys: dict[tuple[int, str], int] = {}
    held = np.frombuffer(b"".join(ids or segments[segment][0] for _, _, segment, ids, _ in rows), _IDS)
    weights = np.frombuffer(b"".join(row[4] for row in rows), _WEIGHTS)
    counts = [len(row[4]) // 2 for row in rows]
    codes = np.repeat(np.array([keys.setdefault((folded, term), len(keys)) for folded, term, *_ in rows]), counts)
    source = np.repeat(np.array([row[2] for row in rows]), counts)
    keep = weights > 0
    for segment, (_, dropped) in segments.items():
        keep &= ~((source == segment) & np.isin(held, dropped))
    _write_postings(conn, into, merged, lengths, list(keys), codes[keep], held[keep], weights[keep])


# -- reading ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A segment as a query reads it: its articles (ids ascending), their lengths, and which of them are live."""

    articles: Ids
    lengths: npt.NDArray[np.uint32]
    live: npt.NDArray[np.bool_]
    all_live: bool


@dataclass(frozen=True)
class Statistics:
    """What bm25 needs of the whole index for one query: the live articles, their average length, the segments."""

    articles: int
    average_length: float
    segments: dict[int, Segment]


def statistics(conn: sqlite3.Connection) -> Statistics:
    """The index's statistics as they are now."""
    import numpy as np

    segments: dict[int, Segment] = {}
    articles = tokens = 0
    query = "SELECT id, articles, lengths, dropped, live_articles, live_tokens FROM search_segments"
    for segment, ids, sizes, dropped, live_articles, live_tokens in conn.execute(query):
        ids, dropped = np.frombuffer(ids, _IDS), np.frombuffer(dropped, _IDS)
        live = ~np.isin(ids, dropped, assume_unique=True) if len(dropped) else np.ones(len(ids), bool)
        segments[segment] = Segment(ids, np.frombuffer(sizes, _LENGTHS), live, not len(dropped))
        articles += live_articles
        tokens += live_tokens
    return Statistics(articles, tokens / articles if articles else 0.0, segments)


def weights(
    conn: sqlite3.Connection, stats: Statistics, term: str, *, folded: bool, prefix: bool = False
) -> dict[int, npt.NDArray[np.uint32]]:
    """Per segment, the weight for *term* (with *prefix*: for all the terms that start with it, added up) of each of
    its articles, aligned with Segment.articles: 0 where the article does not hold it (dropped ones included)."""
    import numpy as np

    params: tuple[object, ...] = (int(folded), term, term + "\U0010ffff") if prefix else (int(folded), term)
    where = "term >= ? AND term < ?" if prefix else "term = ?"
    found: dict[int, npt.NDArray[np.uint32]] = {}
    query = f"SELECT segment, articles, weights FROM search_postings WHERE folded = ? AND {where}"
    for segment, ids, stored in conn.execute(query, params):
        articles = stats.segments[segment].articles
        weight = np.zeros(len(articles), np.uint32)
        if ids:
            weight[np.searchsorted(articles, np.frombuffer(ids, _IDS))] = np.frombuffer(stored, _WEIGHTS)
        else:
            weight[:] = np.frombuffer(stored, _WEIGHTS)
        found[segment] = found[segment] + weight if segment in found else weight
    return found


def pending_count(conn: sqlite3.Connection) -> int:
    """Articles changed since the statistics were last written (0 unless a write bypassed the archive's
    transactions)."""
    (count,) = conn.execute("SELECT count(*) FROM search_pending").fetchone()
    return int(count)
