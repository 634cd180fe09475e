"""Vietnamese text normalisation: pure functions, no Scrapy import.

Archival form, stored for every text field: ``normalize(text)`` (tone="keep": the text as published, made
canonical). NLP form: ``normalize(text, tone="first" | "main")``. The steps are public too:

- ``to_nfc``: composed Unicode, combining marks reordered so that each letter is the one a reader sees.
- ``fold_confusables``: Ð/ð → Đ/đ in Vietnamese words (Icelandic keeps its eth), Cyrillic and Greek look-alikes
  inside Latin words → Latin (not in text written in Cyrillic or Greek).
- ``clean_whitespace``: odd spaces, zero-width characters where they are noise, line ends, blank lines.
- ``strip_invisible``: zero-width characters and bidi marks removed from Latin-script text, kept wherever a text's
  script uses them (the bidi controls of Hebrew or Pashto, the zero-width spaces of Khmer).
- ``place_tones``: tone marks by the "first" (hòa, thủy) or "main" (hoà, thuỷ) convention; misplaced marks repaired.
- ``detect_legacy`` / ``find_legacy_runs`` / ``decode_legacy_runs`` / ``from_legacy``: TCVN3, VNI and VIQR text
  (``follows_rfc_escapes``: VIQR that escapes literal marks as RFC 1456 asks); text in other languages unchanged.
- ``fix_mojibake``: UTF-8 that was read as windows-1252 or Latin-1, once or twice.
- ``decode_html`` / ``read_html`` / ``header_charset`` / ``sniff_charset``: page bytes (and the Content-Type they
  came with) → text, surviving wrong charset labels; windows-1258 composed.
- ``parse_date`` / ``read_date`` / ``find_dates`` / ``lead_date``: Vietnamese dates and times → ISO strings (a
  field, a field in a page's locale, every date in running text, the date a lead starts with).
- ``fold_diacritics``: lower-case accent-free text (đ → d) for accent-insensitive search.
- ``is_vietnamese_syllable``: whether a word is one well-formed Vietnamese syllable.

Tables and regular expressions are built on first use (functools.cache); nothing runs at import time.
"""

from dvscrape.text.dates import DateMatch, DateReading, find_dates, lead_date, parse_date, read_date
from dvscrape.text.decode import decode_html, header_charset, read_html, sniff_charset
from dvscrape.text.legacy import (
    LegacyEncoding,
    LegacyRun,
    decode_legacy_runs,
    detect_legacy,
    find_legacy_runs,
    follows_rfc_escapes,
    from_legacy,
)
from dvscrape.text.mojibake import fix_mojibake
from dvscrape.text.pipeline import ToneOption, normalize
from dvscrape.text.syllables import is_vietnamese_syllable
from dvscrape.text.tones import ToneStyle, place_tones
from dvscrape.text.unicode import fold_confusables, fold_diacritics, to_nfc
from dvscrape.text.whitespace import clean_whitespace, strip_invisible

__all__ = [
    "DateMatch",
    "DateReading",
    "LegacyEncoding",
    "LegacyRun",
    "ToneOption",
    "ToneStyle",
    "clean_whitespace",
    "decode_html",
    "header_charset",
    "read_html",
    "decode_legacy_runs",
    "detect_legacy",
    "find_dates",
    "find_legacy_runs",
    "follows_rfc_escapes",
    "fix_mojibake",
    "fold_confusables",
    "fold_diacritics",
    "from_legacy",
    "is_vietnamese_syllable",
    "lead_date",
    "normalize",
    "parse_date",
    "place_tones",
    "read_date",
    "sniff_charset",
    "strip_invisible",
    "to_nfc",
]
