"""Legacy runs: stretches of a text that read as legacy-encoded, found from per-word evidence."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, compress
from re import Pattern
from typing import Literal

LegacyEncoding = Literal["tcvn3", "vni", "viqr"]
MIN_RUN_EVIDENCE = 2.0
# Characters that end a sentence or clause: a run grows over undecided words up to one of them, never across.
_TERMINATORS = frozenset(".!?:;\n")


@dataclass(frozen=True)
class LegacyRun:
    """A stretch text[start:end] that reads as legacy-encoded text; evidence is its weighted count of legacy words."""

    start: int
    end: int
    encoding: LegacyEncoding
    evidence: float


# The words of a text, (start, end) each; each has a score: > 0 legacy evidence, 0 undecided, < 0 a Unicode word,
# which ends any run. breaks: what ends a run too where it stands between two words (a letter beyond Latin-1).
Spans = list[tuple[int, int]]


def _joins(
    text: str, spans: Spans, scores: Sequence[float], breaks: Pattern[str] | None, inner: int, outer: int
) -> bool:
    """Whether the undecided word spans[outer] joins the run its neighbour spans[inner] ends: no terminator or break
    stands between them."""
    if scores[outer] != 0:
        return False
    left, right = (spans[inner], spans[outer]) if inner < outer else (spans[outer], spans[inner])
    if any(char in _TERMINATORS for char in text[left[1] - 1 : right[0]]):
        return False
    return not (breaks and breaks.search(text, left[1], right[0]))


def _groups(
    text: str, spans: Spans, scores: Sequence[float], breaks: Pattern[str] | None, min_evidence: float
) -> Iterator[list[int]]:
    """The legacy words (indexes) that may make a run together, holding min_evidence or more: no Unicode word
    between them, nor a break (looked for only in the groups that hold enough)."""
    group: list[int] = []
    for index in chain(compress(range(len(scores)), map((0.0).__ne__, scores)), [-1]):  # words that say something
        if index >= 0 and scores[index] > 0:
            group.append(index)
            continue
        if group and sum(map(scores.__getitem__, group)) >= min_evidence:
            parts = [group]
            if breaks and breaks.search(text, spans[group[0]][1], spans[group[-1]][0]):
                parts = [group[:1]]
                for previous, word in zip(group, group[1:], strict=False):
                    if breaks.search(text, spans[previous][1], spans[word][0]):
                        parts.append([])
                    parts[-1].append(word)
            yield from parts
        group = []


def runs_from_scores(
    text: str,
    spans: Spans,
    scores: Sequence[float],
    encoding: LegacyEncoding,
    min_share: float = 0.0,
    min_evidence: float = MIN_RUN_EVIDENCE,
    breaks: Pattern[str] | None = None,
) -> list[LegacyRun]:
    """Group scored words (spans[i] scored scores[i]) into runs: maximal stretches without a Unicode word or a break,
    holding at least min_evidence of evidence and at least min_share evidence per word; each run spans its legacy
    words and the undecided words around them in the same sentence.

    Only the legacy words and their neighbours are looked at: most words of a paragraph that looks legacy are not."""
    runs: list[LegacyRun] = []
    for group in _groups(text, spans, scores, breaks, min_evidence):
        evidence = sum(map(scores.__getitem__, group))
        if evidence < min_evidence:
            continue
        first, last = group[0], group[-1]
        while first > 0 and _joins(text, spans, scores, breaks, first, first - 1):
            first -= 1
        while last + 1 < len(spans) and _joins(text, spans, scores, breaks, last, last + 1):
            last += 1
        if evidence >= min_share * (last - first + 1):
            runs.append(LegacyRun(spans[first][0], spans[last][1], encoding, evidence))
    return runs
