"""The writers of the replica's documents: reportlab PDFs (text, two columns, TCVN3 font, encrypted, damaged), Pillow
scans wrapped as PDF, python-docx DOCX (also in the .VnTime and VNI-Times fonts) and openpyxl XLSX. Each renders a
DocumentSpec (spec.py) and gives the same bytes for the same spec."""

from __future__ import annotations

import io
import random
import unicodedata
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

from tests.replica_documents.spec import DocumentSpec

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
PAGE_W, PAGE_H = 595.0, 842.0


@cache
def font_path(bold: bool = False) -> Path | None:
    """DejaVu Serif (Debian's fonts-dejavu-core), or None when it is not installed."""
    name = "DejaVuSerif-Bold.ttf" if bold else "DejaVuSerif.ttf"
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    return None


def fonts_available() -> bool:
    return font_path() is not None and font_path(True) is not None


@cache
def _register_fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("DocSerif", str(font_path())))
    pdfmetrics.registerFont(TTFont("DocSerif-Bold", str(font_path(True))))
    return "DocSerif", "DocSerif-Bold"


# --- TCVN3 (the writer of old .VnTime documents) -----------------------------------------------------------------


@cache
def _tcvn3_table() -> dict[str, str]:
    from dvscrape.text.legacy_tables import tcvn3_decoding

    table = {letter: chr(code) for code, letter in tcvn3_decoding().items()}
    # Capitals with tone marks have no TCVN3 code: .VnTimeH shows the lower-case codes as capitals.
    for letter, byte in list(table.items()):
        upper = letter.upper()
        if upper != letter and upper not in table:
            table[upper] = byte
    return table


def to_tcvn3(text: str) -> str:
    """Unicode Vietnamese as TCVN3 bytes shown as Latin-1 characters (what a .VnTime font's text layer holds)."""
    table = _tcvn3_table()
    return "".join(table.get(char, char) for char in unicodedata.normalize("NFC", text))


@cache
def _vni_table() -> dict[str, str]:
    from dvscrape.text.legacy_tables import vni_decoding

    table: dict[str, str] = {}
    for sequence, letter in vni_decoding().items():
        # the first spelling listed (VNI-Windows' own, lower-case marks after a lower-case letter) wins
        if letter not in table and (sequence[0].islower() == sequence[-1].islower() or not sequence[0].isalpha()):
            table[letter] = sequence
    return table


def to_vni(text: str) -> str:
    """Unicode Vietnamese as VNI-Windows bytes shown as Latin-1 characters (a VNI-Times document's text)."""
    table = _vni_table()
    return "".join(table.get(char, char) for char in unicodedata.normalize("NFC", text))


# --- PDF with reportlab --------------------------------------------------------------------------------------------


class _Pdf:
    def __init__(self, encrypt: str | None = None, legacy: bool = False) -> None:
        from reportlab.pdfgen import canvas

        self.buffer = io.BytesIO()
        self.canvas = canvas.Canvas(self.buffer, pagesize=(PAGE_W, PAGE_H), invariant=1, encrypt=encrypt)
        self.legacy = legacy
        if legacy:
            self.regular, self.bold = "Times-Roman", "Times-Bold"
        else:
            self.regular, self.bold = _register_fonts()

    def text(self, x: float, y: float, text: str, size: float = 12, bold: bool = False, align: str = "left") -> None:
        font = self.bold if bold else self.regular
        shown = to_tcvn3(text) if self.legacy else text
        self.canvas.setFont(font, size)
        if align == "centre":
            self.canvas.drawCentredString(x, y, shown)
        else:
            self.canvas.drawString(x, y, shown)

    def wrap(self, text: str, width: float, size: float = 12) -> list[str]:
        from reportlab.lib.utils import simpleSplit

        return simpleSplit(text, self.regular, size, width)

    def page(self) -> None:
        self.canvas.showPage()

    def bytes(self) -> bytes:
        self.canvas.save()
        return self.buffer.getvalue()


def _heading(pdf: _Pdf, spec: DocumentSpec, top: float) -> float:
    left, right = 165.0, 420.0
    y = top
    for line in spec.issuer:
        pdf.text(left, y, line, 11, bold=line == spec.issuer[-1], align="centre")
        y -= 15
    pdf.text(left, y - 6, spec.number_line, 11, align="centre")
    y2 = top
    for line in spec.motto:
        pdf.text(right, y2, line, 11, bold=True, align="centre")
        y2 -= 15
    pdf.text(right, y - 6, spec.date_line, 11, align="centre")
    y = y - 48
    pdf.text(PAGE_W / 2, y, spec.type_word, 13, bold=True, align="centre")
    y -= 17
    for line in pdf.wrap(spec.subject, 400, 12):
        pdf.text(PAGE_W / 2, y, line, 12, bold=True, align="centre")
        y -= 15
    return y - 14


