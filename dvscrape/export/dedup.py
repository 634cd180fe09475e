"""Duplicate detection for exports: exact (equal normalised text) and near (MinHash over word shingles + LSH).

Both work on a first pass over the rows and keep, per row, only what grouping needs in flat arrays:

- exact: a 16-byte prefix of the SHA-256 of the canonical text, and the 8-byte row id;
- near: a MinHash signature of NUM_PERMUTATIONS 32-bit values (256 bytes), and the 8-byte row id.

(The export also keeps each row's 32-byte content hash from that pass.) So a million articles take about 60 MB
(exact) or 300 MB (near) at peak, plus transient sorting arrays of about 50 bytes per row, whatever their length.

Near duplicates: the canonical text is case folded and cut into words (runs of letters and digits); each run of
SHINGLE_WORDS consecutive words is a shingle, hashed to 64 bits. The MinHash of a permutation is the least
multiply-shift hash of the shingles; the share of equal values in two signatures estimates the Jaccard similarity
of their shingle sets. LSH banding (BANDS bands of ROWS_PER_BAND values) proposes candidate pairs (each row of a bucket
with the bucket's first row), which are kept when their estimated similarity is at least NEAR_THRESHOLD; groups are
the connected components of the kept pairs (so a chain A~B~C is one group even when A and C are less similar). Every
constant is fixed, so results are deterministic.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from dvscrape.text import ToneOption

SHINGLE_WORDS = 5
NUM_PERMUTATIONS = 64
BANDS = 16
ROWS_PER_BAND = NUM_PERMUTATIONS // BANDS
NEAR_THRESHOLD = 0.7
CANONICAL_TONE: ToneOption = "main"


@cache
def _word_re() -> re.Pattern[str]:
    return re.compile(r"\w+")


def canonical_text(text: str) -> str:
    """The form of *text* that duplicates share: normalised with one tone-mark style, whitespace collapsed."""
    from dvscrape.text import normalize

    return " ".join(normalize(text, tone=CANONICAL_TONE).split())


def text_hash(canonical: str) -> str:
    """SHA-256 (hex) of a canonical text: the export's ``content_hash``."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def words(canonical: str) -> list[str]:
    """The case-folded words of a canonical text (runs of letters and digits)."""
    return _word_re().findall(canonical.casefold())


@dataclass(frozen=True)
class Groups:
    """For each row position, the position of the first row of its duplicate group (itself when it has none)."""

    representative: npt.NDArray[np.int64]
    ids: npt.NDArray[np.int64]

    def group_id(self, position: int) -> int:
        """The id of the first row of the group of the row at *position*."""
        return int(self.ids[self.representative[position]])

    def is_first(self, position: int) -> bool:
        """Whether the row at *position* is the first of its group (the one --drop-duplicates keeps)."""
        return int(self.representative[position]) == position

    @property
    def duplicate_rows(self) -> int:
        """Rows that are not the first of their group."""
        import numpy as np

        return int(np.count_nonzero(self.representative != np.arange(len(self.representative))))

    @property
    def grouped_rows(self) -> int:
        """Rows that belong to a group of two or more."""
        import numpy as np

        counts = np.bincount(self.representative, minlength=len(self.representative))
        return int(counts[counts > 1].sum())


class ExactIndex:
    """Collects the text hash of each row, in order; groups rows with equal canonical text."""

    def __init__(self) -> None:
        self._ids = array("q")
        self._digests = bytearray()

    def add(self, row_id: int, canonical: str) -> None:
        """Record the next row: its id and canonical text."""
        position = len(self._ids)
        self._ids.append(row_id)
        if canonical:
            self._digests += hashlib.sha256(canonical.encode("utf-8")).digest()[:16]
        else:
            self._digests += position.to_bytes(16, "big")  # unique: an empty text duplicates nothing

    def groups(self) -> Groups:
        """The groups of the rows added so far."""
        import numpy as np

        digests = np.frombuffer(self._digests, dtype="V16")
        ids = np.frombuffer(self._ids, dtype=np.int64).copy()
        if not len(ids):
            return Groups(np.zeros(0, dtype=np.int64), ids)
        _, first, inverse = np.unique(digests, return_index=True, return_inverse=True)
        return Groups(first[inverse].astype(np.int64), ids)


