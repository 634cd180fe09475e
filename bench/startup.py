"""Start-up benchmark: wall time of `dvscrape --help`, against the interpreter alone and against importing every
command (what listing them cost before the list was kept in dvscrape.cli), the three taking turns so that machine
load hits them alike.

    .venv/bin/python bench/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

# The repository first on the path, so that bench.measured is imported as part of the bench package.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from bench.measured import compiled_as_installed  # noqa: E402

EVERY_COMMAND = (
    "import importlib\n"
    "from dvscrape.cli import COMMANDS\n"
    "for target, _ in COMMANDS.values():\n"
    "    importlib.import_module(target.split(':')[0])\n"
)
VARIANTS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "dvscrape --help": [sys.executable, "-m", "dvscrape", "--help"],
    "every command imported": [sys.executable, "-c", EVERY_COMMAND],
}


def main() -> None:
    """Run each variant --runs times in turn; print best and median wall times and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    compiled_as_installed()
    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for _ in range(args.runs):
        for name, command in VARIANTS.items():
            started = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - started)
    load = os.getloadavg()[0]
    print(f"{args.runs} runs each, load average {load:.1f} on {os.cpu_count()} cores")
    for name, measured in times.items():
        print(f"{name:>24}: best {min(measured) * 1000:.0f} ms, median {statistics.median(measured) * 1000:.0f} ms")
    help_time, before = statistics.median(times["dvscrape --help"]), statistics.median(times["every command imported"])
    print(
        f"dvscrape --help takes {help_time / statistics.median(times['python -c pass']):.1f}× the bare interpreter; "
        f"importing every command took {before / help_time:.1f}× as long"
    )


if __name__ == "__main__":
    main()
