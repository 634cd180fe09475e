"""The values the WARC writer and its callers exchange, and the small pure functions that format them."""

from __future__ import annotations

import base64
import hashlib
import os
import platform
import secrets
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from importlib import metadata

from warcio.timeutils import datetime_to_iso_date

from dvscrape import __version__

# Media types whose bodies are already compressed (besides any body with a Content-Encoding).
_PRECOMPRESSED_TYPES = (
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/avif",
    "audio/",
    "video/",
    "font/woff",
    "application/zip",
    "application/gzip",
    "application/x-gzip",
    "application/x-7z",
    "application/vnd.rar",
    "application/x-rar",
    "application/vnd.openxmlformats-officedocument.",
    # PDF content streams are almost always Flate-compressed already: recompressing costs ~18 ms/MB for a few %.
    "application/pdf",
)


@dataclass(frozen=True)
class HttpExchange:
    """One HTTP request and its response, as the crawler saw them."""

    url: str
    method: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: bytes
    protocol: str
    status: int
    reason: str
    response_headers: tuple[tuple[str, str], ...]
    response_body: bytes
    fetched_at: datetime
    ip_address: str | None = None
    # A capture fetched from a web archive (Wayback Machine, pywb) in raw mode: *url* and *fetched_at* are the
    # original URL and capture time, *source_url* the address actually fetched and *source_fetched_at* when.
    source_url: str = ""
    source_fetched_at: datetime | None = None


@dataclass(frozen=True)
class WarcLocation:
    """Where one record lies: file name relative to the warc/ folder, and the gzip member holding it."""

    filename: str
    offset: int
    length: int
    record_id: str
    payload_digest: str
    block_digest: str


class RevisitProfile(StrEnum):
    """The two WARC/1.1 revisit profiles."""

    IDENTICAL_PAYLOAD_DIGEST = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
    SERVER_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"


@dataclass(frozen=True)
class RevisitTarget:
    """The earlier response record a revisit refers to."""

    target_uri: str
    date: datetime
    record_id: str


def new_record_id() -> str:
    """A fresh WARC-Record-ID: ``<urn:uuid:…>`` with a random UUID."""
    return f"<urn:uuid:{uuid.uuid4()}>"


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def new_token() -> str:
    """Eight random hex digits, the last part of a WARC file name."""
    return secrets.token_hex(4)


def default_software() -> str:
    """The warcinfo ``software`` value: dvscrape, warcio and Python versions."""
    try:
        warcio_version = metadata.version("warcio")
    except metadata.PackageNotFoundError:
        warcio_version = "unknown"
    return f"dvscrape/{__version__} (warcio/{warcio_version}; Python/{platform.python_version()})"


@dataclass(frozen=True)
class WriterIdentity:
    """What a writer takes from its machine, for file names and warcinfo records; tests substitute fixed values."""

    hostname: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)
    software: str = field(default_factory=default_software)
    token_factory: Callable[[], str] = new_token


def warc_date(moment: datetime) -> str:
    """*moment* (timezone-aware) as a WARC/1.1 date: UTC, ISO 8601, microseconds when not zero."""
    if moment.tzinfo is None:
        raise ValueError(f"WARC dates need a timezone-aware datetime, got naive {moment!r}")
    return str(datetime_to_iso_date(moment.astimezone(UTC).replace(tzinfo=None), use_micros=True))


def parse_time(text: str) -> datetime:
    """An ISO 8601 time or date (``Z`` or an offset; naive taken as UTC) as an aware datetime; ValueError if none.
    The one reader of the times dvscrape stores and writes (the archive's, WARC-Dates, a package's creation)."""
    moment = datetime.fromisoformat(text.strip())
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def parse_warc_date(text: str) -> datetime:
    """A WARC-Date as an aware datetime: as :func:`parse_time` reads it, or the 14-digit form some tools write (CDX
    style); ValueError when it is neither."""
    text = text.strip()
    if len(text) == 14 and text.isdigit():
        return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    return parse_time(text)


def is_precompressed(headers: list[tuple[str, str]]) -> bool:
    """Whether a response body is already compressed: it has a Content-Encoding, or a compressed media type."""
    for name, value in headers:
        lowered = name.lower()
        if lowered == "content-encoding" and value.strip().lower() not in ("", "identity"):
            return True
        if lowered == "content-type" and value.strip().lower().startswith(_PRECOMPRESSED_TYPES):
            return True
    return False


def target_uri(url: str) -> str:
    """The WARC-Target-URI for a fetch of *url*: the URL without its fragment, which is never sent to the server."""
    return url.split("#", 1)[0]


def sha1_digest(data: bytes) -> str:
    """The WARC digest of *data*: ``sha1:`` and the base32 SHA-1."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")
