"""A sandboxed worker of dvscrape.documents.sandbox: ``python -m dvscrape.documents.worker PARENT_PID LIMITS_JSON
[TASK]``.

At start it ties its life to its parent's (dvscrape.lifeline: it is killed as the parent ends, kill -9 included),
imports its task's module once (TASK: a module with ``warm_up()``, ``answer(request, limits, answers)`` → (a
JSON-ready result, whether to leave) and ``MAX_JOBS``; this module, for documents, by default) and bounds its own
address space (no core files). Then, for each document request, it sets its CPU
limit to what it has used plus the document's allowance, loads the document (a file, or a WARC record with its
Content-Encoding undone), tells the parent how many pages may need OCR (its clock allows time for each), reads it and
answers the DocumentResult. Requests and answers are JSON messages framed by multiprocessing.connection on the
worker's stdin and stdout; its stdout itself is sent to stderr, so a library that prints cannot break the framing. A
worker leaves after running out of memory (exit status MEMORY_EXIT when it could not even answer) and after
MAX_JOBS requests, so a slow leak never adds up to its limit; the pool starts another.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import sys
from dataclasses import asdict
from multiprocessing.connection import Connection
from pathlib import Path
from types import ModuleType
from typing import Any

from dvscrape.documents.limits import Limits, allow_cpu, limit_memory
from dvscrape.documents.model import DocumentResult, failed
from dvscrape.documents.reader import read_document
from dvscrape.documents.sniff import extension_kind
from dvscrape.lifeline import die_with

MAX_JOBS = 500
MEMORY_EXIT = 3
OUT_OF_MEMORY = "too large: out of memory"


def expected_pages(data: bytes) -> int:
    """Pages a document may have to OCR: a PDF's page objects, 1 for anything else."""
    if not data.startswith(b"%PDF"):
        return 1
    return max(1, data.count(b"/Type /Page") + data.count(b"/Type/Page") - data.count(b"/Type /Pages"))


def _load(request: dict[str, Any]) -> bytes:
    if "path" in request:
        return Path(request["path"]).read_bytes()
    from dvscrape.documents.store import PendingDocument, document_bytes

    record = request["record"]
    return document_bytes(Path(record["warc_dir"]), PendingDocument(**record["pending"]))


def _read(data: bytes, request: dict[str, Any], limits: Limits) -> DocumentResult:
    """read_document, every failure a failed result."""
    kind = extension_kind(request["filename"]) or "unknown"
    try:
        return read_document(data, request["filename"], request["content_type"], ocr=request["ocr"], limits=limits)
    except MemoryError:
        return failed(kind, f"{OUT_OF_MEMORY} (limit {limits.memory_bytes >> 20} MB)")
    except RecursionError:
        return failed(kind, "damaged: nesting too deep to read")
    except OSError as error:
        if error.errno == 12 or "failed to map" in str(error) or "Cannot allocate" in str(error):
            return failed(kind, f"{OUT_OF_MEMORY} (limit {limits.memory_bytes >> 20} MB)")
        return failed(kind, f"damaged: {type(error).__name__}: {str(error)[:300]}")
    except Exception as error:  # any reader bug or malformed input: recorded, never fatal
        return failed(kind, f"damaged: {type(error).__name__}: {str(error)[:300]}")


def answer(request: dict[str, Any], limits: Limits, answers: Connection) -> tuple[dict[str, Any], bool]:
    """The document *request* names, read; and whether this worker must leave (it ran out of memory)."""
    result = _answer(request, limits, answers)
    return asdict(result), result.reason.startswith(OUT_OF_MEMORY)


def _answer(request: dict[str, Any], limits: Limits, answers: Connection) -> DocumentResult:
    kind = extension_kind(request["filename"]) or "unknown"
    try:
        data = _load(request)
    except MemoryError:
        return failed(kind, f"{OUT_OF_MEMORY} (limit {limits.memory_bytes >> 20} MB)")
    except Exception as error:  # a missing file, a damaged WARC record or encoding: this document only
        return failed(kind, f"unreadable {'WARC record' if 'record' in request else 'file'}: {error}")
    pages = min(expected_pages(data), limits.max_pages) if request["ocr"] else 0
    if pages:
        answers.send_bytes(json.dumps({"pages": pages}).encode())
    allow_cpu(limits.total_seconds(pages) + 1)
    return _read(data, request, limits)


def serve(requests: Connection, answers: Connection, limits: Limits, task: ModuleType) -> int:
    """Answer requests with *task* until the parent closes the pipe, the task says to leave or MAX_JOBS are done."""
    for count in range(1, task.MAX_JOBS + 1):
        try:
            request = json.loads(requests.recv_bytes())
        except EOFError:
            return 0
        result, leaving = task.answer(request, limits, answers)
        leaving = leaving or count == task.MAX_JOBS
        message = {"result": result, "leaving": leaving}
        answers.send_bytes(json.dumps(message, ensure_ascii=False).encode())
        if leaving:
            return 0
    return 0


def warm_up() -> None:
    """The readers' imports, tables built on first use and whether tesseract is there: once per worker."""
    for module in ("pypdfium2", "PIL.Image", "numpy", "docx", "openpyxl", "xlrd", "olefile", "striprtf.striprtf"):
        with contextlib.suppress(ImportError):
            importlib.import_module(module)
    from dvscrape.documents import doc, office, pdf, store  # noqa: F401
    from dvscrape.documents.heading import heading_fields
    from dvscrape.documents.ocr import missing_reason
    from dvscrape.documents.textpass import clean_text
    from dvscrape.warc import reader  # noqa: F401

    heading_fields(clean_text("Uû ban nh©n d©n\nSố: 1/KH-UBND\nTân Bình, ngày 12 tháng 3 năm 2024\nKẾ HOẠCH"))
    missing_reason()


def main(argv: list[str]) -> int:
    parent, limits = int(argv[0]), Limits(**json.loads(argv[1]))
    die_with(parent)
    own = __spec__.name if __spec__ is not None else __name__  # run with -m, this module is __main__
    task = sys.modules[__name__] if argv[2:] in ([], [own]) else importlib.import_module(argv[2])
    requests = Connection(os.dup(0), writable=False)
    answers = Connection(os.dup(1), readable=False)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    task.warm_up()
    limit_memory(limits.memory_bytes)
    try:
        return serve(requests, answers, limits, task)
    except MemoryError:
        os._exit(MEMORY_EXIT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
