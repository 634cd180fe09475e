"""`dvscrape documents`: read every archived document not yet read, off the crawl's critical path.

Each document is read in its own subprocess (dvscrape.documents.sandbox) with memory, CPU and time limits; a few run
at once (threads waiting on their subprocesses). Every result is committed as soon as it is known, so an interrupted
run loses at most the documents being read, and the next run goes on from there. Documents that need OCR on a
machine without tesseract are recorded as waiting for it and read when a later run finds it installed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from dvscrape.archive.db import Archive
from dvscrape.archive.document_rows import save_document
from dvscrape.archive.times import now_stored
from dvscrape.documents.limits import Limits
from dvscrape.documents.model import DONE, FAILED, WAITING_OCR, DocumentResult, failed
from dvscrape.documents.ocr import missing_reason
from dvscrape.documents.sandbox import read_isolated
from dvscrape.documents.sniff import extension_kind
from dvscrape.documents.store import PendingDocument, document_bytes, pending_documents, row_of


@dataclass
class DocumentsSummary:
    """What a run did: documents read by outcome, and the reasons of those not read."""

    read: int = 0
    done: int = 0
    waiting_ocr: int = 0
    failed: int = 0
    pages: int = 0
    ocr_missing: str = ""
    failures: list[tuple[str, str]] = field(default_factory=list)


def _expected_pages(data: bytes) -> int:
    if not data.startswith(b"%PDF"):
        return 1
    return max(1, data.count(b"/Type /Page") + data.count(b"/Type/Page") - data.count(b"/Type /Pages"))


def read_pending(
    warc_dir: object, pending: PendingDocument, *, ocr: bool, limits: Limits
) -> DocumentResult:  # runs in a worker thread
    from pathlib import Path

    try:
        data = document_bytes(Path(str(warc_dir)), pending)
    except Exception as error:  # a damaged WARC record or encoding: recorded for this document only
        return failed(extension_kind(pending.file_name) or "unknown", f"unreadable WARC record: {error}")
    pages = min(_expected_pages(data), limits.max_pages)
    return read_isolated(data, pending.file_name, pending.content_type, ocr=ocr, limits=limits, expected_pages=pages)


def run_documents(
    archive: Archive,
    *,
    workers: int = 0,
    redo: bool = False,
    retry_failed: bool = False,
    ocr: bool = True,
    limits: Limits | None = None,
    progress: Callable[[int, int, PendingDocument, DocumentResult], None] | None = None,
) -> DocumentsSummary:
    """Read the archive's pending documents into the documents table; return what happened."""
    limits = limits or Limits.from_env()
    summary = DocumentsSummary(ocr_missing=missing_reason() if ocr else "switched off")
    ocr_usable = ocr and not summary.ocr_missing
    todo = pending_documents(archive.db.conn, redo=redo, retry_failed=retry_failed, ocr_available=ocr_usable)
    workers = workers or min(2, os.cpu_count() or 1)
    total = len(todo)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        running: dict[Future[DocumentResult], PendingDocument] = {}
        queue = list(reversed(todo))
        while queue or running:
            while queue and len(running) < workers:
                item = queue.pop()
                running[pool.submit(read_pending, archive.warc_dir, item, ocr=ocr_usable, limits=limits)] = item
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                item = running.pop(future)
                try:
                    result = future.result()
                except Exception as error:  # e.g. no room for the temporary copy: this document only
                    result = failed(extension_kind(item.file_name) or "unknown", f"crashed: {error}")
                save_document(archive, row_of(item, result, now_stored()))
                summary.read += 1
                summary.pages += result.page_count
                if result.status == DONE:
                    summary.done += 1
                elif result.status == WAITING_OCR:
                    summary.waiting_ocr += 1
                elif result.status == FAILED:
                    summary.failed += 1
                    summary.failures.append((item.url, result.reason))
                if progress is not None:
                    progress(summary.read, total, item, result)
    return summary
