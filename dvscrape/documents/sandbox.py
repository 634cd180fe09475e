"""Reading a document in a subprocess with limits: address space and CPU time (setrlimit), a wall-clock timeout, no
core files. A document that crashes, exhausts memory or runs too long is recorded as failed with the reason, and
the caller goes on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from dvscrape.documents.limits import Limits
from dvscrape.documents.model import DocumentResult, failed
from dvscrape.documents.sniff import extension_kind


def _limit(limits: Limits, cpu_seconds: int) -> None:  # runs in the child, before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.setsid()


def read_isolated(
    data: bytes,
    filename: str = "",
    content_type: str = "",
    *,
    ocr: bool = True,
    limits: Limits | None = None,
    expected_pages: int = 1,
) -> DocumentResult:
    """read_document in a child Python process bounded by *limits*; never raises for a bad document."""
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
        }
        try:
            completed = subprocess.run(
                [sys.executable, "-m", "dvscrape.documents.worker"],
                input=json.dumps(request).encode(),
                capture_output=True,
                timeout=timeout,
                preexec_fn=lambda: _limit(limits, timeout),  # noqa: PLW1509 - no threads are started here
                cwd=folder,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return failed(_kind(filename), f"timeout: reading took more than {timeout} s (limit)")
    kind = _kind(filename)
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


def _kind(filename: str) -> str:
    return extension_kind(filename) or "unknown"
