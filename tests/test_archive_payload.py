"""Archived bodies are decoded in one place (dvscrape.warc.payload) for extract, show --raw --decode and reextract."""

from __future__ import annotations

import gzip
import json
import zlib
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import brotli
import pytest
import zstandard

from dvscrape.archive.records import Capture
from dvscrape.errors import PayloadDecodingError
from dvscrape.replica.bombs import brotli_bomb, deflate_bomb, gzip_bomb
from dvscrape.warc.payload import MAX_DECODED_BYTES, decode_content
from tests.archivist_helpers import SPECS, ArchiveBuilder, article_html, exchange
from tests.conftest import run_cli

BODY = "<html><body><p>Lịch tiếp công dân</p></body></html>".encode()


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("coding", "encoded"),
    [
        ("", BODY),
        ("identity", BODY),
        ("gzip", gzip.compress(BODY, mtime=0)),
        ("x-gzip", gzip.compress(BODY, mtime=0)),
        ("deflate", zlib.compress(BODY)),
        ("deflate", _raw_deflate(BODY)),
        ("br", brotli.compress(BODY)),
        ("zstd", zstandard.ZstdCompressor().compress(BODY)),
        ("GZIP", gzip.compress(BODY, mtime=0)),
        ("gzip, br", brotli.compress(gzip.compress(BODY, mtime=0))),
    ],
)
def test_every_content_encoding_scrapy_accepts_is_undone(coding: str, encoded: bytes) -> None:
    assert decode_content(encoded, coding) == BODY


@pytest.mark.parametrize(("coding", "encoded"), [("compress", BODY), ("gzip", BODY), ("br", BODY), ("zstd", BODY)])
def test_unknown_coding_or_bad_data_is_a_payload_error(coding: str, encoded: bytes) -> None:
    with pytest.raises(PayloadDecodingError):
        decode_content(encoded, coding)


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br", "zstd"])
def test_a_decompression_bomb_is_refused_whatever_its_coding(coding: str) -> None:
    """Defect fixed: only the documents pass bounded what an archived body unpacks to; extract, history and
    reextract unpacked a bomb whole. Every coding is now undone piece by piece, up to MAX_DECODED_BYTES."""
    total = MAX_DECODED_BYTES + (4 << 20)
    if coding == "br":
        bomb = brotli_bomb(total)
    elif coding == "zstd":
        compressor = zstandard.ZstdCompressor().compressobj()
        bomb = b"".join(compressor.compress(bytes(1 << 20)) for _ in range(total >> 20)) + compressor.flush()
    else:
        bomb = b"".join((gzip_bomb if coding == "gzip" else deflate_bomb)(total)[1]())
    assert len(bomb) < total // 100
    with pytest.raises(PayloadDecodingError, match="decompression bomb"):
        decode_content(bomb, coding)


def test_a_body_cut_short_is_a_payload_error() -> None:
    with pytest.raises(PayloadDecodingError, match="truncated"):
        decode_content(gzip.compress(BODY)[:-12], "gzip")
    with pytest.raises(PayloadDecodingError, match="truncated"):
        decode_content(brotli.compress(BODY)[:-3], "br")


def test_documents_read_their_bytes_through_the_one_decoder(tmp_path: Path) -> None:
    """documents.store had a second decoder (gzip, deflate, br only): a zstd-encoded document was unreadable."""
    from dvscrape.documents.store import PendingDocument, document_bytes

    builder = ArchiveBuilder(tmp_path / "archive")
    url = builder.url("van-ban.pdf")
    plain = exchange(url, zstandard.ZstdCompressor().compress(BODY), builder.moment)
    location = builder.writer.write_exchange(
        replace(plain, response_headers=(*plain.response_headers, ("Content-Encoding", "zstd")))
    )
    builder.close()
    pending = PendingDocument(url, 1, url, "application/pdf", location.filename, location.offset, location.length, "")
    assert document_bytes(tmp_path / "archive" / "warc", pending) == BODY


def test_extract_reads_a_brotli_encoded_archived_page(tmp_path: Path) -> None:
    """Defect fixed: `dvscrape extract PATH --archive` refused a page the server had sent with br (only gzip and
    deflate were undone there), although the crawl had read it."""
    builder = ArchiveBuilder(tmp_path / "archive")
    url = builder.url(SPECS[0].slug)
    body = article_html(SPECS[0]).encode("utf-8")
    plain = exchange(url, brotli.compress(body), builder.moment)
    headers = (*plain.response_headers, ("Content-Encoding", "br"))
    location = builder.writer.write_exchange(replace(plain, response_headers=headers))
    builder.archive.record_capture(
        Capture(
            crawl_id=builder.crawl_id,
            url=url,
            canonical_url=url,
            kind="article",
            status=200,
            content_type="text/html; charset=utf-8",
            fetched_at=builder.moment.isoformat(timespec="seconds"),
            content_length=len(body),
            location=location,
        )
    )
    builder.close()
    result = run_cli("extract", f"/web/neoportal/-/{SPECS[0].slug}", "--archive", str(tmp_path / "archive"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["title"] == SPECS[0].title
    raw = run_cli("show", url, "--raw", "--decode", "--archive", str(tmp_path / "archive"))
    assert raw.returncode == 2 and "no archived article" in raw.stderr  # stored as a capture only, not an article


def test_documents_follow_a_chain_of_revisits_to_the_bytes(tmp_path: Path) -> None:
    """Defect fixed: the documents pass followed a revisit one hop only, so a document revisited twice (a revisit of
    a revisit) was read from a revisit record, which holds no body. The one rule (archive.lookup.original_capture_id)
    follows the chain, as the incremental state and the previous sitemap do."""
    from dvscrape.documents.store import document_bytes, pending_documents
    from dvscrape.warc.model import RevisitProfile, RevisitTarget

    builder = ArchiveBuilder(tmp_path / "archive")
    url = builder.url("van-ban.pdf").replace("/web/neoportal/-/", "/documents/10180/0/")
    pdf = b"%PDF-1.4 a document"
    refers_to = builder.capture(url, pdf, "media", "application/pdf")
    for _ in range(2):
        builder.moment += timedelta(days=1)
        record = builder.archive.db.conn.execute(
            "SELECT warc_record_id, fetched_at, canonical_url FROM captures WHERE id = ?", (refers_to,)
        ).fetchone()
        location = builder.writer.write_revisit(
            exchange(url, pdf, builder.moment, "application/pdf"),
            profile=RevisitProfile.IDENTICAL_PAYLOAD_DIGEST,
            refers_to=RevisitTarget(url, datetime.fromisoformat(record[1]), record[0]),
        )
        refers_to = builder.archive.record_capture(
            Capture(builder.crawl_id, url, record[2], "media", 200, "application/pdf", builder.moment.isoformat(),
                    len(pdf), location, record_type="revisit", revisit_profile="identical-payload-digest",
                    refers_to_capture_id=refers_to)
        )  # fmt: skip
    (pending,) = pending_documents(builder.archive.db.conn)
    assert pending.capture_id == refers_to
    assert document_bytes(tmp_path / "archive" / "warc", pending) == pdf
    builder.close()


def test_readers_unpack_no_more_than_the_crawl_accepted() -> None:
    """Defect fixed: readers unpacked up to 200 MB while the crawl gives up at DOWNLOAD_MAXSIZE, so the QA at a
    crawl's end unpacked the bombs the crawl had refused (the hostile crawl peaked past its memory bound)."""
    from dvscrape import settings

    assert MAX_DECODED_BYTES == settings.DOWNLOAD_MAXSIZE
