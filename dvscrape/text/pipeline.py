"""normalize: the whole archival normalisation of one piece of text, with an optional tone style for NLP."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Literal

from dvscrape.text.legacy import LegacyEncoding, decode_legacy_runs, may_hold_vni
from dvscrape.text.letters import vietnamese_letters
from dvscrape.text.mojibake import fix_mojibake, may_hold_mojibake
from dvscrape.text.tones import place_tones
from dvscrape.text.unicode import fold_confusables, to_nfc
from dvscrape.text.viqr import may_hold_viqr
from dvscrape.text.whitespace import clean_whitespace, needs_spacing, strip_invisible

ToneOption = Literal["keep", "first", "main"]


# Besides printable ASCII, the line feed and the letters of Unicode Vietnamese, the punctuation that clean text uses.
_COMMON_PUNCTUATION = "‘’“”–—…•"


@cache
def _unusual_char_re() -> re.Pattern[str]:
    """A character that clean Vietnamese text does not hold: anything but printable ASCII, the line feed, the
    letters of Unicode Vietnamese and common punctuation (odd spaces, invisible and combining marks, the Latin-1
    codes of TCVN3 and mojibake, look-alike letters, other scripts)."""
    usual = re.escape("".join(vietnamese_letters()) + _COMMON_PUNCTUATION)
    return re.compile(f"[^\n\x20-\x7e{usual}]")


def normalize(
    text: str, tone: ToneOption = "keep", legacy: LegacyEncoding | None = None, viqr_escaped: bool = False
) -> str:
    """Canonical form of a piece of text as published: the archival view (tone="keep") or an NLP view.

    In order: mojibake repaired (fix_mojibake), legacy TCVN3/VNI/VIQR runs decoded (decode_legacy_runs; TCVN3's ư
    is the soft-hyphen code, so this comes before any invisible-character clean-up), invisible characters dropped
    where they are noise, composed with Vietnamese mark order (to_nfc), look-alike letters folded
    (fold_confusables), whitespace made canonical (clean_whitespace). tone="first" or "main" then places every tone
    mark by that convention (place_tones); "keep" leaves marks where the author put them. Idempotent.

    legacy is the encoding the document the text belongs to is typed in, when known (detect_legacy on its body):
    then a single legacy word of that encoding is decoded too, so that a TCVN3 article's short title, caption or
    signature ('T©m (Ph\xadêng 9)') is read like its body. viqr_escaped: the document is VIQR following RFC 1456's
    escapes (follows_rfc_escapes on all of it), so 'vu. Quo^'c' is 'vụ Quốc' in a field that shows no escape itself.

    It runs on every paragraph of a crawl, so clean text is recognised with a few scans of the string: one for a
    character clean text does not hold, one each for mojibake, VNI and VIQR that use only usual characters ('Ä‘'
    before a curly quote, 'Maét', 'Vie^.t'), then NFC and spacing checks. Decomposed text that composes to usual
    characters is composed first and read as such.
    """
    if tone not in ("keep", "first", "main"):
        raise ValueError(f"unknown tone option {tone!r}; expected 'keep', 'first' or 'main'")
    unusual = None if text.isascii() else _unusual_char_re().search(text)
    if unusual and not legacy and "\u0300" <= unusual.group() <= "\u036f":  # decomposed, maybe nothing else
        composed = to_nfc(text)
        if not _unusual_char_re().search(composed):
            text, unusual = composed, None
    if text.isascii():
        text = clean_whitespace(decode_legacy_runs(text, legacy, viqr_escaped))
    elif legacy or unusual or may_hold_mojibake(text) or may_hold_vni(text):
        text = decode_legacy_runs(fix_mojibake(text), legacy, viqr_escaped)
        text = clean_whitespace(fold_confusables(to_nfc(strip_invisible(text))))
    else:  # usual characters only: VIQR, composition and spacing are left to look at
        if may_hold_viqr(text):
            text = decode_legacy_runs(text, legacy, viqr_escaped)
        if not unicodedata.is_normalized("NFC", text):
            text = to_nfc(text)
        if needs_spacing(text):
            text = clean_whitespace(text)
    return text if tone == "keep" else place_tones(text, tone)
