"""normalize: the whole archival normalisation of one piece of text, with an optional tone style for NLP."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Literal

from dvscrape.text.legacy import LegacyEncoding, decode_legacy_runs, may_hold_vni, vni_trigger
from dvscrape.text.letters import vietnamese_letters
from dvscrape.text.mojibake import fix_mojibake, may_hold_mojibake, pair_trigger
from dvscrape.text.tones import place_tones
from dvscrape.text.unicode import fold_confusables, to_nfc
from dvscrape.text.viqr import mark_trigger, may_hold_viqr
from dvscrape.text.whitespace import clean_whitespace, needs_spacing, strip_invisible

ToneOption = Literal["keep", "first", "main"]


# Besides printable ASCII, the line feed and the letters of Unicode Vietnamese, the punctuation that clean text uses.
_COMMON_PUNCTUATION = "‘’“”–—…•"


@cache
def _usual_chars() -> str:
    """Printable ASCII, the line feed, the letters of Unicode Vietnamese and common punctuation."""
    return "\n" + "".join(map(chr, range(0x20, 0x7F))) + "".join(vietnamese_letters()) + _COMMON_PUNCTUATION


@cache
def _unusual_char_re() -> re.Pattern[str]:
    """A character that clean Vietnamese text does not hold (odd spaces, invisible and combining marks, the Latin-1
    codes of TCVN3 and mojibake, look-alike letters, other scripts)."""
    return re.compile(f"[^{re.escape(_usual_chars())}]")


@cache
def _suspect_re() -> re.Pattern[str]:
    """Whatever makes normalize look closer: an unusual character, or where may_hold_mojibake, may_hold_vni or
    may_hold_viqr would stop. One scan of clean text instead of four: it stops only at the characters those tests
    start at, and each test's own condition follows."""
    triggers = [pair_trigger(), vni_trigger(), mark_trigger()]
    quiet = set(_usual_chars()).difference(*(chars for chars, _ in triggers))
    tests = [f"(?<=[{re.escape(chars)}]){condition}" for chars, condition in triggers]
    return re.compile(f"[^{re.escape(''.join(sorted(quiet)))}](?:(?<={_unusual_char_re().pattern})|{'|'.join(tests)})")


def is_plain(text: str) -> bool:
    """Whether *text* holds only characters clean Vietnamese text does, and no sign of mojibake, VNI or VIQR: then
    normalize(text) (tone kept, no legacy encoding given) is clean_whitespace(text), which is the text itself unless
    its spaces and line feeds need it (needs_spacing), and find_legacy_runs finds nothing in it. Every piece of a
    plain text is plain."""
    return _suspect_re().search(text) is None


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

    It runs on every paragraph of a crawl, so clean text is recognised with one scan of the string, for a character
    clean text does not hold or mojibake, VNI and VIQR that use only usual characters ('Ä‘' before a curly quote,
    'Maét', 'Vie^.t'), then NFC and spacing checks. Decomposed text that composes to usual characters is composed
    first and read as such.
    """
    if tone not in ("keep", "first", "main"):
        raise ValueError(f"unknown tone option {tone!r}; expected 'keep', 'first' or 'main'")
    suspect = not text.isascii() and (legacy is not None or not is_plain(text))
    unusual = _unusual_char_re().search(text) if suspect else None
    if unusual and not legacy and "\u0300" <= unusual.group() <= "\u036f":  # decomposed, maybe nothing else
        composed = to_nfc(text)
        if not _unusual_char_re().search(composed):
            text, unusual, suspect = composed, None, _suspect_re().search(composed) is not None
    if text.isascii():
        text = clean_whitespace(decode_legacy_runs(text, legacy, viqr_escaped))
    elif legacy or unusual or suspect and (may_hold_mojibake(text) or may_hold_vni(text)):
        text = decode_legacy_runs(fix_mojibake(text), legacy, viqr_escaped)
        text = clean_whitespace(fold_confusables(to_nfc(strip_invisible(text))))
    else:  # usual characters only: VIQR, composition and spacing are left to look at
        if suspect and may_hold_viqr(text):
            text = decode_legacy_runs(text, legacy, viqr_escaped)
        if not unicodedata.is_normalized("NFC", text):
            text = to_nfc(text)
        if needs_spacing(text):
            text = clean_whitespace(text)
    return text if tone == "keep" else place_tones(text, tone)
