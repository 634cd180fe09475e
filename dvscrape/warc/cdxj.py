"""CDXJ lines of WARC files, as pywb and ReplayWeb.page read them.

One line per response, revisit or resource record: ``<SURT key> <14-digit timestamp> <JSON>``, the JSON holding url,
mime, status, digest, length, offset and filename (all strings), lines sorted byte-wise, each the record's own line
as cdxj-indexer writes it. The index replay tools are given, kept on disk and looked up by key, is
warc/index_store's: it leaves out a server error (5xx) when its SURT key has a capture without one (a retried fetch,
a later crawl: a failed fetch, not a state of the page, which replay tools would show instead of the page, as pywb
takes the capture nearest in time, to the second, and for a fuzzy match the first one), and points a
server-not-modified revisit at the response it confirmed. The SURT key follows the rules of
the Internet Archive's canonicaliser that replay tools apply to the URL they look up: scheme dropped, lower case,
``www.`` dropped, host labels reversed and comma-joined, default port dropped, percent-escapes normalised, repeated and
trailing slashes of the path dropped, query arguments sorted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit

from dvscrape.warc.files import IMPORTED_PREFIX
from dvscrape.warc.http_block import explicit_port
from dvscrape.warc.reader import WarcRecord
from dvscrape.warc.walk import iter_readable, iter_records

INDEXED_TYPES = frozenset({"response", "revisit", "resource"})  # resource: in files imported from other tools
_WWW = re.compile(r"^www\d*\.")
_PLAIN = re.compile(r"[\x21\x22\x24\x26-\x7e]*")  # printable ASCII but '#' and '%'


def surt(url: str) -> str:
    """The SURT form of *url*: 'https://www.Site.gov.vn/A?b=1&a=2' → 'vn,gov,site)/a?a=2&b=1'."""
    parts = urlsplit(url.strip())
    host = _WWW.sub("", (parts.hostname or "").lower().strip("."))
    key = ",".join(reversed(host.split("."))) if host else ""
    port = explicit_port(parts)
    if port is not None:
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
    if _PLAIN.fullmatch(text):  # nothing to decode or escape: most URLs
        return text
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


def file_lines(path: Path) -> list[str]:
    """The sorted CDXJ lines of the response, revisit and resource records of one file, each the record's own line
    as cdxj-indexer writes it (what replay makes of them across files is warc/index_store's). Raises WarcFormatError
    when the file cannot be read through (run `dvscrape verify`); an imported file's unreadable records (recorded at
    import) are skipped."""
    records = iter_readable(path) if path.name.startswith(IMPORTED_PREFIX) else iter_records(path, check_digests=False)
    return sorted(record_line(record, path.name).text() for record in records if record.record_type in INDEXED_TYPES)


def parse_line(line: str) -> CdxjLine:
    """One line of a CDXJ file (with or without its newline)."""
    key, timestamp, data = line.rstrip("\n").split(" ", 2)
    return CdxjLine(key, timestamp, json.loads(data))