@dataclass(frozen=True)
class MinHasher:
    """The fixed hash functions of the MinHash signatures (derived from constant seeds, not from a random state)."""

    multipliers: npt.NDArray[np.uint64]
    increments: npt.NDArray[np.uint64]
    shingle_weights: npt.NDArray[np.uint64]

    @classmethod
    def create(cls) -> MinHasher:
        """The hasher every export uses."""
        import numpy as np

        def constant(label: str) -> int:
            return int.from_bytes(hashlib.blake2b(label.encode(), digest_size=8).digest(), "big")

        multipliers = [constant(f"dvscrape-minhash-a-{i}") | 1 for i in range(NUM_PERMUTATIONS)]
        increments = [constant(f"dvscrape-minhash-b-{i}") for i in range(NUM_PERMUTATIONS)]
        weights = [constant(f"dvscrape-shingle-{i}") | 1 for i in range(SHINGLE_WORDS)]
        return cls(
            np.array(multipliers, dtype=np.uint64),
            np.array(increments, dtype=np.uint64),
            np.array(weights, dtype=np.uint64),
        )

    def shingle_hashes(self, text_words: list[str]) -> npt.NDArray[np.uint64]:
        """64-bit hashes of the SHINGLE_WORDS-word shingles (the whole text when it is shorter)."""
        import numpy as np

        word_hashes = np.fromiter(
            (zlib.crc32(word.encode("utf-8")) for word in text_words), dtype=np.uint64, count=len(text_words)
        )
        width = min(SHINGLE_WORDS, len(word_hashes))
        count = len(word_hashes) - width + 1
        hashes = np.zeros(count, dtype=np.uint64)
        for offset in range(width):
            hashes += word_hashes[offset : offset + count] * self.shingle_weights[offset]
        return _mix64(hashes)

    def signature(self, text_words: list[str]) -> npt.NDArray[np.uint32] | None:
        """The MinHash signature of a text's words, or None when it has no words."""
        import numpy as np

        if not text_words:
            return None
        shingles = np.unique(self.shingle_hashes(text_words))
        permuted = shingles[np.newaxis, :] * self.multipliers[:, np.newaxis] + self.increments[:, np.newaxis]
        return (permuted.min(axis=1) >> np.uint64(32)).astype(np.uint32)


def _mix64(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """The splitmix64 finaliser: spreads every input bit over the 64 output bits."""
    import numpy as np

    values = values ^ (values >> np.uint64(30))
    values = values * np.uint64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> np.uint64(27))
    values = values * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


class NearIndex:
    """Collects the MinHash signature of each row, in order; groups near-duplicate rows with LSH banding."""

    def __init__(self, hasher: MinHasher | None = None) -> None:
        self._hasher = hasher or MinHasher.create()
        self._ids = array("q")
        self._signatures = bytearray()
        self._empty_positions: list[int] = []

    def add(self, row_id: int, canonical: str) -> None:
        """Record the next row: its id and canonical text."""
        import numpy as np

        position = len(self._ids)
        self._ids.append(row_id)
        signature = self._hasher.signature(words(canonical))
        if signature is None:
            self._empty_positions.append(position)
            signature = np.zeros(NUM_PERMUTATIONS, dtype=np.uint32)
        self._signatures += signature.tobytes()

    def footprint_bytes(self) -> int:
        """The bytes held per row so far: the signatures and the ids."""
        return len(self._signatures) + len(self._ids) * self._ids.itemsize

    def groups(self) -> Groups:
        """The groups of the rows added so far."""
        import numpy as np

        count = len(self._ids)
        ids = np.frombuffer(self._ids, dtype=np.int64).copy()
        signatures = np.frombuffer(self._signatures, dtype=np.uint32).reshape(count, NUM_PERMUTATIONS)
        has_words = np.ones(count, dtype=bool)
        has_words[self._empty_positions] = False
        parent = np.arange(count, dtype=np.int64)
        for band in range(BANDS):
            columns = signatures[:, band * ROWS_PER_BAND : (band + 1) * ROWS_PER_BAND].astype(np.uint64)
            keys = np.zeros(count, dtype=np.uint64)
            for column in range(ROWS_PER_BAND):
                keys = _mix64(keys ^ columns[:, column])
            for first, members in _equal_runs(keys, has_words):
                similarity = (signatures[members] == signatures[first]).mean(axis=1)
                for member, value in zip(members.tolist(), similarity.tolist(), strict=True):
                    if value >= NEAR_THRESHOLD:
                        _union(parent, first, member)
        representative = np.array([_find(parent, position) for position in range(count)], dtype=np.int64)
        return Groups(representative, ids)


def _equal_runs(
    keys: npt.NDArray[np.uint64], eligible: npt.NDArray[np.bool_]
) -> Iterable[tuple[int, npt.NDArray[np.int64]]]:
    """For each run of two or more eligible rows with equal keys: the run's first position and the others."""
    import numpy as np

    positions = np.flatnonzero(eligible)
    order = positions[np.argsort(keys[positions], kind="stable")]
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
    ends = np.concatenate((starts[1:], [len(order)]))
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        if end - start > 1:
            yield int(order[start]), order[start + 1 : end].astype(np.int64)


def _find(parent: npt.NDArray[np.int64], position: int) -> int:
    root = position
    while parent[root] != root:
        root = int(parent[root])
    while parent[position] != root:
        parent[position], position = root, int(parent[position])
    return root


def _union(parent: npt.NDArray[np.int64], left: int, right: int) -> None:
    """Join two groups; the smaller position becomes the root, so a group's root is its first row."""
    left_root, right_root = _find(parent, left), _find(parent, right)
    if left_root != right_root:
        parent[max(left_root, right_root)] = min(left_root, right_root)
