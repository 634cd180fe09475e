"""Child processes of dvscrape.documents.sandbox.

``python -m dvscrape.documents.worker``: reads one JSON request on stdin, prints the DocumentResult as JSON (the
one-shot mode, limits set by the parent before exec).

``python -m dvscrape.documents.worker --serve``: a fork server. It imports the readers once, then for each request
line on stdin forks a child that sets its own limits (address space, CPU time, no core file), reads the document and
writes the result to a file; the server waits for the child up to the request's timeout, kills it when it runs over,
and answers one JSON line on stdout. A document that crashes its child never harms the server.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from dvscrape.documents.limits import Limits
from dvscrape.documents.model import DocumentResult, failed
from dvscrape.documents.reader import read_document
from dvscrape.documents.sniff import extension_kind
from dvscrape.lifeline import die_with


def _kind(request: dict[str, Any]) -> str:
    return extension_kind(request["filename"]) or "unknown"


def read_request(request: dict[str, Any]) -> DocumentResult:
    """Read the document a request names; every failure becomes a failed result."""
    limits = Limits(**request["limits"])
    try:
        data = Path(request["path"]).read_bytes()
        return read_document(data, request["filename"], request["content_type"], ocr=request["ocr"], limits=limits)
    except MemoryError:
        return failed(_kind(request), "too large: out of memory (limit)")
    except RecursionError:
        return failed(_kind(request), "damaged: nesting too deep to read")
    except OSError as error:
        if error.errno == 12 or "failed to map" in str(error) or "Cannot allocate" in str(error):
            return failed(_kind(request), f"too large: out of memory within the {limits.memory_bytes >> 20} MB limit")
        return failed(_kind(request), f"damaged: {type(error).__name__}: {str(error)[:300]}")
    except Exception as error:  # any reader bug or malformed input: recorded, never fatal
        return failed(_kind(request), f"damaged: {type(error).__name__}: {str(error)[:300]}")


def set_limits(memory_bytes: int, cpu_seconds: int) -> None:
    """Limits of the calling process: address space, CPU seconds, no core file."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _serve_one(request: dict[str, Any]) -> dict[str, Any]:
    limits = Limits(**request["limits"])
    timeout = float(request["timeout"])
    output = Path(request["path"] + ".result.json")
    server = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: limits, read, write, leave without cleanup handlers
        code = 0
        try:
            die_with(server)
            set_limits(limits.memory_bytes, int(timeout) + 1)
            result = read_request(request)
            output.write_text(json.dumps(result.to_dict(), ensure_ascii=False), encoding="utf-8")
        except BaseException:  # noqa: BLE001 - the parent records the failure from the exit status
            code = 3
        os._exit(code)
    deadline = time.monotonic() + timeout
    status = None
    while status is None:
        done, raw = os.waitpid(pid, os.WNOHANG)
        if done:
            status = raw
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return failed(_kind(request), f"timeout: reading took more than {int(timeout)} s (limit)").to_dict()
        time.sleep(0.005)
    try:
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and output.exists():
            return dict(json.loads(output.read_text(encoding="utf-8")))
    finally:
        output.unlink(missing_ok=True)
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        why = "out of CPU time" if number == signal.SIGXCPU else f"killed by signal {number}"
        return failed(_kind(request), f"crashed: the reader was {why} (limit {limits.memory_bytes >> 20} MB)").to_dict()
    return failed(_kind(request), "too large: the reader ran out of memory (limit)").to_dict()


def serve() -> int:
    """Answer request lines until stdin closes."""
    # The readers' imports, once, before any fork (a child would otherwise pay for them on every document).
    import importlib

    for module in (
        "pypdfium2",
        "PIL.Image",
        "docx",
        "openpyxl",
        "xlrd",
        "olefile",
        "striprtf.striprtf",
        "dvscrape.documents.pdf",
        "dvscrape.documents.office",
        "dvscrape.documents.doc",
    ):
        with contextlib.suppress(ImportError):
            importlib.import_module(module)

    # Tables built on first use (dvscrape.text), and whether tesseract is there, once for every child to inherit.
    from dvscrape.documents.heading import heading_fields
    from dvscrape.documents.ocr import missing_reason
    from dvscrape.documents.textpass import clean_text

    heading_fields(clean_text("Uû ban nh©n d©n\nSố: 1/KH-UBND\nTân Bình, ngày 12 tháng 3 năm 2024\nKẾ HOẠCH"))
    missing_reason()
    for line in sys.stdin:
        if not line.strip():
            continue
        answer = _serve_one(json.loads(line))
        sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0


def main() -> int:
    if "--serve" in sys.argv[1:]:
        return serve()
    request = json.loads(sys.stdin.read())
    sys.stdout.write(json.dumps(read_request(request).to_dict(), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
