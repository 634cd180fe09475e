"""Tests of dvscrape.warc.writer / warc_read / http_block: golden records, warcio tools, digests, rotation, repair."""

from __future__ import annotations

import base64
import gzip
import hashlib
import itertools
import json
import os
import shutil
import subprocess
import sys
import zlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dvscrape.errors import ArchiveError, WarcFormatError
from dvscrape.warc import http_block
from dvscrape.warc.index_store import index_lines
from dvscrape.warc.model import HttpExchange, RevisitProfile, RevisitTarget, WarcLocation, WriterIdentity, target_uri
from dvscrape.warc.reader import read_record_at
from dvscrape.warc.walk import iter_records, truncate_incomplete_tail
from dvscrape.warc.writer import WarcWriter

DATA = Path(__file__).parent / "data" / "warc"
GOLDEN = DATA / "golden.warc"
TRUNCATED = DATA / "truncated-tail.warc.gz"
REGEN = os.environ.get("DVSCRAPE_REGEN_GOLDEN") == "1"
FETCHED_AT = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
HTML = "<html><head><title>Tân Bình</title></head><body><p>Xin chào quận Tân Bình</p></body></html>".encode()


def fixed_clock() -> datetime:
    return datetime(2024, 5, 6, 7, 8, 0, tzinfo=UTC)


def sequential_ids() -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"<urn:uuid:00000000-0000-4000-8000-{next(counter):012d}>"


def fixed_identity(tokens: Iterator[str] | None = None) -> WriterIdentity:
    token_source = tokens if tokens is not None else itertools.repeat("0badcafe")
    return WriterIdentity(
        hostname="testhost",
        pid=4242,
        software="dvscrape/test (warcio/x; Python/x)",
        token_factory=lambda: next(token_source),
    )


def make_writer(directory: Path, **overrides: object) -> WarcWriter:
    options: dict[str, object] = {
        "prefix": "tanbinh",
        "warcinfo": {"crawl-id": "7", "operator": "Lưu trữ Tân Bình", "robots": "obey"},
        "clock": fixed_clock,
        "id_factory": sequential_ids(),
        "identity": fixed_identity(),
    }
    options.update(overrides)
    return WarcWriter(directory, **options)  # type: ignore[arg-type]


def make_exchange(**overrides: object) -> HttpExchange:
    body = gzip.compress(HTML, mtime=0)
    exchange = HttpExchange(
        url="https://tanbinh.hochiminhcity.gov.vn/tin-tuc/-/asset_publisher/abc/content/tin-1?p=2#top",
        method="GET",
        request_headers=(("User-Agent", "dvscrape/0.1"), ("Accept-Encoding", "gzip, deflate")),
        request_body=b"",
        protocol="HTTP/1.1",
        status=200,
        reason="OK",
        response_headers=(
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Encoding", "gzip"),
            ("Transfer-Encoding", "chunked"),
            ("Set-Cookie", "JSESSIONID=1; Path=/"),
            ("Set-Cookie", "GUEST_LANGUAGE_ID=vi_VN; Path=/"),
        ),
        response_body=body,
        fetched_at=FETCHED_AT,
        ip_address="203.0.113.7",
    )
    return replace(exchange, **overrides)  # type: ignore[arg-type]


def members(path: Path) -> list[bytes]:
    """The decompressed gzip members of *path*, split independently of the code under test."""
    data = path.read_bytes()
    result = []
    while data:
        decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
        result.append(decompressor.decompress(data))
        assert decompressor.eof
        data = decompressor.unused_data
    return result


def split_record(record: bytes) -> tuple[dict[str, str], bytes]:
    head, _, rest = record.partition(b"\r\n\r\n")
    lines = head.decode("utf-8").split("\r\n")
    assert lines[0] == "WARC/1.1"
    headers = dict(line.split(": ", 1) for line in lines[1:])
    assert rest.endswith(b"\r\n\r\n")
    block = rest[:-4]
    assert len(block) == int(headers["Content-Length"])
    return headers, block


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def warcio_cli() -> str:
    candidate = Path(sys.executable).parent / "warcio"
    return str(candidate) if candidate.exists() else (shutil.which("warcio") or "warcio")


