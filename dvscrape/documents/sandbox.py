"""Reading a document in a child process with limits: address space and CPU time (setrlimit), a wall-clock timeout,
no core files. A document that crashes, exhausts memory or runs too long is recorded as failed with the reason, and
the caller goes on.

Children are forked by a fork server (``python -m dvscrape.documents.worker --serve``, one per calling thread,
started on first use), so each document costs a fork rather than a Python start-up and the readers' imports. Should
the server be unusable, each document gets a fresh ``python -m dvscrape.documents.worker`` instead.
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
import tempfile
import threading
from functools import partial
from pathlib import Path
from typing import IO, Any

from dvscrape.documents.limits import Limits
from dvscrape.documents.model import DocumentResult, failed
from dvscrape.documents.sniff import extension_kind
from dvscrape.lifeline import die_with

_local = threading.local()
_servers: list[subprocess.Popen[bytes]] = []
_servers_lock = threading.Lock()


def _limit(limits: Limits, cpu_seconds: int, parent: int) -> None:  # runs in the one-shot child, before exec
    from dvscrape.documents.worker import set_limits

    set_limits(limits.memory_bytes, cpu_seconds)
    os.setsid()
    die_with(parent)


def _kind(filename: str) -> str:
    return extension_kind(filename) or "unknown"


def _stop_servers() -> None:
    with _servers_lock:
        for server in _servers:
            if server.poll() is None:
                if server.stdin is not None:
                    server.stdin.close()
                try:
                    server.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    server.kill()
        _servers.clear()


atexit.register(_stop_servers)


def _server() -> subprocess.Popen[bytes] | None:
    server: subprocess.Popen[bytes] | None = getattr(_local, "server", None)
    if server is not None and server.poll() is None:
        return server
    try:
        server = subprocess.Popen(
            [sys.executable, "-m", "dvscrape.documents.worker", "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=partial(die_with, os.getpid()),  # noqa: PLW1509 - it only sets the parent-death signal
        )
    except OSError:
        return None
    _local.server = server
    with _servers_lock:
        _servers.append(server)
    return server


def _ask(server: subprocess.Popen[bytes], request: dict[str, Any], timeout: float) -> dict[str, Any] | None:
    """The server's answer, or None when it died or stopped answering (the caller falls back)."""
    stdin: IO[bytes] | None = server.stdin
    stdout: IO[bytes] | None = server.stdout
    if stdin is None or stdout is None:
        return None
    try:
        stdin.write((json.dumps(request) + "\n").encode())
        stdin.flush()
    except OSError:
        return None
    answer: list[bytes] = []
    reader = threading.Thread(target=lambda: answer.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout + 30)  # the server kills a child at *timeout*; more means the server itself is stuck
    if reader.is_alive() or not answer or not answer[0]:
        server.kill()
        return None
    try:
        return dict(json.loads(answer[0]))
    except ValueError:
        return None


def read_isolated(
    data: bytes,
    filename: str = "",
    content_type: str = "",
    *,
    ocr: bool = True,
    limits: Limits | None = None,
    expected_pages: int = 1,
) -> DocumentResult:
    """read_document in a child process bounded by *limits*; never raises for a bad document."""
    limits = limits or Limits()
    timeout = limits.total_seconds(expected_pages if ocr else 0)
    with tempfile.TemporaryDirectory(prefix="dvscrape-doc-") as folder:
        source = Path(folder) / "document"
        source.write_bytes(data)
        request = {
            "path": str(source),
            "filename": filename,
            "content_type": content_type,
            "ocr": ocr,
            "limits": limits.__dict__,
            "timeout": timeout,
        }
        server = _server()
        answer = _ask(server, request, timeout) if server is not None else None
        if answer is not None:
            try:
                return DocumentResult.from_dict(answer)
            except (TypeError, ValueError) as error:
                return failed(_kind(filename), f"crashed: the reader's answer could not be read ({error})")
        return _read_one_shot(request, limits, timeout, folder)


def _read_one_shot(request: dict[str, Any], limits: Limits, timeout: int, folder: str) -> DocumentResult:
    kind, parent = _kind(str(request["filename"])), os.getpid()
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "dvscrape.documents.worker"],
            input=json.dumps(request).encode(),
            capture_output=True,
            timeout=timeout,
            preexec_fn=lambda: _limit(limits, timeout, parent),  # noqa: PLW1509 - no threads are started here
            cwd=folder,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return failed(kind, f"timeout: reading took more than {timeout} s (limit)")
    if completed.returncode != 0:
        error = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        last = error[-1] if error else ""
        if completed.returncode < 0:
            signal = -completed.returncode
            why = "out of CPU time" if signal == 24 else f"killed by signal {signal}"
            return failed(kind, f"crashed: the reader was {why} (limits: {limits.memory_bytes >> 20} MB)")
        if "MemoryError" in last:
            return failed(kind, f"too large: reading needed more than {limits.memory_bytes >> 20} MB (limit)")
        return failed(kind, f"crashed: the reader failed ({last[:300]})")
    try:
        return DocumentResult.from_dict(json.loads(completed.stdout))
    except (ValueError, TypeError) as error:
        return failed(kind, f"crashed: the reader's output could not be read ({error})")
