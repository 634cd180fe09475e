"""Packaging an archive's WARC files as a WACZ 1.1.1 file that pywb and ReplayWeb.page replay.

Layout: ``archive/`` the WARC files as they are, ``indexes/index.cdx`` their CDXJ index, ``pages/pages.jsonl`` the
pages given (dvscrape.serving.replay.replay_pages: the home page and every article, once each, at its newest capture
with content, with its title), ``datapackage.json`` listing every file with its size and
SHA-256, and ``datapackage-digest.json`` with the SHA-256 of ``datapackage.json``. Every entry is stored without
ZIP compression (WARC files are gzip already; stored entries can be read by range requests), by
:mod:`dvscrape.warc.storedzip` (ZIP64 only for what needs it, which ReplayWeb.page depends on).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dvscrape import __version__
from dvscrape.warc.index_store import IndexStore, write_lines
from dvscrape.warc.storedzip import stored_zip

WACZ_VERSION = "1.1.1"
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
_RESOURCE_NAME_UNSAFE = re.compile(r"[^a-z0-9._-]+")


@dataclass(frozen=True)
class WaczResult:
    """What went into the package."""

    path: Path
    warc_files: int
    index_lines: int
    pages: int
    bytes: int


@dataclass(frozen=True)
class Page:
    """One entry of pages.jsonl."""

    url: str
    ts: datetime
    title: str

    def to_json(self) -> str:
        """The JSON line (without newline)."""
        # Every line carries a title (the URL when there is none): frictionless reads the file as a table whose
        # columns are the header line's keys, and a line without title would be a blank row.
        line = {"url": self.url, "ts": wacz_time(self.ts), "title": self.title or self.url}
        return json.dumps(line, ensure_ascii=False)


def wacz_time(moment: datetime) -> str:
    """*moment* (timezone-aware) as WACZ writes its times (pages' ts, the package's dates): UTC, to the second."""
    if moment.tzinfo is None:
        raise ValueError(f"WACZ times need a timezone-aware datetime, got naive {moment!r}")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _resource(path: str, digest: str, size: int) -> dict[str, object]:
    name = _RESOURCE_NAME_UNSAFE.sub("-", Path(path).name.lower())
    return {"name": name, "path": path, "hash": digest, "bytes": size}


def _page_lines(pages: Iterable[Page], first: list[Page]) -> Iterator[str]:
    """The lines of pages.jsonl (its header, then a line per page); the first page is put in *first*."""
    yield json.dumps(PAGES_HEADER, ensure_ascii=False)
    for page in pages:
        if not first:
            first.append(page)
        yield page.to_json()


@contextmanager
def _removed_after(*paths: Path) -> Iterator[None]:
    try:
        yield
    finally:
        for path in paths:
            path.unlink(missing_ok=True)


@contextmanager
def _removed_on_error(path: Path) -> Iterator[None]:
    try:
        yield
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def write_wacz(
    output: Path,
    index: IndexStore,
    pages: Iterable[Page],
    *,
    title: str,
    now: datetime | None = None,
    sign: Callable[[str, str], dict[str, str]] | None = None,
) -> WaczResult:
    """Write the WACZ file *output* from the WARC files of the opened *index*, their index and *pages* (atomically:
    to a temporary name, then renamed). The index and the page list go through files beside it, never whole in
    memory. *sign* (warc/signing), given the hash of datapackage.json and its creation time, returns the signedData
    that datapackage-digest.json then carries.

    Raises what *sign* raises (leaving no file behind).
    """
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    temporary = output.with_name(output.name + ".tmp")
    index_file, pages_file = output.with_name(output.name + ".cdx.tmp"), output.with_name(output.name + ".pages.tmp")
    resources: list[dict[str, object]] = []
    with _removed_on_error(temporary), _removed_after(index_file, pages_file):
        index_lines = write_lines(index_file, index.lines())
        first: list[Page] = []
        page_count = write_lines(pages_file, _page_lines(pages, first)) - 1
        with stored_zip(temporary, moment) as package:
            for path in index.files:
                name = f"archive/{path.name}"
                resources.append(_resource(name, *package.add_file(name, path)))
            for name, spooled in (("indexes/index.cdx", index_file), ("pages/pages.jsonl", pages_file)):
                resources.append(_resource(name, *package.add_file(name, spooled)))
            # made once the WARC files are in: a signature's timestamp must come within 10 minutes of it
            created = wacz_time(now or datetime.now(UTC))
            datapackage: dict[str, object] = {
                "profile": "data-package",
                "wacz_version": WACZ_VERSION,
                "title": title,
                "created": created,
                "modified": created,
                "software": f"dvscrape {__version__}",
                "resources": resources,
            }
            if first:
                datapackage["mainPageURL"] = first[0].url
                datapackage["mainPageDate"] = wacz_time(first[0].ts)
            datapackage_bytes = json.dumps(datapackage, ensure_ascii=False, indent=2).encode("utf-8")
            package.add_bytes("datapackage.json", datapackage_bytes)
            datapackage_hash = "sha256:" + hashlib.sha256(datapackage_bytes).hexdigest()
            digest: dict[str, object] = {"path": "datapackage.json", "hash": datapackage_hash}
            if sign is not None:
                digest["signedData"] = sign(datapackage_hash, created)
            package.add_bytes("datapackage-digest.json", json.dumps(digest, indent=2).encode("utf-8"))
    temporary.replace(output)
    return WaczResult(output, len(index.files), index_lines, page_count, output.stat().st_size)
