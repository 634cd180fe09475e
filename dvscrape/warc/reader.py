"""Reading one WARC record by (offset, length): the record of a capture row, and the parser every reader uses.

Each record of a dvscrape WARC file is one gzip member, so a record is addressed by the member's offset and length
(an uncompressed file's record by its own). Records are parsed by warcio, or directly when well formed; payloads are
returned raw (Content-Encoding kept, as stored). Walking a whole file is walk.py's.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

from dvscrape.errors import WarcFormatError


@dataclass(frozen=True)
class WarcRecord:
    """One WARC record as stored: its WARC headers, its HTTP status line and headers if any, and the raw payload."""

    offset: int
    length: int
    warc_headers: tuple[tuple[str, str], ...]
    http_status_line: str
    http_headers: tuple[tuple[str, str], ...]
    payload: bytes

    def header(self, name: str) -> str | None:
        """The first WARC header called *name* (case-insensitive), or None."""
        return _first(self.warc_headers, name)

    def http_header(self, name: str) -> str | None:
        """The first HTTP header called *name* (case-insensitive), or None."""
        return _first(self.http_headers, name)

    @property
    def record_type(self) -> str:
        """WARC-Type: "warcinfo", "response", "request", "revisit", …"""
        return self.header("WARC-Type") or ""

    @property
    def record_id(self) -> str:
        """WARC-Record-ID."""
        return self.header("WARC-Record-ID") or ""

    @property
    def target_uri(self) -> str:
        """WARC-Target-URI, or "" (warcinfo records have none); the angle brackets some tools (wget, WARC/1.0 drafts)
        put around it are removed."""
        uri = (self.header("WARC-Target-URI") or "").strip()
        return uri[1:-1] if uri.startswith("<") and uri.endswith(">") else uri

    @property
    def http_status(self) -> int | None:
        """The HTTP status code of a response or revisit record, or None."""
        parts = self.http_status_line.split(" ", 2)
        if len(parts) >= 2 and parts[0].upper().startswith("HTTP/") and parts[1].isdigit():
            return int(parts[1])
        return None


def read_record_at(path: Path, offset: int, length: int, *, check_digests: bool = True) -> WarcRecord:
    """Read the record in the gzip member at *offset* of *length* bytes.

    Raises WarcFormatError if those bytes are not exactly one whole gzip member holding exactly one WARC record, or
    (with *check_digests*) if the record's digests do not match its content.
    """
    if offset < 0 or length <= 0:
        raise WarcFormatError(f"{path}: invalid record address offset={offset} length={length}")
    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            raw = handle.read(length)
    except OSError as error:
        raise WarcFormatError(f"cannot read {path}: {error.strerror}") from error
    where = f"{path} at offset {offset}"
    if len(raw) != length:
        raise WarcFormatError(f"{where}: the file ends {length - len(raw)} bytes before the record does")
    if raw.startswith(b"WARC/"):  # an uncompressed WARC file (imported from another tool)
        return parse_record(raw, offset, length, where, check_digests=check_digests)
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        data = decompressor.decompress(raw)
    except zlib.error as error:
        raise WarcFormatError(f"{where}: not a gzip member ({error})") from error
    if not decompressor.eof:
        raise WarcFormatError(f"{where}: the gzip member is longer than {length} bytes (record cut short)")
    if decompressor.unused_data:
        raise WarcFormatError(
            f"{where}: {len(decompressor.unused_data)} bytes follow the gzip member within the given length"
        )
    return parse_record(data, offset, length, where, check_digests=check_digests)


_HTTP_TYPES = frozenset({"response", "request", "revisit"})


def _header_lines(block: bytes) -> list[tuple[str, str]] | None:
    """'Name: value' lines of plain ASCII, no folding; None when the block needs warcio's full parser."""
    if not block.isascii():
        return None
    headers: list[tuple[str, str]] = []
    for line in block.decode("ascii").split("\r\n"):
        if not line or line[0] in " \t":
            return None
        name, sep, value = line.partition(":")
        if not sep:
            return None
        headers.append((name.strip(), value.strip()))
    return headers


