"""Datasette configuration for documents (merged into dvscrape/serving/datasette_metadata.py): the documents table
and the document_list view beside the articles, with accent-folded search and a canned document search."""

from __future__ import annotations

from typing import Any

from dvscrape.archive.search import SNIPPET_TOKENS

DOCUMENT_COLUMNS: dict[str, str] = {
    "url": "Canonical URL of the attached document.",
    "capture_id": "The capture (WARC record) the document's bytes were read from.",
    "file_name": "File name from the URL.",
    "kind": "pdf, docx, doc, odt, xlsx, xls, rtf, image…",
    "status": "done; waiting_ocr (a scan: install tesseract-ocr-vie and run `dvscrape documents`); failed.",
    "method": "text_layer, legacy_font (a TCVN3/VNI font decoded), ocr, or several joined by +.",
    "ocr_confidence": "Mean word confidence of the OCR (0-100).",
    "page_count": "Pages (sheets for a spreadsheet).",
    "text": "Text of the document, normalised: pages separated by a form feed line, table cells by tabs.",
    "pages": "Each page's text, method and OCR confidence, JSON array.",
    "reason": "Why the document could not be read: encrypted, damaged, unsupported, too large, timeout…",
    "fields": "Every heading field found, JSON object.",
    "issuer": "Issuing body (ỦY BAN NHÂN DÂN QUẬN TÂN BÌNH…).",
    "number": "Number and symbol (109/KH-UBND).",
    "issued_date": "Date of issue from 'Tân Bình, ngày 12 tháng 3 năm 2024' (ISO).",
    "document_type": "Kế hoạch, Quyết định, Thông báo, Công văn…",
    "subject": "Subject: 'V/v …' or the title under the document type.",
    "signer": "Name of the signer.",
}

SEARCH_DOCUMENTS_SQL = f"""
SELECT l.document_id, l.file_name, l.document_type, l.number, l.issued_date, l.article_title, l.article_url,
       snippet(documents_fts_folded, 1, '[', ']', '…', {SNIPPET_TOKENS}) AS snippet,
       bm25(documents_fts_folded, 5.0, 1.0) AS score
FROM documents_fts_folded JOIN document_list AS l ON l.document_id = documents_fts_folded.rowid
WHERE documents_fts_folded MATCH dvscrape_match(:q)
ORDER BY score, l.document_id
LIMIT 100
""".strip()

DOCUMENT_TABLES: dict[str, Any] = {
    "documents": {
        "description": "One row per attached document: its text (text layer, legacy font or OCR), heading fields, "
        "or why it could not be read. Filled by `dvscrape documents`; search ignores accents.",
        "columns": DOCUMENT_COLUMNS,
        "facets": ["status", "kind", "method", "document_type"],
        "label_column": "file_name",
        "fts_table": "documents_fts_folded",
        "fts_pk": "id",
        "searchmode": "escaped",
    },
    "document_list": {
        "description": "Each document beside the article it is attached to.",
        "facets": ["document_type", "status", "kind"],
    },
}

DOCUMENT_QUERIES: dict[str, Any] = {
    "search_documents": {
        "title": "Search documents (accents ignored)",
        "description": "Words in the text of attached documents, with the article each is attached to.",
        "sql": SEARCH_DOCUMENTS_SQL,
    },
}
