"""Benchmark of dvscrape.documents on the generated documents of the tests (tests/replica_documents).

Printed, per kind: pages read per second, and the character error rate (CER: edit distance over the length of the
text that was rendered, whitespace made single spaces) of the text read back. Text-layer kinds are read in this
process (the reader's own speed) and through the sandbox (a child forked per document by the fork server, as
`dvscrape documents` reads them; the server's start-up is left out); scans through the sandbox with OCR
(tesseract, Vietnamese model, one thread). A 150 dpi noisy scan is added to show where OCR starts to degrade.

Run: .venv/bin/python bench/documents.py [--repeat 10] [--ocr-pages 3]. Needs fonts-dejavu-core; OCR figures need
tesseract-ocr and tesseract-ocr-vie.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dvscrape.documents.limits import Limits  # noqa: E402
from dvscrape.documents.model import DocumentResult  # noqa: E402
from dvscrape.documents.ocr import missing_reason  # noqa: E402
from dvscrape.documents.quality import character_error_rate  # noqa: E402
from dvscrape.documents.reader import read_document  # noqa: E402
from dvscrape.documents.sandbox import read_isolated  # noqa: E402
from tests import replica_documents as generated  # noqa: E402
from tests.replica_documents import spec, writers  # noqa: E402


def _timed(read: Callable[[], DocumentResult], repeat: int) -> tuple[DocumentResult, float]:
    started = time.perf_counter()
    result = read()
    for _ in range(repeat - 1):
        read()
    return result, (time.perf_counter() - started) / repeat


def _low_resolution_scan(spec: spec.DocumentSpec) -> bytes:
    buffer = io.BytesIO()
    writers.scan_image(spec, noisy=True, dpi=150).save(buffer, format="PDF", resolution=150, quality=55)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10, help="Readings of each text-layer document.")
    parser.add_argument("--ocr-pages", type=int, default=2, help="Scans of each kind read (one page each).")
    args = parser.parse_args()
    if not writers.fonts_available():
        print("DejaVu fonts missing (apt-get install fonts-dejavu-core)", file=sys.stderr)
        return 2
    samples = generated.samples("bench")
    read_isolated(b"warm-up", "warm-up.txt", ocr=False)  # start the fork server outside the timings
    rows: list[tuple[str, str, str, int, float, float | None, str]] = []
    print(f"{'kind':16} {'mode':10} {'status':8} {'pages':>5} {'pages/s':>9} {'CER':>7}  method")
    for sample in samples:
        if "scan" in sample.kind or sample.reason:
            continue
        reference = "\n".join(sample.expected_lines)
        for mode, read in (
            ("in-process", lambda s=sample: read_document(s.data, s.name, ocr=False)),
            ("sandbox", lambda s=sample: read_isolated(s.data, s.name, ocr=False)),
        ):
            result, seconds = _timed(read, args.repeat if mode == "in-process" else max(2, args.repeat // 3))
            text = result.text.casefold() if "legacy" in sample.kind else result.text
            rate = character_error_rate(reference.casefold() if "legacy" in sample.kind else reference, text)
            rows.append(
                (sample.kind, mode, result.status, result.page_count, result.page_count / seconds, rate, result.method)
            )
    ocr_missing = missing_reason()
    if ocr_missing:
        print(f"(no OCR figures: {ocr_missing})")
    else:
        scans = [s for s in samples if "scan" in s.kind]
        low = spec.spec_for("bench", "Kế hoạch số 109/KH-UBND", (2024, 3, 12))
        scans.append(
            generated.Sample(
                "scan-150dpi.pdf", "scan-noisy-150dpi", _low_resolution_scan(low), low, writers.scan_lines(low)
            )
        )
        limits = Limits()
        for sample in scans:
            reference = "\n".join(sample.expected_lines)
            result, seconds = _timed(lambda s=sample: read_isolated(s.data, s.name, limits=limits), args.ocr_pages)
            rate = character_error_rate(reference, result.text)
            method = f"{result.method} (confidence {result.ocr_confidence})"
            rows.append(
                (sample.kind, "sandbox", result.status, result.page_count, result.page_count / seconds, rate, method)
            )
    for kind, mode, status, pages, speed, rate, method in rows:
        cer = f"{rate:.2%}" if rate is not None else "-"
        print(f"{kind:16} {mode:10} {status:8} {pages:5d} {speed:9.1f} {cer:>7}  {method}")
    for sample in samples:
        if sample.reason:
            result = read_isolated(sample.data, sample.name, ocr=False)
            print(f"{sample.kind:16} sandbox    {result.status:8} reason: {result.reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
