"""parse_date and find_dates of dvscrape.text."""

from __future__ import annotations

import itertools
import unicodedata

import pytest

from dvscrape.text import DateReading, find_dates, lead_date, parse_date, read_date
from dvscrape.text.dates import _phrase_re, _range_start_re, _value


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("23/03/2023", "2023-03-23"),
        ("23-3-2023", "2023-03-23"),
        ("23.03.2023", "2023-03-23"),
        ("3/1/2023", "2023-01-03"),  # day first
        ("ngày 14 tháng 4 năm 2022", "2022-04-14"),
        ("NGÀY 14 THÁNG 4 NĂM 2022", "2022-04-14"),
        ("Ngày 14 tháng 04 năm 2022", "2022-04-14"),
        (unicodedata.normalize("NFD", "ngày 14 tháng 4 năm 2022"), "2022-04-14"),
        ("10h15 ngày 23/3/2023", "2023-03-23T10:15"),
        ("10h ngày 23/3/2023", "2023-03-23T10:00"),
        ("lúc 7 giờ 30 ngày 23/3/2023", "2023-03-23T07:30"),
        ("Lúc 7 giờ 30 phút, ngày 23 tháng 3 năm 2023", "2023-03-23T07:30"),
        ("3 giờ chiều ngày 23/3/2023", "2023-03-23T15:00"),
        ("Thứ năm, 23/03/2023 10:15", "2023-03-23T10:15"),
        ("Thứ Năm, ngày 23/03/2023", "2023-03-23"),
        ("Thứ 5, 23/03/2023", "2023-03-23"),
        ("Chủ nhật, 26/3/2023", "2023-03-26"),
        ("23/03/2023 - 10:15", "2023-03-23T10:15"),
        ("Cập nhật: 23/03/2023 10:15:30", "2023-03-23T10:15"),
        ("(23/03/2023)", "2023-03-23"),
        ("2023-03-23", "2023-03-23"),
        ("2023-03-23T10:15:00+07:00", "2023-03-23T10:15"),
        ("29/02/2024", "2024-02-29"),
        ("Chương trình phối hợp số 07-CTrPH/BDVQU-UBND ngày 14 tháng 4 năm 2022 của Ban Dân vận", "2022-04-14"),
    ],
)
def test_parse_date(text: str, iso: str) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    "text",
    [
        "30/02/2023",
        "31/04/2023",
        "29/02/2023",
        "00/03/2023",
        "23/13/2023",  # impossible
        "Thứ tư, 23/03/2023 10:15",
        "Thứ 2, 23/03/2023",
        "Chủ nhật, 23/3/2023",  # weekday contradicts the date
        "Ngày 23/3",
        "23/3",  # no year and no ref_year
        "số 15/2020/NĐ-CP",
        "Nghị định số 15/2020/NĐ-CP",
        "Quyết định số 15/3/2020",
        "23/03/2023/QĐ-UBND",
        "ngày 23/3/2023 lúc 25 giờ",
        "",
        "Tin tức nổi bật",
        "1.5 tỷ đồng",
        "tháng 3/2023",
    ],
)
def test_parse_date_none(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Ngày 23/3", "2023-03-23"),
        ("23/3", "2023-03-23"),
        ("ngày 23 tháng 3", "2023-03-23"),
        ("Thứ năm, ngày 23/3", "2023-03-23"),
        ("Thứ tư, ngày 23/3", None),
        ("Ngày 23/3/2022", "2022-03-23"),  # an explicit year wins
    ],
)
def test_parse_date_with_ref_year(text: str, iso: str | None) -> None:
    assert parse_date(text, ref_year=2023) == iso


def test_find_dates_in_a_sentence() -> None:
    sentence = "Ngày 23/3, Ban Dân vận Quận ủy phối hợp với Ủy ban nhân dân quận Tân Bình tổ chức hội nghị."
    found = find_dates(sentence, ref_year=2023)
    assert [(match.text, match.value, match.start) for match in found] == [("Ngày 23/3", "2023-03-23", 0)]
    assert find_dates(sentence) == []


def test_find_dates_skips_numbers_that_are_not_dates() -> None:
    text = (
        "Theo Nghị định số 15/2020/NĐ-CP và Quyết định số 1234/QĐ-UBND ngày 10/01/2023, tỷ lệ 23/3 và 1.5 tỷ "
        "đồng; hội nghị lúc 8 giờ ngày 14 tháng 4 năm 2022; ngày 31/02/2023 không tồn tại."
    )
    assert [match.value for match in find_dates(text, ref_year=2023)] == ["2023-01-10", "2022-04-14T08:00"]


