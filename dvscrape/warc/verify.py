"""Verifying an archive end to end: every WARC file read through (gzip integrity, block and payload digests,
required headers), every capture row checked against the record it points at, every revisit against the captures.

The result is a report of problems (the archive cannot be trusted as it is) and warnings (worth knowing, not
damage), never an exception for damage found: damage is what the report is for.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

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
        return {"ok": self.ok, **asdict(self)}


def _header_problems(record: WarcRecord) -> list[str]:
    missing = [name for name in REQUIRED_HEADERS if not record.header(name)]
    if record.record_type in TARGETED_TYPES and not record.target_uri:
        missing.append("WARC-Target-URI")
    if record.record_type == "response" and not record.header("WARC-Payload-Digest"):
        missing.append("WARC-Payload-Digest")
    if record.record_type == "revisit":
        missing.extend(name for name in ("WARC-Profile", "WARC-Refers-To") if not record.header(name))
    return [f"{record.record_type or 'untyped'} record lacks required header {name}" for name in missing]


class _RecordIds:
    """Where each record id was seen, in a few bytes a record (a key of its id, its file and offset), so that ids
    used twice are found once every file is read, however many records the files hold."""

    def __init__(self) -> None:
        self.keys = array("Q")
        self.places = array("Q")
        self.lengths = array("Q")

    def add(self, record_id: str, file_index: int, offset: int, length: int) -> None:
        self.keys.append(int.from_bytes(hashlib.blake2b(record_id.encode(), digest_size=8).digest(), "big"))
        self.places.append(file_index << 44 | offset)
        self.lengths.append(length)

    def twice(self) -> Iterator[tuple[tuple[int, int, int], tuple[int, int, int]]]:
        """(file index, offset, length) of each record whose id's key an earlier record has, with that earlier
        one's."""
        import numpy as np  # here: only verify needs it, and it sorts the keys in 8 bytes each

        keys = np.frombuffer(self.keys, dtype=np.uint64)
        order = np.argsort(keys, kind="stable")  # equal keys stay in the order the records were read
        ordered = keys[order]
        for position in np.flatnonzero(ordered[1:] == ordered[:-1]).tolist():
            yield self._place(int(order[position])), self._place(int(order[position + 1]))

    def _place(self, index: int) -> tuple[int, int, int]:
        packed = self.places[index]
        return packed >> 44, packed & ((1 << 44) - 1), self.lengths[index]


def _scan_file(
    path: Path,
    file_index: int,
    ids: _RecordIds,
    problems: list[Finding],
    warnings: list[Finding],
    known_defects: frozenset[tuple[str, int]],
) -> tuple[dict[int, _Indexed], list[tuple[str, str]]]:
    """Read every record of *path*; return its records by offset and its revisits (where, refers-to id). An
    imported file (another tool's) keeps its unreadable parts: warnings when the import recorded them (the file is
    kept as it came), problems otherwise (it changed since)."""
    indexed: dict[int, _Indexed] = {}
    revisits: list[tuple[str, str]] = []
    imported = path.name.startswith(IMPORTED_PREFIX)
    try:
        for item in iter_any(path) if imported else iter_records(path, check_digests=False):
            where = f"{path.name} at offset {item.offset}"
            if isinstance(item, Defect):
                known = (path.name, item.offset) in known_defects
                (warnings if known else problems).append(
                    Finding(where, f"unreadable part recorded at import: {item.reason}" if known
                            else f"unreadable: {item.reason}")
                )  # fmt: skip
                continue
            if not imported:
                problems.extend(Finding(where, message) for message in _header_problems(item))
            try:  # digests record by record, so that one bad record does not hide the rest of the file
                read_record_at(path, item.offset, item.length, check_digests=True)
            except WarcFormatError as error:
                if imported:
                    warnings.append(
                        Finding(where, f"digest check failed (as written by the tool that made the file): {error}")
                    )
                else:
                    problems.append(Finding(where, f"digest check failed: {error}"))
            ids.add(item.record_id, file_index, item.offset, item.length)
            indexed[item.offset] = _Indexed(
                item.length, item.record_id, item.record_type, item.header("WARC-Payload-Digest") or "", item.target_uri
            )
            if item.record_type == "revisit":
                revisits.append((where, item.header("WARC-Refers-To") or ""))
    except WarcFormatError as error:
        problems.append(Finding(path.name, f"unreadable from here on: {error}"))
    return indexed, revisits


