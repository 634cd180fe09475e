"""Writing a ZIP file of stored (uncompressed) members in one pass, as a WACZ package is made.

ZIP64 only where a member needs it: a member's sizes go into a ZIP64 extra field when they do not fit 32 bits (over
4 GiB), in its local header and its central directory header alike, and its offset does when the member starts past
4 GiB. A reader such as ReplayWeb.page (wabac.js) finds a member's data from the central directory and assumes its
local header has no extra field when the central header has none; zipfile's ``force_zip64`` breaks that rule (an extra
field in the local header only), and every record is then read 20 bytes early.
"""

from __future__ import annotations

import hashlib
import os
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from dvscrape.errors import WarcFormatError

MAX_32 = 0xFFFFFFFF
MAX_16 = 0xFFFF
_CHUNK = 1 << 20
_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_ZIP64_END = struct.Struct("<IQHHIIQQQQ")
_ZIP64_LOCATOR = struct.Struct("<IIQI")
_LOCAL_SIGNATURE, _CENTRAL_SIGNATURE, _END_SIGNATURE = 0x04034B50, 0x02014B50, 0x06054B50
_ZIP64_END_SIGNATURE, _ZIP64_LOCATOR_SIGNATURE, _ZIP64_TAG = 0x06064B50, 0x07064B50, 0x0001
_UTF8_NAME = 0x0800
_CRC_AT = 14  # in a local header
_UNIX = 3 << 8
_FILE_MODE = 0o100644 << 16


@dataclass(frozen=True)
class Member:
    """One stored member: its name, where its local header starts, its size and CRC-32, and its time."""

    name: str
    offset: int
    size: int
    crc: int
    moment: datetime

    @property
    def zip64_sizes(self) -> bool:
        """Whether its sizes need the ZIP64 extra field (they do not fit the 32-bit fields)."""
        return self.size >= MAX_32


def _dos_time(moment: datetime) -> tuple[int, int]:
    date = (max(moment.year, 1980) - 1980) << 9 | moment.month << 5 | moment.day
    return moment.hour << 11 | moment.minute << 5 | moment.second // 2, date


def _name(member: Member) -> tuple[bytes, int]:
    try:
        return member.name.encode("ascii"), 0
    except UnicodeEncodeError:
        return member.name.encode("utf-8"), _UTF8_NAME


def _zip64_extra(*values: int) -> bytes:
    return struct.pack(f"<HH{len(values)}Q", _ZIP64_TAG, 8 * len(values), *values) if values else b""


def local_header(member: Member) -> bytes:
    """The local file header of *member* (both sizes in a ZIP64 extra field when they need it)."""
    name, flags = _name(member)
    extra = _zip64_extra(member.size, member.size) if member.zip64_sizes else b""
    size = MAX_32 if member.zip64_sizes else member.size
    time, date = _dos_time(member.moment)
    version = 45 if extra else 20
    fields = (_LOCAL_SIGNATURE, version, flags, 0, time, date, member.crc, size, size, len(name), len(extra))
    return _LOCAL.pack(*fields) + name + extra


def central_header(member: Member) -> bytes:
    """The central directory header of *member*: in its ZIP64 extra field the sizes exactly when the local header has
    them, and the offset when it does not fit 32 bits."""
    name, flags = _name(member)
    large_offset = member.offset >= MAX_32
    sizes = (member.size, member.size) if member.zip64_sizes else ()
    extra = _zip64_extra(*sizes, *((member.offset,) if large_offset else ()))
    size = MAX_32 if member.zip64_sizes else member.size
    offset = MAX_32 if large_offset else member.offset
    time, date = _dos_time(member.moment)
    version = 45 if extra else 20
    fields = (_CENTRAL_SIGNATURE, _UNIX | version, version, flags, 0, time, date, member.crc, size, size, len(name))
    return _CENTRAL.pack(*fields, len(extra), 0, 0, 0, _FILE_MODE, offset) + name + extra


def end_records(count: int, directory_offset: int, directory_size: int) -> bytes:
    """The end of central directory record, preceded by the ZIP64 ones when a figure does not fit its field."""
    entries, size, offset = min(count, MAX_16), min(directory_size, MAX_32), min(directory_offset, MAX_32)
    end = _END.pack(_END_SIGNATURE, 0, 0, entries, entries, size, offset, 0)
    if count < MAX_16 and directory_size < MAX_32 and directory_offset < MAX_32:
        return end
    figures = (count, count, directory_size, directory_offset)
    zip64_end = _ZIP64_END.pack(_ZIP64_END_SIGNATURE, _ZIP64_END.size - 12, _UNIX | 45, 45, 0, 0, *figures)
    locator = _ZIP64_LOCATOR.pack(_ZIP64_LOCATOR_SIGNATURE, 0, directory_offset + directory_size, 1)
    return zip64_end + locator + end


class StoredZipWriter:
    """Appends stored members to a ZIP file open for writing; :func:`stored_zip` makes one and finishes the file."""

    def __init__(self, handle: BinaryIO, moment: datetime) -> None:
        self.handle = handle
        self.moment = moment.replace(tzinfo=None)
        self.members: list[Member] = []

    def add_bytes(self, name: str, data: bytes) -> None:
        """Add the member *name* holding *data*."""
        member = Member(name, self.handle.tell(), len(data), zlib.crc32(data), self.moment)
        self.handle.write(local_header(member))
        self.handle.write(data)
        self.members.append(member)

    def add_file(self, name: str, path: Path) -> tuple[str, int]:
        """Add the member *name* holding the file *path* as it is now; return its 'sha256:…' digest and size.

        Raises WarcFormatError when the file shrinks while it is copied.
        """
        size = path.stat().st_size
        offset = self.handle.tell()
        self.handle.write(local_header(Member(name, offset, size, 0, self.moment)))
        crc, digest, left = 0, hashlib.sha256(), size
        with open(path, "rb") as source:
            while left and (chunk := source.read(min(_CHUNK, left))):
                crc = zlib.crc32(chunk, crc)
                digest.update(chunk)
                self.handle.write(chunk)
                left -= len(chunk)
        if left:
            raise WarcFormatError(f"{path}: the file shrank while it was packaged ({size - left} of {size} bytes)")
        self.handle.seek(offset + _CRC_AT)
        self.handle.write(struct.pack("<I", crc))
        self.handle.seek(0, os.SEEK_END)
        self.members.append(Member(name, offset, size, crc, self.moment))
        return "sha256:" + digest.hexdigest(), size

    def finish(self) -> None:
        """Write the central directory and the end records."""
        directory_offset = self.handle.tell()
        directory = b"".join(central_header(member) for member in self.members)
        self.handle.write(directory)
        self.handle.write(end_records(len(self.members), directory_offset, len(directory)))


@contextmanager
def stored_zip(path: Path, moment: datetime) -> Iterator[StoredZipWriter]:
    """Create the ZIP file *path*, its members dated *moment*; the central directory is written when the block ends
    without an error."""
    with open(path, "wb") as handle:
        writer = StoredZipWriter(handle, moment)
        yield writer
        writer.finish()
