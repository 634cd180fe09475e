"""The archive's documents table, its search indexes and its view (migration m0011_documents, listed in
dvscrape/archive/migrations.py)."""

from __future__ import annotations

from sqlite_utils import Database


def m0011_documents(db: Database) -> None:
    """One row per archived attached document (by canonical URL): its text (pages joined by form feeds, and each
    page in ``pages`` as JSON), how it was read, its heading fields, or why it could not be read; full-text indexes
    ``documents_fts`` (exact) and ``documents_fts_folded`` (dvscrape_fold), kept in step by triggers; the view
    ``document_list`` (each document with the articles that link it)."""
    from dvscrape.archive.folding import create_search_indexes

    db.execute(
        """
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            capture_id INTEGER REFERENCES captures(id),
            payload_digest TEXT NOT NULL DEFAULT '',
            file_name TEXT NOT NULL DEFAULT '',
            content_type TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL,
            method TEXT NOT NULL DEFAULT '',
            ocr_confidence REAL,
            page_count INTEGER NOT NULL DEFAULT 0,
            text TEXT NOT NULL DEFAULT '',
            pages TEXT NOT NULL DEFAULT '[]',
            reason TEXT NOT NULL DEFAULT '',
            warnings TEXT NOT NULL DEFAULT '[]',
            fields TEXT NOT NULL DEFAULT '{}',
            issuer TEXT NOT NULL DEFAULT '',
            number TEXT NOT NULL DEFAULT '',
            symbol TEXT NOT NULL DEFAULT '',
            place TEXT NOT NULL DEFAULT '',
            issued_date TEXT,
            document_type TEXT NOT NULL DEFAULT '',
            subject TEXT NOT NULL DEFAULT '',
            signer TEXT NOT NULL DEFAULT '',
            extracted_at TEXT NOT NULL,
            extractor_version INTEGER NOT NULL DEFAULT 1
        )
        """
    )
    db.execute("CREATE INDEX idx_documents_status ON documents (status)")
    create_search_indexes(db, "documents", "subject", "text")
    db.execute(
        """
        CREATE VIEW document_list AS
        SELECT d.id AS document_id, d.url, d.file_name, d.kind, d.status, d.method, d.page_count,
               d.ocr_confidence, d.document_type, d.number, d.issued_date, d.issuer, d.subject, d.signer, d.reason,
               a.id AS article_id, a.title AS article_title, a.url AS article_url, a.published_date,
               att.text AS link_text
        FROM documents AS d
        LEFT JOIN attachments AS att ON att.url = d.url
        LEFT JOIN articles AS a ON a.id = att.article_id
        """
    )