def write_golden_file(directory: Path) -> Path:
    writer = make_writer(directory)
    exchange = make_exchange()
    original = writer.write_exchange(exchange)
    later = exchange.fetched_at + timedelta(days=1)
    writer.write_revisit(
        replace(exchange, fetched_at=later),
        profile=RevisitProfile.IDENTICAL_PAYLOAD_DIGEST,
        refers_to=RevisitTarget(target_uri(exchange.url), exchange.fetched_at, original.record_id),
    )
    not_modified = make_exchange(
        request_headers=(("If-None-Match", '"v1"'),),
        status=304,
        reason="Not Modified",
        response_headers=(("ETag", '"v1"'),),
        response_body=b"",
        fetched_at=later + timedelta(hours=1),
        ip_address=None,
    )
    writer.write_revisit(
        not_modified,
        profile=RevisitProfile.SERVER_NOT_MODIFIED,
        refers_to=RevisitTarget(target_uri(exchange.url), exchange.fetched_at, original.record_id),
    )
    writer.close()
    (path,) = directory.iterdir()
    return path


# -- golden ----------------------------------------------------------------------------------------------------------


def test_records_match_golden_file_byte_for_byte(tmp_path: Path) -> None:
    path = write_golden_file(tmp_path)
    records = b"".join(members(path))
    if REGEN:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_bytes(records)
        pytest.skip("golden file regenerated")
    assert path.name == "tanbinh-20240506070800000000-00000-testhost-4242-0badcafe.warc.gz"
    assert records == GOLDEN.read_bytes()


def test_golden_file_has_one_gzip_member_per_record(tmp_path: Path) -> None:
    path = write_golden_file(tmp_path)
    types = [split_record(member)[0]["WARC-Type"] for member in members(path)]
    assert types == ["warcinfo", "response", "request", "revisit", "request", "revisit", "request"]


# -- warcio and gzip tools -------------------------------------------------------------------------------------------


