"""What reading one document gives: its text page by page, how it was obtained, its heading fields, or why not."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# status: what became of the document
DONE = "done"  # text read (possibly partially, see reason)
WAITING_OCR = "waiting_ocr"  # needs OCR and this machine has none: `dvscrape documents` completes it later
FAILED = "failed"  # could not be read: reason says why (encrypted, damaged, unsupported, too large, timeout)

# method: how the text was obtained
TEXT_LAYER = "text_layer"
LEGACY_FONT = "legacy_font"  # text layer typed in a TCVN3/VNI font, decoded to Unicode
OCR = "ocr"

OCR_MISSING_MESSAGE = (
    "needs OCR, but tesseract with its Vietnamese model is not installed: "
    "apt-get install tesseract-ocr tesseract-ocr-vie, then run `dvscrape documents`"
)


@dataclass
class Page:
    """One page (or sheet, for spreadsheets) of text, with how it was read and, for OCR, the mean word confidence."""

    number: int
    text: str
    method: str
    confidence: float | None = None


@dataclass
class DocumentResult:
    """The outcome of reading one document. text is the pages joined by form feeds (\\f) when pages exist."""

    kind: str
    status: str
    method: str = ""
    pages: list[Page] = field(default_factory=list)
    page_count: int = 0
    ocr_confidence: float | None = None
    reason: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\f\n".join(page.text for page in self.pages if page.text).strip()

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "text": self.text}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocumentResult:
        pages = [Page(**page) for page in data.get("pages", [])]
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data and name != "pages"}
        return cls(pages=pages, **known)


def failed(kind: str, reason: str) -> DocumentResult:
    """A document that could not be read, with the reason."""
    return DocumentResult(kind=kind, status=FAILED, reason=reason)
