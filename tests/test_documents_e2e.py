"""End to end: crawl the replica → `dvscrape documents` (first without OCR, then with it) → `dvscrape search` finds a
word of a document and shows its article → `dvscrape export --documents` has it."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from dvscrape.documents.ocr import missing_reason
from tests import replica_documents as generated
from tests.conftest import CrawledArchive, run_cli
from tests.replica_documents import writers

pytestmark = pytest.mark.skipif(not writers.fonts_available(), reason="DejaVu fonts (fonts-dejavu-core) missing")


@pytest.fixture()
def archive(crawled_archive: CrawledArchive, tmp_path: Path) -> Path:
    assert crawled_archive.result.returncode == 0, crawled_archive.result.stderr[-2000:]
    copy = tmp_path / "archive"
    shutil.copytree(crawled_archive.directory, copy, ignore=shutil.ignore_patterns("crawl.lock"))
    return copy


def _rows(archive: Path, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    with sqlite3.connect(archive / "archive.sqlite") as conn:
        return conn.execute(sql).fetchall()


def _served_file_names(archive: Path) -> int:
    """Check every stored file name (of documents and of attachments) against the name the server gave the file in
    its Content-Disposition header, read from the WARC record with warcio; return how many were checked."""
    checked = 0
    for url, attached, document, warc_name, offset in _rows(
        archive,
        "select a.url, a.file_name, d.file_name, c.warc_filename, c.warc_offset from attachments a "
        "join documents d on d.url = a.url join captures c on c.id = d.capture_id",
    ):
        with (archive / "warc" / warc_name).open("rb") as stream:
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)))
        disposition = record.http_headers.get_header("Content-Disposition") or ""
        assert f'filename="{attached}"' in disposition and document == attached, (url, disposition, document)
        checked += 1
    return checked


def test_crawl_documents_search_export(archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DVSCRAPE_TESSERACT", "none")
    first = run_cli("documents", "--archive", str(archive))
    assert first.returncode == 0, first.stderr[-2000:]
    attachments = _rows(archive, "select count(distinct url) from attachments")[0][0]
    statuses = dict(_rows(archive, "select status, count(*) from documents group by status"))
    assert sum(statuses.values()) == attachments > 0
    failed = _rows(archive, "select reason from documents where status = 'failed'")
    assert all(reason.split(":")[0] in ("encrypted", "damaged") for (reason,) in failed)
    assert not _rows(archive, "select id from documents where status = 'done' and text = ''")  # never silently empty
    assert _served_file_names(archive), "no document names to check"
    if statuses.get("waiting_ocr"):
        assert "tesseract-ocr-vie" in first.stdout

    monkeypatch.delenv("DVSCRAPE_TESSERACT")
    second = run_cli("documents", "--archive", str(archive))
    assert second.returncode == 0, second.stderr[-2000:]
    if not missing_reason():
        assert not _rows(archive, "select id from documents where status = 'waiting_ocr'")
    again = run_cli("documents", "--archive", str(archive), "--json")
    assert json.loads(again.stdout)["read"] == 0  # resumable: nothing left to do

    # 'Nơi nhận' ends every generated document and no article: typed without accents, it finds them
    found = run_cli("search", "--archive", str(archive), "noi nhan")
    assert found.returncode == 0, found.stderr
    assert "documents (" in found.stdout and "in: " in found.stdout
    title = _rows(
        archive,
        "select a.title from documents d join attachments att on att.url = d.url join articles a on a.id = "
        "att.article_id where d.text like '%Nơi nhận%' order by d.id limit 1",
    )[0][0]
    assert title in found.stdout
    hits = json.loads(run_cli("search", "--archive", str(archive), "noi nhan", "--json").stdout)
    assert any("document" in hit for hit in hits)

    out = tmp_path / "docs"
    exported = run_cli("export", "--archive", str(archive), "--documents", "--format", "jsonl", "--out", str(out))
    assert exported.returncode == 0, exported.stderr[-2000:]
    rows = [json.loads(line) for line in (out / "documents.jsonl").read_text("utf-8").splitlines()]
    assert len(rows) == sum(statuses.values())
    with_text = [row for row in rows if "Nơi nhận" in row["text"]]
    assert with_text and all(json.loads(row["article_urls"]) and row["warc_filename"] for row in with_text)
    assert all(row["method"] and row["number"] for row in with_text)


def test_extract_prints_a_document_as_json(tmp_path: Path) -> None:
    sample = next(s for s in generated.samples() if s.kind == "docx")
    path = tmp_path / "ke-hoach-109.docx"
    path.write_bytes(sample.data)
    shown = run_cli("extract", str(path))
    assert shown.returncode == 0, shown.stderr
    document = json.loads(shown.stdout)
    assert document["document"] is True and document["status"] == "done" and document["kind"] == "docx"
    assert document["fields"]["number"] == "109/KH-UBND" and "Nơi nhận" in document["text"]
    encrypted = tmp_path / "mat.pdf"
    encrypted.write_bytes(next(s for s in generated.samples() if s.kind == "encrypted-pdf").data)
    refused = run_cli("extract", str(encrypted))
    assert refused.returncode == 1 and json.loads(refused.stdout)["reason"].startswith("encrypted:")
