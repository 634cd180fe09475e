"""Documents read back: the replica's generated documents (reportlab, python-docx, openpyxl, LibreOffice) come back
exactly after normalisation, tables as tab-separated rows, legacy fonts as Unicode, heading fields right; encrypted,
damaged and hostile files are recorded with their reason, never a crash."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest

from dvscrape.documents.heading import heading_fields
from dvscrape.documents.limits import Limits
from dvscrape.documents.model import DONE, FAILED, LEGACY_FONT, TEXT_LAYER, WAITING_OCR
from dvscrape.documents.reader import read_document
from dvscrape.documents.sandbox import read_isolated
from tests import replica_documents as generated
from tests.replica_documents import writers
from tests.replica_documents.spec import squeeze

pytestmark = pytest.mark.skipif(not writers.fonts_available(), reason="DejaVu fonts (fonts-dejavu-core) missing")

TEXT_KINDS = ("text-pdf", "columns-pdf", "docx", "xlsx", "doc", "odt", "rtf")
LEGACY_KINDS = ("legacy-pdf", "legacy-docx", "legacy-vni-docx")


@pytest.fixture(scope="module")
def samples() -> dict[str, generated.Sample]:
    return {sample.kind: sample for sample in generated.samples()}


def _read(sample: generated.Sample):  # type: ignore[no-untyped-def]
    return read_document(sample.data, sample.name, ocr=False)


@pytest.mark.parametrize("kind", TEXT_KINDS)
def test_text_layer_documents_come_back_exactly(samples: dict[str, generated.Sample], kind: str) -> None:
    if kind not in samples:
        pytest.skip(f"no {kind} fixture")
    sample = samples[kind]
    result = _read(sample)
    assert result.status == DONE and result.method == TEXT_LAYER, result.reason
    assert squeeze(result.text) == squeeze("\n".join(sample.expected_lines))


@pytest.mark.parametrize("kind", ("text-pdf", "columns-pdf", "docx", "doc", "odt", "xlsx"))
def test_tables_are_rows_of_tab_separated_cells(samples: dict[str, generated.Sample], kind: str) -> None:
    if kind not in samples:
        pytest.skip(f"no {kind} fixture")
    sample = samples[kind]
    lines = _read(sample).text.split("\n")
    for row in sample.spec.table:
        assert "\t".join(row) in lines


def test_two_columns_are_read_column_by_column(samples: dict[str, generated.Sample]) -> None:
    text = _read(samples["columns-pdf"]).text
    paragraphs = samples["columns-pdf"].spec.paragraphs
    positions = [text.find(squeeze(p).split()[-1]) for p in paragraphs]
    assert all(position >= 0 for position in positions) and positions == sorted(positions)
    # the first line of the right column does not follow the first line of the left one
    assert squeeze(text).count(squeeze(paragraphs[0])) == 1


def test_running_header_and_footer_once(samples: dict[str, generated.Sample]) -> None:
    sample = samples["text-pdf"]
    result = _read(sample)
    assert result.page_count == 2 and len(result.pages) == 2
    assert result.text.count(sample.spec.running_header) == 1
    assert "Trang 1/2" in result.text and "Trang 2/2" not in result.text


@pytest.mark.parametrize("kind", LEGACY_KINDS)
def test_legacy_font_documents_come_back_as_unicode(samples: dict[str, generated.Sample], kind: str) -> None:
    sample = samples[kind]
    assert "Tăng" not in sample.data.decode("latin-1")  # really typed in TCVN3 bytes
    result = _read(sample)
    assert result.status == DONE and result.method == LEGACY_FONT
    # TCVN3 has no code for capital toned letters (ủy/Ủy are one byte): case aside, exact
    assert squeeze(result.text).casefold() == squeeze("\n".join(sample.expected_lines)).casefold()
    assert "trường hợp vi phạm" in result.text or "phường" in result.text


@pytest.mark.parametrize("kind", (*TEXT_KINDS, *LEGACY_KINDS))
def test_heading_fields_of_every_generated_document(samples: dict[str, generated.Sample], kind: str) -> None:
    if kind not in samples:
        pytest.skip(f"no {kind} fixture")
    sample = samples[kind]
    expected = sample.spec.expected_fields()
    if kind == "xlsx":  # a list: its own title, no signature
        expected = {**expected, "document_type": "Danh sách"}
        del expected["signer"]
    fields = _read(sample).fields
    assert {name: fields.get(name) for name in expected} == expected


def test_heading_fields_of_a_cong_van() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nQUẬN TÂN BÌNH\nSố: 45/UBND-VX\nV/v tổ chức tiêm chủng mở rộng\t"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nTân Bình, ngày 5 tháng 1 năm 2023\n"
        "Kính gửi: Ủy ban nhân dân 15 phường\nNội dung.\nNơi nhận:\n- Lưu: VT.\tCHỦ TỊCH\nLê Thị Mai"
    )
    fields = heading_fields(text)
    assert fields["document_type"] == "Công văn"
    assert fields["subject"] == "tổ chức tiêm chủng mở rộng"
    assert fields["number"] == "45/UBND-VX" and fields["date"] == "2023-01-05" and fields["signer"] == "Lê Thị Mai"
    assert fields["issuer"] == "ỦY BAN NHÂN DÂN QUẬN TÂN BÌNH"


def test_encrypted_and_damaged_are_recorded_with_their_reason(samples: dict[str, generated.Sample]) -> None:
    for kind, reason in (("encrypted-pdf", "encrypted"), ("damaged-pdf", "damaged")):
        result = _read(samples[kind])
        assert result.status == FAILED and result.reason.startswith(reason + ":"), result.reason
    truncated = samples["docx"].data[: len(samples["docx"].data) // 2]
    result = read_document(truncated, "cut.docx")
    assert result.status == FAILED and result.reason.startswith("damaged:")


def test_scans_without_ocr_wait_for_it(samples: dict[str, generated.Sample], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DVSCRAPE_TESSERACT", "/nonexistent/tesseract")
    result = read_document(samples["scan-pdf"].data, "scan.pdf")
    assert result.status == WAITING_OCR and "dvscrape documents" in result.reason and not result.text


def test_never_a_silent_empty_text() -> None:
    for data, name in ((b"", "a.pdf"), (b"hello", "b.bin"), (b"%PDF-1.4\n%%EOF\n", "c.pdf")):
        result = read_document(data, name)
        assert result.status == FAILED and result.reason


# --- hostile input ---------------------------------------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_zip_bomb_is_refused_unopened(samples: dict[str, generated.Sample]) -> None:
    bomb = _zip({"word/document.xml": bytes(8 << 20), "[Content_Types].xml": b"<x/>"})
    assert len(bomb) < 100_000
    result = read_document(bomb, "bomb.docx", limits=Limits(max_unpacked_bytes=4 << 20))
    assert result.status == FAILED and result.reason.startswith("too large:") and "zip bomb" in result.reason


def test_image_of_absurd_size_is_refused() -> None:
    header = struct.pack(">IIBBBBB", 200_000, 200_000, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + header
    idat = b"IDAT" + zlib.compress(b"\0" * 1024)
    png = b"\x89PNG\r\n\x1a\n" + b"".join(
        struct.pack(">I", len(part) - 4) + part + struct.pack(">I", zlib.crc32(part)) for part in (chunk, idat, b"IEND")
    )
    result = read_document(png, "scan.png")
    assert result.status == FAILED and result.reason.startswith("too large:")


def test_macros_are_recorded_never_run(samples: dict[str, generated.Sample]) -> None:
    with zipfile.ZipFile(io.BytesIO(samples["docx"].data)) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    members["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0Attribute VB_Name = AutoOpen: Shell calc.exe"
    result = read_document(_zip(members), "macro.docm")
    assert result.status == DONE and any("macros" in warning for warning in result.warnings)


def test_endless_pdf_page_tree_is_bounded() -> None:
    # a page tree whose Kids point back at itself
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 1000000 >>",
        b"<< /Type /Pages /Parent 2 0 R /Kids [3 0 R 2 0 R] /Count 1000000 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    result = read_isolated(bytes(out), "loop.pdf", ocr=False, limits=Limits(seconds=30))
    assert result.status == FAILED and result.reason


def test_a_reader_out_of_memory_is_recorded_not_raised() -> None:
    big = "Ủy ban nhân dân quận Tân Bình\n".encode() * 700_000  # 24 MB of text
    result = read_isolated(big, "big.txt", ocr=False, limits=Limits(memory_bytes=25 << 20))
    assert result.status == FAILED and result.reason.split(":")[0] in ("crashed", "too large")


def test_a_reader_over_its_time_is_stopped_and_recorded(samples: dict[str, generated.Sample]) -> None:
    result = read_isolated(samples["text-pdf"].data, "text.pdf", ocr=False, limits=Limits(seconds=0))
    assert result.status == FAILED and result.reason.startswith("timeout:")


def test_isolated_reading_gives_the_same_result(samples: dict[str, generated.Sample]) -> None:
    sample = samples["docx"]
    isolated = read_isolated(sample.data, sample.name, ocr=False)
    assert isolated.status == DONE and isolated.text == _read(sample).text and isolated.fields == _read(sample).fields


def _workbooks(sheets: int, rows: int, columns: int) -> dict[str, bytes]:
    """The same workbook (cell (r, c) of sheet s holding 'Ô s.r.c') as XLSX, written by openpyxl, and as XLS
    (Excel 97-2003), written by xlwt: writers other than the readers under test."""
    import openpyxl
    import xlwt

    modern, legacy = openpyxl.Workbook(), xlwt.Workbook(encoding="utf-8")
    modern.remove(modern.active)
    for sheet in range(sheets):
        new, old = modern.create_sheet(f"Bảng {sheet}"), legacy.add_sheet(f"Bảng {sheet}")
        for row in range(rows):
            new.append([f"Ô {sheet}.{row}.{column}" for column in range(columns)])
            for column in range(columns):
                old.write(row, column, f"Ô {sheet}.{row}.{column}")
    streams = {"xlsx": io.BytesIO(), "xls": io.BytesIO()}
    modern.save(streams["xlsx"])
    legacy.save(streams["xls"])
    return {kind: stream.getvalue() for kind, stream in streams.items()}


@pytest.mark.parametrize("kind", ("xlsx", "xls"))
def test_spreadsheets_past_their_limits_say_what_was_left_unread(kind: str) -> None:
    data = _workbooks(sheets=3, rows=10, columns=10)[kind]
    whole = read_document(data, f"bang.{kind}", limits=Limits())
    assert whole.status == DONE and not whole.warnings and len(whole.pages) == 3
    assert whole.pages[1].text.splitlines()[0] == "Bảng 1" and "Ô 1.9.9" in whole.pages[1].text

    # 150 cells: sheet 0 whole, half of sheet 1, none of sheet 2
    cut = read_document(data, f"bang.{kind}", limits=Limits(max_cells=150))
    assert cut.warnings == ["only the first 150 cells read (limit)"]
    assert [page.text.count("\n") for page in cut.pages] == [10, 5]  # the sheet's name, then its rows
    assert "Ô 1.4.9" in cut.pages[1].text and "Ô 1.5.0" not in cut.pages[1].text

    first = read_document(data, f"bang.{kind}", limits=Limits(max_pages=1))
    assert first.warnings == ["only the first 1 of 3 sheets read (limit)"] and len(first.pages) == 1
    assert first.page_count == 3


def test_an_opendocument_table_past_the_cell_limit_says_what_was_left_unread() -> None:
    table, text = "urn:oasis:names:tc:opendocument:xmlns:table:1.0", "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    rows = "".join(
        "<table:table-row>"
        + "".join(f"<table:table-cell><text:p>Ô {row}.{column}</text:p></table:table-cell>" for column in range(10))
        + "</table:table-row>"
        for row in range(10)
    )
    content = (
        f'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        f'xmlns:table="{table}" xmlns:text="{text}"><office:body><office:spreadsheet><table:table>{rows}'
        f"</table:table></office:spreadsheet></office:body></office:document-content>"
    ).encode()
    data = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": content})
    whole = read_document(data, "bang.ods", limits=Limits())
    assert whole.status == DONE and not whole.warnings and "Ô 9.9" in whole.pages[0].text
    cut = read_document(data, "bang.ods", limits=Limits(max_cells=55))  # five rows of ten, then the limit
    assert cut.warnings == ["only the first 55 cells read (limit)"]
    assert "Ô 4.9" in cut.pages[0].text and "Ô 5.0" not in cut.pages[0].text
