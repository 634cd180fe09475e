"""Dates as the portal writes them → ISO 8601 strings.

Liferay prints the metadata date in the visitor's locale (vi: 23/03/2023, en_US: 3/23/23), optionally with a
time. Article bodies often start with 'Ngày 23/3, …' without a year; the year then comes from a dated context
(the listing's date, the sitemap's lastmod) and the record says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_NUMERIC = re.compile(r"(?<!\d)(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})(?!\d)")
_TIME = re.compile(r"(?<!\d)([01]?\d|2[0-3])\s*[:hH]\s*([0-5]\d)(?::([0-5]\d))?(?!\d)")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?")
_VI_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?", re.IGNORECASE)
# 'Ngày 23/3', 'Sáng 23/3', 'Chiều ngày 23-3', optionally '/2023'
_BODY_DAY_MONTH = re.compile(
    r"^(?:\(?[^\s,]*\)?\s*[-–—]\s*)?(?:(?:sáng|trưa|chiều|tối|đêm)\s+)?(?:ngày\s+)?"
    r"(\d{1,2})\s*[/\-.]\s*(\d{1,2})(?:\s*[/\-.]\s*(\d{4}))?(?!\d)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FoundDate:
    """An ISO date or date-time, with a note when the reading needed a guess."""

    iso: str
    note: str = ""


def _iso(year: int, month: int, day: int, time: tuple[int, int, int] | None) -> str | None:
    try:
        date(year, month, day)
    except ValueError:
        return None
    if time is None:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}T{time[0]:02d}:{time[1]:02d}:{time[2]:02d}"


def _time_in(text: str) -> tuple[int, int, int] | None:
    match = _TIME.search(text)
    if not match:
        return None
    return int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)


def parse_display_date(text: str, locale: str) -> FoundDate | None:
    """Read a date as printed by the portal (numeric or 'ngày 14 tháng 4 năm 2022'), in *locale*'s order."""
    iso = _ISO.match(text)
    if iso:
        time = (int(iso.group(4)), int(iso.group(5)), int(iso.group(6) or 0)) if iso.group(4) else None
        value = _iso(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)), time)
        return FoundDate(value) if value else None
    time = _time_in(_NUMERIC.sub(" ", text))
    match = _NUMERIC.search(text)
    if match:
        first, second, third = (int(g) for g in match.groups())
        note = ""
        if len(match.group(1)) == 4:  # 2023/03/23
            year, month, day = first, second, third
        else:
            short_year = len(match.group(3)) <= 2
            year = third + 2000 if short_year else third
            # Java's SHORT date style is M/d/yy in en_US and dd/MM/yyyy in vi; a four-digit year means the site's
            # own dd/MM/yyyy pattern whatever the locale.
            month_first = locale.lower().startswith("en") and short_year
            if first > 12 and second <= 12:
                month_first = False
            elif second > 12 and first <= 12:
                month_first = True
            elif short_year and first <= 12 and second <= 12 and first != second:
                note = f"day-month order of a two-digit-year date taken from locale {locale}"
            month, day = (first, second) if month_first else (second, first)
        value = _iso(year, month, day, time)
        return FoundDate(value, note) if value else None
    words = _VI_WORDS.search(text)
    if words and words.group(3):
        value = _iso(int(words.group(3)), int(words.group(2)), int(words.group(1)), time)
        return FoundDate(value) if value else None
    return None


def year_from_iso(value: str | None) -> tuple[int, int] | None:
    """(year, month) of an ISO date string, or None."""
    if not value:
        return None
    match = _ISO.match(value)
    return (int(match.group(1)), int(match.group(2))) if match else None


def body_date(first_paragraph: str, reference: str | None) -> FoundDate | None:
    """The date a lede starts with ('Ngày 23/3, …'), the year taken from the text or from *reference* (ISO).

    Returns None when the lede does not start with a date, or has no year and no reference gives one.
    """
    match = _BODY_DAY_MONTH.match(first_paragraph.strip())
    if not match:
        words = _VI_WORDS.match(first_paragraph.strip())
        if not words:
            return None
        day, month, year_text = int(words.group(1)), int(words.group(2)), words.group(3)
    else:
        day, month, year_text = int(match.group(1)), int(match.group(2)), match.group(3)
    if year_text:
        value = _iso(int(year_text), month, day, None)
        return FoundDate(value) if value else None
    ref = year_from_iso(reference)
    if ref is None:
        return None
    year = ref[0] - 1 if month > ref[1] else ref[0]  # an article is never dated after its reference
    value = _iso(year, month, day, None)
    return FoundDate(value, "year from context") if value else None
