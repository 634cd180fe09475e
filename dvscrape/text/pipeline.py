"""normalize: the whole archival normalisation of one piece of text, with an optional tone style for NLP."""

from __future__ import annotations

from typing import Literal

from dvscrape.text.legacy import decode_legacy_runs
from dvscrape.text.mojibake import fix_mojibake
from dvscrape.text.tones import place_tones
from dvscrape.text.unicode import fold_confusables, to_nfc
from dvscrape.text.whitespace import clean_whitespace, strip_invisible

ToneOption = Literal["keep", "first", "main"]


def normalize(text: str, tone: ToneOption = "keep") -> str:
    """Canonical form of a piece of text as published: the archival view (tone="keep") or an NLP view.

    In order: mojibake repaired (fix_mojibake), invisible characters dropped, legacy TCVN3/VNI/VIQR runs decoded
    (decode_legacy_runs), composed with Vietnamese mark order (to_nfc), look-alike letters folded
    (fold_confusables), whitespace made canonical (clean_whitespace). tone="first" or "main" then places every tone
    mark by that convention (place_tones); "keep" leaves marks where the author put them. Idempotent; clean ASCII
    and clean NFC text take fast paths.
    """
    if tone not in ("keep", "first", "main"):
        raise ValueError(f"unknown tone option {tone!r}; expected 'keep', 'first' or 'main'")
    if not text.isascii():
        text = strip_invisible(fix_mojibake(text))
    text = to_nfc(decode_legacy_runs(text))
    text = clean_whitespace(fold_confusables(text))
    return text if tone == "keep" else place_tones(text, tone)
