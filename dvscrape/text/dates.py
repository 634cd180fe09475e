"""Dates as Vietnamese portals write them: day first, with words, weekdays and times ('Thứ năm, 23/03/2023 10:15',
'10h15 ngày 23/3/2023', 'ngày 14 tháng 4 năm 2022'), plus ISO dates from machine-readable fields."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cache

from dvscrape.text.unicode import to_nfc

_MIN_YEAR, _MAX_YEAR = 1800, 2200
# Monday = 0, as datetime.date.weekday() counts.
_WEEKDAYS = {
    "hai": 0,
    "ba": 1,
    "tư": 2,
    "năm": 3,
    "sáu": 4,
    "bảy": 5,
    "bẩy": 5,
    "nhật": 6,
    "cn": 6,
    "2": 0,
    "3": 1,
    "4": 2,
    "5": 3,
    "6": 4,
    "7": 5,
}


@dataclass(frozen=True)
class DateMatch:
    """A date phrase found in a text: text[start:end] (offsets into the NFC form of the text) and its ISO value."""

    start: int
    end: int
    text: str
    value: str


def _time(n: int) -> str:
    return (
        rf"(?<!\d)(?P<hour{n}>\d{{1,2}})\s*(?:h|giờ|g|:)(?![^\W\d_])\s*"
        rf"(?:(?P<minute{n}>\d{{1,2}})(?!\d)\s*(?:phút|p|')?(?![^\W\d_]))?"
        rf"(?:\s*:\s*\d{{1,2}}(?!\d))?"
        rf"(?:\s*(?P<period{n}>sáng|trưa|chiều|tối|đêm|am|pm|sa|ch)(?![^\W\d_]))?"
    )


@cache
def _phrase_re() -> re.Pattern[str]:
    weekday = r"(?P<weekday>thứ\s*(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ\s*nhật|cn)(?![^\W\d_])"
    numeric = (
        r"(?<![\d/.\-])(?P<day>\d{1,2})\s*(?P<sep>[/.\-])\s*(?P<month>\d{1,2})"
        r"(?:\s*(?P=sep)\s*(?P<year>\d{4})(?!\d|\s*/\s*[^\W\d_])|(?![\d/]|[.\-]\d|\s*/\s*[^\W\d_]))"
    )
    words = (
        r"(?<!\d)(?P<day_w>\d{1,2})\s+tháng\s+(?P<month_w>\d{1,2})(?!\d)"
        r"(?:\s*(?:,|/|năm)?\s*(?P<year_w>\d{4}))?(?!\d)"
    )
    iso = (
        r"(?<![\d/.\-])(?P<iso_year>\d{4})-(?P<iso_month>\d{2})-(?P<iso_day>\d{2})"
        r"(?:[T ](?P<iso_hour>\d{2}):(?P<iso_minute>\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?!\d)"
    )
    phrase = (
        rf"(?:{weekday}\s*[,\-–]?\s*(?:\(\s*)?)?"
        rf"(?:(?:lúc\s+)?{_time(1)}\s*[,\-–]?\s*)?"
        rf"(?P<ngay>ngày\s+)?"
        rf"(?:{iso}|{numeric}|{words})"
        rf"(?:\s*\)?\s*(?:[,\-–|]\s*)?(?:lúc\s+|vào\s+lúc\s+)?{_time(2)})?"
    )
    return re.compile(phrase, re.IGNORECASE)


@cache
def _document_number_re() -> re.Pattern[str]:
    return re.compile(r"số\s*:?\s*\Z", re.IGNORECASE)


def _hour(match: re.Match[str], n: int) -> tuple[int, int] | None:
    hour_text = match.group(f"hour{n}")
    if hour_text is None:
        return None
    hour, minute = int(hour_text), int(match.group(f"minute{n}") or 0)
    period = (match.group(f"period{n}") or "").lower()
    afternoon = period == "trưa" and hour < 11 or period in ("chiều", "tối", "pm", "ch") and hour < 12
    if afternoon or period == "đêm" and 7 <= hour < 12:
        hour += 12
    elif period in ("am", "sa") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        raise ValueError("impossible time")
    return hour, minute


def _value(match: re.Match[str], ref_year: int | None, whole_text: bool) -> str | None:
    """The ISO value of a phrase match, or None when the date is impossible, unanchored or self-contradictory."""
    groups = match.groupdict()
    if groups["iso_year"]:
        year, month, day = int(groups["iso_year"]), int(groups["iso_month"]), int(groups["iso_day"])
    else:
        day = int(groups["day"] or groups["day_w"])
        month = int(groups["month"] or groups["month_w"])
        year_text = groups["year"] or groups["year_w"]
        if year_text:
            year = int(year_text)
        elif ref_year is not None and (whole_text or groups["ngay"] or groups["weekday"]):
            year = ref_year
        else:
            return None
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    try:
        date = datetime.date(year, month, day)
        time = _hour(match, 1) or _hour(match, 2)
    except ValueError:
        return None
    if groups["iso_hour"]:
        time = (int(groups["iso_hour"]), int(groups["iso_minute"]))
        if time[0] > 23 or time[1] > 59:
            return None
    if groups["weekday"]:
        key = groups["weekday"].lower().split()[-1].removeprefix("thứ")
        if _WEEKDAYS[key] != date.weekday():
            return None
    return f"{date.isoformat()}T{time[0]:02d}:{time[1]:02d}" if time else date.isoformat()


def _is_document_number(text: str, match: re.Match[str]) -> bool:
    return bool(match.group("day")) and bool(_document_number_re().search(text, 0, match.start()))


def find_dates(text: str, ref_year: int | None = None) -> list[DateMatch]:
    """Every date phrase in text, in order: 'Ngày 23/3, Ban Dân vận …' gives one match, value '2023-03-23' with
    ref_year=2023.

    A phrase is a date in one of the forms parse_date reads, with the weekday, 'ngày', time and 'lúc' around it.
    Inside running text a day and month without a year count only after 'ngày' or a weekday, and only with ref_year
    (bare '1.5' or '23/3' are too often numbers). Impossible dates, contradicted weekdays and document numbers
    ('số 15/3/2020', '15/2020/NĐ-CP') are skipped. Offsets refer to to_nfc(text).
    """
    text = to_nfc(text)
    found: list[DateMatch] = []
    for match in _phrase_re().finditer(text):
        if _is_document_number(text, match):
            continue
        value = _value(match, ref_year, whole_text=False)
        if value is not None:
            found.append(DateMatch(match.start(), match.end(), match.group(), value))
    return found


def parse_date(text: str, ref_year: int | None = None) -> str | None:
    """Read a date field ('23/03/2023', 'NGÀY 14 THÁNG 4 NĂM 2022', 'Thứ năm, 23/03/2023 10:15',
    'lúc 7 giờ 30 ngày 23/3/2023', '2023-03-23T10:15:00+07:00') as ISO 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM'.

    Dates are day first. A day and month without a year ('Ngày 23/3') take ref_year, and give None without it.
    Returns None for impossible dates (30/02), for a weekday that contradicts the date, for document numbers
    ('số 15/2020/NĐ-CP') and for text with no date. When the text holds more than the date, the first date phrase
    in it is taken (see find_dates). A time zone in an ISO value is dropped: the local time is kept.
    """
    text = to_nfc(text).strip()
    whole = _phrase_re().fullmatch(text.strip(" .,;:()[]"))
    if whole is not None:
        return _value(whole, ref_year, whole_text=True)
    match = _phrase_re().search(text)
    while match is not None:
        if not _is_document_number(text, match):
            return _value(match, ref_year, whole_text=False)
        match = _phrase_re().search(text, match.end())
    return None
