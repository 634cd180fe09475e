"""Reading archived captures again keeps the history: where the extractor now reads a capture differently, the stored
versions stay as they were and the new reading is appended as versions that say why (archive.rereading)."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

from dvscrape.archive.db import Archive
from dvscrape.archive.rereading import current_history
from dvscrape.archive.versions import versions_of
from dvscrape.pages import Article
from dvscrape.runs.rebuild import reextract
from tests.archivist_helpers import SPECS, ArchiveBuilder
from tests.conftest import run_cli


def _two_versions(directory: Path) -> ArchiveBuilder:
    builder = ArchiveBuilder(directory)
    builder.add_page(SPECS[0])
    builder.add_page(replace(SPECS[0], title=SPECS[0].title + " (cập nhật)"))
    builder.close()
    return builder


def _shouting(article: Article) -> Article:
    """A changed extractor: titles upper-cased."""
    return replace(article, title=article.title.upper())


def test_a_changed_reading_is_appended_with_its_reason_and_the_old_versions_stay(tmp_path: Path) -> None:
    _two_versions(tmp_path / "archive")
    with Archive.open(tmp_path / "archive") as archive:
        conn = archive.db.conn
        (article_id,) = conn.execute("SELECT id FROM articles").fetchone()
        before = versions_of(conn, article_id)
        assert [(v.version, v.reason, v.supersedes) for v in before] == [(1, "", None), (2, "", None)]

        result = reextract(archive, _shouting, reason="read again by a test")
        assert (result.reread, result.appended_versions) == (1, 2)
        after = versions_of(conn, article_id)
        assert after[:2] == before  # what was stored (and cited) is untouched
        assert [(v.version, v.reason, v.supersedes, v.capture_id) for v in after[2:]] == [
            (3, "read again by a test", 1, before[0].capture_id),
            (4, "read again by a test", None, before[1].capture_id),
        ]
        assert after[2].title == SPECS[0].title.upper() and after[2].changed_fields == ("title",)
        assert after[3].title == (SPECS[0].title + " (cập nhật)").upper()
        assert conn.execute("SELECT title FROM articles").fetchone()[0] == after[3].title

        again = reextract(archive, _shouting, reason="read again by a test")  # same extractor: nothing to add
        assert (again.reread, again.appended_versions) == (0, 0)
        assert versions_of(conn, article_id) == after

        back = reextract(archive)  # the extractor as it was: its reading supersedes the shouting one
        assert (back.reread, back.appended_versions) == (1, 2)
        final = versions_of(conn, article_id)
        assert final[:4] == after
        assert [(v.version, v.supersedes, v.title) for v in final[4:]] == [
            (5, 3, before[0].title),
            (6, None, before[1].title),
        ]
        assert final[4].reason.startswith("re-extracted by dvscrape ")
    stored = [{"version": v.version, "supersedes": v.supersedes} for v in final]
    assert [row["version"] for row in current_history(stored)] == [5, 6]


def test_captures_read_for_the_first_time_rebuild_the_versions_in_capture_order(tmp_path: Path) -> None:
    _two_versions(tmp_path / "archive")
    with Archive.open(tmp_path / "archive") as archive:
        conn = archive.db.conn
        (article_id,) = conn.execute("SELECT id FROM articles").fetchone()
        conn.execute("DELETE FROM article_versions WHERE version = 2")  # as if its capture had not been read yet
        conn.commit()
        result = reextract(archive)
        assert (result.reread, result.appended_versions) == (0, 0)
        assert [(v.version, v.reason) for v in versions_of(conn, article_id)] == [(1, ""), (2, "")]


def test_history_and_dry_run_say_why(tmp_path: Path) -> None:
    _two_versions(tmp_path / "archive")
    with Archive.open(tmp_path / "archive") as archive:
        conn = archive.db.conn
        url, article_id = conn.execute("SELECT url, id FROM articles").fetchone()
        conn.execute("UPDATE article_versions SET signature = 'Minh Anh (cũ)' WHERE version = 1")
        conn.commit()
        signatures_before = [v.signature for v in versions_of(conn, article_id)]
    dry = run_cli("reextract", "--archive", str(tmp_path / "archive"), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "1 article(s) read differently" in dry.stdout and "2 version(s) would be appended" in dry.stdout
    with Archive.open(tmp_path / "archive") as archive:
        assert [v.signature for v in versions_of(archive.db.conn, article_id)] == signatures_before
    done = run_cli("reextract", "--archive", str(tmp_path / "archive"))
    assert done.returncode == 0 and "2 version(s) appended" in done.stdout, done.stdout + done.stderr
    shown = run_cli("history", url, "--archive", str(tmp_path / "archive"))
    assert shown.returncode == 0, shown.stderr
    assert "re-extracted by dvscrape" in shown.stdout and "reads again the capture of version 1" in shown.stdout
    assert "- Minh Anh (cũ)" in shown.stdout and "+ Minh Anh" in shown.stdout


def test_exports_carry_the_reason(tmp_path: Path) -> None:
    _two_versions(tmp_path / "archive")
    with Archive.open(tmp_path / "archive") as archive:
        reextract(archive, _shouting, reason="read again by a test")
    out = tmp_path / "versions"
    done = run_cli(
        "export", "--archive", str(tmp_path / "archive"), "--format", "jsonl", "--out", str(out), "--include-versions"
    )
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["version"], r["version_reason"], r["supersedes_version"]) for r in rows] == [
        (1, "", None),
        (2, "", None),
        (3, "read again by a test", 1),
        (4, "read again by a test", None),
    ]
    latest = tmp_path / "latest"
    done = run_cli("export", "--archive", str(tmp_path / "archive"), "--format", "csv", "--out", str(latest))
    assert done.returncode == 0, done.stderr
    with (latest / "articles.csv").open(encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["version"], row["version_reason"], row["supersedes_version"]) == ("4", "read again by a test", "")
