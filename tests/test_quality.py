"""The code stays clean (ruff, mypy) and every command and setting is documented in the README."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from dvscrape.cli import COMMANDS
from dvscrape.settings.declared import PROJECT_SETTINGS, readme_table

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> str:
    path = Path(sys.executable).parent / name
    found = str(path) if path.exists() else shutil.which(name)
    assert found, f"{name} is not installed: the test extras install it (pip install -e '.[test]')"
    return found


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [_tool("ruff"), "check", "dvscrape", "tests", "bench"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_kept() -> None:
    result = subprocess.run(
        [_tool("ruff"), "format", "--check", "dvscrape", "tests", "bench"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    result = subprocess.run([_tool("mypy")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in COMMANDS if f"dvscrape {name}" not in readme]
    assert not missing, f"commands not in README.md: {missing}"


def test_every_project_setting_is_documented_and_has_its_declared_default() -> None:
    """The README's table is the one the declarations make, and settings.py holds exactly the declared defaults."""
    from dvscrape import settings

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_table() in readme, "README.md's settings table differs from:\n" + readme_table()
    declared = {name: getattr(settings, name) for name in dir(settings) if name.startswith("DVSCRAPE_")}
    assert declared == {setting.name: setting.default for setting in PROJECT_SETTINGS}
