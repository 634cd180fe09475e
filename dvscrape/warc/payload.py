"""An archived HTTP body as Scrapy hands it to a spider: its chunked transfer coding and Content-Encoding undone;
and the charset its Content-Type header declares.

The WARC record keeps the body as it came over the wire; Scrapy decodes gzip, deflate, br and zstd bodies before a
spider sees them. Every reader of an archived body (the rebuild, the spiders reading archived listings and sitemaps,
``extract``, ``show --raw --decode``, the titles of ``dvscrape replay``'s pages) undoes the codings here.
"""

from __future__ import annotations

import re
import zlib

from dvscrape.errors import PayloadDecodingError
from dvscrape.warc.reader import WarcRecord

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)


def decode_content(payload: bytes, content_encoding: str) -> bytes:
    """*payload* with *content_encoding* undone (a Content-Encoding header value: one coding or a comma-separated
    list, applied in order, so undone in reverse). Raises PayloadDecodingError for an unknown coding or bad data."""
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
    for coding in reversed(codings):
        payload = _undo(payload, coding)
    return payload


def decoded_payload(record: WarcRecord) -> bytes:
    """The record's payload with its Content-Encoding undone, as Scrapy hands it to the spider. A body stored with
    its chunked transfer coding (wget and other tools keep it; dvscrape's writer does not) is de-chunked first."""
    payload = record.payload
    if "chunked" in (record.http_header("Transfer-Encoding") or "").lower():
        payload = dechunk(payload)
    return decode_content(payload, record.http_header("Content-Encoding") or "")


def dechunk(payload: bytes) -> bytes:
    """*payload* with its HTTP/1.1 chunked transfer coding undone; a body that is not validly chunked is returned
    as it is (some tools keep the header but store the body de-chunked)."""
    pieces: list[bytes] = []
    position = 0
    while True:
        line_end = payload.find(b"\r\n", position)
        if line_end < 0:
            return payload
        size_text = payload[position:line_end].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return payload
        if size == 0:
            return b"".join(pieces)
        start = line_end + 2
        if start + size > len(payload):
            return payload
        pieces.append(payload[start : start + size])
        position = start + size
        if payload[position : position + 2] == b"\r\n":
            position += 2


def declared_charset(record: WarcRecord) -> str | None:
    """The charset of the response's Content-Type header, or None."""
    match = _CHARSET.search(record.http_header("Content-Type") or "")
    return match.group(1) if match else None


def _undo(payload: bytes, coding: str) -> bytes:
    if coding == "identity":
        return payload
    if coding in ("gzip", "x-gzip", "deflate"):
        # 47 = 32 + 15: a gzip or zlib header, detected; -15: raw deflate (some servers send it for "deflate").
        error: zlib.error | None = None
        for wbits in (zlib.MAX_WBITS | 32, -zlib.MAX_WBITS):
            try:
                return zlib.decompress(payload, wbits)
            except zlib.error as exc:
                error = exc
        raise PayloadDecodingError(f"the archived body is not valid {coding} data: {error}")
    if coding == "br":
        import brotli

        try:
            return bytes(brotli.decompress(payload))
        except brotli.error as exc:
            raise PayloadDecodingError(f"the archived body is not valid br data: {exc}") from exc
    if coding == "zstd":
        import zstandard

        try:
            # decompressobj: a frame written without its content size (streamed) is read too.
            return bytes(zstandard.ZstdDecompressor().decompressobj().decompress(payload))
        except zstandard.ZstdError as exc:
            raise PayloadDecodingError(f"the archived body is not valid zstd data: {exc}") from exc
    raise PayloadDecodingError(f"the archived body uses an unknown Content-Encoding {coding!r}")
