"""Repairing an archive after a crawl was killed: WARC tails cut short, capture rows without their record.

SQLite in WAL mode survives a crash by itself. The WARC files do not: a process killed while appending leaves a
partial gzip member, and after a power loss the database may hold a capture row whose record never reached the disk.
recover_after_crash cuts the partial tails and deletes the capture rows of the unfinished crawl(s) whose record is
missing or not the one recorded. It must run while holding the crawl lock, before the new run writes anything.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dvscrape.archive.db import Archive
from dvscrape.errors import ArchiveError, WarcFormatError
from dvscrape.warc.files import written_warc_files
from dvscrape.warc.reader import read_record_at
from dvscrape.warc.walk import iter_records, truncate_incomplete_tail

# Records at the end of each file that are read back and compared by record id (the rest are checked by bounds):
# a crash only damages what was written last, and WarcWriter never appends to a file it did not create.
DEFAULT_TAIL_RECORDS = 16


@dataclass(frozen=True)
class RecoveryReport:
    """What recover_after_crash did.

    *crawl_ids*: the unfinished crawls whose captures were checked; *truncated*: {WARC file name: bytes cut};
    *damaged*: {WARC file name: why} for files damaged other than at the tail (left untouched, their checked rows'
    records read back); *deleted_captures*: {capture id: why} for the rows deleted; *detached*: the number of
    article, version and revisit references to those rows that were set to NULL.
    """

    crawl_ids: tuple[int, ...]
    truncated: Mapping[str, int] = field(default_factory=dict)
    damaged: Mapping[str, str] = field(default_factory=dict)
    deleted_captures: Mapping[int, str] = field(default_factory=dict)
    checked_captures: int = 0
    detached: int = 0

    @property
    def changed(self) -> bool:
        """Whether anything was repaired."""
        return bool(self.truncated or self.deleted_captures)

    def summary(self) -> str:
        """One line for the crawl log."""
        return (
            f"recovery: {len(self.truncated)} WARC file(s) cut ({sum(self.truncated.values())} bytes), "
            f"{len(self.damaged)} damaged, {len(self.deleted_captures)} of {self.checked_captures} capture row(s) "
            f"of crawl(s) {list(self.crawl_ids)} deleted, {self.detached} reference(s) detached"
        )


def recover_after_crash(
    archive: Archive,
    *,
    crawl_ids: Iterable[int] | None = None,
    full_check: bool = False,
    tail_records: int = DEFAULT_TAIL_RECORDS,
) -> RecoveryReport:
    """Cut incomplete WARC tails, then delete the capture rows of *crawl_ids* (default: every crawl whose
    ``finished`` is NULL) whose WARC record is gone or is not the recorded one.

    A row is checked by bounds (file present, record inside it); the last *tail_records* rows of each file, and
    every row with *full_check*, are read back and their WARC-Record-ID compared. Rows of finished crawls are never
    touched. Raises ArchiveError unless *archive* is writable and holds the crawl lock.
    """
    if archive.readonly or not archive.holds_crawl_lock:
        raise ArchiveError(f"recovering {archive.directory} needs it open for writing with the crawl lock held")
    conn = archive.db.conn
    if crawl_ids is None:
        ids = tuple(int(row[0]) for row in conn.execute("SELECT id FROM crawls WHERE finished IS NULL ORDER BY id"))
    else:
        ids = tuple(sorted(set(crawl_ids)))

    truncated: dict[str, int] = {}
    damaged: dict[str, str] = {}
    sizes: dict[str, int] = {}
    for path in written_warc_files(archive.warc_dir):
        try:
            cut = truncate_incomplete_tail(path)
        except WarcFormatError as error:
            damaged[path.name] = str(error)
        else:
            if cut:
                truncated[path.name] = cut
        sizes[path.name] = path.stat().st_size

    rows_by_file: dict[str, list[tuple[int, int, int, str]]] = {}
    checked = 0
    if ids:
        placeholders = ", ".join("?" for _ in ids)
        for capture_id, filename, offset, length, record_id in conn.execute(
            f"SELECT id, warc_filename, warc_offset, warc_length, warc_record_id FROM captures "
            f"WHERE crawl_id IN ({placeholders}) AND warc_filename IS NOT NULL ORDER BY warc_filename, warc_offset",
            ids,
        ):
            rows_by_file.setdefault(str(filename), []).append(
                (int(capture_id), int(offset if offset is not None else -1), int(length or 0), str(record_id or ""))
            )
            checked += 1

    dangling: dict[int, str] = {}
    for filename, file_rows in rows_by_file.items():
        warc_path = _warc_path(archive, filename)
        size = sizes.get(filename)
        read_from = 0 if full_check or filename in damaged else max(len(file_rows) - tail_records, 0)
        for position, (capture_id, offset, length, record_id) in enumerate(file_rows):
            problem = _row_problem(warc_path, size, offset, length, record_id, read_back=position >= read_from)
            if problem:
                dangling[capture_id] = f"{filename} at {offset}: {problem}"

    detached = _delete_captures(archive, sorted(dangling)) if dangling else 0
    return RecoveryReport(
        crawl_ids=ids,
        truncated=truncated,
        damaged=damaged,
        deleted_captures=dangling,
        checked_captures=checked,
        detached=detached,
    )


def check_newest_warc(warc_dir: Path) -> None:
    """Read the most recently written WARC file end to end, changing nothing; raise ArchiveError naming it when it
    is damaged. A crawl that finished cleanly left it whole, so damage there means a crash or a disk fault since."""
    files = sorted(written_warc_files(warc_dir), key=lambda path: (path.stat().st_mtime, path.name))
    if not files:
        return
    newest = files[-1]
    try:
        for _ in iter_records(newest, check_digests=False):
            pass
    except (WarcFormatError, OSError, EOFError) as error:
        raise ArchiveError(
            f"WARC file {newest.name} is damaged ({error}); it was left as it is. Run `dvscrape verify`, then "
            "restore the file from a copy or move it aside before crawling again"
        ) from error


def _warc_path(archive: Archive, filename: str) -> Path | None:
    try:
        return archive.path_of(filename)
    except ArchiveError:
        return None


def _row_problem(
    path: Path | None, size: int | None, offset: int, length: int, record_id: str, *, read_back: bool
) -> str:
    """Why a capture row's record is not usable, or "" when it is."""
    if path is None:
        return "not a WARC file name of this archive"
    if size is None:
        return "the WARC file does not exist"
    if offset < 0 or length <= 0:
        return f"invalid record address (length {length})"
    if offset + length > size:
        return f"the record ends at {offset + length}, past the end of the file ({size} bytes)"
    if not read_back:
        return ""
    try:
        record = read_record_at(path, offset, length)
    except WarcFormatError as error:
        return f"unreadable record ({error})"
    if record.record_id != record_id:
        return f"the record there is {record.record_id}, not {record_id}"
    return ""


def _delete_captures(archive: Archive, capture_ids: list[int]) -> int:
    """Delete the capture rows *capture_ids* in one transaction, first setting to NULL the references to them
    (articles.capture_id, article_versions.capture_id, captures.refers_to_capture_id); return how many references
    were set to NULL. Articles and versions themselves are kept."""
    conn = archive.db.conn
    detached = 0
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            for start in range(0, len(capture_ids), 500):
                chunk = capture_ids[start : start + 500]
                marks = ", ".join("?" for _ in chunk)
                for table, column in (
                    ("articles", "capture_id"),
                    ("article_versions", "capture_id"),
                    ("captures", "refers_to_capture_id"),
                ):
                    cursor = conn.execute(f"UPDATE {table} SET {column} = NULL WHERE {column} IN ({marks})", chunk)
                    detached += cursor.rowcount
                conn.execute(f"DELETE FROM captures WHERE id IN ({marks})", chunk)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    except sqlite3.Error as error:
        raise ArchiveError(f"cannot delete the dangling capture rows of {archive.directory}: {error}") from error
    return detached
