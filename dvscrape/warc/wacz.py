"""Packaging an archive's WARC files as a WACZ 1.1.1 file that pywb and ReplayWeb.page replay.

Layout: ``archive/`` the WARC files as they are, ``indexes/index.cdx`` their CDXJ index, ``pages/pages.jsonl`` the
pages given (dvscrape.serving.replay.replay_pages: the home page and every article, once each, at its newest capture
with content, with its title), ``datapackage.json`` listing every file with its size and
SHA-256, and ``datapackage-digest.json`` with the SHA-256 of ``datapackage.json``. Every entry is stored without
ZIP compression (WARC files are gzip already; stored entries can be read by range requests).
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dvscrape import __version__
from dvscrape.warc.cdxj import index_lines

WACZ_VERSION = "1.1.1"
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
_CHUNK = 1 << 20
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


def _sha256_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return "sha256:" + digest.hexdigest(), size


def _resource(path: str, digest: str, size: int) -> dict[str, object]:
    name = _RESOURCE_NAME_UNSAFE.sub("-", Path(path).name.lower())
    return {"name": name, "path": path, "hash": digest, "bytes": size}


def _zip_info(name: str, moment: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=moment.timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED
    return info


def write_wacz(
    output: Path, warc_files: list[Path], pages: list[Page], *, title: str, now: datetime | None = None
) -> WaczResult:
    """Write the WACZ file *output* from *warc_files* and *pages* (atomically: to a temporary name, then renamed).

    Raises WarcFormatError when a WARC file cannot be indexed.
    """
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    lines = index_lines(warc_files)
    index_bytes = "".join(f"{line}\n" for line in lines).encode("utf-8")
    pages_bytes = "".join(f"{json.dumps(item, ensure_ascii=False)}\n" for item in [PAGES_HEADER]).encode("utf-8")
    pages_bytes += "".join(f"{page.to_json()}\n" for page in pages).encode("utf-8")
    resources: list[dict[str, object]] = []
    temporary = output.with_name(output.name + ".tmp")
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as package:
        for path in warc_files:
            name = f"archive/{path.name}"
            with open(path, "rb") as source, package.open(_zip_info(name, moment), "w", force_zip64=True) as target:
                while chunk := source.read(_CHUNK):
                    target.write(chunk)
            resources.append(_resource(name, *_sha256_file(path)))
        for name, data in (("indexes/index.cdx", index_bytes), ("pages/pages.jsonl", pages_bytes)):
            package.writestr(_zip_info(name, moment), data)
            resources.append(_resource(name, "sha256:" + hashlib.sha256(data).hexdigest(), len(data)))
        datapackage: dict[str, object] = {
            "profile": "data-package",
            "wacz_version": WACZ_VERSION,
            "title": title,
            "created": wacz_time(moment),
            "modified": wacz_time(moment),
            "software": f"dvscrape {__version__}",
            "resources": resources,
        }
        if pages:
            datapackage["mainPageURL"] = pages[0].url
            datapackage["mainPageDate"] = wacz_time(pages[0].ts)
        datapackage_bytes = json.dumps(datapackage, ensure_ascii=False, indent=2).encode("utf-8")
        package.writestr(_zip_info("datapackage.json", moment), datapackage_bytes)
        digest = {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(datapackage_bytes).hexdigest()}
        package.writestr(_zip_info("datapackage-digest.json", moment), json.dumps(digest, indent=2).encode("utf-8"))
    temporary.replace(output)
    return WaczResult(output, len(warc_files), len(lines), len(pages), output.stat().st_size)
