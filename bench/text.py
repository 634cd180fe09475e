"""Benchmark of dvscrape.text.normalize against underthesea's text_normalize on real Vietnamese text.

The corpus is the VLSP 2013 test sentences underthesea ships (tests/corpora.py), four to a paragraph; without
underthesea, the replica portal's article paragraphs. Paragraphs are repeated to --chars characters. Some are damaged
the ways real portals damage them: decomposed (NFD), a sentence typed in TCVN3 (encoded by glibc's iconv, TCVN5712-1;
TCVN3's .VnTime fonts have no capital with a tone, so those are typed small, as typists did, and expected small but in
headings set in capitals), VNI (no independent encoder exists: dvscrape's table), VIQR (tests/viqr_rfc1456.py, an
encoder written from RFC 1456, not from dvscrape's tables: half the VIQR paragraphs wholly typed in VIQR, half with one
sentence in it, its full stop included; two in five with RFC 1456's escapes ('qua\\.'), two in five unescaped as most
typists wrote ('qua.', a full stop that reads like a dot-below tone), one in five unescaped with '*' for the horn),
UTF-8 read as windows-1252 once or twice, UTF-8 whose undefined windows-1252 bytes a decoder already replaced by U+FFFD
(bytes lost before normalize sees them), odd and zero-width spaces. Both tools get the same paragraphs, one call per
paragraph (as the crawl calls normalize).

Printed: characters per second of each, the speed ratio, the share of words each changes (words compared in order,
so a tool that only re-spaces punctuation changes none), and how often a damaged paragraph comes out the same as its
clean original did ("restored").

Run: .venv/bin/python bench/text.py [--chars 3000000] [--seed 7]. underthesea is a benchmark-only extra
(.venv/bin/pip install underthesea); without it the baseline is NFC + whitespace collapse, the usual hand-rolled
clean-up, and the table says so.
"""

from __future__ import annotations

import argparse
import difflib
import random
import re
import shutil
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dvscrape.text import normalize  # noqa: E402
from dvscrape.text.legacy_tables import tcvn3_encoding, vni_encoding  # noqa: E402
from tests.corpora import iconv, typed_for_vntime, vietnamese_sentences  # noqa: E402
from tests.viqr_rfc1456 import ViqrStyle, encode_viqr  # noqa: E402

SEED_TEXT = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_0082a50cf85ccdec.txt"
WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+")
# Share of paragraphs given each kind of damage; the rest stay clean.
DAMAGE = {
    "nfd": 0.08,
    "tcvn3": 0.04,
    "vni": 0.02,
    "viqr": 0.03,
    "mojibake": 0.01,
    "mojibake-twice": 0.01,
    "mojibake-fffd": 0.01,
    "spaces": 0.05,
}

_SUBJECTS = [
    "Ủy ban nhân dân quận",
    "Ban Dân vận Quận ủy",
    "Mặt trận Tổ quốc Việt Nam quận",
    "Đoàn Thanh niên phường",
    "Hội Liên hiệp Phụ nữ Phường 10",
    "Trường THCS Ngô Sĩ Liên",
    "Công an quận Tân Bình",
    "Hội Cựu chiến binh",
]
_VERBS = [
    "tổ chức hội nghị tổng kết",
    "phối hợp triển khai",
    "kiểm tra, giám sát việc thực hiện",
    "tuyên truyền, vận động người dân tham gia",
    "trao tặng 120 phần quà cho hộ nghèo nhân dịp",
    "ký kết chương trình phối hợp về",
    "đẩy mạnh",
]
_OBJECTS = [
    "công tác dân vận chính quyền",
    "cải cách hành chính, chuyển đổi số",
    "phong trào thi đua “Dân vận khéo”",
    "an sinh xã hội năm 2023",
    "chăm sóc sức khỏe Nhân dân",
    "chỉnh trang đô thị, trật tự lòng lề đường",
    "bảo vệ môi trường, khơi thông kênh Nhiêu Lộc – Thị Nghè",
    "xây dựng Đảng và hệ thống chính trị",
]


def base_paragraphs() -> tuple[list[str], str]:
    """Clean paragraphs and where they came from."""
    sentences = list(vietnamese_sentences())
    if sentences:
        paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
        return paragraphs, f"underthesea's VLSP 2013 test sentences ({len(sentences):,} sentences)"
    try:
        from dvscrape.replica.content import build_corpus
    except ImportError:
        build_corpus = None
    if build_corpus is not None:
        corpus = build_corpus()
        paragraphs = [paragraph for article in corpus.articles for paragraph in article.paragraphs]
        if paragraphs:
            return paragraphs, f"replica corpus ({len(corpus.articles)} articles)"
    rng = random.Random(2023)
    paragraphs = [
        " ".join(f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}." for _ in range(5))
        for _ in range(400)
    ]
    if SEED_TEXT.exists():
        paragraphs += [line for line in SEED_TEXT.read_text(encoding="utf-8").split("\n") if line.strip()]
    return paragraphs, "seed article + generated sentences"


