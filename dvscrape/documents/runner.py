"""`dvscrape documents`: read every archived document not yet read, off the crawl's critical path.

Documents are read by a pool of sandboxed worker processes (dvscrape.documents.sandbox: memory, CPU and time limits),
one per core unless told otherwise; each worker reads its document's bytes from the WARC record itself. This process
is the one writer: every result is committed as soon as it is known, so an interrupted run (even killed) loses at
most the documents being read, and the next run goes on from there, reading nothing twice. Documents that need OCR
on a machine without tesseract are recorded as waiting for it and read when a later run finds it installed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from dvscrape.archive.db import Archive
from dvscrape.archive.document_rows import save_document
from dvscrape.archive.times import now_stored
from dvscrape.documents.limits import Limits
from dvscrape.documents.model import DONE, FAILED, WAITING_OCR, DocumentResult
from dvscrape.documents.ocr import missing_reason
from dvscrape.documents.sandbox import SandboxPool, record_request
from dvscrape.documents.store import PendingDocument, pending_documents, row_of


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
    workers = workers or os.cpu_count() or 1
    total = len(todo)
    jobs = ((item, record_request(archive.warc_dir, item, ocr=ocr_usable)) for item in todo)
    with SandboxPool(workers, limits) as pool:
        for item, result in pool.read(jobs):
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
