"""dvscrape verify: a clean crawl passes; flipped bytes, truncation, wrong digests, dangling rows and revisits
that refer to nothing are reported with a non-zero exit code."""

from __future__ import annotations

import gzip
import re
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dvscrape.runs.exitcodes import ExitCode
from dvscrape.warc.model import RevisitProfile, RevisitTarget
from dvscrape.warc.writer import WarcWriter
from tests.archivist_helpers import exchange
from tests.conftest import CrawledArchive, run_cli


@pytest.fixture
def archive_copy(crawled_archive: CrawledArchive, tmp_path: Path) -> Path:
    copy = tmp_path / "archive"
    shutil.copytree(crawled_archive.directory, copy)
    return copy


def first_article_capture(directory: Path) -> tuple[int, Path, int, int]:
    conn = sqlite3.connect(directory / "archive.sqlite")
    capture_id, filename, offset, length = conn.execute(
        "SELECT c.id, c.warc_filename, c.warc_offset, c.warc_length FROM captures AS c "
        "JOIN articles AS a ON a.capture_id = c.id ORDER BY c.id LIMIT 1"
    ).fetchone()
    conn.close()
    return capture_id, directory / "warc" / filename, offset, length


def verify(directory: Path) -> tuple[int, str]:
    result = run_cli("verify", "--archive", str(directory))
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout


def test_a_clean_crawl_verifies(crawled_archive: CrawledArchive) -> None:
    code, out = verify(crawled_archive.directory)
    assert code == 0, out
    assert out.startswith("OK: ") and "0 warning(s)" in out


def test_flipped_byte_is_reported(archive_copy: Path) -> None:
    _, path, offset, length = first_article_capture(archive_copy)
    data = bytearray(path.read_bytes())
    data[offset + length // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    code, out = verify(archive_copy)
    assert code == ExitCode.ARCHIVE_ERROR
    assert f"{path.name}: unreadable from here on" in out or f"{path.name} at offset {offset}" in out


def test_truncated_file_is_reported(archive_copy: Path) -> None:
    _, path, _, _ = first_article_capture(archive_copy)
    conn = sqlite3.connect(archive_copy / "archive.sqlite")
    (last_offset,) = conn.execute(
        "SELECT max(warc_offset) FROM captures WHERE warc_filename = ?", (path.name,)
    ).fetchone()
    conn.close()
    path.write_bytes(path.read_bytes()[: last_offset + 10])
    code, out = verify(archive_copy)
    assert code == ExitCode.ARCHIVE_ERROR
    assert "incomplete last record" in out
    assert "no readable record starts at offset" in out  # the captures of the lost records


def test_wrong_digest_in_a_record_is_reported(archive_copy: Path) -> None:
    _, path, offset, length = first_article_capture(archive_copy)
    data = path.read_bytes()
    record = gzip.decompress(data[offset : offset + length])
    forged = re.sub(rb"WARC-Payload-Digest: sha1:[A-Z2-7]{32}", b"WARC-Payload-Digest: sha1:" + b"A" * 32, record)
    assert forged != record
    path.write_bytes(data[:offset] + gzip.compress(forged) + data[offset + length :])
    code, out = verify(archive_copy)
    assert code == ExitCode.ARCHIVE_ERROR
    assert f"{path.name} at offset {offset}: digest check failed" in out
    assert "payload digest" in out  # the captures row no longer matches the record


def test_dangling_and_mismatched_capture_rows_are_reported(archive_copy: Path) -> None:
    capture_id, path, _, _ = first_article_capture(archive_copy)
    conn = sqlite3.connect(archive_copy / "archive.sqlite")
    conn.execute(
        "UPDATE captures SET warc_record_id = '<urn:uuid:00000000-0000-0000-0000-000000000000>' WHERE id = ?",
        (capture_id,),
    )
    conn.execute(
        "INSERT INTO captures (crawl_id, url, canonical_url, kind, status, fetched_at, warc_filename, "
        "warc_offset, warc_length, warc_record_id, payload_digest) VALUES (1, 'http://x/', 'http://x/', "
        "'other', 200, '2024-01-01', ?, 99999999, 10, '<urn:uuid:x>', '')",
        (path.name,),
    )
    conn.execute(
        "INSERT INTO captures (crawl_id, url, canonical_url, kind, status, fetched_at, warc_filename, "
        "warc_offset, warc_length, warc_record_id) VALUES (1, 'http://y/', 'http://y/', 'other', 200, "
        "'2024-01-01', 'missing.warc.gz', 0, 10, '<urn:uuid:y>')"
    )
    conn.commit()
    conn.close()
    code, out = verify(archive_copy)
    assert code == ExitCode.ARCHIVE_ERROR
    assert f"captures row {capture_id} " in out and "record id <urn:uuid:0000" in out
    assert "no readable record starts at offset 99999999" in out
    assert "missing.warc.gz, which is not in the warc folder" in out
    assert "has no captures row" in out  # the record whose row was broken is now uncited: a warning


def test_revisit_to_nothing_is_reported(archive_copy: Path) -> None:
    moment = datetime(2024, 5, 1, tzinfo=UTC)
    with WarcWriter(archive_copy / "warc", prefix="forged", warcinfo={}) as writer:
        writer.write_revisit(
            exchange("http://127.0.0.1:1/web/neoportal/-/x", b"<html></html>", moment),
            profile=RevisitProfile.IDENTICAL_PAYLOAD_DIGEST,
            refers_to=RevisitTarget("http://127.0.0.1:1/web/neoportal/-/x", moment, "<urn:uuid:nothing>"),
        )
    code, out = verify(archive_copy)
    assert code == ExitCode.ARCHIVE_ERROR
    assert "revisit refers to <urn:uuid:nothing>, which no capture holds" in out


def test_verify_json_report(crawled_archive: CrawledArchive) -> None:
    import json

    result = run_cli("verify", "--json", "--archive", str(crawled_archive.directory))
    report = json.loads(result.stdout)
    assert report["ok"] and report["records"] > report["captures"] > 0 and report["problems"] == []


def test_a_record_id_used_in_two_files_is_reported_with_both_places(archive_copy: Path) -> None:
    """Verify reads one file at a time and keeps a few bytes a record; a record id met again in a later file is still
    found, and named with where it was first used."""
    _, path, offset, length = first_article_capture(archive_copy)
    copied = archive_copy / "warc" / f"zz-copy-{path.name}"
    with path.open("rb") as source:
        source.seek(offset)
        copied.write_bytes(source.read(length))  # the same record (same id) as a file of its own
    code, out = verify(archive_copy)
    assert code == ExitCode.ARCHIVE_ERROR
    assert re.search(rf"{copied.name} at offset 0: record id <urn:uuid:[^>]+> also used at {path.name} at offset "
                     rf"{offset}", out), out  # fmt: skip
