"""The archive's own CDXJ index (warc/index_store.py), looked up as pywb and ReplayWeb.page look up a URL to replay it.

A URL asked for at a time is found by its SURT key, at the capture nearest that time (the first in index order
when two are as near). A revisit found there is followed to its original, as the replay tools do: the response of
WARC-Refers-To-Target-URI (the revisit's own URL when absent) with the revisit's payload digest, nearest
WARC-Refers-To-Date. A server-not-modified revisit is indexed as the response it confirmed already. Only the keys
looked up are read, by binary search in the index's segments. No database.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass

from dvscrape.errors import WarcFormatError
from dvscrape.warc.cdxj import CdxjLine, cdx_timestamp, surt
from dvscrape.warc.index_store import REVISIT_MIME, IndexStore
from dvscrape.warc.reader import WarcRecord


@dataclass(frozen=True)
class Resolved:
    """The record a replay tool would serve for a URL asked for at a time: where it is and what it answered."""

    url: str
    timestamp: str
    status: int | None
    mime: str
    digest: str
    filename: str
    offset: int
    length: int

    @property
    def good(self) -> bool:
        """A 2xx answer with its content (what a page needs of its requisites)."""
        return self.status is not None and 200 <= self.status < 300


def _seconds(timestamp: str) -> int:
    """A 14-digit timestamp as seconds since 1970 (UTC); only the distance between two of them matters."""
    digits = timestamp[:14].ljust(14, "0")
    parts = (digits[0:4], digits[4:6], digits[6:8], digits[8:10], digits[10:12], digits[12:14])
    return calendar.timegm(tuple(int(part) for part in parts))


def _resolved(line: CdxjLine) -> Resolved:
    fields = line.fields
    status = fields.get("status", "")
    return Resolved(
        fields.get("url", ""),
        line.timestamp,
        int(status) if status.isdigit() else None,
        fields.get("mime", ""),
        fields.get("digest", ""),
        fields.get("filename", ""),
        int(fields.get("offset", "0")),
        int(fields.get("length", "0")),
    )


class ReplayIndex:
    """Replay lookups in an opened index (warc/index_store.archive_index)."""

    def __init__(self, store: IndexStore) -> None:
        self.store = store
        self._keys: dict[str, str] = {}  # a page's requisites are looked up again for every page
        self._seconds: dict[str, int] = {}

    def _key(self, url: str) -> str:
        if url not in self._keys:
            self._keys[url] = surt(url)
        return self._keys[url]

    def _when(self, timestamp: str) -> int:
        if timestamp not in self._seconds:
            self._seconds[timestamp] = _seconds(timestamp)
        return self._seconds[timestamp]

    def resolve(self, url: str, timestamp: str) -> Resolved | None:
        """What replaying *url* at *timestamp* (14 digits) serves, revisits followed; None when the index holds no
        capture of the URL, or a revisit whose original it does not hold."""
        found = self._nearest(self._key(url), timestamp, lambda fields: True)
        if found is None or found.mime != REVISIT_MIME:
            return found
        try:
            revisit = self.record(found)
        except WarcFormatError:
            return None
        target = revisit.header("WARC-Refers-To-Target-URI") or found.url
        date = revisit.header("WARC-Refers-To-Date")
        when = cdx_timestamp(date) if date else found.timestamp
        return self._nearest(
            self._key(target),
            when,
            lambda fields: fields.get("mime") != REVISIT_MIME and fields.get("digest", "") == found.digest,
        )

    def _nearest(self, key: str, timestamp: str, accept: Callable[[dict[str, str]], bool]) -> Resolved | None:
        wanted = self._when(timestamp)
        best: tuple[int, CdxjLine] | None = None
        for line in self.store.published(key):
            if not accept(line.fields):
                continue
            distance = abs(self._when(line.timestamp) - wanted)
            if best is None or distance < best[0]:
                best = (distance, line)
        return None if best is None else _resolved(best[1])

    def record(self, resolved: Resolved) -> WarcRecord:
        """The WARC record *resolved* names (digests not checked: `dvscrape verify` does). Raises WarcFormatError."""
        return self.store.record(resolved.filename, resolved.offset, resolved.length)