def _signature(pdf: _Pdf, spec: DocumentSpec, top: float) -> None:
    y = top
    for line in spec.recipients:
        pdf.text(60, y, line, 10)
        y -= 13
    y = top
    for line in spec.signer_titles:
        pdf.text(420, y, line, 11, bold=True, align="centre")
        y -= 14
    pdf.text(420, y - 36, spec.signer, 11, bold=True, align="centre")


def _table(pdf: _Pdf, spec: DocumentSpec, top: float) -> float:
    columns = (60.0, 110.0, 290.0, 440.0)
    y = top
    for row in spec.table:
        for x, cell in zip(columns, row, strict=True):
            pdf.text(x, y, cell, 10.5, bold=row is spec.table[0])
        y -= 18
    return y - 20


def text_pdf(spec: DocumentSpec, *, encrypt: str | None = None, legacy: bool = False) -> bytes:
    """Two pages: heading and body, then the table and the signature; a running header and a page footer."""
    pdf = _Pdf(encrypt=encrypt, legacy=legacy)
    for number in (1, 2):
        pdf.text(PAGE_W - 60 - 200, PAGE_H - 30, spec.running_header, 8)
        pdf.text(PAGE_W / 2, 30, f"Trang {number}/2", 9, align="centre")
        if number == 1:
            y = _heading(pdf, spec, PAGE_H - 70)
            for paragraph in spec.paragraphs:
                for line in pdf.wrap(paragraph, PAGE_W - 120, 12):
                    pdf.text(60, y, line, 12)
                    y -= 15
                y -= 8
        else:
            y = _table(pdf, spec, PAGE_H - 80)
            _signature(pdf, spec, y)
        pdf.page()
    return pdf.bytes()


def columns_pdf(spec: DocumentSpec) -> bytes:
    """One page whose body runs in two columns: the first half of the paragraphs left, the rest right."""
    pdf = _Pdf()
    y = _heading(pdf, spec, PAGE_H - 60)
    half = (len(spec.paragraphs) + 1) // 2
    for x, paragraphs in ((60.0, spec.paragraphs[:half]), (310.0, spec.paragraphs[half:])):
        line_y = y
        for paragraph in paragraphs:
            for line in pdf.wrap(paragraph, 225, 11):
                pdf.text(x, line_y, line, 11)
                line_y -= 14
            line_y -= 8
    y -= 14 * 12 + 40
    y = _table(pdf, spec, y)
    _signature(pdf, spec, y)
    pdf.page()
    return pdf.bytes()


def columns_order(spec: DocumentSpec) -> list[str]:
    lines = [*spec.issuer, spec.number_line, *spec.motto, spec.date_line, spec.type_word, spec.subject]
    return lines + list(spec.paragraphs) + spec.table_lines() + [*spec.recipients, *spec.signer_titles, spec.signer]


# --- scans with Pillow ---------------------------------------------------------------------------------------------


def scan_lines(spec: DocumentSpec) -> list[str]:
    """What a scanned page shows: the heading, the subject and the body (a one-page letter)."""
    return [
        *spec.issuer,
        spec.number_line,
        spec.date_line,
        spec.type_word,
        spec.subject,
        *spec.paragraphs[:2],
        *spec.signer_titles,
        spec.signer,
    ]


def scan_image(spec: DocumentSpec, *, noisy: bool = False, dpi: int = 300, angle: float | None = None) -> Any:
    """A greyscale page image at *dpi* (A5): the scan_lines text in DejaVu Serif, wrapped; slightly rotated, and with
    speckle noise and a grey cast when *noisy*."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    rng = random.Random("dvscrape-replica-scan:" + spec.number + str(noisy))
    width, height = int(5.83 * dpi), int(8.27 * dpi)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    size = int(11 / 72 * dpi)
    font = ImageFont.truetype(str(font_path()), size)
    margin = int(0.6 * dpi)
    y = margin
    for line in scan_lines(spec):
        words = line.split()
        current = ""
        for word in words:
            candidate = f"{current} {word}".strip()
            if draw.textlength(candidate, font=font) > width - 2 * margin and current:
                draw.text((margin, y), current, font=font, fill=20)
                y += int(size * 1.5)
                current = word
            else:
                current = candidate
        draw.text((margin, y), current, font=font, fill=20)
        y += int(size * 1.9)
    if angle is None:
        angle = rng.uniform(-1.5, 1.5) if noisy else rng.uniform(-0.8, 0.8)
    page = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    if noisy:
        import numpy as np

        generator = np.random.default_rng(rng.randint(0, 2**31))
        pixels = np.asarray(page, dtype=np.float64)
        pixels = pixels - 35 + generator.normal(0, 30, pixels.shape)
        speckles = generator.random(pixels.shape) < 0.004
        pixels[speckles] = 0
        page = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(1.0))
    return page


def scan_pdf(spec: DocumentSpec, *, noisy: bool = False) -> bytes:
    """The scan wrapped as a one-page PDF by Pillow's PDF writer (JPEG inside, as scanners make them)."""
    buffer = io.BytesIO()
    scan_image(spec, noisy=noisy).save(buffer, format="PDF", resolution=300, quality=55 if noisy else 80)
    return buffer.getvalue()


