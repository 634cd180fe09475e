"""A command in a child process with its wall time, CPU time and peak memory, for the benchmarks.

Linux carries a process's peak RSS across fork and exec (ru_maxrss starts at the parent's high-water mark), so a
command started straight from a large benchmark process reports the benchmark's memory, not its own (that is why
tests/canary.py's run_cli_measured, fine from a small pytest process, is not used here). The command is started by a
small launcher instead, which makes itself the child subreaper of the command's process tree: a process the command
leaves behind (multiprocessing's forkserver, whose extraction workers are its children, outlives the crawl process
that started it, and would otherwise be adopted by init) is adopted by the launcher, which waits for every one of them.
Its children's rusage is then that of the whole tree, start-up included: CPU seconds (user + system) summed, peak RSS
that of the largest single process. The tree's total RSS (every process at once) is sampled five times a second as
well.
"""

from __future__ import annotations

import compileall
import functools
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

LAUNCHER = (
    "import ctypes, os, resource, subprocess, sys\n"
    "ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)\n"  # PR_SET_CHILD_SUBREAPER
    "child = subprocess.Popen(sys.argv[2:])\n"
    "_, status, _ = os.wait4(child.pid, 0)\n"
    "while True:\n"
    "    try:\n"
    "        os.wait()\n"
    "    except ChildProcessError:\n"
    "        break\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "open(sys.argv[1], 'w').write(\n"
    "    f'{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss * 1024} {usage.ru_utime + usage.ru_stime}'\n"
    ")\n"
)
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Measured:
    """A finished command: exit code (-9 when killed at its timeout), output, seconds, CPU seconds and peak memory."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_bytes: int  # the largest single process of the tree (rusage)
    tree_peak_bytes: int  # the largest sampled sum over the command's process tree
    cpu_seconds: float = 0.0  # user + system of the whole tree (0 when killed at the timeout)


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


@functools.cache
def compiled_as_installed() -> None:
    """Write dvscrape's bytecode (__pycache__) once, as a user's first run does: where PYTHONDONTWRITEBYTECODE is set
    (as on the machines these figures come from) every measured run would otherwise compile every dvscrape module
    again, which no installed copy does after its first run, while Scrapy's and the baselines' are compiled at
    install."""
    compileall.compile_dir(Path(__file__).resolve().parent.parent / "dvscrape", quiet=1)


def run_dvscrape(*args: str, workdir: Path, timeout: float, label: str = "") -> Measured:
    """Run `python -m dvscrape ARGS` measured (see run_measured)."""
    return run_measured([sys.executable, "-m", "dvscrape", *args], workdir=workdir, timeout=timeout, label=label)


def run_measured(
    command: list[str], *, workdir: Path, timeout: float, label: str = "", cwd: Path | None = None
) -> Measured:
    """Run *command* (in *cwd*, else this process's folder) through the launcher; output through files in *workdir*.
    With *label*, a line on stderr every half minute says how long it has run and its memory."""
    compiled_as_installed()
    out_path, err_path, usage_path = workdir / "cmd.stdout", workdir / "cmd.stderr", workdir / "cmd.usage"
    usage_path.unlink(missing_ok=True)
    launched = [sys.executable, "-c", LAUNCHER, str(usage_path), *command]
    started = time.monotonic()
    tree_peak = 0
    shown = started
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        process = subprocess.Popen(launched, stdout=out, stderr=err, cwd=cwd, start_new_session=True)
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
    code, peak, cpu = -9, 0, 0.0
    if usage_path.exists():
        code_text, peak_text, cpu_text = usage_path.read_text().split()
        code, peak, cpu = int(code_text), int(peak_text), float(cpu_text)
    return Measured(
        code,
        out_path.read_text(encoding="utf-8", errors="replace"),
        err_path.read_text(encoding="utf-8", errors="replace"),
        seconds,
        peak,
        max(tree_peak, peak),
        cpu,
    )
