"""The archive's CDXJ index, kept on disk and looked up by key: each WARC file is read once, whatever the archive holds.

The index folder (``cdxj/`` beside the archive's ``warc/``) holds sorted CDXJ segments and ``manifest.json``, which
names the WARC files each segment indexes with the size and modification time they had. Opening the index reads only
the files no segment indexes, or whose size or time changed (their lines leave their segment), into one new segment;
segments are then merged as a binary counter merges (the newest two while the older is at most twice the newer's
lines), so a line is rewritten O(log n) times over the archive's life and a lookup binary-searches O(log n) segments.

What replay tools are given (``lines``, ``published``) is the files' own lines (warc/cdxj.py, as cdxj-indexer
writes them) with two rules that need the whole archive, applied per key:

- a server error (5xx) is left out when its key has a capture without one (see warc/cdxj.py);
- a server-not-modified revisit is indexed as the response it confirmed unchanged, found by its WARC-Refers-To
  (through earlier revisits), at the revisit's own URL and time, marked ``"revisit": "server-not-modified"``, so that
  replay shows that content: the record keeps what the server said (304 and headers), which replay tools would
  replay literally as an empty page, and which is why the Wayback Machine's indexer leaves such records out. When
  the referred-to response is not in the archive, the revisit's own line is kept.
"""

from __future__ import annotations

import contextlib
import fcntl
import heapq
import itertools
import json
import mmap
import os
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from dvscrape.errors import WarcFormatError
from dvscrape.warc.cdxj import CdxjLine, cdx_timestamp, file_lines, parse_line, surt
from dvscrape.warc.files import warc_files
from dvscrape.warc.model import RevisitProfile
from dvscrape.warc.reader import WarcRecord, read_record_at

INDEX_FOLDER = "cdxj"
"""The index folder's name, beside the archive's WARC folder."""
MANIFEST = "manifest.json"
REVISIT_MIME = "warc/revisit"
_MAX_REFERRALS = 16


@dataclass
class _Segment:
    """One sorted CDXJ file of the index folder and the WARC files (name → [size, mtime_ns]) it indexes."""

    name: str
    lines: int
    files: dict[str, list[int]]


