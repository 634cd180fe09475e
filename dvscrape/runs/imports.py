"""``dvscrape import``: other tools' WARC and WACZ files brought into an archive.

One import is one row of ``crawls`` (options ``{"mode": "import", …}``). Each new file (by SHA-256: a file already
imported, or refused, is skipped, so importing the same file twice changes nothing) is kept in the warc folder
(sources.py) and recorded in ``imported_files`` with the tool its ``warcinfo`` names; every response, resource and
revisit record becomes a ``captures`` row pointing at its file, offset and length, dated by its WARC-Date (the original
capture date) and linked to the file (``imported_file_id``); an unreadable record is recorded in ``import_problems``
with the reason and skipped. Revisits are linked to the capture holding their original, in whichever imported or
crawled file it is; a revisit whose original is nowhere in the archive keeps a problem note. Captures of a mirror
are keyed by the site's own address: when none is of the site at the profile's address, the one other host whose
captures are the site's pages is taken as the mirror; an import that gives no capture of the site is undone.

Articles are then rebuilt by re-extraction (dvscrape.runs.rebuild, with the crawl's finish step): the article URLs
the import added captures of, each with every archived capture of it, crawled or imported, replayed in capture-date
order, so the history holds one version per distinct content in the order the contents were captured, whatever the
order of import, and the same content captured by several tools is one version. Nothing else is read again (the
listing and sitemap pages not read before excepted): the work grows with the files, not with the archive.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dvscrape.archive.db import Archive
from dvscrape.archive.imports import (
    ImportedFile,
    Problem,
    files_of_import,
    files_without_site_captures,
    finish_imported_file,
    foreign_captures,
    forget_files,
    imported_digests,
    link_imported_revisits,
    record_import_problems,
    record_imported_file,
    rekey_captures,
    unfinished_import,
)
from dvscrape.archive.lookup import version_changes, version_counts
from dvscrape.archive.records import CAPTURE_KINDS, Capture
from dvscrape.archive.replay import added_article_urls, related_article_urls
from dvscrape.archive.times import now_stored, stored_time
from dvscrape.errors import ConfigurationError
from dvscrape.runs.outcome import Outcome, outcome_of_error, outcome_of_work
from dvscrape.sites import profiles_dir_of
from dvscrape.sites.profile import SiteProfile
from dvscrape.sites.urls import UrlDecision, UrlKind, classify
from dvscrape.warc.model import WarcLocation, parse_warc_date
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
from dvscrape.warc.walk import DEFAULT_MAX_RECORD, Defect, iter_any

CAPTURED_TYPES = frozenset({"response", "resource", "revisit"})
# What tells that captures on another host are the site's: the home page, a listing or an article at its paths.
_PAGE_KINDS = frozenset({UrlKind.HOME, UrlKind.LISTING, UrlKind.ARTICLE})
_WEB = ("http", "https")


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
    articles_new: int = 0  # articles the archive did not hold before the import
    articles_updated: int = 0  # articles it held that have more versions now
    failures: list[str] = field(default_factory=list)  # article pages that could not be extracted
    pages_reread: int = 0  # archived article pages read and extracted again (the URLs the import added captures of)
    hint_pages_read: int = 0  # listing and sitemap pages read (the ones no rebuild had read before)

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
    workers: int = 1,
) -> ImportResult:
    """Import *paths* (WARC or WACZ files) into *archive* (opened for writing, crawl lock held); see the module.
    The pages are extracted by *workers* processes (0: one per core; 1: in this one)."""
    from dvscrape.runs.rebuild import reextract

    paths = [Path(path) for path in paths]
    refused = [str(path) for path in paths if path.is_file() and neither_warc_nor_wacz(path)]
    if refused:
        raise ConfigurationError(f"neither a WARC nor a WACZ file, nothing imported: {', '.join(refused)}")
    conn = archive.db.conn
    result = ImportResult()
    known = imported_digests(conn)
    todo: list[tuple[Path, str]] = []
    for path in paths:
        if not path.is_file():
            result.problems.append(f"{path}: not a file")
            continue
        digest = sha256_of(path)
        if digest in known and (stale := files_without_site_captures(conn, digest)):
            with archive.transaction("forget an import that gave no capture of the site"):
                forget_files(conn, stale, lambda name: archive.path_of(name).unlink(missing_ok=True))
            known.discard(digest)  # imported before under an address its captures are not on: imported again
        if digest in known or digest in {d for _, d in todo}:
            result.already.append(str(path))
            continue
        todo.append((path, digest))
    interrupted = unfinished_import(conn, profile.name)  # its files are in; its articles were never rebuilt
    if not todo and interrupted is None:
        return result
    options = {"mode": "import", "sources": [str(path) for path, _ in todo], "max_record": max_record} | (
        {"profiles_dir": profiles_dir_of(profile)} if profiles_dir_of(profile) else {}
    )
    if interrupted is None:
        crawl_id = archive.begin_crawl(profile.name, profile.base_url, options)
    else:
        crawl_id = archive.resume_crawl(interrupted, options, base_url=profile.base_url)
        say(f"resuming import {interrupted}, which was interrupted: its files are imported, its articles rebuilt now")
    result.crawl_id = crawl_id
    outcome = Outcome.INTERNAL_ERROR
    try:
        for path, digest in todo:
            _import_input(archive, crawl_id, path, digest, profile, max_record, result, say)
        for run in (interrupted, crawl_id):  # the interrupted one may have been killed before it looked
            if run is not None:
                _on_their_address(archive, run, profile, result, say)
        result.revisits_linked, result.revisits_unresolved = link_imported_revisits(archive)
        if result.captures or interrupted is not None:  # else nothing new (every input refused, or no records)
            say("re-extracting the articles the import added captures of, in capture-date order")
            reason = f"read again after importing {len(todo)} file(s) (import {crawl_id})"
            touched = related_article_urls(conn, added_article_urls(conn, crawl_id))  # and what it resumed
            before = version_counts(conn, touched)
            rebuilt = reextract(archive, added_by=crawl_id, reason=reason, workers=workers)
            result.failures = list(rebuilt.failures)
            result.pages_reread, result.hint_pages_read = rebuilt.pages, rebuilt.hint_pages
            changes = version_changes(before, version_counts(conn, related_article_urls(conn, touched)))
            result.articles_new, result.articles_updated = changes
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
                "pages_reread": result.pages_reread,
                "articles_new": result.articles_new,
                "articles_updated": result.articles_updated,
                "hint_pages_read": result.hint_pages_read,
                "failures": len(result.failures),
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
        file_id = record_imported_file(
            archive.db.conn, crawl_id, ImportedFile(digest, str(path), "", "", size, "", status)
        )
        _record_problems(archive, crawl_id, file_id, [(r.source, None, None, r.reason) for r in refusals], result)
    say(f"{path}: {found} WARC file(s) imported from the package, {len(refusals)} member(s) refused")


def _record_problems(
    archive: Archive, crawl_id: int, file_id: int | None, problems: list[Problem], result: ImportResult
) -> None:
    record_import_problems(archive.db.conn, crawl_id, file_id, problems)
    result.problems.extend(
        f"{source}{f' at offset {offset}' if offset is not None else ''}: {reason}"
        for source, offset, _, reason in problems
    )


def _import_warc(
    archive: Archive, crawl_id: int, source: WarcSource, profile: SiteProfile, max_record: int, result: ImportResult
) -> None:
    conn = archive.db.conn
    label = f"{source.source}!{source.member}" if source.member else source.source
    if source.sha256 in imported_digests(conn):
        result.already.append(label)  # the same WARC file, imported before (alone or in another package)
        if source.temporary:
            source.path.unlink(missing_ok=True)
        return
    name = stored_name(source.sha256, source.member or source.source)
    stored = keep_copy(source, archive.warc_dir, name)
    counts = _FileCounts()
    problems: list[Problem] = []
    with archive.transaction("import a WARC file"):
        imported = ImportedFile(source.sha256, source.source, source.member, name, source.size, warc_version(stored),
                                "imported")  # fmt: skip
        file_id = record_imported_file(conn, crawl_id, imported)
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
        finish_imported_file(conn, file_id, tools=counts.tools, records=counts.records, captures=counts.captures,
                             problems=counts.problems)  # fmt: skip
    result.files += 1
    result.records += counts.records
    result.captures += counts.captures


def _on_their_address(
    archive: Archive, crawl_id: int, profile: SiteProfile, result: ImportResult, say: Callable[[str], None]
) -> None:
    """When no capture of the import is of the site at *profile*'s address: the captures of the site's pages on one
    other host (a mirror imported without --base-url) are classified again on it; otherwise the import is undone
    (ConfigurationError naming --base-url), so that the files can be imported again."""
    conn = archive.db.conn
    captures = foreign_captures(conn, crawl_id)
    if not captures:  # some capture is of the site, or nothing was captured
        return
    origins = sorted({f"{p.scheme}://{p.netloc}" for _, url in captures if (p := urlsplit(url)).scheme in _WEB})
    mirrors = [
        mirror
        for mirror in (profile.with_base_url(origin) for origin in origins)
        if any(classify(url, mirror).kind in _PAGE_KINDS for _, url in captures)
    ]
    if len(mirrors) == 1:
        (mirror,) = mirrors
        keys = ((_kind(decision := classify(url, mirror)), decision.canonical or url, id_) for id_, url in captures)
        with archive.transaction("record the mirror the import captured"):
            rekey_captures(conn, crawl_id, mirror.base_url, keys)
        say(f"the captures are {profile.name}'s pages at {mirror.base_url}: imported as its mirror (--base-url)")
        return
    with archive.transaction("undo an import that gave no capture of the site"):
        forget_files(conn, files_of_import(conn, crawl_id), lambda name: archive.path_of(name).unlink(missing_ok=True))
    result.files = result.records = result.captures = 0
    raise ConfigurationError(
        f"nothing imported: no capture is of {profile.name} at {profile.base_url} (they are of "
        f"{', '.join(origins[:3]) or 'no host'}); give the address they captured it at with --base-url"
    )


def _kind(decision: UrlDecision) -> str:
    return decision.kind.value if decision.kind.value in CAPTURE_KINDS else "other"


def _capture(crawl_id: int, file_id: int, filename: str, record: WarcRecord, profile: SiteProfile) -> Capture | None:
    """The capture of an imported record (None for a record without a target URI)."""
    url = record.target_uri
    if not url:
        return None
    decision = classify(url, profile)
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
        kind=_kind(decision),
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
    """A WARC-Date as stored in captures.fetched_at (the archive's one stored time format)."""
    try:
        return stored_time(parse_warc_date(warc_date))
    except ValueError:
        return now_stored()


def summary_json(result: ImportResult) -> str:
    """The result as JSON (for --json)."""
    return json.dumps(result.__dict__, ensure_ascii=False, indent=2)
