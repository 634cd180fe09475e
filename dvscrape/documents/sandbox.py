"""Reading untrusted input in a pool of sandboxed worker processes (``python -m dvscrape.documents.worker``): the
attached documents, and the archived pages a rebuild or an import extracts again (a pool's *task*, the module that
answers its requests: dvscrape.documents.worker itself for documents, dvscrape.runs.pagework for pages).

Each worker bounds its own address space and CPU time (setrlimit, no core files) and the pool bounds each document's
wall-clock time, killing the worker's process group (its tesseract with it) when a document runs over. A document
whose worker crashes, runs out of memory or over its time is recorded as failed with the reason; the worker is
replaced and the pool goes on. Workers die with the thread that started them (dvscrape.lifeline), so a killed run
leaves none behind: use a pool from one thread, the one that made it. The pool's owner receives every result
and is the one writer of what the workers read. Requests go down as JSON; answers come up as JSON, never pickles,
since a worker reads untrusted input.
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
from dataclasses import asdict, dataclass, field
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
Answer = dict[str, Any] | str  # the worker's result, or why there is none (its worker crashed or ran over its time)
DOCUMENTS = "dvscrape.documents.worker"


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
    jobs: list[tuple[Any, Request]] = field(default_factory=list)  # sent, unanswered; it reads the first since started
    started: float = 0.0
    deadline: float = 0.0

    @property
    def job(self) -> tuple[Any, Request] | None:
        """The job it is on."""
        return self.jobs[0] if self.jobs else None


def _kind(request: Request) -> str:
    return extension_kind(request.get("filename", "")) or "unknown"


class SandboxPool:
    """Up to *workers* sandboxed worker processes serving *task* (documents by default) under *limits*, started as
    work arrives. Each worker is sent up to *queue* requests ahead of its answers, so that short jobs do not wait
    for the parent between two; its time limit runs for one at a time, from the answer before. The requests a worker
    did not read before it left (or died) are sent to another."""

    def __init__(self, workers: int, limits: Limits | None = None, task: str = DOCUMENTS, queue: int = 1) -> None:
        if workers < 1 or queue < 1:
            raise ValueError("a sandbox pool needs at least one worker, and room for one request in each")
        self.size = workers
        self.limits = limits or Limits()
        self.task = task
        self.queue = queue
        self._workers: list[_Worker] = []
        self._returned: list[tuple[Any, Request]] = []  # sent to a worker that left before reading them

    def pids(self) -> list[int]:
        """The process ids of the running workers."""
        return [worker.process.pid for worker in self._workers]

    def read(self, jobs: Iterable[tuple[Key, Request]]) -> Iterator[tuple[Key, DocumentResult]]:
        """Each job's key with the document its request reads, in the order they finish; never raises for a
        document."""
        for (key, request), answer in self.run(jobs):
            if isinstance(answer, str):
                yield key, failed(_kind(request), answer)
                continue
            try:
                yield key, DocumentResult.from_dict(answer)
            except (KeyError, TypeError, ValueError) as error:
                yield key, failed(_kind(request), f"crashed: the reader's answer could not be read ({error})")

    def run(self, jobs: Iterable[tuple[Key, Request]]) -> Iterator[tuple[tuple[Key, Request], Answer]]:
        """Each job with its worker's answer, in the order they finish; never raises for a job."""
        todo = iter(jobs)
        more = True
        while True:
            while (more or self._returned) and self._room():
                job = self._returned.pop(0) if self._returned else next(todo, None)
                if job is None:
                    more = False
                else:
                    self._hand_out(job)
            busy = [worker for worker in self._workers if worker.jobs]
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
                [sys.executable, "-m", DOCUMENTS, str(os.getpid()), json.dumps(asdict(self.limits)), self.task],
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

    def _room(self) -> bool:
        return len(self._workers) < self.size or any(len(w.jobs) < self.queue for w in self._workers)

    def _hand_out(self, job: tuple[Any, Request]) -> None:
        """Send *job* to an idle worker, else to a new one while there are fewer than the pool's size, else behind
        the fewest jobs."""
        worker = next((w for w in self._workers if not w.jobs), None)
        if worker is not None and worker.process.poll() is not None:
            self._retire(worker)
            worker = None
        if worker is None and len(self._workers) >= self.size:
            worker = min(self._workers, key=lambda w: len(w.jobs))
        worker = worker or self._start()
        if not worker.jobs:
            worker.started = time.monotonic()
            worker.deadline = worker.started + self.limits.total_seconds(0)
        worker.jobs.append(job)
        with contextlib.suppress(OSError):  # a worker gone already: its answers pipe tells, as for any death
            worker.requests.send_bytes(json.dumps(job[1]).encode())

    def _receive(self, worker: _Worker) -> tuple[tuple[Any, Request], Answer] | None:
        job = worker.jobs[0]
        try:
            message = json.loads(worker.answers.recv_bytes())
        except (EOFError, OSError):
            worker.jobs.pop(0)
            return job, self._died(worker)
        except ValueError as error:
            worker.jobs.pop(0)
            self._kill(worker)
            return job, f"crashed: the reader's answer could not be read ({error})"
        if "pages" in message:  # the document is loaded: its clock now allows OCR time for each page
            worker.deadline = worker.started + self.limits.total_seconds(int(message["pages"]))
            return None
        worker.jobs.pop(0)
        worker.started = time.monotonic()  # it goes on to the next job sent, if any
        worker.deadline = worker.started + self.limits.total_seconds(0)
        if message.get("leaving"):
            self._retire(worker)
        result = message.get("result")
        return job, result if isinstance(result, dict) else "crashed: the reader's answer could not be read"

    def _died(self, worker: _Worker) -> str:
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
            return f"too large: the reader ran out of memory (limit {megabytes} MB)"
        if status < 0:
            why = "out of CPU time" if -status == signal.SIGXCPU else f"killed by signal {-status}"
            return f"crashed: the reader was {why} (limits: {megabytes} MB)"
        last = f" ({lines[-1][:300]})" if lines else ""
        return f"crashed: the reader exited with status {status}{last}"

    def _time_out(self, worker: _Worker) -> tuple[tuple[Any, Request], Answer]:
        job = worker.jobs.pop(0)
        seconds = round(worker.deadline - worker.started)
        self._kill(worker)
        return job, f"timeout: reading took more than {seconds} s (limit)"

    def _kill(self, worker: _Worker) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(worker.process.pid, signal.SIGKILL)
        worker.process.wait()
        self._retire(worker)

    def _retire(self, worker: _Worker) -> None:
        """Forget *worker*: its pipes closed (an idle worker leaves on that), its exit collected if it is over; the
        jobs it was sent and did not answer go to another."""
        if worker in self._workers:
            self._workers.remove(worker)
        self._returned.extend(worker.jobs)
        worker.jobs = []
        worker.requests.close()
        worker.answers.close()
        worker.errors.close()
        worker.process.poll()

    def close(self) -> None:
        """Stop every worker: idle ones are let go, busy ones (a read abandoned half-way) are killed."""
        for worker in list(self._workers):
            if worker.jobs:
                self._kill(worker)
            else:
                self._retire(worker)
                try:
                    worker.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._kill(worker)
        self._returned.clear()

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
