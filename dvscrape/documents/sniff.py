"""Which kind of document some bytes are: by their magic numbers first, then the file name and media type."""

from __future__ import annotations

import io
import zipfile

KINDS = ("pdf", "docx", "odt", "xlsx", "ods", "doc", "xls", "rtf", "image", "text")

_EXTENSIONS = {
    "pdf": "pdf",
    "docx": "docx",
    "docm": "docx",
    "odt": "odt",
    "ods": "ods",
    "xlsx": "xlsx",
    "xlsm": "xlsx",
    "doc": "doc",
    "xls": "xls",
    "rtf": "rtf",
    "txt": "text",
    "png": "image",
    "jpg": "image",
    "jpeg": "image",
    "tif": "image",
    "tiff": "image",
    "gif": "image",
    "bmp": "image",
    "webp": "image",
}
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8", b"BM", b"RIFF")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def extension_kind(filename: str) -> str | None:
    """The kind a file name's extension promises, or None."""
    name = filename.lower().rsplit("/", 1)[-1]
    return None if "." not in name else _EXTENSIONS.get(name.rsplit(".", 1)[-1])


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100]
                if b"opendocument.text" in mimetype:
                    return "odt"
                if b"opendocument.spreadsheet" in mimetype:
                    return "ods"
            if any(name.startswith("word/") for name in names):
                return "docx"
            if any(name.startswith("xl/") for name in names):
                return "xlsx"
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
        return None
    return None


def _ole_kind(data: bytes, filename: str) -> str:
    # The stream names sit in the directory sectors as UTF-16: cheap to look for without parsing.
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    if "EncryptedPackage".encode("utf-16-le") in data:
        return "encrypted-ooxml"
    return extension_kind(filename) or "ole"


def sniff(data: bytes, filename: str = "", content_type: str = "") -> str:
    """The kind of document: one of KINDS, "encrypted-ooxml" (a password-protected Word/Excel file), "zip", "ole"
    or "unknown". Magic numbers decide; the name and media type only break ties (plain text)."""
    head = data[:16]
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data) or "zip"
    if head.startswith(_OLE_MAGIC):
        return _ole_kind(data, filename)
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(_IMAGE_MAGIC):
        if head.startswith(b"RIFF") and data[8:12] != b"WEBP":
            return "unknown"
        return "image"
    promised = extension_kind(filename)
    media = content_type.split(";")[0].strip().lower()
    if (promised == "text" or media == "text/plain") and b"\x00" not in data[:4096]:
        return "text"
    return "unknown"
