"""`dvscrape export --documents`: the documents dataset, one row per archived document with the articles it is
attached to, its URL and WARC link, its text, how it was read and its heading fields. Written as the articles are
(export.run): the same formats, writers, data package and folder built beside *out* then renamed into place. Same
archive, same bytes (rows by document id, no export-time stamps)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from dvscrape.archive.dataset import crawl_sources
from dvscrape.archive.document_rows import documents_with_articles
from dvscrape.archive.times import day_of
from dvscrape.errors import ConfigurationError
from dvscrape.export.datapackage import write_datapackage
from dvscrape.export.options import ExportOptions
from dvscrape.export.run import building, check_out, row_writer
from dvscrape.export.schema import Field, Kind, Table
from dvscrape.export.source import ExportSummary
from dvscrape.export.writers import DataFile

FIELDS: tuple[Field, ...] = (
    Field("document_id", Kind.INTEGER, "Row id of the document in the archive's documents table.", required=True),
    Field("url", Kind.STRING, "Canonical URL of the document.", required=True),
    Field("file_name", Kind.STRING, "File name, from the URL."),
    Field("kind", Kind.STRING, "pdf, docx, doc, odt, xlsx, xls, rtf, image, …"),
    Field("status", Kind.STRING, "done; waiting_ocr (a scan, OCR not installed yet); failed (see reason)."),
    Field("method", Kind.STRING, "text_layer, legacy_font (TCVN3/VNI font decoded), ocr, or several joined by +."),
    Field("ocr_confidence", Kind.NUMBER, "Mean word confidence of the OCR (0-100), when OCR was used."),
    Field("page_count", Kind.INTEGER, "Pages (sheets for spreadsheets)."),
    Field("text", Kind.STRING, "The text, normalised; pages separated by a form feed line; table cells by tabs."),
    Field("reason", Kind.STRING, "Why the document could not be read (encrypted, damaged, unsupported, too large…)."),
    Field("document_type", Kind.STRING, "Kế hoạch, Quyết định, Thông báo, Công văn… from the heading."),
    Field("number", Kind.STRING, "Number and symbol, e.g. 109/KH-UBND."),
    Field("issuer", Kind.STRING, "Issuing body from the heading."),
    Field("place", Kind.STRING, "Place of issue."),
    Field("issued_date", Kind.DATE, "Date of issue (YYYY-MM-DD)."),
    Field("subject", Kind.STRING, "Subject (V/v …, or the title under the document type)."),
    Field("signer", Kind.STRING, "Name of the signer."),
    Field("fields", Kind.STRING, "Every heading field found, as JSON."),
    Field("article_ids", Kind.STRING, "Ids of the articles the document is attached to, as a JSON list."),
    Field("article_urls", Kind.STRING, "URLs of those articles, as a JSON list."),
    Field("article_titles", Kind.STRING, "Titles of those articles, as a JSON list."),
    Field("fetched_at", Kind.STRING, "When the document was fetched (UTC)."),
    Field("warc_filename", Kind.STRING, "WARC file holding the response record of the document."),
    Field("warc_offset", Kind.INTEGER, "Offset of that record in the WARC file."),
    Field("warc_length", Kind.INTEGER, "Length of that record (one gzip member)."),
    Field("warc_record_id", Kind.STRING, "WARC-Record-ID of that record."),
)
DOCUMENTS = Table("documents", "Documents attached to the archived articles", "attached document", FIELDS)


def document_rows(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every document with its articles and WARC link, by id, keyed by the fields of DOCUMENTS."""
    rows = []
    for document, articles in documents_with_articles(conn):
        record = {**document, "document_id": document["id"], "issued_date": day_of(document["issued_date"])}
        record["article_ids"] = json.dumps([article_id for article_id, _, _ in articles])
        record["article_urls"] = json.dumps([url for _, url, _ in articles], ensure_ascii=False)
        record["article_titles"] = json.dumps([title for _, _, title in articles], ensure_ascii=False)
        rows.append({name: record.get(name) for name in DOCUMENTS.field_names})
    return rows


def export_documents(
    conn: sqlite3.Connection, out: Path, options: ExportOptions, *, overwrite: bool = False
) -> list[DataFile]:
    """Write the documents dataset to the folder *out* in *options*' format (its CSV BOM too); return the files.
    Raises ConfigurationError as export_dataset does for *out*, and when the archive has no documents table."""
    options = options.checked()
    check_out(out, overwrite=overwrite)
    try:
        rows = document_rows(conn)
    except sqlite3.OperationalError as error:
        raise ConfigurationError(f"the archive has no documents table ({error}); run `dvscrape documents`") from error
    fetched = sorted(str(row["fetched_at"]) for row in rows if row["fetched_at"])
    summary = ExportSummary(
        sources=crawl_sources(conn),
        options={"format": options.format.value},
        read_rows=len(rows),
        rows=len(rows),
        first_fetched=fetched[0] if fetched else None,
        last_fetched=fetched[-1] if fetched else None,
    )
    with building(out) as folder:
        writer = row_writer(folder, options, DOCUMENTS)
        try:
            writer.write(rows)
            files = writer.close()
        except BaseException:
            writer.abort()
            raise
        write_datapackage(folder, files, summary, table=DOCUMENTS)
    return files