def _encode(text: str, table: dict[str, str]) -> str:
    return "".join(table.get(char, char) for char in text)


def _tcvn3(sentence: str) -> tuple[str, str]:
    """(the sentence as a page shows TCVN3 bytes, what they can say): glibc's iconv writes TCVN 5712:1993 VN1, whose
    capitals with a tone TCVN3 (VN3) lacks; a .VnTime typist typed those small, and only a heading set in capitals
    shows them to be capitals."""
    vn3 = typed_for_vntime(sentence)
    expected = sentence if sentence.isupper() and len(sentence.split()) >= 3 else vn3
    data = iconv(vn3, "TCVN5712-1") if shutil.which("iconv") else None
    if data is None:  # a character TCVN3 has no code for: dvscrape's own table
        return _encode(vn3, tcvn3_encoding()), expected
    return data.decode("latin-1"), expected


def _legacy_sentence(paragraph: str, rng: random.Random, encode: Callable[[str], tuple[str, str]]) -> tuple[str, str]:
    sentences = paragraph.split(". ")
    index = rng.randrange(len(sentences))
    damaged, expected = list(sentences), list(sentences)
    damaged[index], expected[index] = encode(sentences[index])
    return ". ".join(damaged), ". ".join(expected)


def _viqr(paragraph: str, rng: random.Random) -> str:
    """The paragraph, or one of its sentences (with its full stop), typed in VIQR of a style drawn at random."""
    style: ViqrStyle = rng.choice(["rfc", "rfc", "plain", "plain", "star"])
    if rng.random() < 0.5:
        return encode_viqr(paragraph, style)
    sentences = re.split(r"(?<=[.?!]) ", paragraph)
    index = rng.randrange(len(sentences))
    sentences[index] = encode_viqr(sentences[index], style)
    return " ".join(sentences)


def _as_windows_1252(data: bytes) -> str:
    """Bytes as a browser (or decode_html) shows them under a windows-1252 label; undefined bytes as C1 controls."""
    return "".join(
        bytes([byte]).decode("cp1252") if byte not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else chr(byte) for byte in data
    )


def damage(paragraph: str, kind: str, rng: random.Random) -> tuple[str, str]:
    """(the damaged paragraph, what restoring it should give)."""
    if kind == "nfd":
        return unicodedata.normalize("NFD", paragraph), paragraph
    if kind == "tcvn3":
        return _legacy_sentence(paragraph, rng, _tcvn3)
    if kind == "vni":
        return _legacy_sentence(paragraph, rng, lambda sentence: (_encode(sentence, vni_encoding()), sentence))
    if kind == "viqr":
        return _viqr(paragraph, rng), paragraph
    if kind == "mojibake":  # UTF-8 declared windows-1252
        return _as_windows_1252(paragraph.encode("utf-8")), paragraph
    if kind == "mojibake-twice":  # and that text saved as UTF-8 and declared windows-1252 again
        return _as_windows_1252(_as_windows_1252(paragraph.encode("utf-8")).encode("utf-8")), paragraph
    if kind == "mojibake-fffd":  # as Python's errors="replace" shows it: undefined bytes lost as U+FFFD
        return paragraph.encode("utf-8").decode("cp1252", errors="replace"), paragraph
    if kind == "spaces":
        words = paragraph.split(" ")
        odd = ["\u00a0", "  ", "\u200b ", " \u202f", "\t"]
        spaced = "\u00a0" + "".join(word + (rng.choice(odd) if rng.random() < 0.2 else " ") for word in words)
        return spaced, paragraph
    return paragraph, paragraph


def build_inputs(chars: int, seed: int) -> tuple[list[tuple[str, str, str]], str]:
    """(kind, damaged text, expected original) triples adding up to about chars characters."""
    paragraphs, source = base_paragraphs()
    rng = random.Random(seed)
    inputs: list[tuple[str, str, str]] = []
    total = 0
    while total < chars:
        original = rng.choice(paragraphs)
        roll, kind = rng.random(), "clean"
        for name, share in DAMAGE.items():
            if roll < share:
                kind = name
                break
            roll -= share
        text, expected = damage(original, kind, rng)
        inputs.append((kind, text, expected))
        total += len(text)
    return inputs, source


