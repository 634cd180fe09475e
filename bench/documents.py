"""Benchmark of dvscrape.documents on the generated documents of the tests (tests/replica_documents).

Printed, per kind: pages read per second in this process and through the sandbox pool (one worker process, as
`dvscrape documents` reads them; the workers' start-up is left out), and the character error rate (CER: edit
distance over the length of the text that was rendered, whitespace made single spaces) of the text read back.
Then every text-layer document, read --repeat times, in four ways taken in turn for --rounds rounds (the best round of
each printed, with the CPU time per page of this process and the workers), with their ratios to this process's speed:
in this process (one thread); one fork per document (the model of the sandbox before the pool: a child forked from a
process that has imported the readers, with the same rlimits, its result sent back through a pipe); the pool with
one worker; the pool with one worker per core. Last, OCR of scans (tesseract, Vietnamese model; a noisy 150 dpi scan
added to show where OCR starts to degrade) through the pool with one worker, then one worker per core. The machine's
load average is printed before and after: on a shared machine, rely on the ratios.

Run: .venv/bin/python bench/documents.py [--repeat 10] [--ocr-repeat 2]. Needs fonts-dejavu-core; OCR figures need
tesseract-ocr and tesseract-ocr-vie.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dvscrape.documents.limits import Limits, allow_cpu, limit_memory  # noqa: E402
from dvscrape.documents.model import DocumentResult  # noqa: E402
from dvscrape.documents.ocr import missing_reason  # noqa: E402
from dvscrape.documents.quality import character_error_rate  # noqa: E402
from dvscrape.documents.reader import read_document  # noqa: E402
from dvscrape.documents.sandbox import SandboxPool, file_request  # noqa: E402
from tests import replica_documents as generated  # noqa: E402
from tests.replica_documents import spec, writers  # noqa: E402

Sample = generated.Sample


def _low_resolution_scan(spec: spec.DocumentSpec) -> bytes:
    buffer = io.BytesIO()
    writers.scan_image(spec, noisy=True, dpi=150).save(buffer, format="PDF", resolution=150, quality=55)
    return buffer.getvalue()


def _forked(sample: Sample, limits: Limits) -> DocumentResult:
    """One document read in a child forked for it, as the sandbox did before the pool."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            limit_memory(limits.memory_bytes)
            allow_cpu(limits.seconds)
            result = read_document(sample.data, sample.name, ocr=False, limits=limits)
            with os.fdopen(write_end, "wb") as out:
                out.write(json.dumps(asdict(result), ensure_ascii=False).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        answer = pipe.read()
    os.waitpid(pid, 0)
    return DocumentResult.from_dict(json.loads(answer))


def _in_pool(pool: SandboxPool, samples: Sequence[Sample], folder: Path, *, ocr: bool) -> list[DocumentResult]:
    jobs = [(n, file_request(folder / sample.name, sample.name, ocr=ocr)) for n, sample in enumerate(samples)]
    results = dict(pool.read(jobs))
    return [results[n] for n in range(len(samples))]


def _warm(pool: SandboxPool, folder: Path) -> SandboxPool:
    """Start every worker of *pool* (the first documents each reads) outside the timings."""
    (folder / "warm-up.txt").write_bytes(b"warm-up")
    warm = Sample("warm-up.txt", "text", b"warm-up", spec.fixture_spec())
    _in_pool(pool, [warm] * pool.size, folder, ocr=False)
    return pool


def _cpu_seconds(pools: Sequence[SandboxPool]) -> tuple[float, list[int]]:
    """CPU time of this process, its waited-for children and the pools' live workers (with their tesseracts)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    pids = sorted(pid for pool in pools for pid in pool.pids())
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += sum(int(field) for field in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return total, pids


@dataclass
class Measure:
    """A timed reading: its results, pages/s, and CPU time (None when a worker was replaced meanwhile)."""

    results: list[DocumentResult]
    pages_per_second: float
    cpu_ms_per_page: float | None
    cores_busy: float | None  # CPU seconds per second of wall clock: how many cores the reading kept busy

    def line(self, name: str, base: float, unit: str) -> str:
        cpu = f"{self.cpu_ms_per_page:7.1f} ms CPU/page" if self.cpu_ms_per_page is not None else " " * 19
        busy = f"{self.cores_busy:4.2f} cores busy" if self.cores_busy is not None else "(a worker was replaced)"
        speed = self.pages_per_second
        return f"  {name:38} {speed:7.2f} pages/s {speed / base:5.2f}× {unit}  {cpu}  {busy}"


def _measure(read: Callable[[], list[DocumentResult]], pools: Sequence[SandboxPool]) -> Measure:
    cpu, pids = _cpu_seconds(pools)
    started = time.perf_counter()
    results = read()
    seconds = time.perf_counter() - started
    cpu_after, pids_after = _cpu_seconds(pools)
    pages = sum(result.page_count for result in results)
    used = cpu_after - cpu if pids == pids_after else None
    return Measure(
        results,
        pages / seconds,
        used / pages * 1000 if used is not None else None,
        used / seconds if used is not None else None,
    )


def _cer(sample: Sample, result: DocumentResult) -> str:
    reference, text = "\n".join(sample.expected_lines), result.text
    if "legacy" in sample.kind:  # TCVN3 has no capital toned letters
        reference, text = reference.casefold(), text.casefold()
    return f"{character_error_rate(reference, text):.2%}"


def _load() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10, help="Readings of each text-layer document.")
    parser.add_argument("--rounds", type=int, default=3, help="Rounds of the four ways (the best is printed).")
    parser.add_argument("--ocr-repeat", type=int, default=2, help="Readings of each scan (one page each).")
    args = parser.parse_args()
    if not writers.fonts_available():
        print("DejaVu fonts missing (apt-get install fonts-dejavu-core)", file=sys.stderr)
        return 2
    cores = os.cpu_count() or 1
    limits = Limits()
    print(f"{cores} cores; load average {_load()} (1, 5, 15 min) at the start")
    samples = generated.samples("bench")
    text_samples = [s for s in samples if "scan" not in s.kind and not s.reason]
    folder = Path(tempfile.mkdtemp(prefix="dvscrape-bench-"))
    for sample in samples:
        (folder / sample.name).write_bytes(sample.data)
    one = _warm(SandboxPool(1, limits), folder)
    every = _warm(SandboxPool(cores, limits), folder)

    pools = (one, every)
    print(f"\n{'kind':16} {'in-process':>10} {'pool (1)':>9} {'CER':>7}  method")
    for sample in text_samples:
        batch = [sample] * args.repeat
        alone = _measure(lambda b=batch: [read_document(s.data, s.name, ocr=False) for s in b], pools)
        pooled = _measure(lambda b=batch: _in_pool(one, b, folder, ocr=False), pools)
        first = pooled.results[0]
        speeds = f"{alone.pages_per_second:10.1f} {pooled.pages_per_second:9.1f}"
        print(f"{sample.kind:16} {speeds} {_cer(sample, first):>7}  {first.method}")

    batch = text_samples * args.repeat
    modes: list[tuple[str, Callable[[], list[DocumentResult]]]] = [
        ("in this process, one thread", lambda: [read_document(s.data, s.name, ocr=False) for s in batch]),
        ("one fork per document, one at a time", lambda: [_forked(s, limits) for s in batch]),
        ("sandbox pool, 1 worker", lambda: _in_pool(one, batch, folder, ocr=False)),
        (f"sandbox pool, {cores} workers", lambda: _in_pool(every, batch, folder, ocr=False)),
    ]
    best: dict[str, Measure] = {}
    for _round in range(args.rounds):  # the modes in turn, so that a change of load touches each alike
        for name, read in modes:
            measure = _measure(read, pools)
            if name not in best or measure.pages_per_second > best[name].pages_per_second:
                best[name] = measure
    pages = sum(result.page_count for result in best[modes[0][0]].results)
    print(f"\nall text-layer documents: {len(batch)} readings, {pages} pages; best of {args.rounds} rounds")
    for name, measure in best.items():
        print(measure.line(name, best[modes[0][0]].pages_per_second, "in-process"))

    ocr_missing = missing_reason()
    if ocr_missing:
        print(f"\n(no OCR figures: {ocr_missing})")
    elif args.ocr_repeat:
        low = spec.spec_for("bench", "Kế hoạch số 109/KH-UBND", (2024, 3, 12))
        scans = [s for s in samples if "scan" in s.kind]
        scans.append(
            Sample("scan-150dpi.pdf", "scan-noisy-150dpi", _low_resolution_scan(low), low, writers.scan_lines(low))
        )
        (folder / "scan-150dpi.pdf").write_bytes(scans[-1].data)
        batch = scans * args.ocr_repeat
        single = _measure(lambda: _in_pool(one, batch, folder, ocr=True), pools)
        parallel = _measure(lambda: _in_pool(every, batch, folder, ocr=True), pools)
        print(f"\nOCR, {len(batch)} scans of one page (300 dpi clean and noisy, 150 dpi noisy):")
        print(single.line("sandbox pool, 1 worker", single.pages_per_second, "1 worker "))
        print(parallel.line(f"sandbox pool, {cores} workers", single.pages_per_second, "1 worker "))
        for sample, result in zip(scans, single.results, strict=False):
            print(f"  {sample.kind:18} CER {_cer(sample, result):>7}  confidence {result.ocr_confidence}")

    for sample in samples:
        if sample.reason:
            result = _in_pool(one, [sample], folder, ocr=False)[0]
            print(f"{sample.kind:16} {result.status:8} reason: {result.reason}")
    one.close()
    every.close()
    print(f"load average {_load()} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
