"""Liferay media URLs and valid, deterministic files behind them (JPEG, PNG; attached documents from
replica/documents.py)."""

from __future__ import annotations

import io
import logging
import struct
import zipfile
import zlib
from urllib.parse import quote_plus

from dvscrape.replica.model import MediaFile

logger = logging.getLogger(__name__)

JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def document_path(group_id: int, folder_id: int, filename: str, uuid: str) -> str:
    """``/documents/<groupId>/<folderId>/<file name>/<uuid>`` with the file name encoded as Liferay does."""
    return f"/documents/{group_id}/{folder_id}/{quote_plus(filename)}/{uuid}"


def journal_image_path(image_id: int, cache_buster: int) -> str:
    """``/image/journal/article?img_id=…&t=…`` (images uploaded into the journal article itself)."""
    return f"/image/journal/article?img_id={image_id}&t={cache_buster}"


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">HH", 0xFF00 | marker, len(payload) + 2) + payload


def jpeg_bytes(width: int, height: int, comment: str) -> bytes:
    """A baseline greyscale JPEG of the given size: one flat grey, every 8x8 block coded in two bits."""
    jfif = _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    com = _segment(0xFE, comment.encode("utf-8")[:200])
    dqt = _segment(0xDB, b"\x00" + bytes([1] * 64))
    sof = _segment(0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00")
    one_code = bytes([1] + [0] * 15)  # a single code of length 1: "0"
    dht = _segment(0xC4, b"\x00" + one_code + b"\x00") + _segment(0xC4, b"\x10" + one_code + b"\x00")
    sos = _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    blocks = ((width + 7) // 8) * ((height + 7) // 8)
    bits = 2 * blocks  # DC difference 0, then end-of-block, per block: all zero bits
    data = bytearray(bits // 8)
    if bits % 8:
        data.append(0xFF >> (bits % 8))  # pad the last byte with one-bits
    return b"\xff\xd8" + jfif + com + dqt + sof + dht + sos + bytes(data) + b"\xff\xd9"


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_bytes(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    """An RGB PNG: a flat colour with a darker band across the middle."""
    light = bytes(colour) * width
    dark = bytes(channel // 2 for channel in colour) * width
    rows = b"".join(b"\x00" + (dark if height // 3 <= y < 2 * height // 3 else light) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(rows, 9))
        + _png_chunk(b"IEND", b"")
    )


def pdf_bytes(title: str) -> bytes:
    """A one-page PDF 1.4 whose page shows ``title`` (ASCII only; other characters become '?')."""
    text = title.encode("ascii", "replace").decode("ascii").replace("\\", "\\\\").replace("(", "\\(")
    text = text.replace(")", "\\)")
    stream = f"BT /F1 14 Tf 56 780 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
    return bytes(out)


def docx_bytes(title: str) -> bytes:
    """A minimal Word document (DOCX) with one paragraph; zip entries carry a fixed date so bytes are stable."""
    paragraph = title.replace("&", "&amp;").replace("<", "&lt;")
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>{paragraph}</w:t></w:r></w:p></w:body></w:document>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2023, 1, 1, 0, 0, 0)), content)
    return buffer.getvalue()


def file_bytes(media: MediaFile) -> bytes:
    """The bytes served for a media file, derived only from its record."""
    if media.content_type == JPEG:
        return jpeg_bytes(media.width or 640, media.height or 427, media.filename)
    if media.content_type == PNG:
        seed = zlib.crc32(media.key.encode())
        colour = (96 + seed % 128, 96 + (seed >> 8) % 128, 96 + (seed >> 16) % 128)
        return png_bytes(media.width or 320, media.height or 200, colour)
    if media.label:  # an attached document: a real one (replica/documents.py), or the minimal one without fonts
        from dvscrape.replica.documents import document_bytes

        try:
            data = document_bytes(media.key, media.filename, media.label, media.issued)
        except (ImportError, OSError) as error:
            logger.warning("serving a minimal %s instead of a real document: %s", media.filename, error)
        else:
            if data:
                return data
    if media.content_type == PDF:
        return pdf_bytes(media.filename)
    return docx_bytes(media.filename)
