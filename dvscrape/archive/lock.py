"""An exclusive lock on an archive folder, held by one crawl at a time (POSIX ``flock`` on ``crawl.lock``).

The lock is released by the operating system when the process ends, so a killed crawl never leaves a stale lock.
The file records who holds it (pid, host, time) so the error can say so. Reading an archive takes no lock.
"""

from __future__ import annotations

import fcntl
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from dvscrape.errors import ArchiveError, ArchiveLockedError

LOCK_FILENAME = "crawl.lock"


class CrawlLock:
    """The crawl lock of the archive in *directory*; acquire() it before crawling, release() it afterwards."""

    def __init__(self, directory: Path) -> None:
        self.path = Path(directory) / LOCK_FILENAME
        self._handle: IO[str] | None = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._handle is not None

    def acquire(self) -> None:
        """Take the lock without waiting; raise ArchiveLockedError, naming the holder, if another crawl has it."""
        if self._handle is not None:
            return
        try:
            handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release()
        except OSError as error:
            raise ArchiveError(f"cannot create the crawl lock {self.path}: {error.strerror}") from error
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise ArchiveLockedError(
                f"archive {self.path.parent} is being crawled by {holder}; wait for that crawl to end"
            ) from None
        handle.seek(0)
        handle.truncate()
        started = datetime.now(UTC).isoformat(timespec="seconds")
        handle.write(f"pid {os.getpid()} on {socket.gethostname()} since {started}\n")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        """Give the lock up. Safe to call when it is not held."""
        handle, self._handle = self._handle, None
        if handle is not None:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            handle.close()

    def __enter__(self) -> CrawlLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()
