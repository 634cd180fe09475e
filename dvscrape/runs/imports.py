"""``dvscrape import``: other tools' WARC and WACZ files brought into an archive.

One import is one row of ``crawls`` (options ``{"mode": "import", …}``). Each new file (by SHA-256: a file already
imported, or refused, is skipped, so importing the same file twice changes nothing) is kept in the warc folder
(sources.py) and recorded in ``imported_files`` with the tool its ``warcinfo`` names; every response, resource and
revisit record becomes a ``captures`` row pointing at its file, offset and length, dated by its WARC-Date (the original
capture date) and linked to the file (``imported_file_id``); an unreadable record is recorded in ``import_problems``
with the reason and skipped. Revisits are linked to the capture holding their original, in whichever imported or
crawled file it is; a revisit whose original is nowhere in the archive keeps a problem note.

Articles are then rebuilt by re-extraction (dvscrape.runs.rebuild, with the crawl's finish step): every archived article
page, crawled or imported, replayed in capture-date order, so the history holds one version per distinct content in
the order the contents were captured, whatever the order of import, and the same content captured by several tools is
one version.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from dvscrape.archive.db import Archive
from dvscrape.archive.records import CAPTURE_KINDS, Capture
from dvscrape.archive.times import now_stored, stored_time
from dvscrape.errors import ConfigurationError
from dvscrape.runs.outcome import Outcome, outcome_of_error, outcome_of_work
from dvscrape.sites.profile import SiteProfile
from dvscrape.sites.urls import classify
from dvscrape.warc.foreign import DEFAULT_MAX_RECORD, Defect, iter_any
from dvscrape.warc.model import WarcLocation
from dvscrape.warc.reader import WarcRecord
from dvscrape.warc.sources import (
    Refusal,
    WarcSource,
    is_wacz,
    keep_copy,
    neither_warc_nor_wacz,
    sha256_of,
    stored_name,
    wacz_warcs,
)

CAPTURED_TYPES = frozenset({"response", "resource", "revisit"})


@dataclass
class ImportResult:
    """What one import did."""

    crawl_id: int | None = None
    files: int = 0  # WARC files imported
    already: list[str] = field(default_factory=list)  # inputs skipped: imported (or refused) before
    records: int = 0
    captures: int = 0
    revisits_linked: int = 0
    revisits_unresolved: int = 0
    metadata: int = 0
    problems: list[str] = field(default_factory=list)  # records skipped and inputs refused, with the reason
    articles: int = 0
    versions: int = 0
    failures: list[str] = field(default_factory=list)  # article pages that could not be extracted

    @property
    def changed(self) -> bool:
        return self.crawl_id is not None

    @property
    def outcome(self) -> Outcome:
        """The import's outcome: nothing new, imported with problems, or imported."""
        return outcome_of_work(changed=self.changed, problems=len(self.problems))


@dataclass
class _FileCounts:
    records: int = 0
    captures: int = 0
    problems: int = 0
    tools: list[str] = field(default_factory=list)


