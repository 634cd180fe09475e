"""The MinHash + LSH near-duplicate index and the exact index, on texts made on purpose."""

from __future__ import annotations

import random
import subprocess
import sys

from dvscrape.export.dedup import (
    NUM_PERMUTATIONS,
    ExactIndex,
    MinHasher,
    NearIndex,
    canonical_text,
    text_hash,
    words,
)

VOCABULARY = tuple(f"từ{n}" for n in range(2000)) + ("quận", "phường", "Tân", "Bình", "hội", "nghị")


def text(seed: int, length: int = 300) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(VOCABULARY) for _ in range(length))


def edited(original: str, share: float, seed: int = 0) -> str:
    """*original* with about *share* of its words replaced."""
    rng = random.Random(seed)
    tokens = original.split()
    for position in rng.sample(range(len(tokens)), int(len(tokens) * share)):
        tokens[position] = f"khác{position}"
    return " ".join(tokens)


def groups_of(texts: list[str]) -> list[int]:
    index = NearIndex()
    for row_id, value in enumerate(texts, 1):
        index.add(row_id, canonical_text(value))
    groups = index.groups()
    return [groups.group_id(position) for position in range(len(texts))]


def test_near_copies_join_the_first_row_and_unrelated_texts_stay_apart() -> None:
    base = text(1)
    rewritten_intro = " ".join(["Bản tin được cập nhật lại với phần mở đầu mới."] * 3 + base.split()[25:])
    texts = [
        base,
        text(2),
        edited(base, 0.01),
        text(3),
        edited(base, 0.02, seed=1),
        text(4),
        edited(base, 0.2),
        rewritten_intro,
    ]
    # 5-word shingles: 2 % of the words changed here and there keeps a Jaccard similarity of about 0.82; 20 % keeps
    # about 0.2; rewriting the first 25 of 300 words keeps about 0.85.
    assert groups_of(texts) == [1, 2, 1, 4, 1, 6, 7, 1]


def test_similarity_estimate_tracks_the_true_jaccard_similarity() -> None:
    hasher = MinHasher.create()
    base = text(5)
    for share in (0.0, 0.02, 0.1, 0.3):
        other = edited(base, share, seed=2)
        shingles_a = set(hasher.shingle_hashes(words(base)).tolist())
        shingles_b = set(hasher.shingle_hashes(words(other)).tolist())
        true = len(shingles_a & shingles_b) / len(shingles_a | shingles_b)
        signature_a, signature_b = hasher.signature(words(base)), hasher.signature(words(other))
        assert signature_a is not None and signature_b is not None
        estimate = float((signature_a == signature_b).mean())
        assert abs(estimate - true) < 0.2, (share, true, estimate)


def test_case_spacing_and_tone_style_do_not_hide_a_duplicate() -> None:
    base = "Phong trào văn hóa ở phường Hòa Bình được tuyên dương. " + text(6, 100)
    variant = "  PHONG TRÀO văn hoá ở phường   Hoà Bình được tuyên dương.\n" + text(6, 100)
    assert groups_of([base, variant]) == [1, 1]
    assert text_hash(canonical_text("văn hóa  Hòa")) == text_hash(canonical_text("văn hoá Hoà"))


def test_empty_and_short_texts() -> None:
    assert groups_of(["", "", "Tin ngắn.", "Tin ngắn.", "Tin khác hẳn."]) == [1, 2, 3, 3, 5]


def test_chained_copies_form_one_group_rooted_at_the_first_row() -> None:
    first = text(7)
    second = edited(first, 0.02, seed=3)
    third = edited(second, 0.02, seed=4)  # about 0.69 similar to first: below the threshold, but near second
    assert groups_of([text(8), first, second, third]) == [1, 2, 2, 2]


def test_exact_index_groups_equal_canonical_texts_only() -> None:
    index = ExactIndex()
    for row_id, value in enumerate(["một hai ba", "một  hai ba", "một hai bốn", "", ""], 10):
        index.add(row_id, canonical_text(value))
    groups = index.groups()
    assert [groups.group_id(position) for position in range(5)] == [10, 10, 12, 13, 14]
    assert groups.duplicate_rows == 1 and groups.grouped_rows == 2
    assert [groups.is_first(position) for position in range(5)] == [True, False, True, True, True]


def test_signatures_are_small_and_the_same_in_every_process() -> None:
    index = NearIndex()
    for row_id in range(50):
        index.add(row_id, text(row_id, 400))
    assert index.footprint_bytes() == 50 * (NUM_PERMUTATIONS * 4 + 8)
    code = (
        "from dvscrape.export.dedup import MinHasher, words\n"
        f"print(MinHasher.create().signature(words({text(9)!r})).tolist())"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"PYTHONHASHSEED": seed}
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1
    signature = MinHasher.create().signature(words(text(9)))
    assert signature is not None and outputs == {f"{signature.tolist()}\n"}
