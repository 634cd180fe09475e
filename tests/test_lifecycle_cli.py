"""Issue 14, quieter and clearer: the command-line nits (search snippets across paragraphs, show --decode, wacz
and export outputs, replica --help)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.archivist_helpers import build_archive
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_archive(tmp_path_factory.mktemp("lifecycle-cli") / "archive")


def test_a_search_snippet_spanning_a_paragraph_break_stays_on_one_line(small_archive: Path) -> None:
    result = run_cli("search", "phường phát biểu", "--archive", str(small_archive))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines and all(line.strip() for line in lines), result.stdout
    snippet = next(line for line in lines if "¶" in line)
    assert snippet.startswith("   ") and "phường. ¶ Phát biểu" in snippet.replace("[", "").replace("]", "")
