"""Verifying an archive end to end: every WARC file read through (gzip integrity, block and payload digests,
required headers), every capture row checked against the record it points at, every revisit against the captures.

The result is a report of problems (the archive cannot be trusted as it is) and warnings (worth knowing, not
damage), never an exception for damage found: damage is what the report is for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dvscrape.errors import WarcFormatError
from dvscrape.warc.files import IMPORTED_PREFIX, warc_files
from dvscrape.warc.reader import WarcRecord, read_record_at
from dvscrape.warc.walk import Defect, iter_any, iter_records

REQUIRED_HEADERS = ("WARC-Record-ID", "WARC-Date", "WARC-Type", "Content-Length", "WARC-Block-Digest")
TARGETED_TYPES = frozenset({"response", "request", "revisit", "resource"})


@dataclass(frozen=True)
class Finding:
    """One problem or warning: where (a file and offset, or a table row) and what."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class CaptureRow:
    """A captures row that points at a WARC record: what verify checks the record against."""

    capture_id: int
    url: str
    filename: str
    offset: int
    length: int
    record_id: str
    payload_digest: str


@dataclass(frozen=True)
class _Indexed:
    length: int
    record_id: str
    record_type: str
    payload_digest: str
    target_uri: str


@dataclass(frozen=True)
class VerifyReport:
    """What verify_archive checked and found."""

    files: int
    records: int
    captures: int
    problems: tuple[Finding, ...]
    warnings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        """True when no problem was found (warnings allowed)."""
        return not self.problems

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "ok": self.ok,
            "files": self.files,
            "records": self.records,
            "captures": self.captures,
            "problems": [{"where": f.where, "message": f.message} for f in self.problems],
            "warnings": [{"where": f.where, "message": f.message} for f in self.warnings],
        }


def _header_problems(record: WarcRecord) -> list[str]:
    missing = [name for name in REQUIRED_HEADERS if not record.header(name)]
    if record.record_type in TARGETED_TYPES and not record.target_uri:
        missing.append("WARC-Target-URI")
    if record.record_type == "response" and not record.header("WARC-Payload-Digest"):
        missing.append("WARC-Payload-Digest")
    if record.record_type == "revisit":
        missing.extend(name for name in ("WARC-Profile", "WARC-Refers-To") if not record.header(name))
    return [f"{record.record_type or 'untyped'} record lacks required header {name}" for name in missing]


def _scan_files(
    files: list[Path],
    problems: list[Finding],
    warnings: list[Finding] | None = None,
    known_defects: frozenset[tuple[str, int]] = frozenset(),
) -> tuple[dict[tuple[str, int], _Indexed], list[tuple[str, str]], int]:
    """Read every record of *files*; return the records by (file, offset), the revisits (where, refers-to id) and
    the record count."""
    indexed: dict[tuple[str, int], _Indexed] = {}
    revisits: list[tuple[str, str]] = []
    seen_ids: dict[str, str] = {}
    count = 0
    for path in files:
        if path.name.startswith(IMPORTED_PREFIX):
            count += _scan_imported(path, known_defects, indexed, revisits, seen_ids, problems, warnings)
            continue
        try:
            for record in iter_records(path, check_digests=False):
                count += 1
                where = f"{path.name} at offset {record.offset}"
                problems.extend(Finding(where, message) for message in _header_problems(record))
                try:  # digests record by record, so that one bad record does not hide the rest of the file
                    read_record_at(path, record.offset, record.length, check_digests=True)
                except WarcFormatError as error:
                    problems.append(Finding(where, f"digest check failed: {error}"))
                record_id = record.record_id
                if record_id in seen_ids:
                    problems.append(Finding(where, f"record id {record_id} also used at {seen_ids[record_id]}"))
                seen_ids[record_id] = where
                indexed[(path.name, record.offset)] = _Indexed(
                    record.length,
                    record_id,
                    record.record_type,
                    record.header("WARC-Payload-Digest") or "",
                    record.target_uri,
                )
                if record.record_type == "revisit":
                    revisits.append((where, record.header("WARC-Refers-To") or ""))
        except WarcFormatError as error:
            problems.append(Finding(path.name, f"unreadable from here on: {error}"))
    return indexed, revisits, count


