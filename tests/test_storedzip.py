"""The ZIP container of WACZ packages (dvscrape.warc.storedzip): every member's local header agrees with its central
directory header, ZIP64 appears only where a figure does not fit 32 bits, and Python's zipfile reads the result, for
small packages and, through a sparse file, for a member over 4 GiB and a member that starts past 4 GiB."""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import pytest

from dvscrape.warc.storedzip import Member, central_header, end_records, local_header, stored_zip

GIB = 1 << 30
MOMENT = datetime(2024, 3, 1, 8, 1, 30)
NO_FIT = 0xFFFFFFFF


@dataclass(frozen=True)
class Header:
    """A local or central header as the ZIP specification lays it out, its ZIP64 values resolved."""

    name: bytes
    flags: int
    method: int
    crc: int
    size: int
    compressed: int
    offset: int
    extra: dict[int, bytes]
    version_needed: int
    raw_sizes: tuple[int, int]


def _extra_fields(data: bytes) -> dict[int, bytes]:
    fields, at = {}, 0
    while at + 4 <= len(data):
        tag, size = struct.unpack_from("<HH", data, at)
        fields[tag] = data[at + 4 : at + 4 + size]
        at += 4 + size
    assert at == len(data), "extra field cut short"
    return fields


def _resolve(raw: tuple[int, int, int], extra: dict[int, bytes]) -> tuple[int, int, int]:
    """(size, compressed, offset) with each 0xFFFFFFFF taken from the ZIP64 extra field, in the specification's
    order; a ZIP64 value for a field that holds its own is an error."""
    values = list(struct.unpack(f"<{len(extra.get(1, b'')) // 8}Q", extra.get(1, b"")))
    size, compressed, offset = (values.pop(0) if value == NO_FIT else value for value in raw)
    assert not values, "a ZIP64 value for a field that holds its own"
    return size, compressed, offset


def central_entries(handle: BinaryIO) -> list[Header]:
    """The central directory, found from the end records (through the ZIP64 ones when the end record points there)."""
    handle.seek(0, 2)
    tail_start = max(0, handle.tell() - (1 << 16) - 22)
    handle.seek(tail_start)
    tail = handle.read()
    end = tail.rindex(b"PK\x05\x06")
    count, size, offset = struct.unpack_from("<xxxxxxxxxxHII", tail, end)
    if tail[end - 20 : end - 16] == b"PK\x06\x07":
        (zip64_end,) = struct.unpack_from("<Q", tail, end - 12)
        handle.seek(zip64_end)
        count, _, size, offset = struct.unpack_from("<24xQQQQ", handle.read(56))
    handle.seek(offset)
    directory = handle.read(size)
    entries, at = [], 0
    for _ in range(count):
        fields = struct.unpack_from("<IHHHHHHIIIHHHHHII", directory, at)
        assert fields[0] == 0x02014B50
        name_length, extra_length, comment_length = fields[10:13]
        extra = _extra_fields(directory[at + 46 + name_length : at + 46 + name_length + extra_length])
        size_, compressed, local = _resolve((fields[9], fields[8], fields[16]), extra)
        name = directory[at + 46 : at + 46 + name_length]
        entries.append(
            Header(name, fields[3], fields[4], fields[7], size_, compressed, local, extra, fields[2], fields[8:10])
        )
        at += 46 + name_length + extra_length + comment_length
    assert at == size
    return entries


def local_entry(handle: BinaryIO, offset: int) -> tuple[Header, int]:
    """The local header at *offset*, and where its data starts."""
    handle.seek(offset)
    fields = struct.unpack("<IHHHHHIIIHH", handle.read(30))
    assert fields[0] == 0x04034B50
    name, extra_bytes = handle.read(fields[9]), handle.read(fields[10])
    extra = _extra_fields(extra_bytes)
    size, compressed, _ = _resolve((fields[8], fields[7], 0), extra)
    header = Header(name, fields[2], fields[3], fields[6], size, compressed, offset, extra, fields[1], fields[7:9])
    return header, offset + 30 + fields[9] + fields[10]


