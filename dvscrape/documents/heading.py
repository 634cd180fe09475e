"""The heading of a Vietnamese administrative document (Nghị định 30/2020/NĐ-CP layout) as structured fields:
issuing body, number and symbol, place and date of issue, document type, subject ("V/v …") and signer."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

from dvscrape.text import parse_date

# Document types by their heading word and by the abbreviation in the symbol (109/KH-UBND).
TYPES = {
    "KẾ HOẠCH": "Kế hoạch",
    "QUYẾT ĐỊNH": "Quyết định",
    "THÔNG BÁO": "Thông báo",
    "CÔNG VĂN": "Công văn",
    "BÁO CÁO": "Báo cáo",
    "TỜ TRÌNH": "Tờ trình",
    "CHỈ THỊ": "Chỉ thị",
    "NGHỊ QUYẾT": "Nghị quyết",
    "HƯỚNG DẪN": "Hướng dẫn",
    "GIẤY MỜI": "Giấy mời",
    "DANH SÁCH": "Danh sách",
    "CHƯƠNG TRÌNH": "Chương trình",
    "QUY CHẾ": "Quy chế",
    "QUY ĐỊNH": "Quy định",
    "BIÊN BẢN": "Biên bản",
    "THÔNG TƯ": "Thông tư",
    "NGHỊ ĐỊNH": "Nghị định",
    "CÔNG ĐIỆN": "Công điện",
    "THƯ MỜI": "Thư mời",
    "PHƯƠNG ÁN": "Phương án",
    "ĐỀ ÁN": "Đề án",
}
ABBREVIATIONS = {
    "KH": "Kế hoạch",
    "QĐ": "Quyết định",
    "TB": "Thông báo",
    "BC": "Báo cáo",
    "TTR": "Tờ trình",
    "CT": "Chỉ thị",
    "NQ": "Nghị quyết",
    "HD": "Hướng dẫn",
    "GM": "Giấy mời",
    "DS": "Danh sách",
    "CTR": "Chương trình",
    "QC": "Quy chế",
    "BB": "Biên bản",
    "TT": "Thông tư",
    "NĐ": "Nghị định",
    "CĐ": "Công điện",
    "PA": "Phương án",
    "ĐA": "Đề án",
}
_NATIONAL = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "ĐỘC LẬP - TỰ DO - HẠNH PHÚC")
_NOT_NAMES = {"Nơi", "Lưu", "Như", "Ghi", "Kính", "Trân", "Ban", "Phòng", "Ủy", "Uỷ", "Chủ", "Phó", "Giám", "Trưởng"}
HEAD_LINES = 40


@cache
def _number_re() -> re.Pattern[str]:
    return re.compile(r"\bSố\s*[:.]?\s*(?P<number>\d[\w.]*)\s*/\s*(?P<symbol>[^\s,;:()]+)", re.IGNORECASE)


@cache
def _place_date_re() -> re.Pattern[str]:
    return re.compile(
        r"(?P<place>[^\W\d_][^\n\t,:;]{0,60}?)\s*,\s*(?P<date>ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})",
        re.IGNORECASE,
    )


@cache
def _subject_re() -> re.Pattern[str]:
    return re.compile(r"\b(?:V/v|V/V|Về việc)\s*[:.]?\s*(?P<subject>[^\t\n]+)")


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).strip().upper().replace("–", "-"))


def _is_upper_line(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _cells(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        out.extend(cell.strip() for cell in line.split("\t") if cell.strip())
    return out


def _issuer(cells: list[str]) -> str:
    """The upper-case lines before the number, the national motto and decorative rules left out."""
    parts: list[str] = []
    for cell in cells:
        if _number_re().search(cell):
            before = _number_re().split(cell)[0].strip()
            if before and _is_upper_line(before):
                parts.append(before)
            break
        if any(_key(cell).startswith(motto) for motto in _NATIONAL) or _key(cell) in TYPES:
            continue
        if _is_upper_line(cell):
            words = cell.split()
            # a DOCX cell joins the issuer's lines with the motto's: keep what comes before "CỘNG HÒA"
            joined = " ".join(words)
            for motto in _NATIONAL:
                at = _key(joined).find(motto)
                if at > 0:
                    joined = joined[:at].strip()
            parts.append(joined)
        elif parts:
            break
    return " ".join(parts).strip(" -_")


def _document_type(cells: list[str], symbol: str, has_subject: bool) -> str:
    for cell in cells:
        key = _key(cell)
        for word, name in TYPES.items():
            if key == word or key.startswith(word + " "):
                return name
    prefix = _key(symbol).split("-")[0] if symbol else ""
    if prefix in ABBREVIATIONS:
        return ABBREVIATIONS[prefix]
    if symbol or has_subject:
        return "Công văn"
    return ""


def _subject(cells: list[str], document_type: str) -> str:
    for cell in cells:
        match = _subject_re().search(cell)
        if match:
            return match.group("subject").strip()
    if not document_type:
        return ""
    for index, cell in enumerate(cells):
        key = _key(cell)
        if key in TYPES or any(key.startswith(word + " ") for word in TYPES):
            rest = cell[len(next(w for w in TYPES if key.startswith(w))) :].strip(" :-")
            following = [rest] if rest else []
            for line in cells[index + 1 : index + 4]:
                # a wrapped title goes on in lower case; the body starts a new sentence
                goes_on = line[:1].islower() or (line[:1].isdigit() and not re.match(r"\d+\s*[.)]", line))
                if following and (following[-1].endswith((".", ";", ":")) or not goes_on):
                    break
                following.append(line)
            return " ".join(following).strip()
    return ""


def _title_run(words: list[str]) -> list[str]:
    run: list[str] = []
    for word in reversed(words):
        if word[:1].isupper() and word[1:].islower() and word.isalpha():
            run.insert(0, word)
        else:
            break
    return run


def _signer(lines: list[str]) -> str:
    """The last personal name in the closing lines: 2 to 5 capitalised words ending a line or a cell."""
    for line in reversed(lines[-25:]):
        for cell in reversed([c.strip() for c in line.split("\t") if c.strip()]):
            run = _title_run(cell.split())
            while len(run) > 5:
                run = run[1:]
            if 2 <= len(run) <= 5 and run[0] not in _NOT_NAMES and not _is_upper_line(cell):
                return " ".join(run)
    return ""


def heading_fields(text: str) -> dict[str, Any]:
    """Fields of an administrative document's heading and signature; keys with nothing found are left out.

    issuer ('ỦY BAN NHÂN DÂN QUẬN TÂN BÌNH'), number ('109/KH-UBND'), number_only ('109'), symbol ('KH-UBND'),
    place ('Tân Bình'), date ('2024-03-12', by dvscrape.text.parse_date), date_text, document_type ('Kế hoạch'),
    subject, signer ('Nguyễn Văn A').
    """
    lines = [line for line in text.split("\n") if line.strip()]
    head = lines[:HEAD_LINES]
    cells = _cells(head)
    fields: dict[str, Any] = {}
    joined = "\n".join(head)
    number = _number_re().search(joined)
    if number:
        fields["number"] = f"{number.group('number')}/{number.group('symbol')}".rstrip(".")
        fields["number_only"] = number.group("number")
        fields["symbol"] = number.group("symbol").rstrip(".")
    place_date = _place_date_re().search(joined)
    if place_date:
        place = place_date.group("place").strip()
        for motto in ("Hạnh phúc", "Hạnh Phúc", "HẠNH PHÚC"):
            if motto in place:
                place = place.split(motto)[-1].strip(" -")
        fields["place"] = place
        fields["date_text"] = place_date.group("date")
        date = parse_date(place_date.group("date"))
        if date:
            fields["date"] = date
    issuer = _issuer(cells)
    if issuer:
        fields["issuer"] = issuer
    subject_match = any(_subject_re().search(cell) for cell in cells)
    document_type = _document_type(cells, fields.get("symbol", ""), subject_match)
    if document_type:
        fields["document_type"] = document_type
    subject = _subject(cells, document_type)
    if subject:
        fields["subject"] = subject
    signer = _signer(lines)
    if signer and len(lines) > 3:
        fields["signer"] = signer
    return fields
