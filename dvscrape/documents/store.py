"""Documents in the archive: which archived attachments to read, their bytes from the WARC files, and the rows
that record what reading them gave."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from dvscrape.archive.document_rows import document_captures, document_states
from dvscrape.archive.lookup import capture_record, original_capture_id
from dvscrape.archive.rows import document_file_name
from dvscrape.documents.model import DONE, FAILED, WAITING_OCR, DocumentResult
from dvscrape.documents.sniff import extension_kind

# Bumped when reading changes enough that stored documents should be read again (`dvscrape documents --redo`).
EXTRACTOR_VERSION = 1
# Media types of documents (attachments are read whatever their type; other media only with one of these).
DOCUMENT_TYPES = (
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument",
    "application/vnd.oasis.opendocument",
    "application/vnd.ms-excel",
    "application/rtf",
    "text/rtf",
)


@dataclass(frozen=True)
class PendingDocument:
    """An archived document to read: its canonical URL, the capture whose WARC record holds its bytes."""

    url: str
    capture_id: int
    fetched_url: str
    content_type: str
    warc_filename: str
    warc_offset: int
    warc_length: int
    payload_digest: str

    @property
    def file_name(self) -> str:
        """The file name its URL gives (archive.rows.document_file_name, as the attachment's row has it)."""
        return document_file_name(self.url)


def _is_document(url: str, content_type: str, attached: bool) -> bool:
    if attached:
        return True
    media = content_type.split(";")[0].strip().lower()
    if media.startswith(DOCUMENT_TYPES):
        return True
    kind = extension_kind(document_file_name(url))
    return kind is not None and kind not in ("image", "text")


def pending_documents(
    conn: sqlite3.Connection, *, redo: bool = False, retry_failed: bool = False, ocr_available: bool = True
) -> list[PendingDocument]:
    """Archived documents to read: never read, archived again with other bytes, read by an older extractor,
    waiting for OCR (when it is available now), failed (with retry_failed), or all of them (redo)."""
    rows = document_captures(conn)
    stored = document_states(conn)
    chosen: list[PendingDocument] = []
    seen: set[str] = set()
    for url, capture_id, fetched, content_type, filename, offset, length, digest, record_type, attached in rows:
        if url in seen or not _is_document(url, content_type, bool(attached)):
            continue
        seen.add(url)
        if record_type == "revisit":
            original = capture_record(conn, original_capture_id(conn, capture_id))
            if original is None:
                continue
            filename, offset, length = original["warc_filename"], original["warc_offset"], original["warc_length"]
        previous = stored.get(url)
        if previous is not None and not redo:
            status, stored_digest, version = previous
            read_again = {DONE: False, FAILED: retry_failed, WAITING_OCR: ocr_available}.get(status, True)
            if stored_digest == digest and version >= EXTRACTOR_VERSION and not read_again:
                continue
        chosen.append(PendingDocument(url, capture_id, fetched, content_type, filename, offset, length, digest))
    return chosen


def document_bytes(warc_dir: Path, pending: PendingDocument) -> bytes:
    """The document's bytes from its WARC record, Content-Encoding undone (bounded: a compression bomb fails)."""
    from dvscrape.warc.payload import decoded_payload
    from dvscrape.warc.reader import read_record_at

    return decoded_payload(read_record_at(warc_dir / pending.warc_filename, pending.warc_offset, pending.warc_length))


def row_of(pending: PendingDocument, result: DocumentResult, extracted_at: str) -> dict[str, object]:
    """The documents row for what reading *pending* gave."""
    fields = result.fields
    return {
        "url": pending.url,
        "capture_id": pending.capture_id,
        "payload_digest": pending.payload_digest,
        "file_name": pending.file_name,
        "content_type": pending.content_type,
        "kind": result.kind,
        "status": result.status,
        "method": result.method,
        "ocr_confidence": result.ocr_confidence,
        "page_count": result.page_count,
        "text": result.text,
        "pages": json.dumps([page.__dict__ for page in result.pages], ensure_ascii=False),
        "reason": result.reason,
        "warnings": json.dumps(result.warnings, ensure_ascii=False),
        "fields": json.dumps(fields, ensure_ascii=False, sort_keys=True),
        "issuer": fields.get("issuer", ""),
        "number": fields.get("number", ""),
        "symbol": fields.get("symbol", ""),
        "place": fields.get("place", ""),
        "issued_date": fields.get("date"),
        "document_type": fields.get("document_type", ""),
        "subject": fields.get("subject", ""),
        "signer": fields.get("signer", ""),
        "extracted_at": extracted_at,
        "extractor_version": EXTRACTOR_VERSION,
    }
