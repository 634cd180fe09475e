"""`dvscrape --help` lists the commands without importing them: no crawler, no archive, no dataset library is
loaded (bench/startup.py measures the time it takes), and the sentence it shows for each command is that
command's own. Importing the crawl loads neither pandas nor numpy (sqlite-utils would import both) nor PIL."""

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


CRAWL_MODULES = """
import sys
import dvscrape.archive.db, dvscrape.runs.crawl, dvscrape.spiders.portal
print(" ".join(sorted(sys.modules)))
import pandas
from sqlite_utils import Database
Database(memory=True)["t"].insert({"n": 1})
"""


def test_importing_the_crawl_loads_no_pandas_numpy_or_pil() -> None:
    result = subprocess.run([sys.executable, "-c", CRAWL_MODULES], capture_output=True, text=True, check=True)
    loaded = {module.split(".")[0] for module in result.stdout.split()}
    assert "sqlite_utils" in loaded
    assert not loaded & {"pandas", "numpy", "PIL"}


@pytest.mark.parametrize("limit", [20, 45, 65, 300])
def test_each_listed_sentence_is_the_commands_own(limit: int) -> None:
    context = click.Context(main)
    for name, (_, sentence) in COMMANDS.items():
        command = main.get_command(context, name)
        assert command is not None
        assert click.Command(name, help=sentence).get_short_help_str(limit) == command.get_short_help_str(limit), name
