"""Writes the small WARC files of tests/data/import (run from the repository root with a replica URL):

    python tests/data/import/make_broken.py http://127.0.0.1:PORT

Two article pages of the replica, rewritten onto the live portal's host, stored the way other tools store them:

- ``mixed-1.0.warc.gz`` (WARC/1.0, gzip per record, no request records): a warcinfo naming "TestHarvester/0.9",
  article A as a response whose body keeps its chunked transfer coding (as wget stores it), a later revisit of A
  (identical-payload-digest, original in this file), a revisit of B whose original is in the other file, a revisit
  of B whose original is nowhere (server-not-modified), a resource record (an image), a metadata record, then three
  broken parts: bytes that are no gzip member, a record whose Content-Length is wrong, a damaged gzip member; then
  one more good record (a response of the home page) to show the rest is still imported.
- ``original-1.1.warc`` (WARC/1.1, uncompressed): article B's original response.
- ``whole-file.warc.gz``: a WARC gzipped as one member (records not addressable one by one).
- ``cut-short.warc.gz``: a file whose last record is cut in the middle.
"""

from __future__ import annotations

import gzip
import io
import sys
import urllib.request
import zlib
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).parent
LIVE = "https://tanbinh.hochiminhcity.gov.vn"
A = "/web/neoportal/-/"


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url) as response:
        return response.read()


def chunked(body: bytes, size: int = 4000) -> bytes:
    out = b""
    for start in range(0, len(body), size):
        piece = body[start : start + size]
        out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    return out + b"0\r\n\r\n"


def record_bytes(writer_version: str, build) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False, warc_version=writer_version)
    record = build(writer)
    writer.write_record(record)
    return buffer.getvalue()


def response(writer, url, body, date, *, chunk=False, extra=()):  # type: ignore[no-untyped-def]
    headers = [("Content-Type", "text/html;charset=UTF-8"), *extra]
    if chunk:
        headers.append(("Transfer-Encoding", "chunked"))
        payload = chunked(body)
    else:
        headers.append(("Content-Length", str(len(body))))
        payload = body
    http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
    return writer.create_warc_record(
        url, "response", payload=io.BytesIO(payload), http_headers=http, warc_headers_dict={"WARC-Date": date}
    )


