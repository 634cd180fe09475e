"""Writing WARC/1.1 files: one gzip member per record, a warcinfo record opening each file, rotation by size.

Records are built and serialised by warcio. Each record is compressed (zlib, *compression_level*) into its own
gzip member in memory and then appended to the open file and flushed, so (offset, length) of a record is exactly one
gzip member and a reader sees every completed record while the crawl still runs. The writer is not thread-safe
(Scrapy runs in one thread).

Time, record ids, host name, pid and the file-name token are injectable so that tests can fix them and compare whole
records byte for byte.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from dvscrape.errors import ArchiveError
from dvscrape.warc import http_block
from dvscrape.warc.files import WRITTEN_SUFFIX
from dvscrape.warc.model import (
    HttpExchange,
    RevisitProfile,
    RevisitTarget,
    WarcLocation,
    WriterIdentity,
    is_precompressed,
    new_record_id,
    sha1_digest,
    target_uri,
    utc_now,
    warc_date,
)

WARC_VERSION = "WARC/1.1"
CONFORMS_TO = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
HTTP_HEADER_NOTE = (
    "HTTP headers are reconstructed: Scrapy does not preserve raw header order or casing. Bodies are stored as "
    "received (Content-Encoding kept) but de-chunked: Transfer-Encoding is renamed X-Crawler-Transfer-Encoding and "
    "a Content-Length that does not match the stored body is renamed X-Crawler-Content-Length and replaced."
)
# zlib level for records: 3 costs a third of level 6 on HTML for ~15 % larger files (level 9 costs four times
# level 6). Payloads that are already compressed are stored at level 0: compressing them again gains nothing and is
# the slowest case of all (see warc_types.is_precompressed).
DEFAULT_COMPRESSION_LEVEL = 3

__all__ = [
    "HttpExchange",
    "RevisitProfile",
    "RevisitTarget",
    "WarcLocation",
    "WarcWriter",
    "WriterIdentity",
    "target_uri",
    "warc_date",
]

_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9.]+")


class _RawHeaders(StatusAndHeaders):
    """HTTP status line and headers serialised byte for byte as received.

    Scrapy gives header bytes; callers decode them as ISO-8859-1, which maps each byte to one character. Encoding the
    block back as ISO-8859-1 restores the original bytes (a UTF-8 file name in Content-Disposition stays UTF-8),
    where warcio would percent-encode any non-ASCII value. A line with characters beyond U+00FF (text that was
    never bytes) is written as UTF-8.
    """

    def to_ascii_bytes(self, filter_func: Any = None) -> bytes:
        lines = []
        for line in self.to_str(filter_func).split("\r\n"):
            try:
                lines.append(line.encode("latin-1"))
            except UnicodeEncodeError:
                lines.append(line.encode("utf-8"))
        return b"\r\n".join(lines) + b"\r\n"


def _response_headers(exchange: HttpExchange) -> list[tuple[str, str]]:
    """The exchange's response headers as the record stores them (see http_block.response_headers)."""
    return http_block.response_headers(
        exchange.response_headers,
        body_length=len(exchange.response_body),
        method=exchange.method,
        status=exchange.status,
    )


_PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class WarcWriter:
    """Appends exchanges to rotating ``.warc.gz`` files in one folder.

    File names are ``<prefix>-<UTC yyyymmddHHMMSSffffff>-<serial>-<hostname>-<pid>-<token>.warc.gz`` and files are
    created exclusively, so writers in the same folder never collide. A file is rotated before an exchange once it
    has reached *max_file_size* bytes; a file is opened only when the first record is written.
    """

    def __init__(
        self,
        directory: Path,
        *,
        prefix: str,
        max_file_size: int = 1_000_000_000,
        warcinfo: Mapping[str, str],
        compression_level: int = DEFAULT_COMPRESSION_LEVEL,
        clock: Callable[[], datetime] = utc_now,
        id_factory: Callable[[], str] = new_record_id,
        identity: WriterIdentity | None = None,
    ) -> None:
        if not _PREFIX.fullmatch(prefix):
            raise ValueError(f"WARC prefix must be letters, digits, '.', '-' or '_': {prefix!r}")
        if max_file_size <= 0:
            raise ValueError(f"max_file_size must be positive, got {max_file_size}")
        if not 0 <= compression_level <= 9:
            raise ValueError(f"compression_level must be 0 to 9, got {compression_level}")
        self.compression_level = compression_level
        self.directory = Path(directory)
        self.prefix = prefix
        self.max_file_size = max_file_size
        self.warcinfo = dict(warcinfo)
        self._clock = clock
        self._id_factory = id_factory
        self._identity = identity if identity is not None else WriterIdentity()
        self._serializer = WARCWriter(io.BytesIO(), gzip=False, warc_version=WARC_VERSION)
        self._file: IO[bytes] | None = None
        self._filename = ""
        self._file_size = 0
        self._warcinfo_id = ""
        self._serial = 0
        self._bytes_written = 0
        self._files: list[str] = []
        self._closed = False
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ArchiveError(f"cannot create WARC folder {self.directory}: {error.strerror}") from error

    @property
    def bytes_written(self) -> int:
        """Bytes written to all files so far (compressed, warcinfo records included)."""
        return self._bytes_written

    @property
    def files(self) -> list[str]:
        """Names of the files written so far, oldest first (a copy)."""
        return list(self._files)

    def write_exchange(self, exchange: HttpExchange) -> WarcLocation:
        """Write the response record, then the request record concurrent to it; return the response's location."""
        target = self._prepare_file()
        response_id = self._id_factory()
        date = warc_date(exchange.fetched_at)
        headers = _response_headers(exchange)
        record = self._serializer.create_warc_record(
            target_uri(exchange.url),
            "response",
            payload=io.BytesIO(exchange.response_body),
            length=len(exchange.response_body),
            http_headers=self._status_line(exchange, headers),
            warc_headers_dict=self._common_headers("response", response_id, date, exchange),
        )
        level = 0 if is_precompressed(headers) else self.compression_level
        location = self._append(target, record, level)
        self._write_request(target, exchange, response_id, date)
        return location

    def write_revisit(
        self, exchange: HttpExchange, *, profile: RevisitProfile, refers_to: RevisitTarget
    ) -> WarcLocation:
        """Write a revisit record (HTTP headers only) and its request record; return the revisit's location.

        With IDENTICAL_PAYLOAD_DIGEST the exchange's body was fetched and found identical to the earlier capture's
        payload; its digest is recorded, the body is not. With SERVER_NOT_MODIFIED the exchange is the server's
        304 answer to a conditional request.
        """
        target = self._prepare_file()
        revisit_id = self._id_factory()
        date = warc_date(exchange.fetched_at)
        warc_headers = self._common_headers("revisit", revisit_id, date, exchange)
        warc_headers["WARC-Profile"] = str(profile)
        warc_headers["WARC-Refers-To-Target-URI"] = refers_to.target_uri
        warc_headers["WARC-Refers-To-Date"] = warc_date(refers_to.date)
        warc_headers["WARC-Refers-To"] = refers_to.record_id
        if profile is RevisitProfile.IDENTICAL_PAYLOAD_DIGEST:
            warc_headers["WARC-Payload-Digest"] = sha1_digest(exchange.response_body)
        headers = _response_headers(exchange)
        record = self._serializer.create_warc_record(
            target_uri(exchange.url),
            "revisit",
            http_headers=self._status_line(exchange, headers),
            warc_headers_dict=warc_headers,
        )
        location = self._append(target, record, self.compression_level)
        self._write_request(target, exchange, revisit_id, date)
        return location

    def close(self) -> None:
        """Close the open file; the writer cannot be used afterwards. Safe to call twice."""
        self._closed = True
        self._close_file()

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- records -------------------------------------------------------------------------------------------------

    def _common_headers(self, record_type: str, record_id: str, date: str, exchange: HttpExchange) -> dict[str, str]:
        headers = {
            "WARC-Type": record_type,
            "WARC-Record-ID": record_id,
            "WARC-Date": date,
            "WARC-Target-URI": target_uri(exchange.url),
        }
        if exchange.ip_address:
            headers["WARC-IP-Address"] = exchange.ip_address
        if exchange.source_url and record_type != "request":
            # Fetched from a web archive: where and when, beside the original URL and capture time above.
            headers["WARC-Source-URI"] = exchange.source_url
            if exchange.source_fetched_at is not None:
                headers["WARC-Creation-Date"] = warc_date(exchange.source_fetched_at)
        headers["WARC-Warcinfo-ID"] = self._warcinfo_id
        return headers

    @staticmethod
    def _status_line(exchange: HttpExchange, headers: list[tuple[str, str]]) -> StatusAndHeaders:
        status_line = f"{exchange.status} {exchange.reason}".rstrip()
        return _RawHeaders(status_line, headers, protocol=exchange.protocol or "HTTP/1.1")

    def _write_request(self, target: IO[bytes], exchange: HttpExchange, concurrent_to: str, date: str) -> None:
        url = exchange.url
        if exchange.source_url:  # the request really sent: to the web archive, at the time it was sent
            url = exchange.source_url
            date = warc_date(exchange.source_fetched_at or exchange.fetched_at)
        warc_headers = self._common_headers("request", self._id_factory(), date, exchange)
        warc_headers["WARC-Target-URI"] = target_uri(url)
        warc_headers["WARC-Concurrent-To"] = concurrent_to
        headers = http_block.request_headers(exchange.request_headers, url=url, body_length=len(exchange.request_body))
        request_line = f"{http_block.request_target(url)} {exchange.protocol or 'HTTP/1.1'}"
        record = self._serializer.create_warc_record(
            target_uri(url),
            "request",
            payload=io.BytesIO(exchange.request_body),
            length=len(exchange.request_body),
            http_headers=_RawHeaders(request_line, headers, protocol=exchange.method.upper()),
            warc_headers_dict=warc_headers,
        )
        self._append(target, record, self.compression_level)

    def _warcinfo_record(self, filename: str) -> Any:
        fields: dict[str, str] = {
            "software": self._identity.software,
            "format": "WARC File Format 1.1",
            "conformsTo": CONFORMS_TO,
            "hostname": self._identity.hostname,
            "http-header-note": HTTP_HEADER_NOTE,
        }
        fields.update(self.warcinfo)
        lines = [f"{name}: {text}\r\n" for name, value in fields.items() if (text := " ".join(str(value).split()))]
        block = "".join(lines).encode("utf-8")
        self._warcinfo_id = self._id_factory()
        return self._serializer.create_warc_record(
            "",
            "warcinfo",
            payload=io.BytesIO(block),
            length=len(block),
            warc_content_type="application/warc-fields",
            warc_headers_dict={
                "WARC-Type": "warcinfo",
                "WARC-Record-ID": self._warcinfo_id,
                "WARC-Date": warc_date(self._clock()),
                "WARC-Filename": filename,
            },
        )

    def _append(self, target: IO[bytes], record: Any, level: int) -> WarcLocation:
        """Serialise *record* as one gzip member at compression *level*, append it to *target* and flush; return
        where it went."""
        buffer = self._serializer.out
        buffer.seek(0)
        buffer.truncate()
        self._serializer.write_record(record)
        compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        member = compressor.compress(buffer.getbuffer()) + compressor.flush()
        offset = self._file_size
        try:
            target.write(member)
            target.flush()
        except OSError as error:
            raise ArchiveError(f"cannot write WARC file {self._filename}: {error.strerror}") from error
        self._file_size += len(member)
        self._bytes_written += len(member)
        headers = record.rec_headers
        return WarcLocation(
            filename=self._filename,
            offset=offset,
            length=len(member),
            record_id=headers.get_header("WARC-Record-ID") or "",
            payload_digest=headers.get_header("WARC-Payload-Digest") or "",
            block_digest=headers.get_header("WARC-Block-Digest") or "",
        )

    # -- files ---------------------------------------------------------------------------------------------------

    def _prepare_file(self) -> IO[bytes]:
        """The file to write the next exchange to: the open one, or a new one when it is full or none is open."""
        if self._closed:
            raise ArchiveError("the WARC writer is closed")
        if self._file is not None and self._file_size >= self.max_file_size:
            self._close_file()
        if self._file is None:
            self._open_file()
        assert self._file is not None
        return self._file

    def _open_file(self) -> None:
        identity = self._identity
        hostname = _FILENAME_UNSAFE.sub("-", identity.hostname).strip("-") or "localhost"
        last_error: OSError | None = None
        for _ in range(5):
            stamp = self._clock().astimezone(UTC).strftime("%Y%m%d%H%M%S%f")
            name = (
                f"{self.prefix}-{stamp}-{self._serial:05d}-{hostname}-{identity.pid}-"
                f"{identity.token_factory()}{WRITTEN_SUFFIX}"
            )
            try:
                handle = open(self.directory / name, "xb")  # noqa: SIM115 - kept open across calls
            except FileExistsError as error:
                last_error = error
                continue
            except OSError as error:
                raise ArchiveError(f"cannot create WARC file {self.directory / name}: {error.strerror}") from error
            break
        else:
            raise ArchiveError(f"cannot find a free WARC file name in {self.directory}: {last_error}")
        self._file = handle
        self._filename = name
        self._file_size = 0
        self._serial += 1
        self._files.append(name)
        self._warcinfo_id = ""
        self._append(handle, self._warcinfo_record(name), self.compression_level)

    def _close_file(self) -> None:
        if self._file is not None:
            try:
                self._file.close()
            finally:
                self._file = None
                self._filename = ""
