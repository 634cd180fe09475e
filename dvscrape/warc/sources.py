"""The files ``dvscrape import`` is given, made safe to keep: checksummed, copied into the archive's warc folder under
a name of their own (never modified afterwards), and WACZ packages opened without trusting them.

A WACZ is a zip file: only its ``archive/*.warc`` and ``archive/*.warc.gz`` members are used, each copied byte for byte
into the warc folder under a name dvscrape chooses (a member's own path is never used as a file name, so nothing can
be written outside the archive folder). A member whose path would escape the package (absolute, ``..``, drive
letters, backslashes), a member that inflates far beyond its compressed size or beyond the size limit (a
decompression bomb), a member whose CRC does not match, a member whose SHA-256 is not the one the package's
``datapackage.json`` declares, and a package with too many members are refused, with the reason, and the rest of the
package is still imported.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from dvscrape.warc.files import IMPORTED_PREFIX

MAX_MEMBER_BYTES = int(os.environ.get("DVSCRAPE_IMPORT_MAX_MEMBER", str(8 << 30)))
MAX_RATIO = 200  # a WARC member inflating more than this is a decompression bomb (gzip-per-record WARC: ~1)
MAX_MEMBERS = 100_000
_CHUNK = 1 << 20
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Refusal:
    """Something of an input that was not imported, and why."""

    source: str
    reason: str


@dataclass(frozen=True)
class WarcSource:
    """A WARC file to import: where it is now, where it came from (path given; member of a WACZ), its SHA-256."""

    path: Path
    source: str
    member: str
    sha256: str
    size: int
    temporary: bool = False  # extracted from a WACZ into the warc folder under a temporary name


def sha256_of(path: Path) -> str:
    """The SHA-256 of the file at *path*, hex."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def neither_warc_nor_wacz(path: Path) -> bool:
    """Whether the file at *path* is neither a WARC file (plain, or gzipped record by record) nor a zip package: a
    file `dvscrape import` refuses before copying anything. Judged by its first bytes, not its name."""
    with open(path, "rb") as handle:
        head = handle.read(_CHUNK)
    if head.startswith(ZIP_MAGIC):
        return False
    if head.startswith(b"\x1f\x8b"):
        try:
            head = zlib.decompressobj(wbits=31).decompress(head, 16)
        except zlib.error:
            return True
    return not head.startswith(b"WARC/")


def is_wacz(path: Path) -> bool:
    """Whether *path* is a zip package (a WACZ), whatever its name."""
    with open(path, "rb") as handle:
        return handle.read(4) == ZIP_MAGIC


def stored_name(sha256: str, original: str) -> str:
    """The name an imported WARC file gets in the warc folder: the prefix, 16 hex digits of its SHA-256, and its own
    name made safe (its suffix kept, so readers know whether it is gzipped)."""
    base = PurePosixPath(original.replace("\\", "/")).name
    suffix = ".warc.gz" if base.endswith((".gz", ".warc.gz")) else ".warc"
    stem = base[: -len(suffix)] if base.endswith(suffix) else base.rsplit(".", 1)[0]
    stem = stem.removeprefix(f"{IMPORTED_PREFIX}{sha256[:16]}-")  # a file this archive or another imported before
    stem = _SAFE.sub("_", stem).strip("._")[:80] or "file"
    return f"{IMPORTED_PREFIX}{sha256[:16]}-{stem}{suffix}"


def keep_copy(source: WarcSource, warc_dir: Path, name: str) -> Path:
    """Put *source* into *warc_dir* as *name* (copied, or renamed when it was extracted there); made read-only."""
    target = warc_dir / name
    if source.temporary:
        os.replace(source.path, target)
    else:
        partial = warc_dir / f".{name}.part"
        with open(source.path, "rb") as reader, open(partial, "wb") as writer:
            shutil.copyfileobj(reader, writer, _CHUNK)
            writer.flush()
            os.fsync(writer.fileno())
        os.replace(partial, target)
    target.chmod(0o444)
    return target


def unsafe_member_reason(name: str) -> str:
    """Why a zip member path is refused ("" when it is a plain relative path inside the package)."""
    if not name or "\x00" in name:
        return "empty member name or a NUL byte in it"
    if "\\" in name:
        return f"member path {name!r} uses backslashes"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return f"member path {name!r} is absolute"
    if any(part == ".." for part in PurePosixPath(name).parts):
        return f"member path {name!r} escapes the package folder"
    return ""