def test_find_dates_offsets_point_into_the_text() -> None:
    text = "Hội nghị diễn ra lúc 10h15 ngày 23/3/2023 tại hội trường."
    (match,) = find_dates(text)
    assert text[match.start : match.end] == match.text == "lúc 10h15 ngày 23/3/2023"
    assert match.value == "2023-03-23T10:15"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        # Times real pages print before the date, with a bar, a dash or the weekday between them.
        ("14:20 | 03/11/2025", "2025-11-03T14:20"),
        ("Cập nhật lúc 10:05, Thứ sáu, 13/09/2024", "2024-09-13T10:05"),
        ("20:15 - Thứ Hai, 12/08/2024", "2024-08-12T20:15"),
        # Month first (as Google and Facebook print vi dates), month names, the abbreviation 'thg'.
        ("Tháng 9 16, 2024", "2024-09-16"),
        ("16 Tháng Chín, 2024", "2024-09-16"),
        ("12 thg 8, 2024", "2024-08-12"),
        ("ngày 1 tháng Mười Một năm 2020", "2020-11-01"),
        ("ngày 5 tháng Giêng năm 2021", "2021-01-05"),
        # A range gives its first day.
        ("Từ ngày 11 đến ngày 13 tháng 7 năm 2016", "2016-07-11"),
        ("Từ ngày 11/7 đến ngày 13/7/2016", "2016-07-11"),
        ("từ 30/12 đến 2/1/2017", "2016-12-30"),
    ],
)
def test_parse_date_forms_of_real_pages(text: str, iso: str) -> None:
    assert parse_date(text) == iso


def test_a_document_number_is_no_range() -> None:
    assert parse_date("Quyết định số 11 - 13/7/2016") != "2016-07-11"


@pytest.mark.parametrize(
    ("text", "locale", "iso", "note"),
    [
        ("3/23/23", "en_US", "2023-03-23", ""),  # Liferay's en_US short style: M/d/yy
        ("23/3/23", "en_US", "2023-03-23", ""),  # a first number over 12 is a day whatever the locale
        ("3/4/23", "en_US", "2023-03-04", "day-month order of a two-digit-year date taken from locale en_US"),
        ("3/4/23", "vi", "2023-04-03", "day-month order of a two-digit-year date taken from locale vi"),
        ("23/03/2023 09:12", "vi_VN", "2023-03-23T09:12", ""),
    ],
)
def test_read_date_in_a_locale(text: str, locale: str, iso: str, note: str) -> None:
    assert read_date(text, locale) == DateReading(iso, note)


@pytest.mark.parametrize(
    ("lead", "iso", "note"),
    [
        ("Ngày 8/2, UBND quận tổ chức …", "2024-02-08", "year from context"),
        ("Sáng 23/9, Ban Dân vận …", "2023-09-23", "year from context"),  # after the reference: the year before
        ("Chiều 9/2, tại hội trường …", "2024-02-09", "year from context"),
        ("Tối 5/6 vừa qua, …", "2023-06-05", "year from context"),
        ("(TBO) - Sáng ngày 23/9, …", "2023-09-23", "year from context"),
        ("Ngày 14 tháng 4 năm 2022, Ban …", "2022-04-14", ""),
        ("Ngày 23-3-2023, hội nghị …", "2023-03-23", ""),
    ],
)
def test_lead_date(lead: str, iso: str, note: str) -> None:
    assert lead_date(lead, "2024-03-01") == DateReading(iso, note)


def test_lead_date_needs_a_year() -> None:
    assert lead_date("Ngày 8/2, UBND …", None) is None
    assert lead_date("Vừa qua, ngày 8/2/2024 …", "2024-03-01") is None  # not at the start


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        # Forms an audit against what a person reads found wrong: a list of days takes the first, a range keeps
        # its start time, a phrase that is no date does not hide the date after it, 'Th12' is a month.
        ("Trong 2 ngày 1 và 2/12/2026", "2026-12-01"),
        ("Ngày 5 và ngày 6/12/2026", "2026-12-05"),
        ("Từ 8h ngày 1/12 đến 17h ngày 3/12/2026", "2026-12-01T08:00"),
        ("Từ 8 giờ 30 phút ngày 1/12 đến 17 giờ ngày 3/12/2026", "2026-12-01T08:30"),
        ("8 - 10h ngày 1/12/2026", "2026-12-01T10:00"),
        ("01 Th12 2026", "2026-12-01"),
        ("Thứ Ba, 01/12/2026 - 08:30", "2026-12-01T08:30"),
        ("Cập nhật: 01/12/2026 08:30 (GMT+7)", "2026-12-01T08:30"),
        ("Thứ ba, 01/12/2026 | 10:05 SA", "2026-12-01T10:05"),
        ("01/12/2026 8:30:00 CH", "2026-12-01T20:30"),
    ],
)
def test_parse_date_forms_an_audit_found(text: str, iso: str) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize("year", [1799, 1800, 2023, 2200, 2201])
def test_a_plain_date_reads_as_the_phrases_read_it(year: int) -> None:
    # '23/03/2023' is read without the phrase expressions: to the same value, impossible dates included.
    for day, month in itertools.product(range(34), range(14)):
        for text in (f"{day}/{month}/{year}", f"{day:02d}/{month:02d}/{year}"):
            whole = _phrase_re().fullmatch(text)
            assert _range_start_re().search(text) is None
            assert parse_date(text) == (_value(whole, None, whole_text=True) if whole else None), text
