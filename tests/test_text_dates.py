"""parse_date and find_dates of dvscrape.text."""

from __future__ import annotations

import unicodedata

import pytest

from dvscrape.text import find_dates, parse_date


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
