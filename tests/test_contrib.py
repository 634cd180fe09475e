"""The operations files in contrib/ do what their comments say: systemd accepts the units, and an exit code that
means "nothing went wrong" (nothing new, some URLs failed and recorded, locked by another crawl, stopped by SIGTERM)
does not mark the unit failed."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

from dvscrape.runs.exitcodes import ExitCode

CONTRIB = Path(__file__).resolve().parent.parent / "contrib"
NOT_A_FAILURE = {ExitCode.PARTIAL_FAILURE, ExitCode.NOTHING_TO_DO, ExitCode.LOCKED, ExitCode.INTERRUPTED}


def _service(name: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(CONTRIB / name, encoding="utf-8")
    return parser["Service"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not on this machine")
def test_systemd_accepts_every_unit(tmp_path: Path) -> None:
    for unit in sorted(CONTRIB.glob("*.service")) + sorted(CONTRIB.glob("*.timer")):
        text = unit.read_text(encoding="utf-8").replace("/srv/dvscrape/.venv/bin/dvscrape", shutil.which("true") or "")
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
    units = [str(path) for path in sorted(tmp_path.iterdir())]
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", *units], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_the_crawl_unit_does_not_fail_on_an_exit_code_that_is_not_a_failure() -> None:
    service = _service("dvscrape-tanbinh.service")
    success = {int(code) for code in service["SuccessExitStatus"].split()}
    assert success == {int(code) for code in NOT_A_FAILURE}


@pytest.mark.parametrize("unit", sorted(path.name for path in CONTRIB.glob("*.service")))
def test_restart_rules_only_with_a_restart_line(unit: str) -> None:
    service = _service(unit)
    # RestartPreventExitStatus= only narrows Restart=; alone it does nothing (systemd.service(5)).
    assert "RestartPreventExitStatus" not in service or "Restart" in service
