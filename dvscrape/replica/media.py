"""Liferay media URLs and valid, deterministic files behind them (JPEG, PNG; attached documents from
replica/documents.py)."""

from __future__ import annotations

import struct
import zlib
from pathlib import PurePosixPath
from urllib.parse import quote_plus

from dvscrape.replica.documents import DocumentMaker, committed_document
from dvscrape.replica.model import MediaFile

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


def file_bytes(media: MediaFile, documents: DocumentMaker | None = None) -> bytes:
    """The bytes served for a media file: an image derived from its record, or an attached document, made by
    *documents* when given, else the committed one of its file type."""
    if media.content_type == JPEG:
        return jpeg_bytes(media.width or 640, media.height or 427, media.filename)
    if media.content_type == PNG:
        seed = zlib.crc32(media.key.encode())
        colour = (96 + seed % 128, 96 + (seed >> 8) % 128, 96 + (seed >> 16) % 128)
        return png_bytes(media.width or 320, media.height or 200, colour)
    if documents is not None:
        return documents(media)
    return committed_document(PurePosixPath(media.filename).suffix.lower())
