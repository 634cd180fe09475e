"""Legacy runs: stretches of a text that read as legacy-encoded, found from per-word evidence."""

from __future__ import annotations

from dataclasses import dataclass
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


# A word of the text and what it says: (start, end, score); score > 0 is legacy evidence, 0 undecided, < 0 a Unicode
# word, which ends any run. Plain tuples: there is one per word of every paragraph that looks legacy.
ScoredWord = tuple[int, int, float]


def _terminated(text: str, left: ScoredWord, right: ScoredWord) -> bool:
    gap = text[left[1] - 1 : right[0]]
    return any(char in _TERMINATORS for char in gap)


def _grow(text: str, words: list[ScoredWord], first: int, last: int) -> tuple[int, int]:
    """Take in the undecided words next to a run, up to a Unicode word or the end of the sentence."""
    while first > 0 and words[first - 1][2] == 0 and not _terminated(text, words[first - 1], words[first]):
        first -= 1
    while last + 1 < len(words) and words[last + 1][2] == 0 and not _terminated(text, words[last], words[last + 1]):
        last += 1
    return first, last


def runs_from_scores(
    text: str,
    words: list[ScoredWord],
    encoding: LegacyEncoding,
    min_share: float = 0.0,
    min_evidence: float = MIN_RUN_EVIDENCE,
) -> list[LegacyRun]:
    """Group scored words into runs: maximal stretches without a Unicode word, holding at least min_evidence of
    evidence and at least min_share evidence per word; each run spans its legacy words and the undecided words around
    them in the same sentence."""
    runs: list[LegacyRun] = []
    first = last = -1
    evidence = 0.0
    for index, (_, _, score) in enumerate([*words, (len(text), len(text), -1.0)]):
        if score < 0:
            if first >= 0 and evidence >= min_evidence:
                grown_first, grown_last = _grow(text, words, first, last)
                if evidence >= min_share * (grown_last - grown_first + 1):
                    runs.append(LegacyRun(words[grown_first][0], words[grown_last][1], encoding, evidence))
            first, evidence = -1, 0.0
        elif score > 0:
            if first < 0:
                first = index
            last = index
            evidence += score
    return runs