def warc_version(path: Path) -> str:
    """'WARC/1.0' or 'WARC/1.1' as the file's first record declares it, or ''."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"\x1f\x8b"):
        try:
            head = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(head, 64)
        except zlib.error:
            return ""
    match = re.match(rb"WARC/(\d\.\d+)", head)
    return f"WARC/{match.group(1).decode()}" if match else ""


def warcinfo_tool(record: WarcRecord) -> str:
    """The tool a warcinfo record names (its ``software`` field; Heritrix and others also write ``WARC-Tool``)."""
    text = record.payload.decode("utf-8", "replace")
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() in ("software", "warc-tool", "tool") and value.strip():
            return value.strip()
    return record.header("WARC-Tool") or ""


def import_paths(
    archive: Archive,
    paths: Iterable[Path],
    profile: SiteProfile,
    *,
    max_record: int = DEFAULT_MAX_RECORD,
    say: Callable[[str], None] = lambda line: None,
) -> ImportResult:
    """Import *paths* (WARC or WACZ files) into *archive* (opened for writing, crawl lock held); see the module."""
    from dvscrape.runs.rebuild import reextract

    paths = [Path(path) for path in paths]
    refused = [str(path) for path in paths if path.is_file() and neither_warc_nor_wacz(path)]
    if refused:
        raise ConfigurationError(f"neither a WARC nor a WACZ file, nothing imported: {', '.join(refused)}")
    conn = archive.db.conn
    result = ImportResult()
    known = {row[0] for row in conn.execute("SELECT sha256 FROM imported_files")}
    todo: list[tuple[Path, str]] = []
    for path in paths:
        path = Path(path)
        if not path.is_file():
            result.problems.append(f"{path}: not a file")
            continue
        digest = sha256_of(path)
        if digest in known or digest in {d for _, d in todo}:
            result.already.append(str(path))
            continue
        todo.append((path, digest))
    if not todo:
        return result
    crawl_id = archive.begin_crawl(
        profile.name,
        profile.base_url,
        {"mode": "import", "sources": [str(path) for path, _ in todo], "max_record": max_record},
    )
    result.crawl_id = crawl_id
    outcome = Outcome.INTERNAL_ERROR
    try:
        for path, digest in todo:
            _import_input(archive, crawl_id, path, digest, profile, max_record, result, say)
        _link_revisits(archive, result)
        if result.captures:  # nothing new to extract from otherwise (every input refused, or no records)
            say("re-extracting articles from every archived page, in capture-date order")
            rebuilt = reextract(archive, reason=f"read again after importing {len(todo)} file(s) (import {crawl_id})")
            result.failures = list(rebuilt.failures)
        (result.articles,) = conn.execute("SELECT count(*) FROM articles").fetchone()
        (result.versions,) = conn.execute("SELECT count(*) FROM article_versions").fetchone()
        outcome = result.outcome
    except BaseException as error:
        outcome = outcome_of_error(error)
        raise
    finally:
        archive.finish_crawl(
            crawl_id,
            outcome.status,
            {
                "captures": result.captures,
                "requests": 0,
                "errors": len(result.problems),
                "files": result.files,
                "records": result.records,
                "revisits": result.revisits_linked + result.revisits_unresolved,
            },
        )
    return result


def _import_input(
    archive: Archive,
    crawl_id: int,
    path: Path,
    digest: str,
    profile: SiteProfile,
    max_record: int,
    result: ImportResult,
    say: Callable[[str], None],
) -> None:
    size = path.stat().st_size
    if not is_wacz(path):
        _import_warc(archive, crawl_id, WarcSource(path, str(path), "", digest, size), profile, max_record, result)
        say(f"{path}: imported")
        return
    refusals: list[Refusal] = []
    found = 0
    for source in wacz_warcs(path, digest, archive.warc_dir, refusals):
        found += 1
        _import_warc(archive, crawl_id, source, profile, max_record, result)
    status = "imported" if found else "refused"
    with archive.transaction("record the imported WACZ"):
        file_id = _record_file(archive, crawl_id, digest, str(path), "", "", size, "", "", status)
        _record_problems(archive, crawl_id, file_id, [(r.source, None, None, r.reason) for r in refusals], result)
    say(f"{path}: {found} WARC file(s) imported from the package, {len(refusals)} member(s) refused")


def _record_file(
    archive: Archive,
    crawl_id: int,
    digest: str,
    source: str,
    member: str,
    name: str,
    size: int,
    version: str,
    tool: str,
    status: str,
) -> int:
    cursor = archive.db.conn.execute(
        "INSERT INTO imported_files (crawl_id, sha256, source, member, stored_name, size, warc_version, tool, status, "
        "imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (crawl_id, digest, source, member, name, size, version, tool, status, now_stored()),
    )
    return int(cursor.lastrowid or 0)


def _record_problems(
    archive: Archive,
    crawl_id: int,
    file_id: int | None,
    problems: list[tuple[str, int | None, int | None, str]],
    result: ImportResult,
) -> None:
    archive.db.conn.executemany(
        'INSERT INTO import_problems (crawl_id, file_id, source, "offset", length, reason) VALUES (?, ?, ?, ?, ?, ?)',
        [(crawl_id, file_id, *problem) for problem in problems],
    )
    result.problems.extend(
        f"{source}{f' at offset {offset}' if offset is not None else ''}: {reason}"
        for source, offset, _, reason in problems
    )


def _import_warc(
    archive: Archive,
    crawl_id: int,
    source: WarcSource,
    profile: SiteProfile,
    max_record: int,
    result: ImportResult,
) -> None:
    conn = archive.db.conn
    label = f"{source.source}!{source.member}" if source.member else source.source
    if conn.execute("SELECT 1 FROM imported_files WHERE sha256 = ?", (source.sha256,)).fetchone():
        result.already.append(label)  # the same WARC file, imported before (alone or in another package)
        if source.temporary:
            source.path.unlink(missing_ok=True)
        return
    name = stored_name(source.sha256, source.member or source.source)
    stored = keep_copy(source, archive.warc_dir, name)
    counts = _FileCounts()
    problems: list[tuple[str, int | None, int | None, str]] = []
    with archive.transaction("import a WARC file"):
        file_id = _record_file(
            archive, crawl_id, source.sha256, source.source, source.member, name, source.size,
            warc_version(stored), "", "imported",
        )  # fmt: skip
        for item in iter_any(stored, max_record=max_record):
            if isinstance(item, Defect):
                counts.problems += 1
                problems.append((label, item.offset, item.length, item.reason))
                continue
            counts.records += 1
            record_type = item.record_type
            if record_type == "warcinfo":
                tool = warcinfo_tool(item)
                if tool and tool not in counts.tools:
                    counts.tools.append(tool)
            elif record_type == "metadata":
                result.metadata += 1
            elif record_type in CAPTURED_TYPES:
                capture = _capture(crawl_id, file_id, name, item, profile)
                if capture is None:
                    counts.problems += 1
                    problems.append((label, item.offset, item.length, f"{record_type} record without a target URI"))
                    continue
                archive.record_capture(capture)
                counts.captures += 1
        if counts.records == 0 and not problems:
            counts.problems += 1
            problems.append((label, None, None, "no WARC record in the file"))
        _record_problems(archive, crawl_id, file_id, problems, result)
        conn.execute(
            "UPDATE imported_files SET tool = ?, records = ?, captures = ?, problems = ? WHERE id = ?",
            ("; ".join(counts.tools), counts.records, counts.captures, counts.problems, file_id),
        )
    result.files += 1
    result.records += counts.records
    result.captures += counts.captures


def _capture(crawl_id: int, file_id: int, filename: str, record: WarcRecord, profile: SiteProfile) -> Capture | None:
    """The capture of an imported record (None for a record without a target URI)."""
    url = record.target_uri
    if not url:
        return None
    decision = classify(url, profile)
    kind = decision.kind.value if decision.kind.value in CAPTURE_KINDS else "other"
    record_type = record.record_type
    status = record.http_status
    if record_type == "resource":
        content_type = record.header("Content-Type") or ""
        status = None
    else:
        content_type = record.http_header("Content-Type") or ""
    profile_name = ""
    problem = ""
    if record_type == "revisit":
        profile_name = (record.header("WARC-Profile") or "").rstrip("/").rsplit("/", 1)[-1]
        if profile_name not in ("server-not-modified", "identical-payload-digest"):
            problem = f"revisit with unknown profile {record.header('WARC-Profile')!r}"
            profile_name = "identical-payload-digest"
    digest = record.header("WARC-Payload-Digest") or ""
    return Capture(
        crawl_id=crawl_id,
        url=url,
        canonical_url=decision.canonical or url,
        kind=kind,
        status=status,
        content_type=content_type,
        fetched_at=_iso_date(record.header("WARC-Date") or ""),
        content_length=len(record.payload),
        location=WarcLocation(filename, record.offset, record.length, record.record_id, digest, ""),
        etag=record.http_header("ETag") or "",
        last_modified=record.http_header("Last-Modified") or "",
        record_type=record_type,
        revisit_profile=profile_name,
        problem=problem,
        imported_file_id=file_id,
    )


def _iso_date(warc_date: str) -> str:
    """A WARC-Date as stored in captures.fetched_at (ISO 8601, UTC, 'Z')."""
    text = warc_date.strip()
    if re.fullmatch(r"\d{14}", text):  # some tools write CDX-style 14-digit dates
        text = f"{text[:4]}-{text[4:6]}-{text[6:8]}T{text[8:10]}:{text[10:12]}:{text[12:14]}Z"
    try:
        return stored_time(text.replace("Z", "+00:00"))
    except ValueError:
        return now_stored()


def _link_revisits(archive: Archive, result: ImportResult) -> None:
    """Point every unlinked revisit at the capture holding its original: by WARC-Refers-To (the record id), else
    by WARC-Refers-To-Target-URI and the payload digest; note the ones whose original is nowhere in the archive."""
    from dvscrape.warc.reader import read_record_at

    conn = archive.db.conn
    unlinked = conn.execute(
        "SELECT id, url, warc_filename, warc_offset, warc_length, payload_digest, fetched_at FROM captures "
        "WHERE record_type = 'revisit' AND refers_to_capture_id IS NULL AND imported_file_id IS NOT NULL"
    ).fetchall()
    with archive.transaction("link the imported revisits"):
        for capture_id, url, filename, offset, length, digest, fetched_at in unlinked:
            try:
                record = read_record_at(archive.path_of(filename), offset, length, check_digests=False)
            except Exception:  # noqa: BLE001 - the record was readable at import; a vanished file is a verify matter
                continue
            refers_to = (record.header("WARC-Refers-To") or "").strip()
            target = (record.header("WARC-Refers-To-Target-URI") or url).strip("<> ")
            found = None
            if refers_to:
                found = conn.execute(
                    "SELECT id FROM captures WHERE warc_record_id = ? AND record_type IN ('response', 'resource') "
                    "ORDER BY id LIMIT 1",
                    (refers_to,),
                ).fetchone()
            if found is None and digest:
                found = conn.execute(
                    "SELECT id FROM captures WHERE url = ? AND payload_digest = ? AND record_type = 'response' "
                    "AND fetched_at <= ? ORDER BY fetched_at DESC LIMIT 1",
                    (target, digest, fetched_at),
                ).fetchone()
            if found is None:
                result.revisits_unresolved += 1
                conn.execute(
                    "UPDATE captures SET problem = ? WHERE id = ?",
                    (f"revisit: its original ({refers_to or target}) is not in the archive", capture_id),
                )
                continue
            result.revisits_linked += 1
            conn.execute(
                "UPDATE captures SET refers_to_capture_id = ?, "
                "problem = CASE WHEN problem LIKE 'revisit:%' THEN '' ELSE problem END WHERE id = ?",
                (found[0], capture_id),
            )


def summary_json(result: ImportResult) -> str:
    """The result as JSON (for --json)."""
    return json.dumps(result.__dict__, ensure_ascii=False, indent=2)
