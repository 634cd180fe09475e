"""Real attached documents for the replica, made by writers dvscrape did not write: reportlab (text PDFs with a
Vietnamese-capable TrueType font, a two-column layout, a PDF typed in a TCVN3 font, an encrypted PDF), Pillow (scans:
rendered text, noise and a small rotation, wrapped as PDF), python-docx (DOCX, also one in the .VnTime font), openpyxl
(XLSX), and LibreOffice (.doc, .odt, .rtf: committed fixtures in replica/data/documents, converted once from the DOCX
of FIXTURE_SPEC). Everything is deterministic: the same document key gives the same bytes.

Each document has a DocumentSpec: the administrative document it renders (heading, body, table, signature), from
which the expected text and heading fields of the tests and bench/documents.py come.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from dvscrape.replica.document_spec import ENCRYPTED_PASSWORD, DocumentSpec, fixture_spec, spec_for, variant_of
from dvscrape.replica.document_writers import (
    columns_order,
    columns_pdf,
    damaged_pdf,
    docx_document,
    docx_order,
    fonts_available,
    scan_lines,
    scan_pdf,
    text_pdf,
    xlsx_document,
    xlsx_rows,
)


@cache
def fixture(extension: str) -> bytes | None:
    """A committed LibreOffice conversion (.doc, .odt, .rtf) of fixture_spec()'s DOCX, or None if absent."""
    try:
        return (resources.files("dvscrape.replica") / "data" / "documents" / f"ke-hoach-109{extension}").read_bytes()
    except (FileNotFoundError, OSError):
        return None


@cache
def document_bytes(key: str, filename: str, label: str = "", published: tuple[int, int, int] | None = None) -> bytes:
    """The bytes served for the attachment *key* named *filename*; None-free: without fonts, a plain PDF/DOCX."""
    extension = Path(filename).suffix.lower()
    variant = variant_of(key, ".pdf" if extension == ".pdf" else ".docx")
    spec = spec_for(key, label, published)
    if extension in (".doc", ".odt", ".rtf"):
        return fixture(extension) or b""
    if extension == ".xlsx":
        return xlsx_document(spec)
    if extension == ".docx":
        return docx_document(spec, vntime=variant == "docx-vntime")
    if not fonts_available() and variant not in ("tcvn3", "encrypted", "damaged"):
        raise FileNotFoundError("DejaVu fonts (Debian fonts-dejavu-core) are not installed")
    if variant == "columns":
        return columns_pdf(spec)
    if variant == "tcvn3":
        return text_pdf(spec, legacy=True)
    if variant in ("scan", "scan-noisy"):
        return scan_pdf(spec, noisy=variant == "scan-noisy")
    if variant == "encrypted":
        return text_pdf(spec, encrypt=ENCRYPTED_PASSWORD, legacy=not fonts_available())
    if variant == "damaged":
        return damaged_pdf(spec) if fonts_available() else text_pdf(spec, legacy=True)[:900] + bytes(64)
    return text_pdf(spec)


@dataclass(frozen=True)
class Sample:
    """One generated document with what a reader should get from it (for tests and the benchmark)."""

    name: str
    kind: str
    data: bytes
    spec: DocumentSpec
    expected_lines: list[str] = field(default_factory=list)
    reason: str = ""  # the failure expected ("encrypted", "damaged"), else ""


def samples(key: str = "sample") -> list[Sample]:
    """One document of every kind, from the spec of *key* (the LibreOffice ones from fixture_spec())."""
    spec = spec_for(key, "Kế hoạch số 109/KH-UBND", (2024, 3, 12))
    fixed = fixture_spec()
    out = [
        Sample("text.pdf", "text-pdf", text_pdf(spec), spec, spec.reading_order(pages=2)),
        Sample("columns.pdf", "columns-pdf", columns_pdf(spec), spec, columns_order(spec)),
        Sample("tcvn3.pdf", "legacy-pdf", text_pdf(spec, legacy=True), spec, spec.reading_order(pages=2)),
        Sample("scan.pdf", "scan-pdf", scan_pdf(spec), spec, scan_lines(spec)),
        Sample("scan-noisy.pdf", "scan-noisy-pdf", scan_pdf(spec, noisy=True), spec, scan_lines(spec)),
        Sample("ke-hoach.docx", "docx", docx_document(spec), spec, docx_order(spec)),
        Sample("vntime.docx", "legacy-docx", docx_document(spec, vntime=True), spec, docx_order(spec)),
        Sample("vni.docx", "legacy-vni-docx", docx_document(spec, vni=True), spec, docx_order(spec)),
        Sample(
            "danh-sach.xlsx", "xlsx", xlsx_document(spec), spec, ["Bảng 1", *("\t".join(r) for r in xlsx_rows(spec))]
        ),
        Sample("encrypted.pdf", "encrypted-pdf", text_pdf(spec, encrypt=ENCRYPTED_PASSWORD), spec, [], "encrypted"),
        Sample("damaged.pdf", "damaged-pdf", damaged_pdf(spec), spec, [], "damaged"),
    ]
    for extension in (".doc", ".odt", ".rtf"):
        data = fixture(extension)
        if data:
            out.append(Sample(f"ke-hoach{extension}", extension[1:], data, fixed, docx_order(fixed)))
    return out
