"""Word processor and spreadsheet files: DOCX (python-docx), ODT/ODS (their XML, read with lxml), XLSX (openpyxl),
XLS (xlrd), RTF (striprtf), plain text. Tables come out as rows with tab-separated cells; text runs typed in a legacy
Vietnamese font (.VnTime, VNI-Times…) are decoded by that font's encoding."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from dvscrape.documents.limits import Limits
from dvscrape.documents.model import DONE, LEGACY_FONT, TEXT_LAYER, DocumentResult, Page, failed
from dvscrape.documents.textpass import clean_line, clean_text, font_legacy_encoding, is_legacy, one_page

T = TypeVar("T")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE_NS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE_NS = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def check_zip(data: bytes, kind: str, limits: Limits) -> str:
    """ "" when a zip container is safe to open, else the reason (damaged, too large once unpacked: a zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        return f"damaged: not a readable {kind.upper()} (zip) file ({error})"
    total = sum(info.file_size for info in infos)
    if total > limits.max_unpacked_bytes:
        return (
            f"too large: the {kind.upper()} unpacks to {total} bytes (limit {limits.max_unpacked_bytes}; a zip bomb?)"
        )
    for info in infos:
        if info.flag_bits & 0x1:
            return f"encrypted: the {kind.upper()} has encrypted members"
    return ""


def _macro_warning(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if any(name.lower().endswith("vbaproject.bin") for name in archive.namelist()):
            return ["contains macros (recorded, never run)"]
    return []


# --- DOCX ----------------------------------------------------------------------------------------------------------


def _run_font(run: Any, default: str) -> str:
    fonts = run.find(f"{W}rPr/{W}rFonts")
    if fonts is not None:
        for attribute in ("ascii", "hAnsi", "cs"):
            value = fonts.get(f"{W}{attribute}")
            if value:
                return str(value)
    return default


def _style_fonts(document: Any) -> tuple[str, dict[str, str]]:
    """The document's default font and each paragraph style's font."""
    default = ""
    by_style: dict[str, str] = {}
    try:
        styles = document.styles.element
    except (AttributeError, KeyError, ValueError):
        return default, by_style
    fonts = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    if fonts is not None:
        default = fonts.get(f"{W}ascii") or fonts.get(f"{W}hAnsi") or ""
    for style in styles.findall(f"{W}style"):
        fonts = style.find(f"{W}rPr/{W}rFonts")
        if fonts is not None:
            name = fonts.get(f"{W}ascii") or fonts.get(f"{W}hAnsi")
            if name:
                by_style[style.get(f"{W}styleId")] = name
    return by_style.get("Normal", default) or default, by_style


class _DocxText:
    def __init__(self, default_font: str, style_fonts: dict[str, str]) -> None:
        self.default_font = default_font
        self.style_fonts = style_fonts
        self.legacy = False

    def paragraph(self, element: Any) -> str:
        style = element.find(f"{W}pPr/{W}pStyle")
        font = self.style_fonts.get(style.get(f"{W}val"), self.default_font) if style is not None else self.default_font
        pieces: list[str] = []
        for run in element.iter(f"{W}r"):
            run_text = "".join(
                "\t" if node.tag == f"{W}tab" else "\n" if node.tag in (f"{W}br", f"{W}cr") else (node.text or "")
                for node in run
                if node.tag in (f"{W}t", f"{W}tab", f"{W}br", f"{W}cr")
            )
            encoding = font_legacy_encoding(_run_font(run, font))
            if encoding and run_text:
                self.legacy = True
                run_text = clean_line(run_text, encoding)
            pieces.append(run_text)
        return "".join(pieces).replace("\t", " ")

    def table(self, element: Any) -> list[str]:
        rows: list[str] = []
        for row in element.iter(f"{W}tr"):
            cells = [" ".join(self.paragraph(p) for p in cell.iter(f"{W}p")).strip() for cell in row.findall(f"{W}tc")]
            rows.append("\t".join(cells))
        return rows

    def body(self, container: Any) -> list[str]:
        lines: list[str] = []
        for child in container:
            if child.tag == f"{W}p":
                lines.append(self.paragraph(child))
            elif child.tag == f"{W}tbl":
                lines.extend(self.table(child))
            elif child.tag == f"{W}sdt":
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    lines.extend(self.body(content))
        return lines


def _opened(
    data: bytes, kind: str, limits: Limits, library: str, opener: Callable[[io.BytesIO], T]
) -> T | DocumentResult:
    """A zipped Office package as *library*'s *opener* reads it, or the failure that says why it cannot be read: too
    large once unpacked (check_zip) or damaged."""
    reason = check_zip(data, kind, limits)
    if reason:
        return failed(kind, reason)
    try:
        return opener(io.BytesIO(data))
    except Exception as error:  # the libraries raise many kinds on malformed packages
        return failed(kind, f"damaged: {library} cannot open it ({type(error).__name__}: {error})")


def read_docx(data: bytes, limits: Limits) -> DocumentResult:
    """A Word 2007+ document: headers once, body paragraphs and tables in order, footers once."""
    import docx

    document = _opened(data, "docx", limits, "python-docx", docx.Document)
    if isinstance(document, DocumentResult):
        return document
    reader = _DocxText(*_style_fonts(document))
    lines: list[str] = []
    seen: set[str] = set()

    def once(parts: Iterable[Any]) -> None:
        """The paragraphs of every section's header (or footer), each text once."""
        for part in parts:
            for paragraph in part.paragraphs:
                text = reader.paragraph(paragraph._element)
                if text.strip() and text not in seen:
                    seen.add(text)
                    lines.append(text)

    once(section.header for section in document.sections)
    lines.extend(reader.body(document.element.body))
    once(section.footer for section in document.sections)
    result = one_page("docx", lines, legacy=reader.legacy)
    result.warnings += _macro_warning(data)
    return result


# --- ODT / ODS -----------------------------------------------------------------------------------------------------


def _odf_text(element: Any) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == f"{TEXT_NS}s":
            parts.append(" " * int(child.get(f"{TEXT_NS}c", "1")))
        elif child.tag == f"{TEXT_NS}tab":
            parts.append(" ")
        elif child.tag == f"{TEXT_NS}line-break":
            parts.append("\n")
        else:
            parts.append(_odf_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _odf_lines(element: Any, max_cells: int) -> Iterator[tuple[str, int]]:
    """Paragraphs and headings (with 0 cells) and non-blank table rows (with their cells, at most *max_cells* a row:
    a repeated column counts each time it shows, up to 50) of *element*, in document order."""
    for child in element:
        if child.tag in (f"{TEXT_NS}p", f"{TEXT_NS}h"):
            yield _odf_text(child), 0
        elif child.tag == f"{TABLE_NS}table":
            for row in child.iter(f"{TABLE_NS}table-row"):
                cells = []
                for cell in row.findall(f"{TABLE_NS}table-cell"):
                    text = " ".join(_odf_text(p) for p in cell.iter(f"{TEXT_NS}p"))
                    repeat = min(int(cell.get(f"{TABLE_NS}number-columns-repeated", "1")), 50)
                    cells.extend([text] * (repeat if text else 1))
                    if len(cells) > max_cells:
                        break
                row_text = "\t".join(cells).rstrip("\t")
                if row_text.strip():
                    yield row_text, len(cells)
        else:
            yield from _odf_lines(child, max_cells)


def read_odf(data: bytes, kind: str, limits: Limits) -> DocumentResult:
    """An OpenDocument text or spreadsheet: paragraphs, headings and table rows of content.xml in order."""
    reason = check_zip(data, kind, limits)
    if reason:
        return failed(kind, reason)
    from lxml import etree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            content = archive.read("content.xml")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.fromstring(content, parser)
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError) as error:
        return failed(kind, f"damaged: no readable content.xml ({error})")
    body = root.find(f"{OFFICE_NS}body")
    lines, budget = [], limits.max_cells
    for line, cells in _odf_lines(body if body is not None else root, limits.max_cells):
        budget -= cells
        if budget < 0:
            break
        lines.append(line)
    result = one_page(kind, lines)
    if budget < 0:  # as the spreadsheets say it
        result.warnings.append(f"only the first {limits.max_cells} cells read (limit)")
    return result


# --- spreadsheets --------------------------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\t", " ").replace("\n", " ")


def _sheet_pages(kind: str, sheets: Sequence[tuple[str, Iterable[Sequence[Any]]]], limits: Limits) -> DocumentResult:
    """One page per sheet (*sheets*: name and rows), its name first, then the rows with cells separated by tabs;
    past limits.max_pages sheets or limits.max_cells cells the rest is left unread, with a warning saying so."""
    result = DocumentResult(kind, DONE, TEXT_LAYER, page_count=len(sheets))
    budget = limits.max_cells
    for number, (name, rows) in enumerate(sheets[: limits.max_pages], start=1):
        lines = [name] if name else []
        for row in rows:
            budget -= len(row)
            if budget < 0:
                break
            cells = [_cell(value) for value in row]
            while cells and not cells[-1]:
                cells.pop()
            if any(cells):
                lines.append("\t".join(cells))
        raw = "\n".join(lines)
        method = LEGACY_FONT if not raw.isascii() and is_legacy(raw) else TEXT_LAYER
        result.pages.append(Page(number, clean_text(lines), method))
        if budget < 0:
            result.warnings.append(f"only the first {limits.max_cells} cells read (limit)")
            break
    if len(sheets) > len(result.pages) and budget >= 0:
        result.warnings.append(f"only the first {len(result.pages)} of {len(sheets)} sheets read (limit)")
    result.method = LEGACY_FONT if any(page.method == LEGACY_FONT for page in result.pages) else TEXT_LAYER
    return result


def read_xlsx(data: bytes, limits: Limits) -> DocumentResult:
    """An Excel 2007+ workbook: one page per sheet (see _sheet_pages)."""
    import openpyxl

    def load(stream: io.BytesIO) -> Any:
        return openpyxl.load_workbook(stream, read_only=True, data_only=True)

    workbook = _opened(data, "xlsx", limits, "openpyxl", load)
    if isinstance(workbook, DocumentResult):
        return workbook
    try:
        sheets = [(sheet.title, sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets]
        result = _sheet_pages("xlsx", sheets, limits)
    finally:
        workbook.close()
    result.warnings += _macro_warning(data)
    return result


def read_xls(data: bytes, limits: Limits) -> DocumentResult:
    """An Excel 97-2003 workbook (xlrd): one page per sheet (see _sheet_pages)."""
    import xlrd

    try:
        workbook = xlrd.open_workbook(file_contents=data, on_demand=True)
    except xlrd.XLRDError as error:
        if "encrypt" in str(error).lower():
            return failed("xls", "encrypted: the workbook is password-protected")
        return failed("xls", f"damaged: xlrd cannot read it ({error})")
    except Exception as error:  # xlrd raises assorted errors on malformed files
        return failed("xls", f"damaged: xlrd cannot read it ({type(error).__name__}: {error})")

    def rows(index: int) -> Iterator[list[Any]]:  # a generator: a sheet past the limits is never loaded
        sheet = workbook.sheet_by_index(index)
        yield from (sheet.row_values(row_index) for row_index in range(sheet.nrows))

    sheets = [(name, rows(index)) for index, name in enumerate(workbook.sheet_names())]
    return _sheet_pages("xls", sheets, limits)


# --- RTF and plain text --------------------------------------------------------------------------------------------


def read_rtf(data: bytes, limits: Limits) -> DocumentResult:
    """Rich Text Format (striprtf); \\'hh escapes read as Windows-1252 bytes, so legacy-font text is decoded too."""
    from striprtf.striprtf import rtf_to_text

    source = re.sub(r"\\cell(?![a-z])", r"\\tab ", data.decode("latin-1"))  # table cells → tabs
    try:
        text = rtf_to_text(source, encoding="cp1252", errors="replace")
    except Exception as error:  # striprtf raises assorted errors on malformed input
        return failed("rtf", f"damaged: striprtf cannot read it ({type(error).__name__}: {error})")
    return one_page("rtf", text)


def read_plain(data: bytes) -> DocumentResult:
    """Plain text: UTF-8, else Windows-1258/1252 as dvscrape.text would read a page."""
    from dvscrape.text import decode_html

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = decode_html(data, None)
    return one_page("text", text)
