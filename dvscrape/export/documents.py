"""`dvscrape export --documents`: the documents dataset, one row per archived document with the articles it is
attached to, its URL and WARC link, its text, how it was read and its heading fields; JSON Lines, CSV (UTF-8 with a
BOM for Excel), Parquet, or a Hugging Face folder (data/train-00000-of-00001.parquet), with a datapackage.json.
Same archive, same bytes (rows by document id, no export-time stamps)."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from dvscrape.errors import ConfigurationError

FIELDS: tuple[tuple[str, str, str], ...] = (
    ("document_id", "integer", "Row id of the document in the archive's documents table."),
    ("url", "string", "Canonical URL of the document."),
    ("file_name", "string", "File name, from the URL."),
    ("kind", "string", "pdf, docx, doc, odt, xlsx, xls, rtf, image, …"),
    ("status", "string", "done; waiting_ocr (a scan, OCR not installed yet); failed (see reason)."),
    ("method", "string", "text_layer, legacy_font (TCVN3/VNI font decoded), ocr, or several joined by +."),
    ("ocr_confidence", "number", "Mean word confidence of the OCR (0-100), when OCR was used."),
    ("page_count", "integer", "Pages (sheets for spreadsheets)."),
    ("text", "string", "The text, normalised; pages separated by a form feed line; table cells by tabs."),
    ("reason", "string", "Why the document could not be read (encrypted, damaged, unsupported, too large…)."),
    ("document_type", "string", "Kế hoạch, Quyết định, Thông báo, Công văn… from the heading."),
    ("number", "string", "Number and symbol, e.g. 109/KH-UBND."),
    ("issuer", "string", "Issuing body from the heading."),
    ("place", "string", "Place of issue."),
    ("issued_date", "date", "Date of issue (YYYY-MM-DD)."),
    ("subject", "string", "Subject (V/v …, or the title under the document type)."),
    ("signer", "string", "Name of the signer."),
    ("fields", "string", "Every heading field found, as JSON."),
    ("article_ids", "string", "Ids of the articles the document is attached to, as a JSON list."),
    ("article_urls", "string", "URLs of those articles, as a JSON list."),
    ("article_titles", "string", "Titles of those articles, as a JSON list."),
    ("fetched_at", "string", "When the document was fetched (UTC)."),
    ("warc_filename", "string", "WARC file holding the response record of the document."),
    ("warc_offset", "integer", "Offset of that record in the WARC file."),
    ("warc_length", "integer", "Length of that record (one gzip member)."),
    ("warc_record_id", "string", "WARC-Record-ID of that record."),
)
FORMATS = ("jsonl", "csv", "parquet", "hf")


def document_rows(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every document with its articles and WARC link, by id."""
    rows = []
    cursor = conn.execute(
        """
        SELECT d.id, d.url, d.file_name, d.kind, d.status, d.method, d.ocr_confidence, d.page_count, d.text,
               d.reason, d.document_type, d.number, d.issuer, d.place, d.issued_date, d.subject, d.signer, d.fields,
               c.fetched_at, c.warc_filename, c.warc_offset, c.warc_length, c.warc_record_id
        FROM documents AS d LEFT JOIN captures AS c ON c.id = d.capture_id
        ORDER BY d.id
        """
    )
    for row in cursor:
        articles = conn.execute(
            "SELECT a.id, a.url, a.title FROM attachments AS att JOIN articles AS a ON a.id = att.article_id "
            "WHERE att.url = ? GROUP BY a.id ORDER BY a.id",
            (row[1],),
        ).fetchall()
        record = dict(zip([name for name, _, _ in FIELDS[:18]], row[:18], strict=True))
        record["article_ids"] = json.dumps([a[0] for a in articles])
        record["article_urls"] = json.dumps([a[1] for a in articles], ensure_ascii=False)
        record["article_titles"] = json.dumps([a[2] for a in articles], ensure_ascii=False)
        for name, value in zip(
            ("fetched_at", "warc_filename", "warc_offset", "warc_length", "warc_record_id"), row[18:], strict=True
        ):
            record[name] = value
        rows.append({name: record.get(name) for name, _, _ in FIELDS})
    return rows


def _write_parquet(rows: list[dict[str, Any]], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"integer": pa.int64(), "number": pa.float64(), "string": pa.string(), "date": pa.string()}
    schema = pa.schema([pa.field(name, types[kind]) for name, kind, _ in FIELDS])
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, path, compression="zstd")


def export_documents(
    conn: sqlite3.Connection, out: Path, fmt: str, *, overwrite: bool = False, bom: bool = True
) -> list[Path]:
    """Write the documents dataset to the folder *out* (built beside it and renamed when complete)."""
    if fmt not in FORMATS:
        raise ConfigurationError(f"unknown format {fmt!r} for documents; expected one of {', '.join(FORMATS)}")
    if out.exists() and not overwrite:
        raise ConfigurationError(f"{out} exists; give --overwrite to replace it")
    try:
        rows = document_rows(conn)
    except sqlite3.OperationalError as error:
        raise ConfigurationError(f"the archive has no documents table ({error}); run `dvscrape documents`") from error
    building = out.with_name(out.name + ".partial")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    if fmt == "jsonl":
        target = building / "documents.jsonl"
        with target.open("w", encoding="utf-8", newline="\n") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        target = building / "documents.csv"
        with target.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=[name for name, _, _ in FIELDS])
            writer.writeheader()
            writer.writerows(rows)
    elif fmt == "parquet":
        target = building / "documents.parquet"
        _write_parquet(rows, target)
    else:
        (building / "data").mkdir()
        target = building / "data" / "train-00000-of-00001.parquet"
        _write_parquet(rows, target)
    files = [target]
    package = {
        "name": "dvscrape-documents",
        "title": "Documents attached to the archived articles",
        "resources": [
            {
                "name": "documents",
                "path": str(target.relative_to(building)),
                "format": fmt if fmt != "hf" else "parquet",
                "bytes": target.stat().st_size,
                "hash": "sha256:" + hashlib.sha256(target.read_bytes()).hexdigest(),
                "schema": {"fields": [{"name": n, "type": t, "description": d} for n, t, d in FIELDS]},
            }
        ],
    }
    (building / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", "utf-8")
    if out.exists():
        shutil.rmtree(out)
    building.rename(out)
    return [out / path.relative_to(building) for path in files]
