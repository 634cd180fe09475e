"""The README, run: the commands of its examples on the demo's data (the suite's crawl of the replica, which is what
`dvscrape demo` crawls), and the frictionless command it gives for each export format."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from dvscrape.export.options import Format
from tests.conftest import CrawledArchive, run_cli

README = Path(__file__).resolve().parent.parent / "README.md"
# Commands of the examples that do not end by themselves or that write an archive (the demo made it).
NOT_RUN = {"crawl", "demo", "replay", "serve"}


def readme_commands() -> list[list[str]]:
    """The `.venv/bin/dvscrape …` lines of the README's code blocks that read the demo's ./archive."""
    blocks = re.findall(r"^```sh\n(.*?)^```", README.read_text(encoding="utf-8"), flags=re.MULTILINE | re.DOTALL)
    lines = [shlex.split(line) for block in blocks for line in block.splitlines()]
    return [line[1:] for line in lines if line[:1] == [".venv/bin/dvscrape"] and line[1] not in NOT_RUN]


def frictionless_claims() -> list[tuple[list[str], set[Format]]]:
    """Each `frictionless validate …` command of the README and the export formats its sentence names (none: all)."""
    text = " ".join(README.read_text(encoding="utf-8").split())
    claims = []
    for sentence in re.split(r"(?<=[.)])\s+(?=[A-Z`])", text):
        for command in re.findall(r"`(frictionless validate [^`]+)`", sentence):
            named = {Format(word) for word in re.findall(r"`(\w+)`", sentence) if word in set(Format)}
            claims.append((shlex.split(command), named or set(Format)))
    return claims


def test_the_readme_examples_export_rows_from_the_demo_data(crawled_archive: CrawledArchive, tmp_path: Path) -> None:
    (tmp_path / "archive").symlink_to(crawled_archive.directory)
    commands = readme_commands()
    assert len(commands) >= 3, commands
    for command in commands:
        done = run_cli(*command, cwd=tmp_path)
        assert done.returncode == 0, f"{shlex.join(command)}: {done.stdout}{done.stderr}"
        if command[0] == "export":
            out = tmp_path / command[command.index("--out") + 1]
            rows = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))["dvscrape"]["rows"]
            assert rows > 0, shlex.join(command)


@pytest.mark.parametrize("format", list(Format))
def test_the_readme_frictionless_command_of_each_format_validates_it(
    crawled_archive: CrawledArchive, tmp_path: Path, format: Format
) -> None:
    pytest.importorskip("frictionless")
    commands = [command for command, formats in frictionless_claims() if format in formats]
    assert commands, f"the README gives no frictionless command for {format.value}"
    out = tmp_path / format.value
    exported = run_cli("export", "--archive", str(crawled_archive.directory), "--format", format, "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    for command in commands:
        arguments = [argument.replace("FOLDER", str(out)) for argument in command[1:]]
        done = subprocess.run(
            [str(Path(sys.executable).parent / "frictionless"), *arguments], capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0 and "INVALID" not in done.stdout, f"{shlex.join(command)}: {done.stdout}"
