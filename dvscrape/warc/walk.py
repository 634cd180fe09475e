"""Walking a WARC file record by record: dvscrape's own files and other tools' (wget, warcio, Heritrix, Browsertrix,
pywb, the Wayback Machine) alike, the one walker of gzip members.

A WARC file is one gzip member per record (``.warc.gz``: dvscrape's writer and most tools) or not compressed at all
(``.warc``). Both address a record by (offset, length) in the file as stored. A gzip member holding several records
(a whole file gzipped at once) cannot be addressed record by record: it is reported as a defect (recompress the file
with ``warcio recompress``). A record that cannot be parsed, is cut short or is larger than the limit is reported as
a Defect (offset, length, reason) and the walk goes on with the next one, so one bad record never hides the rest of a
file. ``iter_records`` is the strict walk (the first defect raises), ``truncate_incomplete_tail`` the crash repair of
the files dvscrape writes.
"""

from __future__ import annotations

import io
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


@dataclass(frozen=True)
class _Member:
    """One gzip member (or the bytes between two): where it is, its decompressed bytes, what is wrong ('': nothing)."""

    offset: int
    length: int
    data: bytes = b""
    problem: str = ""


def iter_any(
    path: Path, *, max_record: int | None = DEFAULT_MAX_RECORD, check_digests: bool = False
) -> Iterator[WarcRecord | Defect]:
    """Every record of *path* (gzip per record, or uncompressed) in order, and a Defect for each unreadable part;
    *max_record* None: no size limit (the archive's own files)."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed in finally, generator
    except OSError as error:
        yield Defect(0, 0, f"cannot read the file: {error.strerror}")
        return
    try:
        if handle.read(2) != GZIP_MAGIC:
            yield from _iter_plain(handle, path, max_record, check_digests)
            return
        handle.seek(0)
        for member in _members(handle, max_record):
            if member.problem:
                yield Defect(member.offset, member.length, member.problem)
            else:
                yield from _member_records(member.data, member.offset, member.length, path, check_digests)
    finally:
        handle.close()


def iter_readable(path: Path, *, max_record: int = DEFAULT_MAX_RECORD) -> Iterator[WarcRecord]:
    """The readable records of *path*, defects skipped (for readers that only need what can be read)."""
    for item in iter_any(path, max_record=max_record):
        if isinstance(item, WarcRecord):
            yield item


def iter_records(path: Path, *, check_digests: bool = True) -> Iterator[WarcRecord]:
    """Every record of the file in order, with its offset and length. Raises WarcFormatError at the first unreadable
    part (truncate_incomplete_tail repairs a file cut short by a crash)."""
    for item in iter_any(path, max_record=None, check_digests=check_digests):
        if isinstance(item, Defect):
            raise WarcFormatError(f"{path} at offset {item.offset}: {item.reason}")
        yield item


def truncate_incomplete_tail(path: Path) -> int:
    """Cut *path* back to the end of its last whole gzip member; return the number of bytes removed.

    A process killed while appending leaves a partial gzip member (or, on some file systems, zeros) at the end of
    the file; that tail is removed. Damage followed by a whole gzip member is not a crash artefact: it raises
    WarcFormatError and the file is left untouched.
    """
    try:
        handle = open(path, "r+b")  # noqa: SIM115 - closed below
    except OSError as error:
        raise WarcFormatError(f"cannot open {path} for repair: {error.strerror}") from error
    with handle:
        size = handle.seek(0, io.SEEK_END)
        handle.seek(0)
        good_end = 0
        damage: _Member | None = None
        for member in _members(handle, None):
            if damage is None and not member.problem:
                good_end = member.offset + member.length
            elif damage is None:
                damage = member
            elif not member.problem:
                raise WarcFormatError(
                    f"{path}: damaged gzip member at offset {damage.offset} followed by more records; not a crash tail"
                )
        if damage is None:
            return 0
        handle.truncate(good_end)
        return size - good_end


def _members(handle: IO[bytes], max_record: int | None) -> Iterator[_Member]:
    """The gzip members of *handle*, decompressed, each with its offset and length; bytes that are not a gzip member,
    a damaged member and one the file ends inside come with their problem (the walk goes on at the next gzip header),
    and a member that decompresses to more than *max_record* bytes comes without its data."""
    offset = 0
    pending = b""
    while True:
        data = pending or handle.read(_CHUNK)
        if not data:
            return
        if not data.startswith(GZIP_MAGIC[:1]) or (len(data) > 1 and not data.startswith(GZIP_MAGIC)):
            skipped, pending = _skip_to_magic(handle, data)
            yield _Member(offset, skipped, problem="bytes that are not a gzip member")
            offset += skipped
            continue
        decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
        pieces: list[bytes] = []
        size = 0
        consumed = 0
        oversized = False
        problem = ""
        while True:
            try:
                # Never more than max_record + 1 bytes held; an oversized member is read on to its end, kept nowhere.
                room = _CHUNK if oversized else 0 if max_record is None else max_record + 1 - size
                out = decompressor.decompress(data, room)
                while True:
                    size += len(out)
                    oversized = oversized or (max_record is not None and size > max_record)
                    if oversized:
                        pieces.clear()
                    else:
                        pieces.append(out)
                    if not decompressor.unconsumed_tail:
                        break
                    out = decompressor.decompress(decompressor.unconsumed_tail, _CHUNK)
            except zlib.error as exc:
                problem = f"damaged gzip member ({exc})"
                break
            if decompressor.eof:
                used = len(data) - len(decompressor.unused_data)
                pending = decompressor.unused_data
                length = consumed + used
                refused = f"record larger than {max_record} bytes once decompressed: refused" if oversized else ""
                yield _Member(offset, length, b"".join(pieces), refused)
                offset += length
                break
            consumed += len(data)
            data = handle.read(_CHUNK)
            if not data:
                problem = "incomplete last record (cut short: the file ends inside this gzip member)"
                break
        if problem:
            # Resynchronise at the next gzip header after the damaged member's start.
            handle.seek(offset + 1)
            skipped, pending = _skip_to_magic(handle, b"")
            yield _Member(offset, skipped + 1, problem=problem)
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


def _iter_plain(
    handle: IO[bytes], path: Path, max_record: int | None, check_digests: bool
) -> Iterator[WarcRecord | Defect]:
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
        if max_record is not None and length > max_record:
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
            if match.start() == 0 or data[match.start() - 1 : match.start()] == b"\n":
                return at
        if len(data) <= 16:
            return size
        position += _CHUNK
    return size


def _reason(error: WarcFormatError, where: str) -> str:
    text = str(error)
    return text[len(where) + 2 :] if text.startswith(where + ": ") else text
