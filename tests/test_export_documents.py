"""`dvscrape export --documents` is written the way the articles are (export.run): the same formats, writers, data
package and folder built beside --out and renamed into place; read back by pandas, DuckDB and frictionless."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import duckdb
import pandas
import pytest

from dvscrape.archive.db import Archive
from dvscrape.archive.document_rows import save_document
from tests.archivist_helpers import build_archive
from tests.conftest import run_cli

DOCUMENT = {
    "capture_id": None,
    "payload_digest": "sha1:X",
    "file_name": "Kế hoạch 109.pdf",
    "content_type": "application/pdf",
    "kind": "pdf",
    "status": "done",
    "method": "ocr",
    "ocr_confidence": 91.5,
    "page_count": 2,
    "text": "ỦY BAN NHÂN DÂN\nKế hoạch số 109/KH-UBND\n\fNơi nhận:",
    "pages": "[]",
    "reason": "",
    "warnings": "[]",
    "fields": json.dumps({"number": "109/KH-UBND"}),
    "issuer": "Ủy ban nhân dân quận Tân Bình",
    "number": "109/KH-UBND",
    "symbol": "KH-UBND",
    "place": "Tân Bình",
    "issued_date": "2024-03-01",
    "document_type": "Kế hoạch",
    "subject": "Tổ chức hội nghị",
    "signer": "Nguyễn Văn A",
    "extracted_at": "2024-03-02T00:00:00.000000Z",
    "extractor_version": 1,
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = build_archive(tmp_path_factory.mktemp("documents") / "archive")
    with Archive.open(directory) as opened:
        save_document(opened, {"url": "https://tanbinh.hochiminhcity.gov.vn/documents/1/0/ke-hoach.pdf", **DOCUMENT})
        save_document(opened, {"url": "https://tanbinh.hochiminhcity.gov.vn/documents/1/0/hong.pdf", **DOCUMENT,
                               "status": "failed", "reason": "damaged: no xref", "text": "", "ocr_confidence": None,
                               "issued_date": None})  # fmt: skip
    return directory


def export(archive: Path, out: Path, *options: str) -> None:
    result = run_cli("export", "--archive", str(archive), "--documents", "--out", str(out), *options)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_format_reads_back_the_same_documents(archive: Path, tmp_path: Path) -> None:
    for name in ("jsonl", "csv", "parquet", "hf"):
        export(archive, tmp_path / name, "--format", name)
    frames = {
        "jsonl": pandas.read_json(tmp_path / "jsonl" / "documents.jsonl", lines=True),
        "csv": pandas.read_csv(tmp_path / "csv" / "documents.csv", encoding="utf-8-sig", keep_default_na=False),
        "parquet": pandas.read_parquet(tmp_path / "parquet" / "documents.parquet"),
        "hf": pandas.read_parquet(tmp_path / "hf" / "data" / "train-00000-of-00001.parquet"),
    }
    for name, frame in frames.items():
        assert list(frame["document_id"]) == [1, 2], name
        assert frame["text"][0].startswith("ỦY BAN NHÂN DÂN"), name
        assert str(frame["issued_date"][0])[:10] == "2024-03-01", name
    connection = duckdb.connect()
    parquet = tmp_path / "parquet" / "documents.parquet"
    types = dict(
        connection.execute(f"select column_name, column_type from (describe select * from '{parquet}')").fetchall()
    )
    assert (types["ocr_confidence"], types["issued_date"], types["page_count"]) == ("DOUBLE", "DATE", "BIGINT")
    import frictionless

    for name in ("jsonl", "csv", "parquet"):
        package = json.loads((tmp_path / name / "datapackage.json").read_text("utf-8"))
        assert package["name"] == "dvscrape-documents" and package["resources"][0]["name"] == "documents"
        report = frictionless.validate(str(tmp_path / name / "datapackage.json"))
        # frictionless-py reads Parquet through pandas, which turns a null integer into NaN: its only complaint
        errors = [error for task in report.tasks for error in task.errors]
        assert all(error.type == "type-error" and error.cell == "nan" for error in errors), (name, errors)
        assert name == "parquet" or report.valid


def test_overwrite_replaces_only_an_earlier_export(archive: Path, tmp_path: Path) -> None:
    """Defect fixed: --documents --overwrite deleted whatever folder --out named (the articles export refuses a
    folder that is not an earlier export), and built the export under a fixed name it never cleaned up."""
    precious = tmp_path / "notes"
    precious.mkdir()
    (precious / "thesis.txt").write_text("không được xoá", encoding="utf-8")
    refused = run_cli(
        "export", "--archive", str(archive), "--documents", "--format", "csv", "--out", str(precious), "--overwrite"
    )
    assert refused.returncode == 2 and "not a dvscrape export" in refused.stderr, refused.stdout + refused.stderr
    assert (precious / "thesis.txt").read_text(encoding="utf-8") == "không được xoá"
    out = tmp_path / "docs"
    export(archive, out, "--format", "jsonl")
    export(archive, out, "--format", "csv", "--overwrite")
    assert sorted(path.name for path in out.iterdir()) == ["datapackage.json", "documents.csv"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["docs", "notes"]  # nothing left beside it
    with sqlite3.connect(archive / "archive.sqlite") as conn:
        assert conn.execute("select count(*) from documents").fetchone() == (2,)
