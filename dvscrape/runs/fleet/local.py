"""A Scrapyd node on this machine, as a subprocess: for tests, benchmarks and trying a fleet on one computer.

Each node gets its own folder (eggs, logs, job queue database) and a free loopback port, written to the
``scrapyd.conf`` that Scrapyd reads from its working directory.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from dvscrape.errors import FleetError
from dvscrape.runs.fleet.scrapyd import ScrapydNode
from dvscrape.serving.replay import free_port

START_TIMEOUT = 30.0


@dataclass
class LocalScrapyd:
    """A running Scrapyd subprocess (its own process group, so stopping it also stops the crawls it started)."""

    url: str
    folder: Path
    process: subprocess.Popen[bytes]

    def stop(self, sig: int = signal.SIGKILL) -> None:
        """Send *sig* to the node and every crawl it runs, and wait for the node to end."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)

    def __enter__(self) -> LocalScrapyd:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_scrapyd(folder: Path, *, max_proc: int = 2, poll_interval: float = 0.5) -> LocalScrapyd:
    """Start Scrapyd in *folder* on a free loopback port; return once it answers its API."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port("127.0.0.1")
    (folder / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\n"
        f"eggs_dir = {folder / 'eggs'}\nlogs_dir = {folder / 'logs'}\ndbs_dir = {folder / 'dbs'}\n"
        f"max_proc = {max_proc}\npoll_interval = {poll_interval}\n",
        encoding="utf-8",
    )
    scrapyd = Path(sys.executable).parent / "scrapyd"
    command = [str(scrapyd)] if scrapyd.exists() else [sys.executable, "-m", "scrapyd"]
    log = open(folder / "scrapyd.out", "wb")  # noqa: SIM115 - the child keeps it open
    process = subprocess.Popen(command, cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    node = LocalScrapyd(f"http://127.0.0.1:{port}", folder, process)
    client = ScrapydNode(node.url, timeout=2.0)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            client.load()
            return node
        except FleetError:
            time.sleep(0.2)
    node.stop()
    output = (folder / "scrapyd.out").read_text(encoding="utf-8", errors="replace")[-2000:]
    raise FleetError(f"Scrapyd did not start in {folder}: {output}")
