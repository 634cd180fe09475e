"""The rows of the documents table read and written: the captures that may hold a document, what reading each gave,
and the articles a document is attached to (the schema is document_tables.py's)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

from dvscrape.archive.db import Archive
from dvscrape.archive.rows import dict_rows


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
    for row in dict_rows(cursor):
        yield row, articles_attaching(conn, row["url"])


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
    """Insert or replace the row of row['url'] (its id kept), in its own write transaction; *row* holds a value for
    every column of the documents table but its id (documents.store.row_of)."""
    columns = ", ".join(row)
    placeholders = ", ".join(f":{name}" for name in row)
    updates = ", ".join(f"{name} = excluded.{name}" for name in row if name != "url")
    with archive.transaction("record a document"):
        archive.db.conn.execute(
            f"INSERT INTO documents ({columns}) VALUES ({placeholders}) ON CONFLICT(url) DO UPDATE SET {updates}", row
        )
