"""Test helpers for the hardening tests: a loopback canary server that must receive nothing, and crawls measured.

The canary listens on 127.0.0.1:Q and, where the machine allows, on 127.0.0.2:Q too (another host, same port). It
records every connection it accepts, with the first line it read (an HTTP request line, or whatever came), and
answers a small page, so a crawler that wrongly fetched from it would get something worth archiving.
"""

from __future__ import annotations

import io
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

CANARY_PAGE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html;charset=UTF-8\r\nContent-Length: 47\r\nConnection: close\r\n\r\n"
    b"<html><body><a href='/more'>canary</a></body>\n"
)


@dataclass(frozen=True)
class Hit:
    """One connection the canary accepted."""

    address: str
    first_line: str


class Canary:
    """Listening sockets and the list of hits; use :func:`start_canary`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hits: list[Hit] = []
        self._sockets: list[socket.socket] = []
        self._stop = threading.Event()
        first = self._listen("127.0.0.1", 0)
        self.port: int = first.getsockname()[1]
        self.other_host = "127.0.0.2"
        try:
            self._listen(self.other_host, self.port)
        except OSError:  # no 127.0.0.2 here: another name for the loopback stands in for another host
            self.other_host = "localhost"
        self._threads = [threading.Thread(target=self._serve, args=(sock,), daemon=True) for sock in self._sockets]
        for thread in self._threads:
            thread.start()

    @property
    def host_url(self) -> str:
        """Base URL on another host than the replica's (127.0.0.2, or localhost as a fallback)."""
        return f"http://{self.other_host}:{self.port}"

    @property
    def port_url(self) -> str:
        """Base URL on the replica's own host (127.0.0.1) but another port."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def hits(self) -> list[Hit]:
        """Every connection received so far."""
        with self._lock:
            return list(self._hits)

    def _listen(self, host: str, port: int) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(16)
        sock.settimeout(0.2)
        self._sockets.append(sock)
        return sock

    def _serve(self, sock: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with connection:
                connection.settimeout(1.0)
                try:
                    data = connection.recv(8192)
                except OSError:
                    data = b""
                address = f"{sock.getsockname()[0]}:{sock.getsockname()[1]}"
                with self._lock:
                    self._hits.append(Hit(address, data.split(b"\r\n", 1)[0].decode("latin-1")))
                with suppress(OSError):
                    connection.sendall(CANARY_PAGE)

    def close(self) -> None:
        """Stop listening."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2)
        for sock in self._sockets:
            sock.close()


@contextmanager
def start_canary() -> Iterator[Canary]:
    """A running canary for the duration of the block."""
    canary = Canary()
    try:
        yield canary
    finally:
        canary.close()


@dataclass(frozen=True)
class MeasuredRun:
    """A `dvscrape` subprocess run with its output, wall time and peak resident memory."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_bytes: int


def run_cli_measured(*args: str, workdir: Path, timeout: float = 300, env: dict[str, str] | None = None) -> MeasuredRun:
    """Run `python -m dvscrape ARGS`, wait for it with wait4 (its own peak RSS), output through files."""
    out_path, err_path = workdir / "cli.stdout", workdir / "cli.stderr"
    started = time.monotonic()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "dvscrape", *args],
            stdout=out,
            stderr=err,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.05)
        process.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from waiting again
    return MeasuredRun(
        returncode=process.returncode,
        stdout=out_path.read_text(encoding="utf-8", errors="replace"),
        stderr=err_path.read_text(encoding="utf-8", errors="replace"),
        seconds=time.monotonic() - started,
        max_rss_bytes=usage.ru_maxrss * 1024,
    )


def query(archive: Path, sql: str, *args: object) -> list[tuple]:
    """Rows of a query on the archive's database (read-only)."""
    connection = sqlite3.connect(f"file:{archive / 'archive.sqlite'}?mode=ro", uri=True)
    try:
        return connection.execute(sql, args).fetchall()
    finally:
        connection.close()


def truncated_responses(archive: Path) -> list[str]:
    """URLs of WARC response records whose HTTP payload is shorter or longer than their Content-Length says."""
    bad: list[str] = []
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                declared = record.http_headers.get_header("Content-Length")
                payload = record.raw_stream.read()
                if declared is not None and declared.isdigit() and int(declared) != len(payload):
                    bad.append(f"{record.rec_headers.get_header('WARC-Target-URI')}: {len(payload)} of {declared}")
    return bad


WARCIO_BROTLI_BUG = "'brotli.Decompressor' object has no attribute 'unused_data'"


def warcio_check(archive: Path) -> list[str]:
    """Problems `warcio check` reports on the archive's WARC files (empty when every file is sound).

    warcio cannot decode a brotli-encoded payload with the current brotli package (it expects brotlipy's
    ``unused_data``) and stops with a traceback: such a file is checked with ``dvscrape verify``'s digest checks
    instead (the caller runs it), not reported here.
    """
    problems: list[str] = []
    executable = str(Path(sys.executable).parent / "warcio")
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        result = subprocess.run([executable, "check", str(path)], capture_output=True, text=True)
        if result.returncode != 0 and WARCIO_BROTLI_BUG not in result.stderr:
            problems.append(f"{path.name}: {result.stdout}{result.stderr}")
    return problems


def record_at(archive: Path, filename: str, offset: int, length: int) -> object:
    """The one WARC record a capture row points at."""
    with open(archive / "warc" / filename, "rb") as handle:
        handle.seek(offset)
        records = list(ArchiveIterator(io.BytesIO(handle.read(length))))
    assert len(records) == 1, (filename, offset, length)
    return records[0]


def crash_traces(stderr: str) -> list[str]:
    """Tracebacks in a crawl's log that point into dvscrape's own code or are unhandled errors (a crash or a bug);
    Scrapy's logged download errors (a robots.txt that timed out, a DNS failure) are not counted."""
    blocks = stderr.split("Traceback (most recent call last):")[1:]
    return [block[:1500] for block in blocks if "/dvscrape/" in block.split("\n\n", 1)[0] or "Unhandled" in block]
