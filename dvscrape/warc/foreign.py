"""Reading WARC files other tools wrote (wget, warcio, Heritrix, Browsertrix, pywb, the Wayback Machine), record by
record, without trusting them.

dvscrape's own files are one gzip member per record; other tools' files are that too (``.warc.gz``) or not compressed
at all (``.warc``). Both address a record by (offset, length) in the file as stored. A gzip member holding several
records (a whole file gzipped at once) cannot be addressed record by record: it is reported as a defect (recompress
the file with ``warcio recompress``). A record that cannot be parsed, is cut short or is larger than the limit is
reported as a Defect (offset, length, reason) and iteration goes on with the next one, so one bad record never hides
the rest of a file.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from dvscrape.errors import WarcFormatError
from dvscrape.warc.reader import WarcRecord, parse_record

GZIP_MAGIC = b"\x1f\x8b"
DEFAULT_MAX_RECORD = 256 * 1024 * 1024
"""Records (decompressed) larger than this many bytes are refused: an oversized record or a decompression bomb."""

_CHUNK = 1 << 20
_VERSION_LINE = re.compile(rb"WARC/1\.[01]\r?\n")
_HEADER_LIMIT = 1 << 20


@dataclass(frozen=True)
class Defect:
    """A part of a file that is not a readable WARC record: where it starts, how long it is (0: unknown), why."""

    offset: int
    length: int
    reason: str


def is_gzip_file(path: Path) -> bool:
    """Whether *path* starts with a gzip member (else it is read as an uncompressed WARC file)."""
    with open(path, "rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def iter_any(
    path: Path, *, max_record: int = DEFAULT_MAX_RECORD, check_digests: bool = False
) -> Iterator[WarcRecord | Defect]:
    """Every record of *path* (gzip per record, or uncompressed) in order, and a Defect for each unreadable part."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed in finally, generator
    except OSError as error:
        yield Defect(0, 0, f"cannot read the file: {error.strerror}")
        return
    try:
        if handle.read(2) == GZIP_MAGIC:
            handle.seek(0)
            yield from _iter_gzip(handle, path, max_record, check_digests)
        else:
            handle.seek(0)
            yield from _iter_plain(handle, path, max_record, check_digests)
    finally:
        handle.close()


def iter_readable(path: Path, *, max_record: int = DEFAULT_MAX_RECORD) -> Iterator[WarcRecord]:
    """The readable records of *path*, defects skipped (for readers that only need what can be read)."""
    for item in iter_any(path, max_record=max_record):
        if isinstance(item, WarcRecord):
            yield item


def _iter_gzip(handle: IO[bytes], path: Path, max_record: int, check_digests: bool) -> Iterator[WarcRecord | Defect]:
    offset = 0
    pending = b""
    while True:
        data = pending or handle.read(_CHUNK)
        if not data:
            return
        if not data.startswith(GZIP_MAGIC[:1]) or (len(data) > 1 and not data.startswith(GZIP_MAGIC)):
            # Garbage between members: skip to the next gzip header, if any.
            skipped, pending = _skip_to_magic(handle, data)
            yield Defect(offset, skipped, "bytes that are not a gzip member")
            offset += skipped
            continue
        decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
        pieces: list[bytes] = []
        size = 0
        consumed = 0
        oversized = False
        error = ""
        while True:
            try:
                out = decompressor.decompress(data, max_record + 1 - size if not oversized else _CHUNK)
                while True:
                    if not oversized:
                        size += len(out)
                        if size > max_record:
                            oversized, pieces = True, []
                        else:
                            pieces.append(out)
                    if not decompressor.unconsumed_tail:
                        break
                    out = decompressor.decompress(decompressor.unconsumed_tail, _CHUNK)
            except zlib.error as exc:
                error = f"damaged gzip member ({exc})"
                break
            if decompressor.eof:
                used = len(data) - len(decompressor.unused_data)
                pending = decompressor.unused_data
                length = consumed + used
                if oversized:
                    yield Defect(offset, length, f"record larger than {max_record} bytes once decompressed: refused")
                else:
                    yield from _member_records(b"".join(pieces), offset, length, path, check_digests)
                offset += length
                break
            consumed += len(data)
            data = handle.read(_CHUNK)
            if not data:
                error = "the file ends inside this gzip member (record cut short)"
                break
        if error:
            # Resynchronise at the next gzip header after the damaged member's start.
            handle.seek(offset + 1)
            skipped, pending = _skip_to_magic(handle, b"")
            yield Defect(offset, skipped + 1, error)
            offset += skipped + 1
            if not pending:
                return


