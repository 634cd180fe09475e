"""Bounds on reading one untrusted document, and the calls by which a process puts them on itself."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    """Per-document bounds. The subprocess a document is read in gets memory and CPU limits (resource.setrlimit)
    and a wall-clock timeout; the readers themselves refuse inputs beyond the size bounds."""

    seconds: int = 120  # wall clock for one document, OCR excluded
    ocr_page_seconds: int = 60  # tesseract's time for one page
    memory_bytes: int = 2 << 30  # address space of the reading subprocess
    max_bytes: int = 100 << 20  # the document itself
    max_pages: int = 300
    max_pixels: int = 40_000_000  # an image or a rendered page (about A3 at 300 dpi)
    max_unpacked_bytes: int = 300 << 20  # total size of a zip container's (DOCX, XLSX, ODT) members
    max_text_chars: int = 5_000_000  # more is cut, with a warning
    max_cells: int = 200_000  # spreadsheet cells read

    @classmethod
    def from_env(cls) -> Limits:
        """Defaults, overridden by DVSCRAPE_DOCUMENTS_TIMEOUT, _OCR_PAGE_TIMEOUT, _MEMORY_MB, _MAX_PAGES."""
        return cls(
            seconds=_env_int("DVSCRAPE_DOCUMENTS_TIMEOUT", cls.seconds),
            ocr_page_seconds=_env_int("DVSCRAPE_DOCUMENTS_OCR_PAGE_TIMEOUT", cls.ocr_page_seconds),
            memory_bytes=_env_int("DVSCRAPE_DOCUMENTS_MEMORY_MB", cls.memory_bytes >> 20) << 20,
            max_pages=_env_int("DVSCRAPE_DOCUMENTS_MAX_PAGES", cls.max_pages),
        )

    def total_seconds(self, pages: int = 1) -> int:
        """Wall clock allowed for a document that may need OCR on *pages* pages (0: no OCR)."""
        return self.seconds + self.ocr_page_seconds * max(pages, 0)


def limit_memory(memory_bytes: int) -> None:
    """Bound the calling process's address space to *memory_bytes*, and let it leave no core file."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def allow_cpu(seconds: int) -> None:
    """Let the calling process use *seconds* more CPU time from now (SIGXCPU ends it after that)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(usage.ru_utime + usage.ru_stime) + max(seconds, 1)
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
