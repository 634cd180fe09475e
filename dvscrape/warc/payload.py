"""An archived HTTP body as the crawl's page object saw it: its transfer and Content-Encoding undone.

Scrapy decodes gzip, deflate, br and zstd bodies before a spider sees them; the WARC record keeps the body as it came
over the wire. Every reader of an archived body (``extract``, ``show --raw --decode``, ``history``, ``reextract``,
the documents pass, the sitemap and listing reads of a crawl) undoes the encoding here, the same way, never
unpacking more than MAX_DECODED_BYTES.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from dvscrape.errors import PayloadDecodingError

if TYPE_CHECKING:  # the settings read MAX_DECODED_BYTES: no WARC library at their import
    from dvscrape.warc.reader import WarcRecord

MAX_DECODED_BYTES = 64 << 20
"""The most bytes an archived body may unpack to: beyond it, a decompression bomb (or a body no reader needs). The
crawl's DOWNLOAD_MAXSIZE (dvscrape.settings) is this figure, so no reader unpacks more than the crawl accepted."""
_CHUNK = 1 << 16


def decode_content(payload: bytes, content_encoding: str, *, limit: int = MAX_DECODED_BYTES) -> bytes:
    """*payload* with *content_encoding* undone (a Content-Encoding header value: one coding or a comma-separated
    list, applied in order, so undone in reverse). Raises PayloadDecodingError for an unknown coding, bad data, or
    a body that unpacks to more than *limit* bytes (decompressed piece by piece: a bomb never fills the memory)."""
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
    for coding in reversed(codings):
        payload = _undo(payload, coding, limit)
    return payload


def decoded_payload(record: WarcRecord, *, limit: int = MAX_DECODED_BYTES) -> bytes:
    """The record's payload with its Content-Encoding undone, as Scrapy hands it to the spider (see decode_content).
    A body stored with its chunked transfer coding (wget and other tools keep it; dvscrape's writer does not) is
    de-chunked first."""
    payload = record.payload
    if "chunked" in (record.http_header("Transfer-Encoding") or "").lower():
        payload = dechunk(payload)
    return decode_content(payload, record.http_header("Content-Encoding") or "", limit=limit)


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


def _undo(payload: bytes, coding: str, limit: int) -> bytes:
    if coding == "identity":
        return payload
    if coding in ("gzip", "x-gzip", "deflate"):
        error: zlib.error | None = None
        # 47 = 32 + 15: a gzip or zlib header, detected; -15: raw deflate (some servers send it for "deflate").
        for wbits in (zlib.MAX_WBITS | 32, -zlib.MAX_WBITS):
            try:
                return _bounded(_inflated(payload, wbits), limit)
            except zlib.error as exc:
                error = error or exc  # what the header-detecting reading found wrong
        raise PayloadDecodingError(f"the archived body is not valid {coding} data: {error}")
    if coding == "br":
        import brotli

        try:
            return _bounded(_unbrotlied(payload), limit)
        except brotli.error as exc:
            raise PayloadDecodingError(f"the archived body is not valid br data: {exc}") from exc
    if coding == "zstd":
        import zstandard

        try:
            # A stream reader: a frame written without its content size (streamed) is read too.
            reader = zstandard.ZstdDecompressor().stream_reader(payload)
            return _bounded(iter(lambda: reader.read(_CHUNK), b""), limit)
        except zstandard.ZstdError as exc:
            raise PayloadDecodingError(f"the archived body is not valid zstd data: {exc}") from exc
    raise PayloadDecodingError(f"the archived body uses an unknown Content-Encoding {coding!r}")


def _bounded(pieces: Iterator[bytes], limit: int) -> bytes:
    """The pieces joined; PayloadDecodingError as soon as they exceed *limit* bytes (a decompression bomb)."""
    out = bytearray()
    for piece in pieces:
        out += piece
        if len(out) > limit:
            raise PayloadDecodingError(f"the archived body unpacks to more than {limit} bytes (a decompression bomb?)")
    return bytes(out)


def _inflated(payload: bytes, wbits: int) -> Iterator[bytes]:
    decompressor = zlib.decompressobj(wbits)
    data = payload
    while data and not decompressor.eof:
        yield decompressor.decompress(data, _CHUNK)
        data = decompressor.unconsumed_tail
    if not decompressor.eof:
        raise zlib.error("incomplete or truncated stream")


def _unbrotlied(payload: bytes) -> Iterator[bytes]:
    import brotli

    decompressor = brotli.Decompressor()
    yield decompressor.process(payload, output_buffer_limit=_CHUNK)
    while not decompressor.is_finished():
        piece = decompressor.process(b"", output_buffer_limit=_CHUNK)
        if not piece:
            raise brotli.error("incomplete or truncated stream")
        yield piece
