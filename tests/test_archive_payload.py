"""Archived bodies are decoded in one place (dvscrape.warc.payload) for extract, show --raw --decode and reextract."""

from __future__ import annotations

import gzip
import json
import zlib
from dataclasses import replace
from pathlib import Path

import brotli
import pytest
import zstandard

from dvscrape.archive.records import Capture
from dvscrape.errors import PayloadDecodingError
from dvscrape.warc.payload import decode_content
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
        ("gzip", gzip.compress(BODY)),
        ("x-gzip", gzip.compress(BODY)),
        ("deflate", zlib.compress(BODY)),
        ("deflate", _raw_deflate(BODY)),
        ("br", brotli.compress(BODY)),
        ("zstd", zstandard.ZstdCompressor().compress(BODY)),
        ("GZIP", gzip.compress(BODY)),
        ("gzip, br", brotli.compress(gzip.compress(BODY))),
    ],
)
def test_every_content_encoding_scrapy_accepts_is_undone(coding: str, encoded: bytes) -> None:
    assert decode_content(encoded, coding) == BODY


@pytest.mark.parametrize(("coding", "encoded"), [("compress", BODY), ("gzip", BODY), ("br", BODY), ("zstd", BODY)])
def test_unknown_coding_or_bad_data_is_a_payload_error(coding: str, encoded: bytes) -> None:
    with pytest.raises(PayloadDecodingError):
        decode_content(encoded, coding)


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
