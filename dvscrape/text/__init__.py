"""Vietnamese text normalisation: pure functions, no Scrapy import.

Archival form: `normalize(text)` (tone="keep"). NLP form: `normalize(text, tone="first" | "main")`.
The steps are public too: `to_nfc`, `fold_confusables`, `clean_whitespace`, `place_tones`, `detect_legacy`,
`from_legacy`, `decode_legacy_runs`, `fix_mojibake`, `decode_html`; dates: `parse_date`, `find_dates`; search:
`fold_diacritics`.
"""

from dvscrape.text.dates import DateMatch, find_dates, parse_date
from dvscrape.text.decode import decode_html, sniff_charset
from dvscrape.text.legacy import (
    LegacyEncoding,
    LegacyRun,
    decode_legacy_runs,
    detect_legacy,
    find_legacy_runs,
    from_legacy,
)
from dvscrape.text.mojibake import fix_mojibake
from dvscrape.text.pipeline import ToneOption, normalize
from dvscrape.text.syllables import is_vietnamese_syllable
from dvscrape.text.tones import ToneStyle, place_tones
from dvscrape.text.unicode import fold_confusables, fold_diacritics, to_nfc
from dvscrape.text.whitespace import clean_whitespace

__all__ = [
    "DateMatch",
    "LegacyEncoding",
    "LegacyRun",
    "ToneOption",
    "ToneStyle",
    "clean_whitespace",
    "decode_html",
    "decode_legacy_runs",
    "detect_legacy",
    "find_dates",
    "find_legacy_runs",
    "fix_mojibake",
    "fold_confusables",
    "fold_diacritics",
    "from_legacy",
    "is_vietnamese_syllable",
    "normalize",
    "parse_date",
    "place_tones",
    "sniff_charset",
    "to_nfc",
]