def _scan_imported(
    path: Path,
    known_defects: frozenset[tuple[str, int]],
    indexed: dict[tuple[str, int], _Indexed],
    revisits: list[tuple[str, str]],
    seen_ids: dict[str, str],
    problems: list[Finding],
    warnings: list[Finding] | None,
) -> int:
    """Read an imported file (another tool's): its unreadable parts are warnings when the import recorded them
    (the file is kept as it came), problems otherwise (it changed since); readable records as in _scan_files."""
    count = 0
    for item in iter_any(path):
        if isinstance(item, Defect):
            where = f"{path.name} at offset {item.offset}"
            if (path.name, item.offset) in known_defects:
                if warnings is not None:
                    warnings.append(Finding(where, f"unreadable part recorded at import: {item.reason}"))
            else:
                problems.append(Finding(where, f"unreadable: {item.reason}"))
            continue
        count += 1
        where = f"{path.name} at offset {item.offset}"
        try:
            read_record_at(path, item.offset, item.length, check_digests=True)
        except WarcFormatError as error:
            (warnings if warnings is not None else problems).append(
                Finding(where, f"digest check failed (as written by the tool that made the file): {error}")
            )
        if item.record_id in seen_ids:
            problems.append(Finding(where, f"record id {item.record_id} also used at {seen_ids[item.record_id]}"))
        seen_ids[item.record_id] = where
        indexed[(path.name, item.offset)] = _Indexed(
            item.length, item.record_id, item.record_type, item.header("WARC-Payload-Digest") or "", item.target_uri
        )
        if item.record_type == "revisit":
            revisits.append((where, item.header("WARC-Refers-To") or ""))
    return count


def _check_captures(
    rows: Sequence[CaptureRow],
    indexed: dict[tuple[str, int], _Indexed],
    file_names: set[str],
    problems: list[Finding],
    warnings: list[Finding],
) -> tuple[int, set[str]]:
    """Check each capture row against its record; return the number checked and the record ids captures cite."""
    cited: set[str] = set()
    for row in rows:
        filename, offset, length, record_id, digest = (row.filename, row.offset, row.length, row.record_id,
                                                       row.payload_digest)  # fmt: skip
        where = f"captures row {row.capture_id} ({row.url})"
        cited.add(record_id or "")
        if filename not in file_names:
            problems.append(Finding(where, f"points at WARC file {filename}, which is not in the warc folder"))
            continue
        record = indexed.get((filename, offset))
        if record is None:
            problems.append(Finding(where, f"no readable record starts at offset {offset} of {filename}"))
            continue
        if record.length != length:
            problems.append(Finding(where, f"length {length} but the record at offset {offset} is {record.length}"))
        if record.record_id != record_id:
            problems.append(Finding(where, f"record id {record_id} but the WARC record is {record.record_id}"))
        if digest and record.payload_digest != digest:
            problems.append(Finding(where, f"payload digest {digest} but the WARC record has {record.payload_digest}"))
        if record.record_type not in ("response", "revisit", "resource"):
            problems.append(
                Finding(where, f"points at a {record.record_type} record, not a response, revisit or resource")
            )
    for (filename, offset), record in sorted(indexed.items()):
        if record.record_type == "response" and record.record_id not in cited:
            warnings.append(
                Finding(f"{filename} at offset {offset}", f"response for {record.target_uri} has no captures row")
            )
    return len(rows), cited


def verify_archive(
    warc_dir: Path,
    captures: Sequence[CaptureRow],
    *,
    import_defects: frozenset[tuple[str, int]] = frozenset(),
    dangling: Sequence[tuple[str, int, int]] = (),
) -> VerifyReport:
    """Verify the WARC files in *warc_dir*, and the *captures* rows against them; *import_defects* are the (file,
    offset) of the unreadable parts imports recorded, *dangling* the (table, row id, capture id) of the rows that
    name a capture that does not exist (archive.integrity gathers them)."""
    problems: list[Finding] = []
    warnings: list[Finding] = []
    files = warc_files(warc_dir)
    indexed, revisits, record_count = _scan_files(files, problems, warnings, import_defects)
    checked, cited = _check_captures(captures, indexed, {path.name for path in files}, problems, warnings)
    for where, refers_to in revisits:
        if refers_to and refers_to not in cited:
            if where.startswith(IMPORTED_PREFIX):  # imported as it came: its original was never in the archive
                warnings.append(Finding(where, f"imported revisit refers to {refers_to}, which no capture holds"))
            else:
                problems.append(Finding(where, f"revisit refers to {refers_to}, which no capture holds"))
    problems.extend(Finding(f"{table} row {row_id}", f"capture {capture} does not exist") for table, row_id, capture
                    in dangling)  # fmt: skip
    return VerifyReport(len(files), record_count, checked, tuple(problems), tuple(warnings))
