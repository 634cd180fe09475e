"""`dvscrape documents`: read the text of every archived attached document (text layers, OCR of scans)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dvscrape.cli.archive_access import opened_archive
from dvscrape.cli.options import archive_option


@click.command("documents")
@archive_option
@click.option(
    "--workers",
    default=0,
    type=click.IntRange(0, 16),
    help="Documents read at once, one per worker process (0: one per core).",
)
@click.option("--redo", is_flag=True, help="Read every document again, even those already read.")
@click.option("--retry-failed", is_flag=True, help="Read again the documents that failed (timeouts, crashes…).")
@click.option("--no-ocr", is_flag=True, help="Do not OCR scans now: leave them waiting for OCR.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def documents_command(
    archive_dir: Path, workers: int, redo: bool, retry_failed: bool, no_ocr: bool, as_json: bool
) -> None:
    """Extract the text of archived documents (PDF, DOC, DOCX, ODT, XLS, XLSX, RTF, images) into the archive.

    Documents are read from their WARC records by worker processes with memory, CPU and time limits, one per core;
    scans are OCR'd with tesseract's Vietnamese model. Documents already read are skipped, so an interrupted run is
    resumed by running it again; documents waiting for OCR are read once tesseract is installed.
    """
    from dvscrape.documents.model import OCR_MISSING_MESSAGE, DocumentResult
    from dvscrape.documents.runner import run_documents
    from dvscrape.documents.store import PendingDocument

    def progress(done: int, total: int, item: PendingDocument, result: DocumentResult) -> None:
        detail = (result.method or result.reason) if result.status == "done" else result.reason
        click.echo(f"[{done}/{total}] {result.status:11} {item.file_name}: {detail[:120]}", err=True)

    with opened_archive(archive_dir, readonly=False) as archive:
        summary = run_documents(
            archive,
            workers=workers,
            redo=redo,
            retry_failed=retry_failed,
            ocr=not no_ocr,
            progress=None if as_json else progress,
        )
    if as_json:
        click.echo(json.dumps(summary.__dict__, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"documents: {summary.read} read ({summary.pages} pages): {summary.done} done, "
        f"{summary.waiting_ocr} waiting for OCR, {summary.failed} failed"
    )
    if summary.waiting_ocr:
        click.echo(f"  {summary.waiting_ocr} document(s) {OCR_MISSING_MESSAGE}")
    for url, reason in summary.failures:
        click.echo(f"  failed: {url}: {reason}")
