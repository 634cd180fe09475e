"""Decompression bombs the hostile replica serves (replica/hostile.py): gzip, deflate and brotli streams of a few MB
that decompress to a given number of zero bytes, built while they are sent, never held decompressed."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterator

import brotli

ZERO_CHUNK = 4 << 20  # bytes of zeros compressed per deflate segment


def gzip_bomb(total: int) -> tuple[int, Callable[[], Iterator[bytes]]]:
    """(length, chunks) of a gzip member of ``total`` zero bytes, built segment by segment as it is sent.

    Each segment compresses ``ZERO_CHUNK`` zeros and ends with a full flush, which resets the compressor, so every
    segment is the same bytes: computed once per response, sent ``total // ZERO_CHUNK`` times.
    """
    segment, tail = _deflate_segment()
    count = max(1, total // ZERO_CHUNK)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    length = len(header) + count * len(segment) + len(tail) + 8

    def chunks() -> Iterator[bytes]:
        zeros = bytes(ZERO_CHUNK)
        crc = 0
        yield header
        for _ in range(count):
            crc = zlib.crc32(zeros, crc)
            yield segment
        yield tail + struct.pack("<II", crc, (count * ZERO_CHUNK) & 0xFFFFFFFF)

    return length, chunks


def deflate_bomb(total: int) -> tuple[int, Callable[[], Iterator[bytes]]]:
    """(length, chunks) of a zlib stream (HTTP "deflate") of ``total`` zeros; the Adler-32 of zeros is computed."""
    segment, tail = _deflate_segment()
    count = max(1, total // ZERO_CHUNK)
    size = count * ZERO_CHUNK
    adler = ((size % 65521) << 16) | 1  # a = 1 + sum of bytes = 1; b = sum of a after each byte = size
    header = b"\x78\xda"
    length = len(header) + count * len(segment) + len(tail) + 4

    def chunks() -> Iterator[bytes]:
        yield header
        for _ in range(count):
            yield segment
        yield tail + struct.pack(">I", adler)

    return length, chunks


def _deflate_segment() -> tuple[bytes, bytes]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(ZERO_CHUNK)
    segment = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    return segment, compressor.flush(zlib.Z_FINISH)


def brotli_bomb(total: int) -> bytes:
    """A brotli stream of ``total`` zeros (a few KB), compressed chunk by chunk."""
    compressor = brotli.Compressor(quality=4)
    zeros = bytes(ZERO_CHUNK)
    parts = [compressor.process(zeros) for _ in range(max(1, total // ZERO_CHUNK))]
    parts.append(compressor.finish())
    return b"".join(parts)