def main(replica: str) -> None:
    sitemap = fetch(f"{replica}/sitemap.xml").decode()
    urls = [u for u in sitemap.split("<loc>")[1:] if "/-/" in u.split("</loc>")[0]]
    paths = [u.split("</loc>")[0][len(replica) :] for u in urls[:2]]
    pages = [fetch(replica + path).replace(replica.encode(), LIVE.encode()) for path in paths]
    home = fetch(f"{replica}/web/neoportal/trang-chu").replace(replica.encode(), LIVE.encode())
    url_a, url_b = LIVE + paths[0], LIVE + paths[1]

    def gz(data: bytes) -> bytes:
        return gzip.compress(data, mtime=0)

    # original-1.1.warc: B's original
    original = record_bytes("WARC/1.1", lambda w: response(w, url_b, pages[1], "2019-05-01T10:00:00Z"))
    (HERE / "original-1.1.warc").write_bytes(original)
    b_id = original.split(b"WARC-Record-ID: ")[1].split(b"\r\n")[0].decode()
    b_digest = original.split(b"WARC-Payload-Digest: ")[1].split(b"\r\n")[0].decode()

    parts: list[bytes] = []
    parts.append(
        gz(
            record_bytes(
                "WARC/1.0",
                lambda w: w.create_warcinfo_record("mixed-1.0.warc.gz", {"software": "TestHarvester/0.9"}),
            )
        )
    )
    first_a = record_bytes("WARC/1.0", lambda w: response(w, url_a, pages[0], "2019-04-01T08:00:00Z", chunk=True))
    parts.append(gz(first_a))
    a_id = first_a.split(b"WARC-Record-ID: ")[1].split(b"\r\n")[0].decode()
    a_digest = first_a.split(b"WARC-Payload-Digest: ")[1].split(b"\r\n")[0].decode()

    def revisit(url, digest, refers_id, refers_date, date, profile):  # type: ignore[no-untyped-def]
        def build(w):  # type: ignore[no-untyped-def]
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html;charset=UTF-8")], protocol="HTTP/1.1")
            record = w.create_revisit_record(url, digest, url, refers_date, http_headers=http)
            record.rec_headers.replace_header("WARC-Date", date)
            record.rec_headers.add_header("WARC-Refers-To", refers_id)
            if profile:
                record.rec_headers.replace_header("WARC-Profile", profile)
            return record

        return build

    parts.append(
        gz(record_bytes("WARC/1.0", revisit(url_a, a_digest, a_id, "2019-04-01T08:00:00Z", "2019-06-01T08:00:00Z", "")))
    )
    parts.append(
        gz(record_bytes("WARC/1.0", revisit(url_b, b_digest, b_id, "2019-05-01T10:00:00Z", "2019-07-01T08:00:00Z", "")))
    )
    parts.append(
        gz(
            record_bytes(
                "WARC/1.0",
                revisit(
                    url_b,
                    "sha1:MISSINGORIGINALMISSINGORIGINAL22",
                    "<urn:uuid:00000000-0000-0000-0000-000000000000>",
                    "2018-01-01T00:00:00Z",
                    "2019-08-01T08:00:00Z",
                    "http://netpreserve.org/warc/1.0/revisit/server-not-modified",
                ),
            )
        )
    )
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")
    parts.append(
        gz(
            record_bytes(
                "WARC/1.0",
                lambda w: w.create_warc_record(
                    LIVE + "/documents/1/2/logo.png/abc",
                    "resource",
                    payload=io.BytesIO(png),
                    warc_content_type="image/png",
                    warc_headers_dict={"WARC-Date": "2019-04-01T08:00:01Z"},
                ),
            )
        )
    )
    parts.append(
        gz(
            record_bytes(
                "WARC/1.0",
                lambda w: w.create_warc_record(
                    url_a,
                    "metadata",
                    payload=io.BytesIO(b"outlinks: 12\r\n"),
                    warc_content_type="application/warc-fields",
                    warc_headers_dict={"WARC-Date": "2019-04-01T08:00:02Z"},
                ),
            )
        )
    )
    parts.append(b"this is not a gzip member, just junk between records\n" * 3)
    bad_length = record_bytes(
        "WARC/1.0", lambda w: response(w, url_a + "-bad", b"<html>x</html>", "2019-04-02T00:00:00Z")
    )
    bad_length = bad_length.replace(b"Content-Length: ", b"Content-Length: 9", 1)  # a wrong (longer) length
    parts.append(gz(bad_length))
    damaged = bytearray(
        gz(record_bytes("WARC/1.0", lambda w: response(w, url_a + "-dmg", pages[0], "2019-04-03T00:00:00Z")))
    )
    for index in range(40, 80):
        damaged[index] ^= 0xFF
    parts.append(bytes(damaged))
    parts.append(
        gz(
            record_bytes(
                "WARC/1.0", lambda w: response(w, LIVE + "/web/neoportal/trang-chu", home, "2019-04-01T07:59:00Z")
            )
        )
    )
    (HERE / "mixed-1.0.warc.gz").write_bytes(b"".join(parts))

    whole = record_bytes("WARC/1.1", lambda w: response(w, url_a, pages[0], "2019-09-01T00:00:00Z"))
    whole += record_bytes("WARC/1.1", lambda w: response(w, url_b, pages[1], "2019-09-01T00:00:01Z"))
    (HERE / "whole-file.warc.gz").write_bytes(gzip.compress(whole, mtime=0))

    cut = gz(record_bytes("WARC/1.1", lambda w: response(w, url_b, pages[1], "2019-10-01T00:00:00Z")))
    cut += gz(record_bytes("WARC/1.1", lambda w: response(w, url_a, pages[0], "2019-10-01T00:00:01Z")))
    (HERE / "cut-short.warc.gz").write_bytes(cut[: len(cut) - 300])
    print(url_a, url_b, zlib.crc32(b"".join(parts)))


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"))
