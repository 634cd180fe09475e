"""The sandbox pool of dvscrape.documents: documents read by worker processes come back as in this process; a worker
killed half-way, hung past its time or failing is the failure of that document only (with the reason) and is
replaced, with the same limits; no worker (nor its tesseract) outlives a killed parent; and `dvscrape documents`
killed with SIGKILL mid-run resumes without losing, doubling or reading again a document. Process states are read
from /proc (Linux)."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from dvscrape.documents.limits import Limits
from dvscrape.documents.model import DONE, FAILED
from dvscrape.documents.ocr import missing_reason
from dvscrape.documents.reader import read_document
from dvscrape.documents.sandbox import Request, SandboxPool, file_request
from tests import replica_documents as generated
from tests.conftest import CLI, CrawledArchive, Running, descendants, kill_when, run_cli
from tests.replica_documents import spec as specs
from tests.replica_documents import writers

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process states are read from /proc"),
    pytest.mark.skipif(not writers.fonts_available(), reason="DejaVu fonts (fonts-dejavu-core) missing"),
]
needs_ocr = pytest.mark.skipif(bool(missing_reason()), reason=f"slow documents need OCR: {missing_reason()}")


def _ours(pid: int) -> bool:
    """Whether process *pid* still runs below this one."""
    return any(process.pid == pid for process in descendants(os.getpid()))


def _limits_of(pid: int) -> dict[str, str]:
    """Soft limits of a process from /proc/PID/limits ('unlimited' or a number)."""
    out = {}
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines()[1:]:
        name = line[:26].strip()
        out[name] = line[26:].split()[0]
    return out


@pytest.fixture(scope="module")
def samples() -> dict[str, generated.Sample]:
    return {sample.kind: sample for sample in generated.samples()}


def _scan_pdf(pages: int) -> bytes:
    """A scanned PDF of *pages* pages (a few seconds of OCR each)."""
    spec = specs.spec_for("pool-test", "Kế hoạch số 109/KH-UBND", (2024, 3, 12))
    image = writers.scan_image(spec)
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=300, save_all=True, append_images=[image] * (pages - 1))
    return buffer.getvalue()


def test_the_pool_reads_as_this_process_does(samples: dict[str, generated.Sample], tmp_path: Path) -> None:
    readable = [s for s in samples.values() if not s.reason and "scan" not in s.kind]
    jobs: list[tuple[tuple[str, int], Request]] = []
    for sample in readable:
        path = tmp_path / sample.name
        path.write_bytes(sample.data)
        jobs += [((sample.kind, n), file_request(path, sample.name, ocr=False)) for n in range(2)]
    with SandboxPool(2) as pool:
        results = list(pool.read(jobs))
        assert len(pool.pids()) == 2
    assert sorted(key for key, _ in results) == sorted(key for key, _ in jobs)  # each once
    for (kind, _n), result in results:
        alone = read_document(samples[kind].data, samples[kind].name, ocr=False)
        assert result.status == DONE and result.text == alone.text and result.fields == alone.fields, kind
        assert result.pages == alone.pages and result.method == alone.method


def test_a_worker_killed_half_way_fails_its_document_only_and_is_replaced(
    samples: dict[str, generated.Sample], tmp_path: Path
) -> None:
    path = tmp_path / "ke-hoach.docx"
    path.write_bytes(samples["docx"].data)
    limits = Limits(memory_bytes=1536 << 20)
    pool = SandboxPool(2, limits)
    killed: list[int] = []

    def jobs() -> Iterator[tuple[str, Request]]:
        yield "first", file_request(path, path.name, ocr=False)
        killed.extend(pool.pids())  # the worker just given "first"
        os.kill(killed[0], signal.SIGKILL)
        for n in range(4):
            yield f"then {n}", file_request(path, path.name, ocr=False)

    with pool:
        results = dict(pool.read(jobs()))
        workers = pool.pids()
        assert len(killed) == 1 and killed[0] not in workers and workers
        for pid in workers:  # the replacement carries the same limits as the first
            limited = _limits_of(pid)
            assert limited["Max address space"] == str(1536 << 20)
            assert limited["Max core file size"] == "0"
            # the CPU it had used, plus the last document's allowance (no OCR: 120 s of wall clock, and 1)
            assert 121 <= int(limited["Max cpu time"]) < 121 + 30
    assert results["first"].status == FAILED
    assert results["first"].reason == "crashed: the reader was killed by signal 9 (limits: 1536 MB)"
    assert all(results[f"then {n}"].status == DONE for n in range(4))
    assert not _ours(killed[0]) and not any(_ours(pid) for pid in workers)


def test_a_worker_over_its_time_is_killed_and_replaced(samples: dict[str, generated.Sample], tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.docx"
    path.write_bytes(samples["docx"].data)
    pool = SandboxPool(2, Limits(seconds=10))
    stopped: list[int] = []

    def jobs() -> Iterator[tuple[str, Request]]:
        yield "stuck", file_request(path, path.name, ocr=False)
        stopped.extend(pool.pids())
        os.kill(stopped[0], signal.SIGSTOP)  # it hangs: never answers, uses no CPU
        for n in range(3):
            yield f"then {n}", file_request(path, path.name, ocr=False)

    with pool:
        results = dict(pool.read(jobs()))
        assert stopped[0] not in pool.pids()
    assert results["stuck"].reason == "timeout: reading took more than 10 s (limit)"
    assert all(results[f"then {n}"].status == DONE for n in range(3))
    assert not _ours(stopped[0])


def test_a_worker_that_fails_says_why(tmp_path: Path) -> None:
    request = file_request(tmp_path / "a.txt", "a.txt")
    del request["filename"]  # a request the worker cannot serve: it exits with a traceback
    with SandboxPool(1) as pool:
        [(_key, result)] = list(pool.read([(1, request)]))
        assert not pool.pids()
    assert result.status == FAILED
    assert result.reason == "crashed: the reader exited with status 1 (KeyError: 'filename')"


@needs_ocr
def test_no_worker_outlives_its_killed_parent(tmp_path: Path) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(_scan_pdf(8))  # 8 pages: far longer to read than the wait for the workers' end below
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from dvscrape.documents.sandbox import SandboxPool, file_request
        jobs = [(n, file_request(Path({str(scan)!r}), "scan.pdf")) for n in range(4)]
        with SandboxPool(2) as pool:
            for key, result in pool.read(jobs):
                print(key, result.status, flush=True)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    seen: list[Running] = []

    def reading(found: list[Running]) -> bool:
        seen[:] = found
        return any(process.name == "tesseract" for process in found)

    kill_when(parent, reading, seconds=10)  # and every worker and tesseract must be gone 10 s later
    assert sum(process.parent == parent.pid for process in seen) == 2, seen  # the two workers
    assert parent.stdout is not None and parent.stdout.read() == b""  # killed before any scan was read


def _count(database: Path, sql: str) -> int:
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=0.1) as conn:
            return int(conn.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:  # the table is not there yet, or the writer holds it
        return 0


@needs_ocr
def test_documents_killed_mid_run_resume_without_loss_doubling_or_rereading(
    crawled_archive: CrawledArchive, tmp_path: Path
) -> None:
    assert crawled_archive.result.returncode == 0, crawled_archive.result.stderr[-2000:]
    archive = tmp_path / "archive"
    shutil.copytree(crawled_archive.directory, archive, ignore=shutil.ignore_patterns("crawl.lock"))
    database = archive / "archive.sqlite"
    total = _count(database, "select count(distinct url) from attachments")
    assert total > 4
    run = subprocess.Popen(
        [*CLI, "documents", "--archive", str(archive), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # once a document is recorded, kill -9, and every worker (and tesseract) must be gone 10 s later
    kill_when(run, lambda found: bool(found) and _count(database, "select count(*) from documents") >= 1, seconds=10)
    with sqlite3.connect(database) as conn:
        first = dict(conn.execute("select url, extracted_at from documents").fetchall())
    assert 1 <= len(first) < total, "the run was not killed mid-way"

    resumed = run_cli("documents", "--archive", str(archive), "--json")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert json.loads(resumed.stdout)["read"] == total - len(first)  # the rest, and only the rest
    with sqlite3.connect(database) as conn:
        rows = conn.execute("select url, extracted_at, status, reason from documents").fetchall()
    assert len(rows) == len({url for url, *_ in rows}) == total  # none lost, none doubled
    assert {url: at for url, at, *_ in rows if url in first} == first  # finished ones not read again
    assert all(reason.split(":")[0] in ("encrypted", "damaged") for *_, status, reason in rows if status == FAILED)
