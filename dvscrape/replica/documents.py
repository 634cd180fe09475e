"""The replica's attached documents: the file type of each attachment, drawn from its uuid, and the bytes served.

Every attachment is served as the committed document of its file type (``data/documents/ke-hoach-109.<ext>``: one
administrative document, "Kế hoạch số 109/KH-UBND", as PDF, DOCX and XLSX, and as .doc, .odt and .rtf converted from
that DOCX by LibreOffice). ``--documents MODULE`` serves what ``MODULE.document_bytes(media)`` makes instead: the
tests ask for ``tests.replica_documents``, which renders a different document for each attachment, in the variant
its uuid draws (two columns, legacy fonts, scans, encrypted, damaged…), with writers dvscrape did not write.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from functools import cache
from importlib import resources

from dvscrape.errors import ConfigurationError
from dvscrape.replica.model import MediaFile

PDF_VARIANTS = ("text", "text", "text", "text", "columns", "tcvn3", "scan", "scan-noisy", "encrypted", "damaged")
OFFICE_VARIANTS = ("docx", "docx", "docx", "docx-vntime", "doc", "doc", "xlsx", "xlsx", "odt", "rtf")
EXTENSIONS = {"docx": ".docx", "docx-vntime": ".docx", "doc": ".doc", "xlsx": ".xlsx", "odt": ".odt", "rtf": ".rtf"}
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".rtf": "application/rtf",
}
COMMITTED_NAME = "ke-hoach-109"

DocumentMaker = Callable[[MediaFile], bytes]
"""Makes the bytes of one attached document from its media record."""


def variant_of(key: str, extension: str) -> str:
    """Which kind of document an attachment with this uuid is: drawn from the uuid alone, so stable across editions."""
    digest = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16)
    variants = PDF_VARIANTS if extension == ".pdf" else OFFICE_VARIANTS
    return variants[digest % len(variants)]


@cache
def committed_document(extension: str) -> bytes:
    """The committed document of a file type (``.pdf``, ``.docx``, ``.xlsx``, ``.doc``, ``.odt``, ``.rtf``)."""
    return (resources.files("dvscrape.replica") / "data" / "documents" / f"{COMMITTED_NAME}{extension}").read_bytes()


def document_maker(module: str) -> DocumentMaker:
    """``document_bytes`` of the module named *module*; ConfigurationError when it cannot be imported or has none."""
    try:
        maker: DocumentMaker = importlib.import_module(module).document_bytes
    except (ImportError, AttributeError) as error:
        raise ConfigurationError(f"no document maker in {module!r}: {error}") from error
    return maker
