"""A CDXJ index of WARC files, as pywb and ReplayWeb.page read it.

One line per response or revisit record: ``<SURT key> <14-digit timestamp> <JSON>``, the JSON holding url, mime,
status, digest, length, offset and filename (all strings), lines sorted byte-wise. A server error (5xx) is left out
when its SURT key has a capture without one (a retried fetch, a later crawl): it is a failed fetch, not a state of
the page, and replay tools would show it instead of the page (pywb takes the capture nearest in time, to the second,
and for a fuzzy match the first one). The SURT key follows the rules of
the Internet Archive's canonicaliser that replay tools apply to the URL they look up: scheme dropped, lower case,
``www.`` dropped, host labels reversed and comma-joined, default port dropped, percent-escapes normalised, repeated and
trailing slashes of the path dropped, query arguments sorted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit

from dvscrape.warc.files import IMPORTED_PREFIX
from dvscrape.warc.model import RevisitProfile
from dvscrape.warc.reader import WarcRecord
from dvscrape.warc.walk import iter_readable, iter_records

INDEXED_TYPES = frozenset({"response", "revisit", "resource"})  # resource: in files imported from other tools
_WWW = re.compile(r"^www\d*\.")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def surt(url: str) -> str:
    """The SURT form of *url*: 'https://www.Site.gov.vn/A?b=1&a=2' → 'vn,gov,site)/a?a=2&b=1'."""
    parts = urlsplit(url.strip())
    host = _WWW.sub("", (parts.hostname or "").lower().strip("."))
    key = ",".join(reversed(host.split("."))) if host else ""
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        key += f":{port}"
    path = re.sub("/{2,}", "/", _minimal_escape(parts.path or "/").lower())
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]  # the canonicaliser strips a trailing slash ('/combo/?…' is looked up as '/combo?…')
    key += ")" + path
    if parts.query:
        key += "?" + "&".join(sorted(_minimal_escape(parts.query).lower().split("&")))
    return key


def _minimal_escape(text: str) -> str:
    """Percent-escapes decoded until stable, then only control bytes, space, non-ASCII, '#' and '%' escaped again,
    as the canonicaliser of replay tools does ('anh%2B1' → 'anh+1', 'a%20b' stays)."""
    data = text.encode("utf-8")
    while True:
        decoded = unquote_to_bytes(data)
        if decoded == data:
            break
        data = decoded
    return "".join(f"%{byte:02X}" if byte <= 0x20 or byte >= 0x7F or byte in b"#%" else chr(byte) for byte in data)


def cdx_timestamp(warc_date: str) -> str:
    """A WARC-Date ('2024-03-01T08:01:00.123Z') as the 14 digits of a CDX timestamp ('20240301080100')."""
    digits = re.sub(r"\D", "", warc_date)
    return digits[:14].ljust(14, "0")


@dataclass(frozen=True)
class CdxjLine:
    """One index entry; lines sort by (key, timestamp, text)."""

    key: str
    timestamp: str
    fields: dict[str, str]

    def text(self) -> str:
        """The line as written (without newline)."""
        return f"{self.key} {self.timestamp} {json.dumps(self.fields, ensure_ascii=False)}"


def _mime(record: WarcRecord) -> str:
    if record.record_type == "revisit":
        return "warc/revisit"
    content_type = record.http_header("Content-Type") or ""
    return content_type.split(";", 1)[0].strip().lower() or "unk"


def record_line(record: WarcRecord, filename: str) -> CdxjLine:
    """The CDXJ entry of one response or revisit record of *filename*."""
    url = record.target_uri
    fields = {"url": url, "mime": _mime(record)}
    if record.http_status is not None:
        fields["status"] = str(record.http_status)
    digest = record.header("WARC-Payload-Digest")
    if digest:
        fields["digest"] = digest
    fields.update({"length": str(record.length), "offset": str(record.offset), "filename": filename})
    return CdxjLine(surt(url), cdx_timestamp(record.header("WARC-Date") or ""), fields)


@dataclass(frozen=True)
class _Indexed:
    """What indexing keeps of one record (not its payload): its line and how it refers to others."""

    line: CdxjLine
    record_type: str
    record_id: str
    refers_to: str
    not_modified: bool


def _indexed(record: WarcRecord, filename: str) -> _Indexed:
    profile = record.header("WARC-Profile") or ""
    return _Indexed(
        record_line(record, filename),
        record.record_type,
        record.record_id,
        record.header("WARC-Refers-To") or "",
        record.record_type == "revisit" and profile == str(RevisitProfile.SERVER_NOT_MODIFIED),
    )


def _confirmed_line(revisit: _Indexed, by_id: dict[str, _Indexed]) -> CdxjLine:
    """The index line of a server-not-modified revisit: at the revisit's own URL and time, the response it confirmed
    unchanged (found through WARC-Refers-To, following earlier revisits), so that replay shows that content.

    The WARC record keeps what the server said (a 304 status line and headers); replay tools replay that literally
    as an empty page (pywb does for any 3xx revisit), which is why the Wayback Machine's indexer leaves such records
    out. Here they stay in the index, resolved, so the newest capture of a re-checked page shows its content. When
    the referred-to response is not among the indexed files, the revisit's own line is kept.
    """
    target = revisit.refers_to
    for _ in range(16):
        referred = by_id.get(target)
        if referred is None:
            break
        if referred.record_type == "response":
            fields = {**referred.line.fields, "url": revisit.line.fields["url"], "revisit": "server-not-modified"}
            return CdxjLine(revisit.line.key, revisit.line.timestamp, fields)
        target = referred.refers_to
    return revisit.line


def index_lines(files: Iterable[Path]) -> list[str]:
    """The sorted CDXJ lines of the response and revisit records of *files*. Raises WarcFormatError when a file
    cannot be read through (run `dvscrape verify`).

    Server-not-modified revisits are indexed as the response they confirmed (see _confirmed_line), server errors of
    a URL captured without one are left out (see the module docstring); every other line is the record's own, as
    cdxj-indexer writes it.
    """
    indexed = [
        _indexed(record, path.name)
        for path in files
        for record in _records(path)
        if record.record_type in INDEXED_TYPES
    ]
    by_id = {entry.record_id: entry for entry in indexed}
    answered = {entry.line.key for entry in indexed if not _server_error(entry)}
    lines = [
        (_confirmed_line(entry, by_id) if entry.not_modified else entry.line).text()
        for entry in indexed
        if not (_server_error(entry) and entry.line.key in answered)
    ]
    return sorted(lines, key=lambda line: line.encode("utf-8"))


def _server_error(entry: _Indexed) -> bool:
    return entry.record_type == "response" and entry.line.fields.get("status", "").startswith("5")


def _records(path: Path) -> Iterator[WarcRecord]:
    """The records of *path*; an imported file's unreadable records (recorded at import) are skipped."""
    if path.name.startswith(IMPORTED_PREFIX):
        return iter_readable(path)
    return iter_records(path, check_digests=False)


def write_index(files: Iterable[Path], output: Path) -> int:
    """Write the CDXJ index of *files* to *output* (atomically); return the number of lines."""
    lines = index_lines(files)
    temporary = output.with_name(output.name + ".tmp")
    temporary.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    temporary.replace(output)
    return len(lines)


def iter_index(path: Path) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(key, timestamp, fields) of each line of a CDXJ file."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            key, timestamp, data = line.rstrip("\n").split(" ", 2)
            yield key, timestamp, json.loads(data)
