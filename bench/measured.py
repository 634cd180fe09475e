"""A `dvscrape` command in a child process with its wall time and peak memory, for the benchmarks.

Linux carries a process's peak RSS across fork and exec (ru_maxrss starts at the parent's high-water mark), so a
command started straight from a large benchmark process reports the benchmark's memory, not its own (that is why
tests/canary.py's run_cli_measured, fine from a small pytest process, is not used here). The command is started by a
small launcher instead, which waits for it with wait4: the peak of the command's largest process (its waited-for
worker processes included, each on its own). The process tree's total RSS (the command and every worker at once) is
sampled five times a second as well.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

LAUNCHER = (
    "import os, subprocess, sys\n"
    "child = subprocess.Popen(sys.argv[2:])\n"
    "_, status, usage = os.wait4(child.pid, 0)\n"
    "open(sys.argv[1], 'w').write(f'{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss * 1024}')\n"
)
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Measured:
    """A finished command: exit code (-9 when killed at its timeout), output, seconds and peak memory."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_bytes: int  # the largest single process (wait4)
    tree_peak_bytes: int  # the largest sampled sum over the command's process tree


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        found += map(int, children)
        todo += map(int, children)
    return found


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def run_dvscrape(*args: str, workdir: Path, timeout: float, label: str = "") -> Measured:
    """Run `python -m dvscrape ARGS` through the launcher; output through files in *workdir*. With *label*, a line
    on stderr every half minute says how long it has run and its memory."""
    out_path, err_path, usage_path = workdir / "cmd.stdout", workdir / "cmd.stderr", workdir / "cmd.usage"
    usage_path.unlink(missing_ok=True)
    command = [sys.executable, "-c", LAUNCHER, str(usage_path), sys.executable, "-m", "dvscrape", *args]
    started = time.monotonic()
    tree_peak = 0
    shown = started
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, start_new_session=True)
        while process.poll() is None:
            tree = sum(map(_rss, _descendants(process.pid)))
            tree_peak = max(tree_peak, tree)
            if label and time.monotonic() - shown >= 30:
                shown = time.monotonic()
                print(f"    {label}: {shown - started:.0f} s, {tree >> 20} MiB", file=sys.stderr, flush=True)
            if time.monotonic() - started > timeout:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                break
            time.sleep(0.2)
    seconds = time.monotonic() - started
    code, peak = -9, 0
    if usage_path.exists():
        code_text, peak_text = usage_path.read_text().split()
        code, peak = int(code_text), int(peak_text)
    return Measured(
        code,
        out_path.read_text(encoding="utf-8", errors="replace"),
        err_path.read_text(encoding="utf-8", errors="replace"),
        seconds,
        peak,
        max(tree_peak, peak),
    )