def _stamp(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


class IndexStore:
    """The index of a set of WARC files, brought up to date when opened (see `archive_index`)."""

    def __init__(self, folder: Path, files: list[Path]) -> None:
        self.folder = folder
        self.files = files
        self._paths = {path.name: path for path in files}
        self.indexed: list[str] = []
        """The names of the WARC files read (indexed) when the index was opened: those it did not hold yet."""
        self._segments: list[_Segment] = []
        self._maps: list[mmap.mmap | bytes] = []
        self._published: dict[str, list[CdxjLine]] = {}

    # -- lookup --------------------------------------------------------------------------------------------------

    def entries(self, key: str) -> list[CdxjLine]:
        """Every file's own line under SURT *key*, in no set order (binary search in each segment)."""
        target = key.encode("utf-8") + b" "
        found: list[CdxjLine] = []
        for data in self._maps:
            position = _lower_bound(data, target)
            while data[position : position + len(target)] == target:
                end = data.find(b"\n", position) + 1 or len(data)
                found.append(parse_line(data[position:end].decode("utf-8")))
                position = end
        return found

    def published(self, key: str) -> list[CdxjLine]:
        """The lines under *key* as replay tools are given them (the module's rules applied), sorted."""
        if key not in self._published:
            self._published[key] = self._apply_rules(self.entries(key))
        return self._published[key]

    def lines(self) -> Iterator[str]:
        """The whole index as replay tools are given it, sorted byte-wise, without newlines. The segments are read
        as files (a few lines at a time), not through their mappings, which would hold the whole index resident."""
        with contextlib.ExitStack() as stack:
            handles = [stack.enter_context(open(self.folder / segment.name, encoding="utf-8"))
                       for segment in self._segments]  # fmt: skip
            merged = (parse_line(text.rstrip("\n")) for text in heapq.merge(*handles))
            for _, group in itertools.groupby(merged, key=lambda line: line.key):
                yield from (line.text() for line in self._apply_rules(list(group)))

    def record(self, filename: str, offset: int, length: int) -> WarcRecord:
        """The record at *offset* of the indexed file *filename* (digests not checked). Raises WarcFormatError."""
        path = self._paths.get(filename)
        if path is None:
            raise WarcFormatError(f"{filename} is not among the indexed WARC files")
        return read_record_at(path, offset, length, check_digests=False)

    def close(self) -> None:
        """Release the mapped segments."""
        for data in self._maps:
            if isinstance(data, mmap.mmap):
                data.close()
        self._maps = []

    def _apply_rules(self, entries: list[CdxjLine]) -> list[CdxjLine]:
        answered = any(not _server_error(line) for line in entries)
        kept = [
            self._confirmed(line) if _may_be_not_modified(line) else line
            for line in entries
            if not (answered and _server_error(line))
        ]
        return sorted(kept, key=CdxjLine.text)

    def _confirmed(self, revisit: CdxjLine) -> CdxjLine:
        """A server-not-modified revisit's line pointing at the response it confirmed, when the archive holds it."""
        record = self._read(revisit)
        if record is None or record.header("WARC-Profile") != str(RevisitProfile.SERVER_NOT_MODIFIED):
            return revisit
        for _ in range(_MAX_REFERRALS):
            referred = self._referred(record)
            if referred is None:
                break
            line, record = referred
            if record.record_type == "response":
                fields = {**line.fields, "url": revisit.fields["url"], "revisit": "server-not-modified"}
                return CdxjLine(revisit.key, revisit.timestamp, fields)
            if record.record_type != "revisit":
                break
        return revisit

    def _referred(self, record: WarcRecord) -> tuple[CdxjLine, WarcRecord] | None:
        """The indexed record *record*'s WARC-Refers-To names, looked up at WARC-Refers-To-Target-URI (else its own
        URL) and WARC-Refers-To-Date when given."""
        record_id = record.header("WARC-Refers-To")
        if not record_id:
            return None
        date = record.header("WARC-Refers-To-Date")
        moment = cdx_timestamp(date) if date else None
        for line in self.entries(surt(record.header("WARC-Refers-To-Target-URI") or record.target_uri)):
            if moment is None or line.timestamp == moment:
                candidate = self._read(line)
                if candidate is not None and candidate.record_id == record_id:
                    return line, candidate
        return None

    def _read(self, line: CdxjLine) -> WarcRecord | None:
        fields = line.fields
        try:
            return self.record(fields["filename"], int(fields["offset"]), int(fields["length"]))
        except (KeyError, ValueError, WarcFormatError):  # the line stays as it is; `dvscrape verify` tells why
            return None

    # -- keeping the folder up to date ---------------------------------------------------------------------------

    def _refresh(self) -> None:
        """Index the files no segment holds (or holds as they were), merge segments, map them for lookups. The
        manifest is replaced only once every segment it names is written; segment files it does not name (an older
        state's, or a run's that failed) are removed after."""
        manifest = self.folder / MANIFEST
        segments = [_Segment(**entry) for entry in json.loads(manifest.read_text("utf-8"))] if manifest.exists() else []
        stamps = {name: _stamp(path) for name, path in self._paths.items()}
        kept: list[_Segment] = []
        for segment in segments:
            if not (self.folder / segment.name).exists():
                continue
            stale = {name for name, stamp in segment.files.items() if stamps.get(name) != stamp}
            if len(stale) < len(segment.files):  # else every file it indexes changed or is gone
                kept.append(self._without(segment, stale) if stale else segment)
        held = {name for segment in kept for name in segment.files}
        self.indexed = [name for name in self._paths if name not in held]
        for name in self.indexed:  # a segment each, merged below: what is sorted in memory is one file's lines
            kept.append(self._write(iter(sorted(file_lines(self._paths[name]))), {name: stamps[name]}))
            self._merge_last(kept)
        self._merge_last(kept)
        if kept != segments or not manifest.exists():
            temporary = manifest.with_name(MANIFEST + ".tmp")
            temporary.write_text(json.dumps([segment.__dict__ for segment in kept]), encoding="utf-8")
            temporary.replace(manifest)
        named = {segment.name for segment in kept}
        for path in self.folder.glob("segment-*.cdxj"):
            if path.name not in named:
                path.unlink(missing_ok=True)
        self._segments = kept
        self._maps = [self._map(segment) for segment in kept]

    def _merge_last(self, kept: list[_Segment]) -> None:
        """Merge the newest segments while the older is at most twice the newer (so each line is merged again a
        logarithmic number of times), streaming the two files."""
        while len(kept) >= 2 and kept[-2].lines <= 2 * kept[-1].lines:
            older, newer = kept[-2], kept.pop()
            with (
                open(self.folder / older.name, encoding="utf-8") as a,
                open(self.folder / newer.name, encoding="utf-8") as b,
            ):
                merged = (text.rstrip("\n") for text in heapq.merge(a, b))
                kept[-1] = self._write(merged, {**older.files, **newer.files})

    def _without(self, segment: _Segment, names: set[str]) -> _Segment:
        """*segment* written again without the lines of the files *names*."""
        with open(self.folder / segment.name, encoding="utf-8") as handle:
            lines = (text.rstrip("\n") for text in handle if parse_line(text).fields.get("filename") not in names)
            files = {name: stamp for name, stamp in segment.files.items() if name not in names}
            return self._write(lines, files)

    def _write(self, lines: Iterator[str], files: dict[str, list[int]]) -> _Segment:
        name = f"segment-{uuid.uuid4().hex}.cdxj"
        return _Segment(name, write_lines(self.folder / name, lines), files)

    def _map(self, segment: _Segment) -> mmap.mmap | bytes:
        with open(self.folder / segment.name, "rb") as handle:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if segment.lines else b""


@contextlib.contextmanager
def archive_index(files: list[Path], folder: Path | None = None) -> Iterator[IndexStore]:
    """The index of *files*, kept in *folder* (created when missing) and brought up to date under a lock; in a
    temporary folder when *folder* is None or cannot be written (a read-only archive). Raises WarcFormatError when a
    file to index cannot be read through."""
    with contextlib.ExitStack() as stack:
        if folder is not None:
            try:
                folder.mkdir(parents=True, exist_ok=True)
                lock = stack.enter_context(open(folder / ".lock", "a"))
            except OSError:
                folder = None
        if folder is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dvscrape-cdxj-")))
            lock = stack.enter_context(open(folder / ".lock", "a"))
        fcntl.flock(lock, fcntl.LOCK_EX)
        store = IndexStore(folder, files)
        try:
            store._refresh()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
        try:
            yield store
        finally:
            store.close()


def folder_index(warc_dir: Path) -> contextlib.AbstractContextManager[IndexStore]:
    """The index of every WARC file of *warc_dir*, kept beside it (see `archive_index`)."""
    return archive_index(warc_files(warc_dir), warc_dir.parent / INDEX_FOLDER)


def index_lines(files: list[Path]) -> list[str]:
    """The whole index of *files* (sorted, without newlines), built in a temporary folder."""
    with archive_index(files) as store:
        return list(store.lines())


def write_index(store: IndexStore, output: Path) -> int:
    """Write *store*'s whole index to *output* (atomically); return the number of lines."""
    temporary = output.with_name(output.name + ".tmp")
    count = write_lines(temporary, store.lines())
    os.replace(temporary, output)
    return count


def write_lines(path: Path, lines: Iterable[str]) -> int:
    """Write *lines* to *path* (UTF-8), each ended by a newline; return how many."""
    count = 0
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for line in lines:
            handle.write(line + "\n")
            count += 1
    return count


def _lower_bound(data: mmap.mmap | bytes, target: bytes) -> int:
    """The offset of the first line of sorted *data* not below *target* (len(data) when none)."""
    low, high = 0, len(data)  # low: a line start, every line before it below target; high: the answer or beyond
    while low < high:
        middle = (low + high) // 2
        start = data.rfind(b"\n", low, middle) + 1 or low
        end = data.find(b"\n", start) + 1 or len(data)
        if data[start:end] < target:
            low = end
        else:
            high = start
    return low


def _server_error(line: CdxjLine) -> bool:
    return line.fields.get("mime") != REVISIT_MIME and line.fields.get("status", "").startswith("5")


def _may_be_not_modified(line: CdxjLine) -> bool:
    return line.fields.get("mime") == REVISIT_MIME and line.fields.get("status") == "304"
