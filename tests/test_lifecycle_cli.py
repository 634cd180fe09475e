"""Quieter and clearer: the command-line nits (search snippets across paragraphs, show --decode, wacz
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
    # the words typed without quotes are the same query
    unquoted = run_cli("search", "phường", "phát", "biểu", "--archive", str(small_archive))
    assert unquoted.returncode == 0 and unquoted.stdout == result.stdout, unquoted.stderr


def test_replica_help_names_the_command_and_the_demo_default() -> None:
    result = run_cli("replica", "--help")
    assert result.returncode == 0, result.stderr
    # a click command as every other: its usage line, its options with their defaults as click shows them
    assert result.stdout.startswith("Usage: dvscrape replica [OPTIONS]\n") and "python -m" not in result.stdout
    demo = run_cli("demo", "--help")
    assert "[default: 60]" in demo.stdout.replace("\n", " ")
    assert "--articles INTEGER Articles in edition 1 (as the demo). [default: 60]" in " ".join(result.stdout.split())
    wrong = run_cli("replica", "--faults", "nonsense=2")
    assert wrong.returncode == 2 and wrong.stderr.startswith("Usage: dvscrape replica [OPTIONS]")


def test_export_into_a_missing_folder_creates_it_and_says_so(small_archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "not" / "there" / "dataset"
    result = run_cli("export", "--format", "jsonl", "--archive", str(small_archive), "--out", str(out), "--no-progress")
    assert result.returncode == 0, result.stderr
    assert f"created the missing folder {tmp_path / 'not'}" in result.stdout
    assert (out / "datapackage.json").is_file()
    again = run_cli(
        "export", "--format", "jsonl", "--archive", str(small_archive), "--out", str(tmp_path / "d2"), "--no-progress"
    )
    assert again.returncode == 0 and "created the missing folder" not in again.stdout


def test_wacz_refuses_to_overwrite_without_the_option_and_creates_a_missing_folder(
    small_archive: Path, tmp_path: Path
) -> None:
    output = tmp_path / "new" / "site.wacz"
    first = run_cli("wacz", str(output), "--archive", str(small_archive))
    assert first.returncode == 0, first.stderr
    assert f"created the missing folder {tmp_path / 'new'}" in first.stdout
    before = output.read_bytes()
    output.write_bytes(b"an earlier package")
    refused = run_cli("wacz", str(output), "--archive", str(small_archive))
    assert refused.returncode == 1 and "--overwrite" in refused.stderr
    assert output.read_bytes() == b"an earlier package"
    replaced = run_cli("wacz", str(output), "--archive", str(small_archive), "--overwrite")
    assert replaced.returncode == 0, replaced.stderr
    assert len(output.read_bytes()) == len(before)


def test_show_decode_without_raw_is_an_error(small_archive: Path) -> None:
    result = run_cli("show", "1", "--decode", "--archive", str(small_archive))
    assert result.returncode == 2 and "--decode only applies to --raw" in result.stderr
    raw = run_cli("show", "1", "--raw", "--decode", "--archive", str(small_archive))
    assert raw.returncode == 0 and raw.stdout.startswith("HTTP/1.1 200")


def test_crawl_shows_progress_and_summary_only_unless_asked(tmp_path: Path) -> None:
    from dvscrape.replica.process import start_replica_process

    site = start_replica_process("--articles", "10", "--slow-delay", "0")
    try:
        quiet = run_cli("crawl", "--base-url", site.url, "--archive", str(tmp_path / "a"), "--fast")
        loud = run_cli(
            "crawl", "--base-url", site.url, "--archive", str(tmp_path / "b"), "--fast", "-s", "LOG_LEVEL=INFO"
        )
    finally:
        site.stop()
    assert quiet.returncode == 0 and loud.returncode == 0, quiet.stderr[-2000:]
    assert "progress:" in quiet.stderr and "articles archived" in quiet.stdout
    assert "[scrapy" not in quiet.stderr and "Overridden settings" not in quiet.stderr
    assert len(quiet.stderr.splitlines()) <= 10, quiet.stderr
    assert "[scrapy.core.engine] INFO" in loud.stderr and "progress:" in loud.stderr
    # crawls.counts: the articles found and the media captured are filled in
    import json
    import sqlite3

    with sqlite3.connect(tmp_path / "a" / "archive.sqlite") as conn:
        (counts,) = conn.execute("SELECT counts FROM crawls").fetchone()
        (media,) = conn.execute("SELECT count(*) FROM captures WHERE kind = 'media' AND status = 200").fetchone()
        (found,) = conn.execute("SELECT count(DISTINCT canonical_url) FROM captures WHERE kind = 'article'").fetchone()
    counts = json.loads(counts)
    assert counts["articles_found"] == found >= counts["articles_new"] == 10, counts  # dead links are found too
    assert counts["media"] == media > 0, counts


READERS_AND_WRITERS = [
    ("search", "phường"),
    ("verify",),
    ("history", "1"),
    ("show", "1"),
    ("export", "--format", "jsonl", "--out", "{tmp}/out"),
    ("serve", "--port", "8999"),
    ("index",),
    ("documents",),
    ("reindex",),
    ("reextract",),
]


@pytest.mark.parametrize("command", READERS_AND_WRITERS, ids=lambda command: command[0])
def test_a_mistyped_archive_folder_is_refused_and_never_created(tmp_path: Path, command: tuple[str, ...]) -> None:
    typo = tmp_path / "archvie"
    args = [part.format(tmp=tmp_path) for part in command]
    result = run_cli(*args, "--archive", str(typo))
    assert result.returncode == 7, result.stdout + result.stderr  # archive unusable, as the README's table says
    assert result.stderr.count("\n") == 1 and "not a dvscrape archive" in result.stderr, result.stderr
    assert not typo.exists()