def damaged_pdf(spec: DocumentSpec) -> bytes:
    """A PDF cut off after its first kilobyte and padded with zeros, as a broken upload leaves one."""
    whole = text_pdf(spec)
    return whole[:1024] + bytes(2048) + b"\n%%EOF\n"


# --- office formats ------------------------------------------------------------------------------------------------


def _stable_zip(data: bytes) -> bytes:
    """A zip rewritten with fixed member dates (python-docx and openpyxl stamp the time of writing)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info))
    return out.getvalue()


def docx_document(spec: DocumentSpec, *, vntime: bool = False, vni: bool = False) -> bytes:
    """A Word document by python-docx: the heading and the signature in borderless two-cell tables, as offices lay
    them out, a table of tasks. vntime: typed in the .VnTime font (TCVN3 bytes), as before Unicode."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = ".VnTime" if vntime else "VNI-Times" if vni else "Times New Roman"
    style.font.size = Pt(13)
    shown = to_tcvn3 if vntime else to_vni if vni else (lambda text: text)
    document.core_properties.author = "Van thu"
    from datetime import datetime

    document.core_properties.created = datetime(2024, 1, 1)
    document.core_properties.modified = datetime(2024, 1, 1)
    document.core_properties.last_modified_by = "Van thu"
    document.core_properties.revision = 1

    def cell_lines(cell: Any, lines: list[str]) -> None:
        cell.paragraphs[0].text = shown(lines[0])
        for line in lines[1:]:
            cell.add_paragraph(shown(line))

    head = document.add_table(rows=1, cols=2)
    cell_lines(head.rows[0].cells[0], [*spec.issuer, spec.number_line])
    cell_lines(head.rows[0].cells[1], [*spec.motto, spec.date_line])
    document.add_paragraph(shown(spec.type_word))
    document.add_paragraph(shown(spec.subject))
    for paragraph in spec.paragraphs:
        document.add_paragraph(shown(paragraph))
    table = document.add_table(rows=0, cols=len(spec.table[0]))
    for row in spec.table:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = shown(value)
    sign = document.add_table(rows=1, cols=2)
    cell_lines(sign.rows[0].cells[0], list(spec.recipients))
    cell_lines(sign.rows[0].cells[1], [*spec.signer_titles, spec.signer])
    buffer = io.BytesIO()
    document.save(buffer)
    return _stable_zip(buffer.getvalue())


def docx_order(spec: DocumentSpec) -> list[str]:
    """What a reader of the DOCX reads: a table row's cells joined by tabs (a cell's paragraphs by spaces)."""
    return [
        " ".join([*spec.issuer, spec.number_line]) + "\t" + " ".join([*spec.motto, spec.date_line]),
        spec.type_word,
        spec.subject,
        *spec.paragraphs,
        *spec.table_lines(),
        " ".join(spec.recipients) + "\t" + " ".join([*spec.signer_titles, spec.signer]),
    ]


def xlsx_document(spec: DocumentSpec) -> bytes:
    """A spreadsheet by openpyxl: the list of tasks, with the document's heading in the first rows."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Bảng 1"
    for row in xlsx_rows(spec):
        sheet.append(list(row))
    from datetime import datetime

    workbook.properties.created = datetime(2024, 1, 1)
    workbook.properties.modified = datetime(2024, 1, 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _stable_zip(buffer.getvalue())


def xlsx_rows(spec: DocumentSpec) -> list[tuple[str, ...]]:
    return [
        (" ".join(spec.issuer), "", spec.motto[0]),
        (spec.number_line, "", spec.date_line),
        ("DANH SÁCH",),
        (spec.subject,),
        *spec.table,
    ]
