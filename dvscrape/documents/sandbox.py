"""Reading untrusted documents in a pool of sandboxed worker processes (``python -m dvscrape.documents.worker``).

Each worker bounds its own address space and CPU time (setrlimit, no core files) and the pool bounds each document's
wall-clock time, killing the worker's process group (its tesseract with it) when a document runs over. A document
whose worker crashes, runs out of memory or over its time is recorded as failed with the reason; the worker is
replaced and the pool goes on. Workers die with the thread that started them (dvscrape.lifeline), so a killed run
leaves none behind: use a pool from one thread, the one that made it. The pool's owner receives every result
and is the one writer of what the workers read.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

from dvscrape.documents.limits import Limits
from dvscrape.documents.model import DocumentResult, failed
from dvscrape.documents.sniff import extension_kind
from dvscrape.documents.worker import MEMORY_EXIT

if TYPE_CHECKING:
    from dvscrape.documents.store import PendingDocument

Key = TypeVar("Key")
Request = dict[str, Any]


def file_request(path: Path, filename: str = "", content_type: str = "", *, ocr: bool = True) -> Request:
    """A request to read the document in the file *path* (named *filename*, served as *content_type*)."""
    return {"path": str(path), "filename": filename, "content_type": content_type, "ocr": ocr}


def record_request(warc_dir: Path, pending: PendingDocument, *, ocr: bool = True) -> Request:
    """A request to read an archived document from its WARC record."""
    record = {"warc_dir": str(warc_dir), "pending": asdict(pending)}
    return {"record": record, "filename": pending.file_name, "content_type": pending.content_type, "ocr": ocr}


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen[bytes]
    requests: Connection
    answers: Connection
    errors: IO[bytes]  # its stderr, whose last line says why it died
    job: tuple[Any, Request] | None = None
    started: float = 0.0
    deadline: float = 0.0


def _kind(request: Request) -> str:
    return extension_kind(request.get("filename", "")) or "unknown"


class SandboxPool:
    """Up to *workers* sandboxed worker processes reading documents under *limits*, started as work arrives."""

    def __init__(self, workers: int, limits: Limits | None = None) -> None:
        if workers < 1:
            raise ValueError("a sandbox pool needs at least one worker")
        self.size = workers
        self.limits = limits or Limits()
        self._workers: list[_Worker] = []

    def pids(self) -> list[int]:
        """The process ids of the running workers."""
        return [worker.process.pid for worker in self._workers]

    def read(self, jobs: Iterable[tuple[Key, Request]]) -> Iterator[tuple[Key, DocumentResult]]:
        """Each job's key with the result of its request, in the order they finish; never raises for a document."""
        todo = iter(jobs)
        more = True
        while True:
            while more and (len(self._workers) < self.size or any(w.job is None for w in self._workers)):
                job = next(todo, None)
                if job is None:
                    more = False
                else:
                    self._hand_out(job)
            busy = [worker for worker in self._workers if worker.job is not None]
            if not busy:
                return
            timeout = max(0.0, min(worker.deadline for worker in busy) - time.monotonic())
            ready = wait([worker.answers for worker in busy], timeout)
            for worker in busy:
                if worker.answers in ready:
                    finished = self._receive(worker)
                elif time.monotonic() >= worker.deadline:
                    finished = self._time_out(worker)
                else:
                    continue
                if finished is not None:
                    yield finished

    def _start(self) -> _Worker:
        request_read, request_write = os.pipe()
        answer_read, answer_write = os.pipe()
        errors = tempfile.TemporaryFile()  # noqa: SIM115 - the worker's stderr, closed when it is retired
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "dvscrape.documents.worker", str(os.getpid()), json.dumps(asdict(self.limits))],
                stdin=request_read,
                stdout=answer_write,
                stderr=errors,
                # Its own process group (killed with its tesseract; no Ctrl-C from the terminal mid-document), not a
                # session of its own: the kernel's autogroup scheduling would give each worker a share of the CPU.
                process_group=0,
            )
        except BaseException:
            for fd in (request_write, answer_read):
                os.close(fd)
            errors.close()
            raise
        finally:
            os.close(request_read)
            os.close(answer_write)
        requests, answers = Connection(request_write, readable=False), Connection(answer_read, writable=False)
        worker = _Worker(process, requests, answers, errors)
        self._workers.append(worker)
        return worker

    def _hand_out(self, job: tuple[Any, Request]) -> None:
        worker = next((w for w in self._workers if w.job is None), None)
        if worker is not None and worker.process.poll() is not None:
            self._retire(worker)
            worker = None
        worker = worker or self._start()
        worker.job = job
        worker.started = time.monotonic()
        worker.deadline = worker.started + self.limits.total_seconds(0)
        with contextlib.suppress(OSError):  # a worker gone already: its answers pipe tells, as for any death
            worker.requests.send_bytes(json.dumps(job[1]).encode())

    def _receive(self, worker: _Worker) -> tuple[Any, DocumentResult] | None:
        assert worker.job is not None
        key, request = worker.job
        try:
            message = json.loads(worker.answers.recv_bytes())
        except (EOFError, OSError):
            return key, self._died(worker, request)
        except ValueError as error:
            self._kill(worker)
            return key, failed(_kind(request), f"crashed: the reader's answer could not be read ({error})")
        if "pages" in message:  # the document is loaded: its clock now allows OCR time for each page
            worker.deadline = worker.started + self.limits.total_seconds(int(message["pages"]))
            return None
        worker.job = None
        if message.get("leaving"):
            self._retire(worker)
        try:
            return key, DocumentResult.from_dict(message["result"])
        except (KeyError, TypeError, ValueError) as error:
            return key, failed(_kind(request), f"crashed: the reader's answer could not be read ({error})")

    def _died(self, worker: _Worker, request: Request) -> DocumentResult:
        try:
            status = worker.process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # its answers pipe closed but it lives on: not to be trusted
            os.killpg(worker.process.pid, signal.SIGKILL)
            status = worker.process.wait()
        worker.errors.seek(max(0, worker.errors.seek(0, os.SEEK_END) - 4096))
        lines = worker.errors.read().decode("utf-8", "replace").strip().splitlines()
        self._retire(worker)
        megabytes = self.limits.memory_bytes >> 20
        if status == MEMORY_EXIT:
            return failed(_kind(request), f"too large: the reader ran out of memory (limit {megabytes} MB)")
        if status < 0:
            why = "out of CPU time" if -status == signal.SIGXCPU else f"killed by signal {-status}"
            return failed(_kind(request), f"crashed: the reader was {why} (limits: {megabytes} MB)")
        last = f" ({lines[-1][:300]})" if lines else ""
        return failed(_kind(request), f"crashed: the reader exited with status {status}{last}")

    def _time_out(self, worker: _Worker) -> tuple[Any, DocumentResult]:
        assert worker.job is not None
        key, request = worker.job
        seconds = round(worker.deadline - worker.started)
        self._kill(worker)
        return key, failed(_kind(request), f"timeout: reading took more than {seconds} s (limit)")

    def _kill(self, worker: _Worker) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(worker.process.pid, signal.SIGKILL)
        worker.process.wait()
        self._retire(worker)

    def _retire(self, worker: _Worker) -> None:
        """Forget *worker*: its pipes closed (an idle worker leaves on that), its exit collected if it is over."""
        if worker in self._workers:
            self._workers.remove(worker)
        worker.requests.close()
        worker.answers.close()
        worker.errors.close()
        worker.process.poll()

    def close(self) -> None:
        """Stop every worker: idle ones are let go, busy ones (a read abandoned half-way) are killed."""
        for worker in list(self._workers):
            if worker.job is not None:
                self._kill(worker)
            else:
                self._retire(worker)
                try:
                    worker.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._kill(worker)

    def __enter__(self) -> SandboxPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def read_isolated(
    data: bytes, filename: str = "", content_type: str = "", *, ocr: bool = True, limits: Limits | None = None
) -> DocumentResult:
    """One document read in a sandboxed worker bounded by *limits*; never raises for a bad document."""
    with tempfile.TemporaryDirectory(prefix="dvscrape-doc-") as folder:
        source = Path(folder) / "document"
        source.write_bytes(data)
        with SandboxPool(1, limits) as pool:
            for _key, result in pool.read([(None, file_request(source, filename, content_type, ocr=ocr))]):
                return result
    raise AssertionError("a sandbox pool answers every request")
