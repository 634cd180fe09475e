"""The replica portal as a subprocess: ``python -m dvscrape replica --port 0 ...`` started, its URL read from the ready
line it prints, stopped with SIGTERM. The one way tests and benchmarks run a replica out of process (in-process:
:func:`dvscrape.replica.start_replica`)."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass

_URL = re.compile(r"https?://\S+")
STOP_TIMEOUT = 10.0


@dataclass(frozen=True)
class ReplicaProcess:
    """A replica server subprocess and its base URL (no trailing slash); a context manager that stops it on exit."""

    url: str
    process: subprocess.Popen[str]

    @property
    def port(self) -> int:
        """The TCP port it listens on."""
        return int(self.url.rsplit(":", 1)[1])

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not ended within STOP_TIMEOUT seconds."""
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self) -> ReplicaProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_replica_process(
    *args: str, host: str = "127.0.0.1", port: int = 0, quiet: bool = False, module: str | None = None
) -> ReplicaProcess:
    """Start ``python -m dvscrape replica --host HOST --port PORT ARGS`` (ARGS: its other options, e.g.
    ``"--articles", "40"``; with *module*, ``python -m MODULE`` instead: another portal's server that prints its URL
    alike, such as one the tests serve) and return it once it has printed its URL. Its standard error goes to the pipe
    read for the ready line, or nowhere when *quiet*. Raises RuntimeError, with what it printed, when it prints no
    URL."""
    command = [module] if module else ["dvscrape", "replica"]
    process = subprocess.Popen(
        [sys.executable, "-m", *command, "--host", host, "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL if quiet else subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = _URL.search(line)
    if not match:
        process.kill()
        rest = process.stdout.read()
        process.wait()
        raise RuntimeError(f"the replica did not start: {(line + rest).strip()[-2000:]!r}")
    return ReplicaProcess(match.group(0).rstrip("/"), process)