def _skip_to_magic(handle: IO[bytes], data: bytes) -> tuple[int, bytes]:
    """Read on from *data* to the next gzip header; return (bytes skipped, the data from that header on)."""
    skipped = 0
    while True:
        if not data:
            data = handle.read(_CHUNK)
            if not data:
                return skipped, b""
        index = data.find(GZIP_MAGIC + b"\x08")
        if index >= 0:
            return skipped + index, data[index:]
        keep = 2 if len(data) >= 2 else len(data)
        skipped += len(data) - keep
        more = handle.read(_CHUNK)
        if not more:
            return skipped + keep, b""
        data = data[-keep:] + more


def _member_records(
    data: bytes, offset: int, length: int, path: Path, check_digests: bool
) -> Iterator[WarcRecord | Defect]:
    where = f"{path} at offset {offset}"
    if not data.strip():
        return  # an empty member (some tools pad files with one)
    starts = [
        match.start()
        for match in _VERSION_LINE.finditer(data)
        if match.start() == 0 or data[match.start() - 1 : match.start()] == b"\n"
    ]
    if len(starts) > 1 and _holds_several(data):
        yield Defect(
            offset,
            length,
            "one gzip member holds several WARC records (the whole file gzipped at once), so they cannot be "
            "addressed one by one; recompress the file with `warcio recompress` and import that",
        )
        return
    try:
        yield parse_record(data, offset, length, where, check_digests=check_digests)
    except WarcFormatError as error:
        yield Defect(offset, length, _reason(error, where))


def _holds_several(data: bytes) -> bool:
    """Whether *data* holds more than one record (the first record's Content-Length ends before the data does)."""
    header_end = data.find(b"\r\n\r\n")
    if header_end < 0:
        return False
    match = re.search(rb"(?im)^content-length:\s*(\d+)\s*$", data[:header_end])
    if not match:
        return False
    end = header_end + 4 + int(match.group(1)) + 4
    return len(data) > end + 8 and data[end:].lstrip(b"\r\n").startswith(b"WARC/")


def _iter_plain(handle: IO[bytes], path: Path, max_record: int, check_digests: bool) -> Iterator[WarcRecord | Defect]:
    offset = 0
    size = handle.seek(0, 2)
    handle.seek(0)
    while offset < size:
        handle.seek(offset)
        head = handle.read(min(_HEADER_LIMIT, size - offset))
        stripped = head.lstrip(b"\r\n")
        if not stripped:
            return
        if len(stripped) != len(head):
            offset += len(head) - len(stripped)
            continue
        header_end = head.find(b"\r\n\r\n")
        declared = re.search(rb"(?im)^content-length:\s*(\d+)\s*\r?$", head[: max(header_end, 0)])
        if not head.startswith(b"WARC/") or header_end < 0 or declared is None:
            skipped = _next_version_line(handle, offset + 1, size) - offset
            reason = "no WARC record starts here" if not head.startswith(b"WARC/") else "unreadable WARC headers"
            yield Defect(offset, skipped, reason)
            offset += skipped
            continue
        length = header_end + 4 + int(declared.group(1)) + 4
        if length > max_record:
            yield Defect(offset, min(length, size - offset), f"record larger than {max_record} bytes: refused")
            offset += min(length, size - offset)
            continue
        if offset + length > size:
            yield Defect(offset, size - offset, "the file ends before the record does (record cut short)")
            return
        handle.seek(offset)
        data = handle.read(length)
        where = f"{path} at offset {offset}"
        try:
            yield parse_record(data, offset, length, where, check_digests=check_digests)
        except WarcFormatError as error:
            skipped = _next_version_line(handle, offset + 1, size) - offset
            yield Defect(offset, skipped, _reason(error, where))
            offset += skipped
            continue
        offset += length


def _next_version_line(handle: IO[bytes], start: int, size: int) -> int:
    """The offset of the next line 'WARC/1.x' at or after *start*, or *size*."""
    position = start
    while position < size:
        handle.seek(position)
        data = handle.read(_CHUNK + 16)
        for match in _VERSION_LINE.finditer(data):
            at = position + match.start()
            if match.start() == 0 and at == start:
                pass
            if match.start() == 0 or data[match.start() - 1 : match.start()] == b"\n":
                return at
        if len(data) <= 16:
            return size
        position += _CHUNK
    return size


def _reason(error: WarcFormatError, where: str) -> str:
    text = str(error)
    return text[len(where) + 2 :] if text.startswith(where + ": ") else text