def _check_captures(
    rows: Iterable[CaptureRow], indexed: dict[int, _Indexed], filename: str, problems: list[Finding]
) -> tuple[int, set[str]]:
    """Check each capture row of the file *filename* against its record; return the number checked and the record
    ids they cite."""
    count = 0
    cited: set[str] = set()
    for row in rows:
        count += 1
        offset, length, record_id, digest = row.offset, row.length, row.record_id, row.payload_digest
        where = f"captures row {row.capture_id} ({row.url})"
        cited.add(record_id or "")
        record = indexed.get(offset)
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
    return count, cited


class CaptureIndex(Protocol):
    """What verify_archive asks of the archive's captures rows (archive.integrity answers from the database)."""

    def by_file(self) -> Iterator[tuple[str, list[CaptureRow]]]:
        """Each WARC file name the rows point at, in order of name, with its rows by id."""

    def cited(self, record_ids: set[str]) -> set[str]:
        """Those of *record_ids* some row points at."""


def _not_in_folder(filename: str, rows: list[CaptureRow], problems: list[Finding]) -> int:
    """Name each row that points at a file the warc folder lacks; return how many."""
    problems.extend(
        Finding(f"captures row {row.capture_id} ({row.url})",
                f"points at WARC file {filename}, which is not in the warc folder") for row in rows
    )  # fmt: skip
    return len(rows)


def verify_archive(
    warc_dir: Path,
    captures: CaptureIndex,
    *,
    import_defects: frozenset[tuple[str, int]] = frozenset(),
    dangling: Sequence[tuple[str, int, int]] = (),
) -> VerifyReport:
    """Verify the WARC files in *warc_dir* one at a time, and the *captures* rows of each against it (what is held
    at once grows with one file, not the archive); *import_defects* are the (file, offset) of the unreadable parts
    imports recorded, *dangling* the (table, row id, capture id) of the rows that name a capture that does not
    exist (archive.integrity gathers them)."""
    problems: list[Finding] = []
    warnings: list[Finding] = []
    files = sorted(warc_files(warc_dir), key=lambda path: path.name)
    present = {path.name for path in files}
    ids = _RecordIds()
    checked = 0
    rows_of: dict[str, list[CaptureRow]] = {}
    groups = captures.by_file()
    for file_index, path in enumerate(files):
        for filename, rows in groups:  # the rows of the files before this one by name, and of this one
            if filename in present:
                rows_of[filename] = rows
                if filename >= path.name:
                    break
                continue
            checked += _not_in_folder(filename, rows, problems)
        indexed, revisits = _scan_file(path, file_index, ids, problems, warnings, import_defects)
        count, cited = _check_captures(rows_of.pop(path.name, []), indexed, path.name, problems)
        checked += count
        uncited = {record.record_id for record in indexed.values() if record.record_type == "response"} - cited
        uncited -= captures.cited(uncited)
        for offset, record in sorted(indexed.items()):
            if record.record_type == "response" and record.record_id in uncited:
                warnings.append(
                    Finding(f"{path.name} at offset {offset}", f"response for {record.target_uri} has no captures row")
                )
        held = captures.cited({refers_to for _, refers_to in revisits if refers_to})
        for where, refers_to in revisits:
            if refers_to and refers_to not in held:
                if where.startswith(IMPORTED_PREFIX):  # imported as it came: its original was never in the archive
                    warnings.append(Finding(where, f"imported revisit refers to {refers_to}, which no capture holds"))
                else:
                    problems.append(Finding(where, f"revisit refers to {refers_to}, which no capture holds"))
    for filename, rows in groups:  # the rows of files after the last one present
        checked += _not_in_folder(filename, rows, problems)
    for (first_file, first_offset, first_length), (file_index, offset, length) in ids.twice():
        first, again = files[first_file], files[file_index]
        record_id = read_record_at(again, offset, length, check_digests=False).record_id
        if record_id == read_record_at(first, first_offset, first_length, check_digests=False).record_id:
            where = f"{again.name} at offset {offset}"
            problems.append(Finding(where, f"record id {record_id} also used at {first.name} at offset {first_offset}"))
    problems.extend(Finding(f"{table} row {row_id}", f"capture {capture} does not exist") for table, row_id, capture
                    in dangling)  # fmt: skip
    return VerifyReport(len(files), len(ids.keys), checked, tuple(problems), tuple(warnings))