def test_written_file_passes_warcio_check_index_and_gzip_test(tmp_path: Path) -> None:
    path = write_golden_file(tmp_path)
    check = subprocess.run([warcio_cli(), "check", "-v", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "digest failed" not in check.stdout
    assert check.stdout.count("digest pass") == 5  # warcinfo, response, three requests; revisits are not checked
    index = subprocess.run([warcio_cli(), "index", str(path)], capture_output=True, text=True)
    assert index.returncode == 0, index.stderr
    assert len(index.stdout.splitlines()) == 7
    gzip_tool = shutil.which("gzip")
    if gzip_tool is None:
        pytest.skip("no gzip tool")
    assert subprocess.run([gzip_tool, "-t", str(path)]).returncode == 0


# -- record content --------------------------------------------------------------------------------------------------


def test_response_record_stores_body_as_received_with_fixed_headers(tmp_path: Path) -> None:
    exchange = make_exchange()
    with make_writer(tmp_path) as writer:
        location = writer.write_exchange(exchange)
    record = read_record_at(tmp_path / location.filename, location.offset, location.length)
    assert record.record_type == "response"
    assert record.payload == exchange.response_body
    assert gzip.decompress(record.payload) == HTML
    assert record.http_status_line == "HTTP/1.1 200 OK"
    assert record.http_status == 200
    assert record.http_header("Content-Encoding") == "gzip"
    assert record.http_header("Transfer-Encoding") is None
    assert record.http_header("X-Crawler-Transfer-Encoding") == "chunked"
    assert record.http_header("Content-Length") == str(len(exchange.response_body))
    assert [value for name, value in record.http_headers if name == "Set-Cookie"] == [
        "JSESSIONID=1; Path=/",
        "GUEST_LANGUAGE_ID=vi_VN; Path=/",
    ]
    assert record.target_uri == exchange.url.removesuffix("#top")  # the fragment is never sent
    assert record.header("WARC-IP-Address") == "203.0.113.7"
    assert record.header("WARC-Date") == "2024-05-06T07:08:09.123456Z"


def test_digests_are_correct_by_hashlib(tmp_path: Path) -> None:
    exchange = make_exchange()
    with make_writer(tmp_path) as writer:
        location = writer.write_exchange(exchange)
    response, request = members(tmp_path / location.filename)[1:3]
    headers, block = split_record(response)
    payload = block.partition(b"\r\n\r\n")[2]
    assert payload == exchange.response_body
    assert headers["WARC-Payload-Digest"] == sha1_b32(payload) == location.payload_digest
    assert headers["WARC-Block-Digest"] == sha1_b32(block) == location.block_digest
    request_headers, request_block = split_record(request)
    assert request_headers["WARC-Block-Digest"] == sha1_b32(request_block)
    assert request_headers["WARC-Concurrent-To"] == location.record_id
    assert request_block.startswith(
        b"GET /tin-tuc/-/asset_publisher/abc/content/tin-1?p=2 HTTP/1.1\r\nHost: tanbinh.hochiminhcity.gov.vn\r\n"
    )


def test_offset_and_length_address_exactly_one_record(tmp_path: Path) -> None:
    with make_writer(tmp_path) as writer:
        locations = [writer.write_exchange(make_exchange(url=f"https://example.test/{n}")) for n in range(3)]
    path = tmp_path / locations[0].filename
    with path.open("rb") as handle:
        for number, location in enumerate(locations):
            handle.seek(location.offset)
            raw = handle.read(location.length)
            decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
            record = decompressor.decompress(raw)
            assert decompressor.eof and decompressor.unused_data == b""
            headers, _ = split_record(record)
            assert headers["WARC-Record-ID"] == location.record_id
            assert headers["WARC-Target-URI"] == f"https://example.test/{number}"
    listed = [(r.offset, r.length, r.record_id) for r in iter_records(path) if r.record_type == "response"]
    assert listed == [(loc.offset, loc.length, loc.record_id) for loc in locations]


def test_read_record_at_rejects_a_wrong_address(tmp_path: Path) -> None:
    with make_writer(tmp_path) as writer:
        location = writer.write_exchange(make_exchange())
    path = tmp_path / location.filename
    with pytest.raises(WarcFormatError, match="longer than"):
        read_record_at(path, location.offset, location.length - 1)
    with pytest.raises(WarcFormatError, match="follow the gzip member"):
        read_record_at(path, location.offset, location.length + 10)
    with pytest.raises(WarcFormatError, match="not a gzip member"):
        read_record_at(path, location.offset + 1, location.length)
    with pytest.raises(WarcFormatError, match="ends"):
        read_record_at(path, location.offset, path.stat().st_size)


def test_records_are_readable_while_the_writer_is_open(tmp_path: Path) -> None:
    writer = make_writer(tmp_path)
    location = writer.write_exchange(make_exchange())
    records = list(iter_records(tmp_path / location.filename))
    assert [r.record_type for r in records] == ["warcinfo", "response", "request"]
    writer.close()


def test_warcinfo_describes_the_crawl(tmp_path: Path) -> None:
    with make_writer(tmp_path, identity=WriterIdentity(hostname="h")) as writer:
        location = writer.write_exchange(make_exchange())
    info = next(iter_records(tmp_path / location.filename))
    fields = dict(line.split(": ", 1) for line in info.payload.decode().splitlines())
    assert fields["software"].startswith("dvscrape/") and "warcio/" in fields["software"]
    assert fields["operator"] == "Lưu trữ Tân Bình"
    assert fields["crawl-id"] == "7"
    assert "reconstructed" in fields["http-header-note"]
    assert info.header("WARC-Filename") == location.filename


def test_naive_fetch_time_is_refused(tmp_path: Path) -> None:
    with make_writer(tmp_path) as writer, pytest.raises(ValueError, match="timezone-aware"):
        writer.write_exchange(make_exchange(fetched_at=datetime(2024, 1, 1)))


def test_closed_writer_refuses_to_write(tmp_path: Path) -> None:
    writer = make_writer(tmp_path)
    writer.close()
    with pytest.raises(ArchiveError, match="closed"):
        writer.write_exchange(make_exchange())


def test_no_file_until_the_first_record(tmp_path: Path) -> None:
    make_writer(tmp_path).close()
    assert list(tmp_path.iterdir()) == []


# -- rotation and names ----------------------------------------------------------------------------------------------


def test_files_rotate_at_max_size(tmp_path: Path) -> None:
    writer = make_writer(tmp_path, max_file_size=1500)
    locations: list[WarcLocation] = [writer.write_exchange(make_exchange()) for _ in range(4)]
    writer.close()
    assert len(writer.files) > 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(writer.files)
    assert [name.split("-")[2] for name in writer.files] == [f"{n:05d}" for n in range(len(writer.files))]
    assert writer.bytes_written == sum((tmp_path / name).stat().st_size for name in writer.files)
    for name in writer.files:
        records = list(iter_records(tmp_path / name))
        assert records[0].record_type == "warcinfo"
        assert records[0].header("WARC-Filename") == name
        warcinfo_id = records[0].record_id
        assert all(r.header("WARC-Warcinfo-ID") == warcinfo_id for r in records[1:])
    for location in locations:
        record = read_record_at(tmp_path / location.filename, location.offset, location.length)
        assert record.record_id == location.record_id


def test_two_writers_in_one_folder_never_collide(tmp_path: Path) -> None:
    first = make_writer(tmp_path, identity=fixed_identity(iter(["aaaa"])))
    second = make_writer(tmp_path, identity=fixed_identity(iter(["aaaa", "bbbb"])))
    first.write_exchange(make_exchange())
    second.write_exchange(make_exchange())  # same clock, host, pid and first token: must pick another name
    first.close()
    second.close()
    assert first.files != second.files
    assert len(list(tmp_path.iterdir())) == 2
    third, fourth = WarcWriter(tmp_path, prefix="p", warcinfo={}), WarcWriter(tmp_path, prefix="p", warcinfo={})
    third.write_exchange(make_exchange())
    fourth.write_exchange(make_exchange())
    third.close()
    fourth.close()
    assert len(list(tmp_path.iterdir())) == 4


def test_compressed_payloads_are_stored_without_recompression(tmp_path: Path) -> None:
    photo = os.urandom(200_000)
    exchange = make_exchange(response_headers=(("Content-Type", "image/jpeg"),), response_body=photo)
    html = make_exchange(response_headers=(("Content-Type", "text/html"),), response_body=HTML * 200)
    with make_writer(tmp_path) as writer:
        stored = writer.write_exchange(exchange)
        compressed = writer.write_exchange(html)
    assert len(photo) < stored.length < len(photo) + 2_000  # deflate "stored" blocks: a few bytes of framing
    assert compressed.length < len(HTML) * 200 // 10
    record = read_record_at(tmp_path / stored.filename, stored.offset, stored.length)
    assert record.payload == photo


def test_bad_prefix_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="prefix"):
        WarcWriter(tmp_path, prefix="../x", warcinfo={})


# -- crash repair ----------------------------------------------------------------------------------------------------


def test_truncated_tail_test_file_is_detected_and_cut_back(tmp_path: Path) -> None:
    if REGEN:
        complete = write_golden_file(tmp_path / "regen")
        data = complete.read_bytes()
        TRUNCATED.write_bytes(data[: len(data) - 40])
    broken = tmp_path / "broken.warc.gz"
    shutil.copyfile(TRUNCATED, broken)
    with pytest.raises(WarcFormatError, match="incomplete"):
        list(iter_records(broken))
    size = broken.stat().st_size
    removed = truncate_incomplete_tail(broken)
    assert removed > 0 and broken.stat().st_size == size - removed
    records = list(iter_records(broken))
    assert [r.record_type for r in records] == ["warcinfo", "response", "request", "revisit", "request", "revisit"]
    assert records[-1].offset + records[-1].length == broken.stat().st_size
    assert truncate_incomplete_tail(broken) == 0
    assert subprocess.run([warcio_cli(), "check", str(broken)], capture_output=True).returncode == 0


def test_zero_filled_tail_is_cut(tmp_path: Path) -> None:
    path = write_golden_file(tmp_path)
    size = path.stat().st_size
    with path.open("ab") as handle:
        handle.write(b"\0" * 4096)
    assert truncate_incomplete_tail(path) == 4096
    assert path.stat().st_size == size


def test_damage_in_the_middle_is_not_cut(tmp_path: Path) -> None:
    path = write_golden_file(tmp_path)
    data = bytearray(path.read_bytes())
    second = next(iter_records(path)).length
    data[second : second + 3] = b"XYZ"
    path.write_bytes(bytes(data))
    with pytest.raises(WarcFormatError, match="not a crash tail"):
        truncate_incomplete_tail(path)
    assert path.read_bytes() == bytes(data)


def test_complete_file_is_left_alone(tmp_path: Path) -> None:
    path = write_golden_file(tmp_path)
    before = path.read_bytes()
    assert truncate_incomplete_tail(path) == 0
    assert path.read_bytes() == before


# -- HTTP block reconstruction ---------------------------------------------------------------------------------------


def test_mismatched_content_length_is_renamed_and_replaced() -> None:
    headers = http_block.response_headers(
        [("Content-Length", "999"), ("Content-Type", "text/html")], body_length=10, method="GET", status=200
    )
    assert headers == [("X-Crawler-Content-Length", "999"), ("Content-Type", "text/html"), ("Content-Length", "10")]


def test_matching_content_length_is_kept() -> None:
    headers = [("Content-Length", "10")]
    assert http_block.response_headers(headers, body_length=10, method="GET", status=200) == headers


def test_bodiless_responses_keep_their_content_length() -> None:
    headers = [("Content-Length", "1234")]
    assert http_block.response_headers(headers, body_length=0, method="HEAD", status=200) == headers
    assert http_block.response_headers(headers, body_length=0, method="GET", status=304) == headers


def test_request_gets_host_and_content_length() -> None:
    headers = http_block.request_headers([("Accept", "*/*")], url="http://127.0.0.1:8080/x", body_length=5)
    assert headers == [("Host", "127.0.0.1:8080"), ("Accept", "*/*"), ("Content-Length", "5")]
    assert http_block.host_header("https://example.test:443/") == "example.test"


def test_non_ascii_header_bytes_are_stored_as_received(tmp_path: Path) -> None:
    raw = 'attachment; filename="Quyết định 12.pdf"'.encode()
    exchange = make_exchange(response_headers=(("Content-Disposition", raw.decode("latin-1")),))
    with make_writer(tmp_path) as writer:
        location = writer.write_exchange(exchange)
    member = members(tmp_path / location.filename)[1]
    assert b"Content-Disposition: " + raw + b"\r\n" in member
    record = read_record_at(tmp_path / location.filename, location.offset, location.length)
    assert record.http_header("Content-Disposition") == 'attachment; filename="Quyết định 12.pdf"'
    assert subprocess.run([warcio_cli(), "check", str(tmp_path / location.filename)]).returncode == 0


def test_line_breaks_in_header_values_cannot_break_the_record(tmp_path: Path) -> None:
    exchange = make_exchange(response_headers=(("X-Evil", "a\r\nWARC-Type: x"),))
    with make_writer(tmp_path) as writer:
        location = writer.write_exchange(exchange)
    record = read_record_at(tmp_path / location.filename, location.offset, location.length)
    assert record.http_header("X-Evil") == "a  WARC-Type: x"


def test_the_index_leaves_out_a_server_error_of_a_url_captured_without_one(tmp_path: Path) -> None:
    """A retried 500 is a failed fetch, not a state of the page: replay must find the page's capture, whichever
    second the retry fell in. A URL that only ever answered 500 keeps its line (that is all the archive knows)."""
    retried, failed = "https://tanbinh.hochiminhcity.gov.vn/web/neoportal/-/a", "https://tanbinh.hochiminhcity.gov.vn/b"
    with make_writer(tmp_path) as writer:
        for url, status, seconds in ((retried, 500, 0.9), (retried, 200, 1.2), (failed, 500, 0.5)):
            moment = FETCHED_AT + timedelta(seconds=seconds)
            writer.write_exchange(make_exchange(url=url, status=status, reason="", fetched_at=moment))
    lines = index_lines(sorted(tmp_path.glob("*.warc.gz")))
    indexed = [json.loads(line.split(" ", 2)[2]) for line in lines]
    assert sorted((fields["url"], fields["status"]) for fields in indexed) == [(failed, "500"), (retried, "200")]
