"""Real attached documents for the replica, made by writers dvscrape did not write: reportlab (text PDFs with a
Vietnamese-capable TrueType font, a two-column layout, a PDF typed in a TCVN3 font, an encrypted PDF), Pillow (scans:
rendered text, noise and a small rotation, wrapped as PDF), python-docx (DOCX, also one in the .VnTime font), openpyxl
(XLSX), and LibreOffice (.doc, .odt, .rtf: the replica's committed documents, converted once from the DOCX of
fixture_spec()). Everything is deterministic: the same document key gives the same bytes.

The replica serves them when asked (``--documents tests.replica_documents``, ``start_replica(documents=…)``): each
attachment then gets a document of its own, in the variant its uuid draws. Each document has a DocumentSpec: the
administrative document it renders (heading, body, table, signature), from which the expected text and heading fields
of the tests and bench/documents.py come. ``python -m tests.replica_documents`` writes the replica's committed PDF,
DOCX and XLSX from fixture_spec().
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from dvscrape.replica.documents import committed_document, variant_of
from dvscrape.replica.model import MediaFile
from tests.replica_documents.spec import ENCRYPTED_PASSWORD, DocumentSpec, fixture_spec, spec_for
from tests.replica_documents.writers import (
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

LIBREOFFICE_EXTENSIONS = (".doc", ".odt", ".rtf")


def document_bytes(media: MediaFile) -> bytes:
    """The document served for the attachment *media* (the replica's ``--documents`` maker)."""
    return _document_bytes(media.key, media.filename, media.label, media.issued)


@cache
def _document_bytes(key: str, filename: str, label: str, published: tuple[int, int, int] | None) -> bytes:
    extension = Path(filename).suffix.lower()
    variant = variant_of(key, ".pdf" if extension == ".pdf" else ".docx")
    spec = spec_for(key, label, published)
    if extension in LIBREOFFICE_EXTENSIONS:
        return committed_document(extension)
    if extension == ".xlsx":
        return xlsx_document(spec)
    if extension == ".docx":
        return docx_document(spec, vntime=variant == "docx-vntime")
    if not fonts_available() and variant not in ("tcvn3", "encrypted", "damaged"):
        return committed_document(extension)  # without DejaVu (Debian fonts-dejavu-core): the committed PDF
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


def committed_documents() -> dict[str, bytes]:
    """The replica's committed PDF, DOCX and XLSX, as the writers make them from fixture_spec()."""
    spec = fixture_spec()
    return {".pdf": text_pdf(spec), ".docx": docx_document(spec), ".xlsx": xlsx_document(spec)}


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
    out += [
        Sample(f"ke-hoach{ext}", ext[1:], committed_document(ext), fixed, docx_order(fixed))
        for ext in LIBREOFFICE_EXTENSIONS
    ]
    return out
