"""`dvscrape --help` lists the commands without importing them: no crawler, no archive, no dataset library is
loaded (bench/startup.py measures the time it takes), and the sentence it shows for each command is that
command's own."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from dvscrape.cli import COMMANDS, main

HEAVY = ("scrapy", "twisted", "pyarrow", "datasette", "pandas", "numpy", "lxml", "sqlite_utils", "bs4", "warcio")
SHOW_MODULES = """
import sys
from dvscrape.cli import main
try:
    main(["--help"], prog_name="dvscrape")
except SystemExit:
    pass
print(" ".join(sorted(sys.modules)), file=sys.stderr)
"""


def test_help_imports_no_command_and_no_heavy_package() -> None:
    result = subprocess.run([sys.executable, "-c", SHOW_MODULES], capture_output=True, text=True, check=True)
    loaded = set(result.stderr.split())
    assert all(f"  {name} " in result.stdout for name in COMMANDS)
    assert not [module for module in loaded if module.split(".")[0] in HEAVY]
    assert not [module for module in loaded if module.startswith("dvscrape.") and module != "dvscrape.cli"]


@pytest.mark.parametrize("limit", [20, 45, 65, 300])
def test_each_listed_sentence_is_the_commands_own(limit: int) -> None:
    context = click.Context(main)
    for name, (_, sentence) in COMMANDS.items():
        command = main.get_command(context, name)
        assert command is not None
        assert click.Command(name, help=sentence).get_short_help_str(limit) == command.get_short_help_str(limit), name