def baseline() -> tuple[str, Callable[[str], str]]:
    try:
        from underthesea import text_normalize
    except Exception as error:  # any import failure means: no underthesea here
        print(f"underthesea unavailable ({type(error).__name__}: {error}); using the simple baseline", file=sys.stderr)
        return "NFC + collapse spaces (baseline)", lambda text: " ".join(unicodedata.normalize("NFC", text).split())
    return "underthesea.text_normalize", text_normalize


def timed(function: Callable[[str], str], texts: list[str], repeat: int) -> tuple[list[str], float]:
    """Outputs and the best of repeat timings (the machine is shared: the best run is the least disturbed)."""
    best = float("inf")
    outputs: list[str] = []
    for _ in range(repeat):
        start = time.perf_counter()
        outputs = [function(text) for text in texts]
        best = min(best, time.perf_counter() - start)
    return outputs, best


def changed_words(before: str, after: str) -> tuple[int, int]:
    """(words in before, how many of them are not found unchanged and in order in after)."""
    words_before, words_after = WORD.findall(before), WORD.findall(after)
    matcher = difflib.SequenceMatcher(None, words_before, words_after, autojunk=False)
    kept = sum(block.size for block in matcher.get_matching_blocks())
    return len(words_before), len(words_before) - kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chars", type=int, default=3_000_000, help="corpus size in characters")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the damage")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per tool; the best counts")
    args = parser.parse_args()

    inputs, source = build_inputs(args.chars, args.seed)
    texts = [text for _, text, _ in inputs]
    total_chars = sum(map(len, texts))
    other_name, other = baseline()
    for text in texts[:200]:  # build lazy tables and caches of both before timing
        normalize(text)
        other(text)

    ours, ours_seconds = timed(normalize, texts, args.repeat)
    theirs, their_seconds = timed(other, texts, args.repeat)
    ours_main, main_seconds = timed(lambda text: normalize(text, tone="main"), texts, args.repeat)

    kinds = ["all", "clean", *DAMAGE]
    stats: dict[str, dict[str, list[int]]] = {
        name: {kind: [0, 0, 0, 0] for kind in kinds} for name in ("ours", "theirs", "main")
    }
    clean_ours: dict[str, str] = {}
    clean_theirs: dict[str, str] = {}
    for index, (kind, text, original) in enumerate(inputs):
        if original not in clean_ours:
            clean_ours[original] = normalize(original)
            clean_theirs[original] = other(original)
        for name, outputs, reference in (
            ("ours", ours, clean_ours),
            ("theirs", theirs, clean_theirs),
            ("main", ours_main, None),
        ):
            words, changed = changed_words(text, outputs[index])
            restored = reference is not None and outputs[index] == reference[original]
            for bucket in ("all", kind):
                row = stats[name][bucket]
                row[0] += words
                row[1] += changed
                row[2] += 1
                row[3] += restored

    print(
        f"corpus: {source}; {len(texts):,} paragraphs, {total_chars:,} characters; best of {args.repeat} runs; "
        f"damage shares {', '.join(f'{kind} {share:.0%}' for kind, share in DAMAGE.items())}"
    )
    print()
    print(f"{'tool':<42}{'chars/s':>14}{'seconds':>10}{'words changed':>16}")
    rows = [
        ("dvscrape.text.normalize (tone=keep)", ours_seconds, "ours"),
        ("dvscrape.text.normalize (tone=main)", main_seconds, "main"),
        (other_name, their_seconds, "theirs"),
    ]
    for label, seconds, name in rows:
        words, changed = stats[name]["all"][:2]
        print(f"{label:<42}{total_chars / seconds:>14,.0f}{seconds:>10.2f}{changed / max(words, 1):>16.2%}")
    print()
    print(f"speed ratio normalize(keep) / {other_name}: {their_seconds / ours_seconds:.1f}x")
    print()
    print(
        f"{'paragraph kind':<16}{'count':>8}{'ours: changed':>16}{'restored':>10}{'theirs: changed':>18}"
        f"{'restored':>10}"
    )
    for kind in kinds:
        words, changed, count, restored = stats["ours"][kind]
        their_words, their_changed, _, their_restored = stats["theirs"][kind]
        if not count:
            continue
        print(
            f"{kind:<16}{count:>8,}{changed / max(words, 1):>16.2%}{restored / count:>10.1%}"
            f"{their_changed / max(their_words, 1):>18.2%}{their_restored / count:>10.1%}"
        )


if __name__ == "__main__":
    main()
