"""Dates as Vietnamese portals write them: day first, with words, weekdays and times ('Thứ năm, 23/03/2023 10:15',
'10h15 ngày 23/3/2023', 'ngày 14 tháng 4 năm 2022', '14:20 | 03/11/2025', 'Tháng 9 16, 2024', '12 thg 8, 2024',
'16 Tháng Chín, 2024'), ISO dates from machine-readable fields, the en_US short form of Liferay ('3/23/23'), and the
date a lede starts with ('Sáng 23/9, …'), its year from a dated context. The one place dvscrape reads dates."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cache

from dvscrape.text.unicode import to_nfc

_MIN_YEAR, _MAX_YEAR = 1800, 2200
_PLAIN_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
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


# Month names: 'Tháng Chín', 'tháng Giêng', 'tháng Chạp'; longest first so that 'mười một' wins over 'mười'.
_MONTH_NAMES = {
    "mười một": 11,
    "mười hai": 12,
    "một": 1,
    "giêng": 1,
    "hai": 2,
    "ba": 3,
    "tư": 4,
    "bốn": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
    "chạp": 12,
}


@dataclass(frozen=True)
class DateReading:
    """A date read from a field: its ISO value, and a note when the reading needed a guess ('' otherwise)."""

    value: str
    note: str = ""


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


def _month(name: str) -> str:
    names = "|".join(word.replace(" ", r"\s+") for word in _MONTH_NAMES)
    return rf"(?P<{name}>\d{{1,2}}(?!\d)|(?:{names})(?![^\W\d_]))"


@cache
def _phrase_re() -> re.Pattern[str]:
    weekday = r"(?P<weekday>thứ\s*(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ\s*nhật|cn)(?![^\W\d_])"
    numeric = (
        r"(?<![\d/.\-])(?P<day>\d{1,2})\s*(?P<sep>[/.\-])\s*(?P<month>\d{1,2})"
        r"(?:\s*(?P=sep)\s*(?P<year>\d{4}|\d{2})(?!\d|\s*/\s*[^\W\d_])|(?![\d/]|[.\-]\d|\s*/\s*[^\W\d_]))"
    )
    month_word = r"(?:tháng\s+|thg\s+|th\s*(?=\d))"  # 'Th12' of '01 Th12 2026', as some CMS print it
    words = (
        rf"(?<!\d)(?P<day_w>\d{{1,2}})\s+{month_word}{_month('month_w')}"
        r"(?:\s*(?:,|/|năm)?\s*(?P<year_w>\d{4}))?(?!\d)"
    )
    month_first = (  # 'Tháng 9 16, 2024', as Google and Facebook print vi dates: only with the comma and year
        rf"{month_word}{_month('month_f')}\s+(?P<day_f>\d{{1,2}})\s*,\s*(?P<year_f>\d{{4}})(?!\d)"
    )
    iso = (
        r"(?<![\d/.\-])(?P<iso_year>\d{4})-(?P<iso_month>\d{2})-(?P<iso_day>\d{2})"
        r"(?:[T ](?P<iso_hour>\d{2}):(?P<iso_minute>\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?!\d)"
    )
    phrase = (
        rf"(?:(?:lúc\s+)?{_time(0)}\s*[,\-–|]?\s*)?"
        rf"(?:{weekday}\s*[,\-–|]?\s*(?:\(\s*)?)?"
        rf"(?:(?:lúc\s+)?{_time(1)}\s*[,\-–|]?\s*)?"
        rf"(?P<ngay>ngày\s+)?"
        rf"(?:{iso}|{numeric}|{words}|{month_first})"
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


def _value(match: re.Match[str], ref_year: int | None, whole_text: bool, month_first: bool = False) -> str | None:
    """The ISO value of a phrase match, or None when the date is impossible, unanchored or self-contradictory.

    A two-digit year ('3/23/23') is read only in a whole field, month first when month_first."""
    groups = match.groupdict()
    if groups["iso_year"]:
        year, month, day = int(groups["iso_year"]), int(groups["iso_month"]), int(groups["iso_day"])
    else:
        day = int(groups["day"] or groups["day_w"] or groups["day_f"])
        month = _month_number(groups["month"] or groups["month_w"] or groups["month_f"])
        year_text = groups["year"] or groups["year_w"] or groups["year_f"]
        if year_text and len(year_text) == 2:
            if not whole_text:
                return None
            year = 2000 + int(year_text)
            if month_first:
                day, month = month, day
        elif year_text:
            year = int(year_text)
        elif ref_year is not None and (whole_text or groups["ngay"] or groups["weekday"]):
            year = ref_year
        else:
            return None
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    try:
        date = datetime.date(year, month, day)
        time = _hour(match, 0) or _hour(match, 1) or _hour(match, 2)
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


def _month_number(text: str) -> int:
    return int(text) if text.isdigit() else _MONTH_NAMES[" ".join(text.lower().split())]


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


@cache
def _range_start_re() -> re.Pattern[str]:
    """The start of a date range before its end date: 'Từ ngày 11 đến ', 'từ 11/7 - ', '11 – '."""
    return re.compile(
        rf"(?:từ\s+)?(?:{_time(9)}\s*,?\s*)?(?:ngày\s+)?(?<![\d/.\-])(?P<start_day>\d{{1,2}})"
        r"(?:\s*/\s*(?P<start_month>\d{1,2}))?"
        r"\s*(?:đến|tới|và|-|–)\s*(?=(?:\d{1,2}\s*(?:h|giờ|:)[\d\s]*(?:phút)?\s*,?\s*)?(?:ngày\s+)?\d)",
        re.IGNORECASE,
    )


def _range_start(match: re.Match[str], end: str) -> str | None:
    """The first day of a range 'Từ ngày 11 đến ngày 13 tháng 7 năm 2016' whose last day is the ISO date end, or of
    a pair 'ngày 1 và 2/12/2026'; with its time when the range starts with one ('Từ 8h ngày 1/12 đến …')."""
    end_date = datetime.date.fromisoformat(end[:10])
    month = int(match.group("start_month") or end_date.month)
    year = end_date.year - 1 if month > end_date.month else end_date.year
    try:
        start = datetime.date(year, month, int(match.group("start_day")))
        time = _hour(match, 9)
    except ValueError:
        return None
    if start > end_date:
        return None
    return f"{start.isoformat()}T{time[0]:02d}:{time[1]:02d}" if time else start.isoformat()


def _read(text: str, ref_year: int | None, month_first: bool) -> tuple[str | None, re.Match[str] | None]:
    text = to_nfc(text).strip()
    plain = _PLAIN_DATE.fullmatch(text)  # '23/03/2023', as most portals show a date: what the phrases read it as
    if plain:
        day, month, year = map(int, plain.groups())
        try:
            return datetime.date(year, month, day).isoformat() if _MIN_YEAR <= year <= _MAX_YEAR else None, None
        except ValueError:
            return None, None
    range_start = _range_start_re().search(text)
    if range_start is not None and not _document_number_re().search(text, 0, range_start.start()):
        end, _ = _read(text[range_start.end() :], ref_year, month_first)
        start = _range_start(range_start, end) if end else None
        if start is not None:
            return start, None
    whole = _phrase_re().fullmatch(text.strip(" .,;:()[]"))
    if whole is not None:
        return _value(whole, ref_year, whole_text=True, month_first=month_first), whole
    match = _phrase_re().search(text)
    while match is not None:
        if not _is_document_number(text, match):
            value = _value(match, ref_year, whole_text=False)
            if value is not None:
                return value, match
        # A phrase that is no date ('8 - 10' of '8 - 10h ngày 1/12/2026') may hide the start of one.
        match = _phrase_re().search(text, match.start() + 1)
    return None, None


def parse_date(text: str, ref_year: int | None = None) -> str | None:
    """Read a date field ('23/03/2023', 'NGÀY 14 THÁNG 4 NĂM 2022', 'Thứ năm, 23/03/2023 10:15',
    'lúc 7 giờ 30 ngày 23/3/2023', '14:20 | 03/11/2025', 'Cập nhật lúc 10:05, Thứ sáu, 13/09/2024',
    'Tháng 9 16, 2024', '16 Tháng Chín, 2024', '12 thg 8, 2024', '2023-03-23T10:15:00+07:00') as ISO 'YYYY-MM-DD'
    or 'YYYY-MM-DDTHH:MM'.

    Dates are day first. A day and month without a year ('Ngày 23/3') take ref_year, and give None without it.
    A range or a pair of days gives its first day ('Từ ngày 11 đến ngày 13 tháng 7 năm 2016' → 2016-07-11,
    'ngày 1 và 2/12/2026' → 2026-12-01; 'Từ 8h ngày 1/12 đến …' keeps the 8h). Returns None for
    impossible dates (30/02), for a weekday that contradicts the date, for document numbers ('số 15/2020/NĐ-CP')
    and for text with no date. When the text holds more than the date, the first date phrase in it is taken (see
    find_dates). A time zone in an ISO value is dropped: the local time is kept. See read_date for a field whose
    order depends on the page's locale.
    """
    return _read(text, ref_year, month_first=False)[0]


def read_date(text: str, locale: str | None = None, ref_year: int | None = None) -> DateReading | None:
    """parse_date for a date field of a page in locale: Liferay prints its short style in the visitor's locale,
    'dd/MM/yyyy' in vi and 'M/d/yy' in en_US, so a two-digit-year date is month first in an English locale, unless
    its numbers say otherwise (a first number over 12 is a day). The note says when the order was a guess."""
    english = bool(locale) and str(locale).lower().startswith("en")
    value, match = _read(text, ref_year, month_first=english)
    note = ""
    if match is not None and match.group("year") and len(match.group("year")) == 2:
        first, second = int(match.group("day")), int(match.group("month"))
        if english and first > 12 >= second or not english and second > 12 >= first:
            value, _ = _read(text, ref_year, month_first=not english)
        elif first <= 12 and second <= 12 and first != second:
            note = f"day-month order of a two-digit-year date taken from locale {locale}"
    return DateReading(value, note) if value is not None else None


@cache
def _lead_re() -> re.Pattern[str]:
    # '(TBO) - Sáng 23/9, …', 'Chiều ngày 9/2', 'Tối 5/6', 'Ngày 8/2', 'Ngày 14 tháng 4 năm 2022'
    return re.compile(
        r"(?:\(?[^\s,]*\)?\s*[-–—]\s*)?(?:(?:sáng|trưa|chiều|tối|đêm|rạng\s+sáng)\s+)?(?:hôm\s+)?(?:ngày\s+)?"
        rf"(?P<day>\d{{1,2}})(?:\s*[/\-.]\s*(?P<month>\d{{1,2}})(?:\s*[/\-.]\s*(?P<year>\d{{4}}))?(?![\d/])"
        rf"|\s+(?:tháng|thg)\s+{_month('month_w')}(?:\s*(?:,|/|năm)\s*(?P<year_w>\d{{4}}))?(?!\d))",
        re.IGNORECASE,
    )


def lead_date(lead: str, reference: str | None) -> DateReading | None:
    """The date an article's lead starts with ('Ngày 8/2, …', 'Sáng 23/9, …', 'Chiều 9/2', 'Tối 5/6',
    '(TBO) - Ngày 14 tháng 4 năm 2022, …'), its year from the text or else from reference (an ISO date such as the
    listing's date or the sitemap's lastmod: the year that puts the date on or before it), noted 'year from context'.

    None when the lead does not start with a date, or has no year and reference gives none.
    """
    match = _lead_re().match(to_nfc(lead).strip())
    if match is None:
        return None
    day = int(match.group("day"))
    month = _month_number(match.group("month") or match.group("month_w"))
    year_text = match.group("year") or match.group("year_w")
    note = ""
    if year_text:
        year = int(year_text)
    else:
        ref = _year_month(reference)
        if ref is None:
            return None
        year = ref[0] - 1 if month > ref[1] else ref[0]  # an article is never dated after its reference
        note = "year from context"
    try:
        return DateReading(datetime.date(year, month, day).isoformat(), note)
    except ValueError:
        return None


def _year_month(iso: str | None) -> tuple[int, int] | None:
    match = re.match(r"\s*(\d{4})-(\d{2})", iso or "")
    return (int(match.group(1)), int(match.group(2))) if match else None