def wacz_warcs(
    wacz: Path, sha256: str, scratch: Path, refusals: list[Refusal], *, max_member: int = MAX_MEMBER_BYTES
) -> Iterator[WarcSource]:
    """The WARC members of the WACZ *wacz*, each extracted (size and ratio bounded, CRC checked) into *scratch* (a
    folder inside the archive) under a temporary name; every refused member is appended to *refusals*."""
    label = str(wacz)
    try:
        package = zipfile.ZipFile(wacz)
    except (zipfile.BadZipFile, OSError) as error:
        refusals.append(Refusal(label, f"not a readable zip file: {error}"))
        return
    with package:
        members = package.infolist()
        if len(members) > MAX_MEMBERS:
            refusals.append(Refusal(label, f"{len(members)} members (more than {MAX_MEMBERS}): refused"))
            return
        declared = _declared_hashes(package, label, refusals)
        for index, info in enumerate(members):
            where = f"{label}!{info.filename}"
            reason = unsafe_member_reason(info.filename)
            if reason:
                refusals.append(Refusal(where, f"{reason}: refused"))
                continue
            if info.is_dir() or not info.filename.startswith("archive/"):
                continue
            if not info.filename.endswith((".warc", ".warc.gz")):
                continue
            if info.flag_bits & 0x1:
                refusals.append(Refusal(where, "encrypted member: refused"))
                continue
            if info.file_size > max_member:
                refusals.append(Refusal(where, f"declares {info.file_size} bytes, over the {max_member} limit"))
                continue
            if info.compress_size and info.file_size / max(info.compress_size, 1) > MAX_RATIO:
                refusals.append(
                    Refusal(where, f"inflates {info.file_size / info.compress_size:.0f}-fold: a decompression bomb")
                )
                continue
            target = scratch / f".wacz-{sha256[:16]}-{index}.part"
            failure = _extract(package, info, target, max_member)
            digest = "" if failure else sha256_of(target)
            expected = declared.get(info.filename, "")
            if not failure and expected and expected != digest:
                failure = f"its SHA-256 is not the one datapackage.json declares ({expected[:16]}…): refused"
            if failure:
                target.unlink(missing_ok=True)
                refusals.append(Refusal(where, failure))
                continue
            yield WarcSource(target, label, info.filename, digest, target.stat().st_size, temporary=True)


def _declared_hashes(package: zipfile.ZipFile, label: str, refusals: list[Refusal]) -> dict[str, str]:
    """{member path: SHA-256 hex} as the package's datapackage.json declares them (WACZ 1.1.1); {} without one."""
    try:
        info = package.getinfo("datapackage.json")
    except KeyError:
        return {}
    if info.file_size > 64 << 20:
        refusals.append(Refusal(f"{label}!datapackage.json", "larger than 64 MiB: not read"))
        return {}
    try:
        data = json.loads(package.read(info))
        resources = data.get("resources", []) if isinstance(data, dict) else []
    except (ValueError, zipfile.BadZipFile, OSError) as error:
        refusals.append(Refusal(f"{label}!datapackage.json", f"unreadable ({error}): member hashes not checked"))
        return {}
    declared: dict[str, str] = {}
    for resource in resources:
        if isinstance(resource, dict) and str(resource.get("hash", "")).startswith("sha256:"):
            declared[str(resource.get("path", ""))] = str(resource["hash"])[len("sha256:") :].lower()
    return declared


def _extract(package: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, max_member: int) -> str:
    """Copy one member to *target*, at most *max_member* bytes and no more than it declares; "" or why not."""
    written = 0
    limit = min(max_member, info.file_size)
    try:
        with package.open(info) as reader, open(target, "wb") as writer:
            while chunk := reader.read(_CHUNK):
                written += len(chunk)
                if written > limit:
                    return f"inflates beyond its declared {info.file_size} bytes: a decompression bomb, refused"
                writer.write(chunk)
            writer.flush()
            os.fsync(writer.fileno())
    except zipfile.BadZipFile as error:
        return f"damaged member ({error}): refused"
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as error:
        return f"unreadable member ({error}): refused"
    except Exception as error:  # zlib.error and friends from a corrupt stream
        return f"unreadable member ({type(error).__name__}: {error}): refused"
    return ""
