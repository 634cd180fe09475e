"""Text read from a document, through dvscrape.text: legacy fonts decoded, NFC, whitespace; tab-separated table
cells and line structure kept."""

from __future__ import annotations

import re

from dvscrape.documents.model import DONE, LEGACY_FONT, TEXT_LAYER, DocumentResult, Page
from dvscrape.text import detect_legacy, from_legacy, normalize

_BLANKS = re.compile(r"\n{3,}")
# Windows-1252 puts printable characters at 0x80-0x9F where Latin-1 has controls; a legacy font's text layer or a
# Word file in a .VnTime font gives them for the bytes of those codes. Mapping them back to the Latin-1 character of
# the same byte lets dvscrape.text read the bytes as TCVN3/VNI.
_CP1252_TO_BYTE = {ord(bytes([code]).decode("cp1252", "replace")): chr(code) for code in range(0x80, 0xA0)}
_CP1252_TO_BYTE.pop(0xFFFD, None)


def bytes_view(text: str) -> str:
    """text with Windows-1252 characters of 0x80-0x9F replaced by the Latin-1 character of the same byte."""
    return text.translate(_CP1252_TO_BYTE)


def is_legacy(text: str) -> bool:
    """Whether text reads as TCVN3 or VNI (a legacy Vietnamese font's bytes shown as Latin-1)."""
    return detect_legacy(bytes_view(text)) in ("tcvn3", "vni")


def one_page(kind: str, lines: list[str] | str, *, legacy: bool = False) -> DocumentResult:
    """A document read as one page of *lines* (or a text), typed in a legacy font when *legacy* or when it reads as
    one."""
    raw = lines if isinstance(lines, str) else "\n".join(lines)
    method = LEGACY_FONT if legacy or (not raw.isascii() and is_legacy(raw)) else TEXT_LAYER
    return DocumentResult(kind, DONE, method, [Page(1, clean_text(lines), method)], page_count=1)


def clean_line(line: str, legacy: str | None = None) -> str:
    """One line through dvscrape.text: table cells (tab-separated) normalised one by one. With legacy ("tcvn3" or
    "vni", from the font's name), the line is decoded from that encoding first."""
    cells = line.split("\t")
    out = []
    for cell in cells:
        if legacy:
            cell = from_legacy(bytes_view(cell), legacy)  # type: ignore[arg-type]
        elif not cell.isascii():
            cell = bytes_view(cell) if is_legacy(cell) else cell
        out.append(normalize(cell.replace("\f", " ")))
    return "\t".join(out).rstrip("\t") if len(cells) > 1 else out[0]


def clean_text(lines: list[str] | str, legacy: str | None = None) -> str:
    """Lines (or a text) through clean_line, joined by line ends, at most one blank line in a row."""
    if isinstance(lines, str):
        lines = lines.split("\n")
    text = "\n".join(clean_line(line, legacy) for line in lines)
    return _BLANKS.sub("\n\n", text).strip()


def legacy_page_encoding(text: str) -> str | None:
    """ "tcvn3" or "vni" when a whole page is typed in a legacy font (it reads as one and holds no character beyond
    Latin-1, so decoding every line cannot harm Unicode text), else None."""
    view = bytes_view(text)
    if text.isascii() or any(ord(char) > 0xFF for char in view):
        return None
    encoding = detect_legacy(view)
    return encoding if encoding in ("tcvn3", "vni") else None


_SOFT_HYPHEN_SHOWN = re.compile(r"(?<=[^\W\d_]|[\xa0-\xff])-(?=[a-z\xa0-\xff]|[\s,.;:]|$)", re.MULTILINE)


def restore_soft_hyphens(text: str) -> str:
    """TCVN3 types ư as byte 0xAD, the soft hyphen, which PDF text extraction turns into '-': put it back where a
    hyphen sits inside or at the end of a word ('tr-êng' → 'tr\xadêng'), never between spaces or before a capital
    ('KH-UBND' stays)."""
    return _SOFT_HYPHEN_SHOWN.sub("\xad", text)


def font_legacy_encoding(font_name: str) -> str | None:
    """The legacy encoding a font's name announces: .VnTime, .VnArial, VnTimes → tcvn3; VNI-Times → vni."""
    name = font_name.split("+")[-1].lower().lstrip(".")
    if name.startswith("vni-") or name.startswith("vni "):
        return "vni"
    if name.startswith("vn") and not name.startswith("vni"):
        return "tcvn3"
    return None