def _fast_parse(data: bytes, offset: int, length: int) -> WarcRecord | None:
    """The record parsed directly, for the common well-formed case (ASCII headers, exact Content-Length); None
    when anything is unusual, so that warcio's parser (and its error messages) decide. Several times faster than
    warcio on archives of many small records, which every scan of an archive reads."""
    header_end = data.find(b"\r\n\r\n")
    first_end = data.find(b"\r\n")
    if header_end < 0 or not data.startswith(b"WARC/1.") or not data.endswith(b"\r\n\r\n"):
        return None
    warc_headers = _header_lines(data[first_end + 2 : header_end])
    if warc_headers is None:
        return None
    warc_headers = [  # as warcio does: '<uri>' (WARC/1.0 drafts, wget) read as 'uri'
        (name, value[1:-1] if name.lower() == "warc-target-uri" and value[:1] == "<" and value[-1:] == ">" else value)
        for name, value in warc_headers
    ]
    declared = _first(tuple(warc_headers), "Content-Length") or ""
    block = data[header_end + 4 : -4]
    if not declared.isdigit() or int(declared) != len(block):
        return None
    record_type = _first(tuple(warc_headers), "WARC-Type") or ""
    content_type = (_first(tuple(warc_headers), "Content-Type") or "").lower()
    is_http = content_type.startswith("application/http")
    if record_type not in _HTTP_TYPES or not block:
        if is_http and record_type in _HTTP_TYPES:
            return None
        return WarcRecord(offset, length, tuple(warc_headers), "", (), block)
    if not is_http:
        return None
    http_end = block.find(b"\r\n\r\n")
    if http_end < 0:
        return None
    status_end = block.find(b"\r\n")
    status_line = block[:status_end]
    http_headers = _header_lines(block[status_end + 2 : http_end]) if status_end < http_end else []
    if http_headers is None or not status_line.isascii():
        return None
    return WarcRecord(
        offset, length, tuple(warc_headers), " ".join(status_line.decode("ascii").split()), tuple(http_headers),
        block[http_end + 4 :],
    )  # fmt: skip


def parse_record(data: bytes, offset: int, length: int, where: str, *, check_digests: bool) -> WarcRecord:
    """Parse *data*, the bytes of exactly one (uncompressed) WARC record found at *where*; WarcFormatError if not."""
    if not check_digests:
        fast = _fast_parse(data, offset, length)
        if fast is not None:
            return fast
    try:
        iterator = ArchiveIterator(io.BytesIO(data), check_digests=check_digests)
        record = next(iterator, None)
        if record is None:
            raise WarcFormatError(f"{where}: the gzip member holds no WARC record")
        if record.format != "warc":
            raise WarcFormatError(f"{where}: not a WARC record ({record.format})")
        payload = record.raw_stream.read()
        if check_digests and record.digest_checker.passed is False:
            problems = "; ".join(record.digest_checker.problems)
            raise WarcFormatError(f"{where}: {problems}")
        if next(iterator, None) is not None:
            raise WarcFormatError(f"{where}: the gzip member holds more than one WARC record")
    except (ArchiveLoadFailed, StatusAndHeadersParserException, EOFError, ValueError) as error:
        raise WarcFormatError(f"{where}: not a valid WARC record ({error})") from error
    declared = record.rec_headers.get_header("Content-Length")
    header_end = data.find(b"\r\n\r\n")
    block_length = len(data) - (header_end + 4) - 4
    if declared is None or not declared.isdigit() or int(declared) != block_length or not data.endswith(b"\r\n\r\n"):
        raise WarcFormatError(f"{where}: Content-Length {declared} does not match the record block")
    return WarcRecord(
        offset=offset,
        length=length,
        warc_headers=tuple(record.rec_headers.headers),
        http_status_line=_status_line(record.http_headers),
        http_headers=tuple(record.http_headers.headers) if record.http_headers else (),
        payload=payload,
    )


def _status_line(http_headers: Any) -> str:
    if not http_headers:
        return ""
    return " ".join(part for part in (http_headers.protocol, http_headers.statusline) if part)


def _first(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    lowered = name.lower()
    for key, value in headers:
        if key.lower() == lowered:
            return str(value)
    return None
