"""Child processes that end with the process they work for, however it ends (kill -9 included).

When that process is the child's parent, on Linux the kernel sends the child SIGKILL as the parent (the thread that
started it) ends: prctl(PR_SET_PDEATHSIG). Otherwise (a multiprocessing fork server's worker, whose parent is the
fork server, or another system) a thread of the child waits for that process to end and then kills the child.
"""

from __future__ import annotations

import ctypes
import os
import select
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1


def die_with(pid: int) -> None:
    """End the calling process with SIGKILL as soon as process *pid* ends. Call it first thing in a child process
    (a pool initialiser, after a fork, or as ``preexec_fn`` with the parent's pid, where no thread is started)."""
    if pid == os.getppid() and _parent_death_signal():
        if os.getppid() != pid:  # the parent ended before the signal was set
            _end()
        return
    threading.Thread(target=_watch, args=(pid,), name="dvscrape-lifeline", daemon=True).start()


def _parent_death_signal() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        return bool(ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _watch(pid: int) -> None:
    try:
        descriptor = os.pidfd_open(pid)
    except ProcessLookupError:
        _end()
    except (AttributeError, OSError):  # no pidfd (not Linux, or a kernel before 5.3): look once a second
        while _alive(pid):
            time.sleep(1)
        _end()
    else:
        select.select([descriptor], [], [])  # readable once the process has ended
        _end()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        pass
    return True


def _end() -> None:
    os.kill(os.getpid(), signal.SIGKILL)
