"""The archive's documents table, its search indexes and its view (migration m0011_documents, listed in
dvscrape/archive/migrations.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

if TYPE_CHECKING:
    from dvscrape.archive.db import Archive

DOCUMENT_COLUMNS = (
    "url",
    "capture_id",
    "payload_digest",
    "file_name",
    "content_type",
    "kind",
    "status",
    "method",
    "ocr_confidence",
    "page_count",
    "text",
    "pages",
    "reason",
    "warnings",
    "fields",
    "issuer",
    "number",
    "symbol",
    "place",
    "issued_date",
    "document_type",
    "subject",
    "signer",
    "extracted_at",
    "extractor_version",
)


def m0011_documents(db: Database) -> None:
    """One row per archived attached document (by canonical URL): its text (pages joined by form feeds, and each
    page in ``pages`` as JSON), how it was read, its heading fields, or why it could not be read; full-text indexes
    ``documents_fts`` (exact) and ``documents_fts_folded`` (dvscrape_fold), kept in step by triggers; the view
    ``document_list`` (each document with the articles that link it)."""
    from dvscrape.archive.folding import register_fold

    register_fold(db.conn)
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
    for name, diacritics in (("documents_fts", 0), ("documents_fts_folded", 2)):
        db.execute(
            f"CREATE VIRTUAL TABLE {name} USING fts5(subject, text, content='documents', content_rowid='id', "
            f"tokenize='unicode61 remove_diacritics {diacritics}')"
        )
    exact_delete = (
        "INSERT INTO documents_fts (documents_fts, rowid, subject, text) VALUES ('delete', old.id, old.subject, "
        "old.text);"
    )
    folded_delete = (
        "INSERT INTO documents_fts_folded (documents_fts_folded, rowid, subject, text) "
        "VALUES ('delete', old.id, dvscrape_fold(old.subject), dvscrape_fold(old.text));"
    )
    exact_insert = "INSERT INTO documents_fts (rowid, subject, text) VALUES (new.id, new.subject, new.text);"
    folded_insert = (
        "INSERT INTO documents_fts_folded (rowid, subject, text) "
        "VALUES (new.id, dvscrape_fold(new.subject), dvscrape_fold(new.text));"
    )
    db.execute(
        f"CREATE TRIGGER documents_search_insert AFTER INSERT ON documents BEGIN {exact_insert} {folded_insert} END"
    )
    db.execute(
        f"CREATE TRIGGER documents_search_delete AFTER DELETE ON documents BEGIN {exact_delete} {folded_delete} END"
    )
    db.execute(
        "CREATE TRIGGER documents_search_update AFTER UPDATE OF subject, text ON documents "
        "WHEN old.subject IS NOT new.subject OR old.text IS NOT new.text "
        f"BEGIN {exact_delete} {folded_delete} {exact_insert} {folded_insert} END"
    )
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


def documents_with_articles(conn: sqlite3.Connection) -> Iterator[tuple[dict[str, Any], list[tuple[int, str, str]]]]:
    """Every document by id: its columns (id, url, file_name, kind, status, method, ocr_confidence, page_count, text,
    reason, the heading fields, fields) with the fetch time and WARC location of its capture, and the (id, url,
    title) of the articles it is attached to."""
    cursor = conn.execute(
        """
        SELECT d.id, d.url, d.file_name, d.kind, d.status, d.method, d.ocr_confidence, d.page_count, d.text,
               d.reason, d.document_type, d.number, d.issuer, d.place, d.issued_date, d.subject, d.signer, d.fields,
               c.fetched_at, c.warc_filename, c.warc_offset, c.warc_length, c.warc_record_id
        FROM documents AS d LEFT JOIN captures AS c ON c.id = d.capture_id
        ORDER BY d.id
        """
    )
    names = [column[0] for column in cursor.description]
    for row in cursor.fetchall():
        yield dict(zip(names, row, strict=True)), articles_attaching(conn, row[1])


def articles_attaching(conn: sqlite3.Connection, url: str) -> list[tuple[int, str, str]]:
    """(id, url, title) of every article the document at *url* is attached to, by id."""
    found = conn.execute(
        "SELECT a.id, a.url, a.title FROM attachments AS att JOIN articles AS a ON a.id = att.article_id "
        "WHERE att.url = ? GROUP BY a.id ORDER BY a.id",
        (url,),
    )
    return [(int(article_id), str(article_url), str(title)) for article_id, article_url, title in found]


def document_captures(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """The 200 captures that may hold a document (not pages, feeds or requisites), newest first for each URL:
    canonical URL, capture id, URL fetched, content type, WARC file, offset and length, payload digest, record type,
    and whether an article has it as an attachment."""
    return conn.execute(
        """
        SELECT c.canonical_url, c.id, c.url, COALESCE(c.content_type, ''), c.warc_filename, c.warc_offset,
               c.warc_length, COALESCE(c.payload_digest, ''), c.record_type,
               EXISTS (SELECT 1 FROM attachments AS att WHERE att.url = c.canonical_url)
        FROM captures AS c
        WHERE c.status = 200 AND c.warc_filename IS NOT NULL AND c.warc_filename != ''
          AND c.kind NOT IN ('article', 'listing', 'home', 'robots', 'sitemap', 'requisite')
        ORDER BY c.canonical_url, c.fetched_at DESC, c.id DESC
        """
    ).fetchall()


def document_states(conn: sqlite3.Connection) -> dict[str, tuple[str, str, int]]:
    """(status, payload digest, extractor version) of every stored document, by URL."""
    found = conn.execute("SELECT url, status, payload_digest, extractor_version FROM documents")
    return {str(url): (str(status), str(digest), int(version)) for url, status, digest, version in found}


def save_document(archive: Archive, row: dict[str, object]) -> None:
    """Insert or replace the row of row['url'] (its id kept), in its own write transaction."""
    columns = ", ".join(DOCUMENT_COLUMNS)
    placeholders = ", ".join(f":{name}" for name in DOCUMENT_COLUMNS)
    updates = ", ".join(f"{name} = excluded.{name}" for name in DOCUMENT_COLUMNS if name != "url")
    with archive.transaction("record a document"):
        archive.db.conn.execute(
            f"INSERT INTO documents ({columns}) VALUES ({placeholders}) ON CONFLICT(url) DO UPDATE SET {updates}", row
        )