def assert_headers_agree(path: Path) -> None:
    """Each member's local header says what its central directory header says (name, flags, method, CRC, sizes), both
    use ZIP64 for the sizes exactly when they need it, and the data starts where a reader that trusts an empty central
    extra field (ReplayWeb.page's wabac.js) looks for it."""
    with open(path, "rb") as handle:
        for central in central_entries(handle):
            local, data_start = local_entry(handle, central.offset)
            sizes_need_zip64 = central.size >= NO_FIT
            assert (local.name, local.flags, local.method, local.crc) == (
                central.name, central.flags, central.method, central.crc
            )  # fmt: skip
            assert (local.size, local.compressed) == (central.size, central.compressed) and central.method == 0
            assert local.raw_sizes == central.raw_sizes, (
                f"{central.name!r}: local {local.extra}, central {central.extra}"
            )
            assert not sizes_need_zip64 or local.raw_sizes == (NO_FIT, NO_FIT)
            assert local.version_needed == central.version_needed or central.offset >= NO_FIT
            if sizes_need_zip64:
                assert local.extra == {1: struct.pack("<QQ", central.size, central.compressed)}
                assert central.extra[1][:16] == local.extra[1]
            else:
                assert local.extra == {} and local.version_needed == 20
            if not central.extra:
                assert data_start == central.offset + 30 + len(central.name)


def test_a_package_s_headers_agree_and_zipfile_reads_it(tmp_path: Path) -> None:
    warc = tmp_path / "a.warc.gz"
    warc.write_bytes(os.urandom(300_000))
    package = tmp_path / "p.wacz"
    with stored_zip(package, MOMENT) as writer:
        digest, size = writer.add_file("archive/a.warc.gz", warc)
        writer.add_bytes("indexes/index.cdx", b"line\n")
        writer.add_bytes("pages/tên.jsonl", b"{}\n")
    assert size == 300_000 and digest.startswith("sha256:")
    assert_headers_agree(package)
    with zipfile.ZipFile(package) as reader:
        assert reader.testzip() is None
        assert reader.read("archive/a.warc.gz") == warc.read_bytes()
        names = [info.filename for info in reader.infolist()]
        assert names == ["archive/a.warc.gz", "indexes/index.cdx", "pages/tên.jsonl"]
        assert all(info.compress_type == zipfile.ZIP_STORED and info.extra == b"" for info in reader.infolist())
        assert reader.getinfo("indexes/index.cdx").date_time == (2024, 3, 1, 8, 1, 30)


def test_zip64_only_where_a_figure_does_not_fit() -> None:
    name_length = len("archive/a.warc.gz")
    three_gib = Member("archive/a.warc.gz", 0, 3 * GIB, 1, MOMENT)
    assert len(local_header(three_gib)) == 30 + name_length and len(central_header(three_gib)) == 46 + name_length
    five_gib = Member("archive/a.warc.gz", 0, 5 * GIB, 1, MOMENT)
    zip64_sizes = struct.pack("<HHQQ", 1, 16, 5 * GIB, 5 * GIB)
    assert local_header(five_gib)[30 + name_length :] == central_header(five_gib)[46 + name_length :] == zip64_sizes
    late = Member("archive/a.warc.gz", 6 * GIB, 10, 1, MOMENT)
    assert len(local_header(late)) == 30 + name_length
    assert central_header(late)[46 + name_length :] == struct.pack("<HHQ", 1, 8, 6 * GIB)
    assert end_records(5, 1000, 200)[:4] == b"PK\x05\x06"
    assert end_records(5, 6 * GIB, 200)[:4] == end_records(70_000, 1000, 200)[:4] == b"PK\x06\x06"


def _sparse_files_work(folder: Path) -> bool:
    probe = folder / "probe"
    with open(probe, "wb") as handle:
        handle.seek(64 << 20)
        handle.write(b"x")
    sparse = probe.stat().st_blocks * 512 < 1 << 20
    probe.unlink()
    return sparse


def test_a_member_over_4_gib_and_one_past_4_gib(tmp_path: Path) -> None:
    """A 5 GiB member (its data a hole of a sparse file: never written) and a small one after it, laid out with the
    writer's headers and end records: the headers agree, and zipfile finds both through the ZIP64 records and reads
    the small one intact."""
    if not _sparse_files_work(tmp_path):
        pytest.skip("the file system here does not keep sparse files")
    big = Member("archive/big.warc.gz", 0, 5 * GIB, 0xDEADBEEF, MOMENT)
    data = b"after the big member\n"
    late = Member("pages/pages.jsonl", len(local_header(big)) + big.size, len(data), zlib.crc32(data), MOMENT)
    path = tmp_path / "large.wacz"
    with open(path, "wb") as handle:
        handle.write(local_header(big))
        handle.seek(late.offset)
        handle.write(local_header(late) + data)
        directory = central_header(big) + central_header(late)
        directory_offset = handle.tell()
        handle.write(directory + end_records(2, directory_offset, len(directory)))
    assert_headers_agree(path)
    with zipfile.ZipFile(path) as reader:
        assert [(info.filename, info.file_size, info.header_offset) for info in reader.infolist()] == [
            ("archive/big.warc.gz", 5 * GIB, 0),
            ("pages/pages.jsonl", len(data), late.offset),
        ]
        assert reader.read("pages/pages.jsonl") == data
