"""Web archives that serve a site's past: the Wayback Machine and pywb collections, their CDX APIs and raw captures.

Both speak the same CDX query language (``url``, ``matchType``, ``from``, ``to``, ``output``), and both serve a
capture's bytes as archived in ``id_`` mode (``<prefix><14-digit timestamp>id_/<original URL>``). Their addresses and
output formats differ:

- Wayback Machine: replay prefix ``https://web.archive.org/web/``, CDX API ``https://web.archive.org/cdx/search/cdx``;
  ``output=json`` is one JSON array whose first row names the fields (``urlkey``, ``timestamp``, ``original``,
  ``mimetype``, ``statuscode``, ``digest``, ``length``); the plain output is the same fields space-separated.
- pywb: replay prefix ``http://HOST:PORT/COLL/``, CDX API ``http://HOST:PORT/COLL/cdx``; ``output=json`` is one JSON
  object per line (``url``, ``timestamp``, ``mime``, ``status``, ``digest``, …); the plain output is CDXJ
  (``<urlkey> <timestamp> <JSON>``).

parse_cdx reads any of the four.

A large answer comes in pages: with ``showResumeKey=true`` and ``limit=N`` the Wayback Machine's CDX server ends a
page that has more after it with a resume key (a blank line then the key; in JSON an empty row then ``[key]``), and
the next page is the same query with ``resumeKey=<key>``. Without it the server silently stops at its own maximum
(resume_key reads the key; WaybackServer.page_rows says when to ask for pages).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlencode, urlsplit

from dvscrape.errors import ConfigurationError

WAYBACK_MACHINE = "https://web.archive.org/web/"
WAYBACK_MACHINE_PAGE_ROWS = 25_000  # rows per CDX page asked of the Wayback Machine (its own cap is larger)
KEPT_STATUSES = frozenset({"200", "203", "404", "410", "-", ""})  # '-': revisits and some pywb records


@dataclass(frozen=True)
class ArchivedCapture:
    """One line of a CDX answer: when, what URL, its status, media type and payload digest."""

    timestamp: str  # 14 digits
    original: str
    status: str
    mime: str
    digest: str

    @property
    def captured_at(self) -> datetime:
        """The capture time (UTC)."""
        return datetime.strptime(self.timestamp[:14].ljust(14, "0"), "%Y%m%d%H%M%S").replace(tzinfo=UTC)


@dataclass(frozen=True)
class WaybackServer:
    """A web archive's replay prefix, from which its CDX endpoint and raw-capture addresses follow."""

    prefix: str  # ends with '/': https://web.archive.org/web/ or http://HOST:PORT/COLL/

    @classmethod
    def from_url(cls, url: str | None) -> WaybackServer:
        """The server at *url* (the Wayback Machine when None or empty). Raises ConfigurationError for a URL that
        is neither http(s) nor has a host."""
        text = (url or WAYBACK_MACHINE).strip()
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigurationError(f"a Wayback server is an http(s) URL such as {WAYBACK_MACHINE}, got {url!r}")
        if parts.hostname == "web.archive.org":
            return cls(WAYBACK_MACHINE)
        return cls(text if text.endswith("/") else text + "/")

    @property
    def is_wayback_machine(self) -> bool:
        return urlsplit(self.prefix).hostname == "web.archive.org"

    @property
    def host(self) -> str:
        return urlsplit(self.prefix).hostname or ""

    @property
    def cdx_endpoint(self) -> str:
        if self.is_wayback_machine:
            return "https://web.archive.org/cdx/search/cdx"
        return self.prefix + "cdx"

    def page_rows(self, setting: int) -> int:
        """Rows per CDX page for DVSCRAPE_WAYBACK_CDX_PAGE_ROWS = *setting*: itself when positive, else pages of
        WAYBACK_MACHINE_PAGE_ROWS at the Wayback Machine and one whole answer (0) from any other server."""
        if setting > 0:
            return setting
        return WAYBACK_MACHINE_PAGE_ROWS if self.is_wayback_machine else 0

    def cdx_query(
        self,
        url: str,
        *,
        match_type: str,
        since: date | None,
        until: date | None,
        page_rows: int = 0,
        resume_key: str | None = None,
    ) -> str:
        """The CDX query for every capture of *url* (matched as *match_type*: exact, prefix, host), as JSON; with
        *page_rows*, one page of that many rows, the one after *resume_key* when given."""
        params = {"url": url, "matchType": match_type, "output": "json"}
        if since is not None:
            params["from"] = since.strftime("%Y%m%d") + "000000"
        if until is not None:
            params["to"] = until.strftime("%Y%m%d") + "235959"
        if self.is_wayback_machine:
            params["fl"] = "timestamp,original,mimetype,statuscode,digest"
        if page_rows > 0:
            params.update(limit=str(page_rows), showResumeKey="true")
            if resume_key:
                params["resumeKey"] = resume_key
        return f"{self.cdx_endpoint}?{urlencode(params)}"

    def raw_url(self, capture: ArchivedCapture) -> str:
        """The address of the capture's bytes as archived (``id_`` mode: no rewriting, no banner)."""
        return f"{self.prefix}{capture.timestamp}id_/{capture.original}"


def parse_cdx(body: str) -> list[ArchivedCapture]:
    """The captures of a CDX answer in any of the four formats (see the module); ValueError when a non-empty answer
    holds no CDX line at all."""
    text = body.strip()
    if not text:
        return []
    if text.startswith("["):
        rows = json.loads(text)
        if not rows:
            return []
        header, *data = rows
        names = [str(name) for name in header]
        return [c for c in (_from_mapping(dict(zip(names, row, strict=False))) for row in data) if c]
    captures: list[ArchivedCapture] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            capture = _from_mapping(json.loads(line))
        else:
            parts = line.split(" ", 2)
            if len(parts) == 3 and parts[2].startswith("{"):
                capture = _from_mapping({"timestamp": parts[1], **json.loads(parts[2])})
            else:
                fields = line.split()
                if len(fields) < 3:
                    continue
                names = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]
                capture = _from_mapping(dict(zip(names, fields, strict=False)))
        if capture is not None:
            captures.append(capture)
    if not captures and not resume_key(text):
        raise ValueError(f"not a CDX answer: {text[:80]!r}")  # an error page served with 200, say
    return captures


def resume_key(body: str) -> str | None:
    """The resume key ending a CDX page that has more after it, or None (see the module)."""
    text = body.strip()
    if text.startswith("["):
        rows = json.loads(text)
        if len(rows) >= 2 and rows[-2] == [] and isinstance(rows[-1], list) and len(rows[-1]) == 1:
            return str(rows[-1][0])
        return None
    lines = text.splitlines()
    if len(lines) >= 2 and not lines[-2].strip() and len(lines[-1].split()) == 1 and not lines[-1].startswith("{"):
        return lines[-1].strip()
    return None


def _from_mapping(row: dict[str, object]) -> ArchivedCapture | None:
    timestamp = str(row.get("timestamp") or "")
    original = str(row.get("original") or row.get("url") or "")
    if not re.fullmatch(r"\d{4,14}", timestamp) or not original:
        return None
    return ArchivedCapture(
        timestamp=timestamp.ljust(14, "0"),
        original=original,
        status=str(row.get("statuscode") or row.get("status") or ""),
        mime=str(row.get("mimetype") or row.get("mime") or ""),
        digest=str(row.get("digest") or ""),
    )


def collapsed(
    captures: Iterable[tuple[str, ArchivedCapture]],
) -> tuple[list[tuple[str, ArchivedCapture]], dict[str, list[ArchivedCapture]]]:
    """(canonical URL, capture) pairs in capture order (a 2xx first among captures of one moment), a capture set
    aside when the previous one kept for the same canonical URL had the same digest (the CDX ``collapse=digest``
    rule, across the URL forms of one page); and the captures set aside, by canonical URL in capture order: the same
    content captured again, what to fetch instead when a kept capture cannot be fetched."""
    kept: list[tuple[str, ArchivedCapture]] = []
    spare: dict[str, list[ArchivedCapture]] = {}
    last: dict[str, str] = {}
    order = sorted(captures, key=lambda pair: (pair[1].timestamp, not pair[1].status.startswith("2"), pair[1].original))
    for canonical, capture in order:
        if capture.digest and last.get(canonical) == capture.digest:
            spare.setdefault(canonical, []).append(capture)
            continue
        if capture.digest:
            last[canonical] = capture.digest
        kept.append((canonical, capture))
    return kept, spare
