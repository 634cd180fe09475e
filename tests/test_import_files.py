"""`dvscrape import` of damaged and unusual WARC files (tests/data/import, written by make_broken.py) and of hostile
WACZ packages: what can be read is imported, the rest is refused and recorded, nothing is written outside the
archive folder, and importing the same files again changes nothing."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli

DATA = Path(__file__).parent / "data" / "import"
MIXED = DATA / "mixed-1.0.warc.gz"
ORIGINAL = DATA / "original-1.1.warc"
WHOLE = DATA / "whole-file.warc.gz"
CUT = DATA / "cut-short.warc.gz"
URL_B = (
    "https://tanbinh.hochiminhcity.gov.vn/web/neoportal/-/"
    "phong-noi-vu-quan-phoi-hop-to-chuc-le-khanh-thanh-khong-gian-van-hoa-ho-chi-minh-tai-tru-so-phuong"
)


def rows(archive: Path, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(archive / "archive.sqlite") as connection:
        return connection.execute(sql, args).fetchall()


def dump(archive: Path) -> list[str]:
    with sqlite3.connect(archive / "archive.sqlite") as connection:
        return list(connection.iterdump())


def imported(archive: Path, *paths: Path, code: int = 0) -> None:
    """Import *paths*; *code* is the exit code expected (3 when problems were recorded)."""
    result = run_cli("import", *map(str, paths), "--archive", str(archive))
    assert result.returncode == code, result.stdout + result.stderr[-3000:]


def test_damaged_and_unusual_warc_files(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    imported(archive, MIXED, code=3)  # the revisit's original (another file) is not there yet
    assert rows(archive, "select count(*) from captures where refers_to_capture_id is null and record_type = 'revisit'")
    imported(archive, ORIGINAL, WHOLE, CUT, code=3)
    problems = [reason for (reason,) in rows(archive, "select reason from import_problems order by id")]
    assert any("not a gzip member" in reason for reason in problems)
    assert any("Content-Length" in reason for reason in problems)
    assert any("damaged gzip member" in reason for reason in problems)
    assert any("whole file gzipped" in reason for reason in problems)
    assert any("cut short" in reason for reason in problems)
    # every good record is a capture, the last one of the mixed file (after the damage) included
    kinds = rows(archive, "select record_type, count(*) from captures group by record_type order by 1")
    assert kinds == [("resource", 1), ("response", 4), ("revisit", 3)]
    assert rows(archive, "select count(*) from captures where url like '%/trang-chu'") == [(1,)]
    # revisits: linked to their original whichever file holds it; the one with no original says so
    linked = rows(archive, "select count(*) from captures where record_type = 'revisit' and refers_to_capture_id")
    assert linked == [(2,)]
    assert rows(archive, "select problem from captures where record_type = 'revisit' and refers_to_capture_id is null")[
        0
    ][0].startswith("revisit: its original")
    # provenance: WARC versions, the tool of the warcinfo
    files = dict(rows(archive, "select source, warc_version || ' ' || tool from imported_files"))
    assert files[str(MIXED)] == "WARC/1.0 TestHarvester/0.9"
    assert files[str(ORIGINAL)].startswith("WARC/1.1")
    # the chunked body was de-chunked for extraction: both articles extracted, dated by capture
    articles = rows(archive, "select url, substr(first_seen, 1, 10), substr(last_seen, 1, 10) from articles order by 1")
    assert len(articles) == 2
    assert (URL_B, "2019-05-01", "2019-10-01") in articles
    # the files are kept as they came, read-only
    for path in (MIXED, ORIGINAL, WHOLE, CUT):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        (name,) = rows(archive, "select stored_name from imported_files where sha256 = ?", digest)[0]
        kept = archive / "warc" / name
        assert hashlib.sha256(kept.read_bytes()).hexdigest() == digest
        assert not kept.stat().st_mode & 0o222
    # history and show name the source; verify passes (the recorded damage is a warning), index covers resources
    history = run_cli("history", URL_B, "--archive", str(archive))
    assert "imported from original-1.1.warc" in history.stdout, history.stdout + history.stderr
    shown = run_cli("show", URL_B, "--archive", str(archive), "--json")
    assert json.loads(shown.stdout)["warc"]["imported"]["warc_version"] == "WARC/1.1"
    verify = run_cli("verify", "--archive", str(archive))
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "recorded at import" in verify.stdout
    index = run_cli("index", "--archive", str(archive))
    assert index.returncode == 0, index.stderr
    assert "logo.png" in (archive / "index.cdxj").read_text(encoding="utf-8")
    # importing the same files again changes nothing
    before = dump(archive)
    again = run_cli("import", str(MIXED), str(ORIGINAL), str(CUT), "--archive", str(archive))
    assert again.returncode == 4 and "nothing new" in again.stdout, again.stdout + again.stderr
    assert dump(archive) == before


def test_a_fourteen_digit_warc_date_is_read_by_import_and_rebuild_alike(tmp_path: Path) -> None:
    """Defect fixed: import read a WARC-Date written as 14 digits (some tools do, CDX style) but the rebuild it runs
    did not (its own date parsing), so the article was not rebuilt. One reader of WARC-Dates (warc.model)."""
    cdx_style = tmp_path / "cdx-style-date.warc"
    cdx_style.write_bytes(
        ORIGINAL.read_bytes().replace(b"WARC-Date: 2019-05-01T10:00:00Z", b"WARC-Date: 20190501100000")
    )
    archive = tmp_path / "archive"
    imported(archive, cdx_style)
    assert rows(archive, "select fetched_at from captures") == [("2019-05-01T10:00:00.000000Z",)]
    assert rows(archive, "select url, first_seen from articles") == [(URL_B, "2019-05-01T10:00:00.000000Z")]


def test_history_does_not_depend_on_import_order(tmp_path: Path) -> None:
    forward, backward = tmp_path / "forward", tmp_path / "backward"
    imported(forward, ORIGINAL)
    imported(forward, MIXED, code=3)
    imported(backward, MIXED, code=3)
    imported(backward, ORIGINAL)
    query = (
        "select a.url, v.version, v.seen_at, v.content_hash, a.first_seen, a.last_seen from article_versions v "
        "join articles a on a.id = v.article_id order by a.url, v.version"
    )
    assert rows(forward, query) == rows(backward, query)


def _wacz(path: Path, members: list[tuple[str, bytes]], *, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as package:
        for name, data in members:
            package.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return path


def test_hostile_wacz_refused_and_recorded(tmp_path: Path) -> None:
    archive = tmp_path / "inside" / "archive"
    archive.parent.mkdir()
    good = MIXED.read_bytes()
    package = _wacz(
        tmp_path / "hostile.wacz",
        [
            ("../../escape.warc.gz", good),
            ("/etc/absolute.warc.gz", good),
            ("archive\\..\\..\\back.warc.gz", good),
            ("archive/bomb.warc", b"\0" * (40 << 20)),
            ("archive/good.warc.gz", good),
        ],
    )
    stored = tmp_path / "badcrc.wacz"
    _wacz(stored, [("archive/crc.warc", ORIGINAL.read_bytes())], compression=zipfile.ZIP_STORED)
    data = bytearray(stored.read_bytes())
    data[data.index(b"WARC/1.1") + 200] ^= 0x20  # the stored bytes no longer match the CRC in the headers
    stored.write_bytes(bytes(data))
    before = sorted(path.name for path in tmp_path.iterdir())
    result = run_cli("import", str(package), str(stored), "--archive", str(archive))
    assert result.returncode == 3, result.stdout + result.stderr  # imported, with refusals recorded
    assert sorted(path.name for path in tmp_path.iterdir()) == before  # nothing new beside the archive folder
    assert not list(tmp_path.parent.glob("escape*")) and not Path("/etc/absolute.warc.gz").exists()
    reasons = [reason for (reason,) in rows(archive, "select reason from import_problems")]
    assert any("escapes the package" in reason for reason in reasons)
    assert any("absolute" in reason for reason in reasons)
    assert any("backslashes" in reason for reason in reasons)
    assert any("decompression bomb" in reason for reason in reasons)
    assert any("CRC" in reason for reason in reasons), reasons
    assert rows(archive, "select member from imported_files where member != ''") == [("archive/good.warc.gz",)]
    assert rows(archive, "select count(*) from articles") == [(1,)]
    names = sorted(path.name for path in (archive / "warc").iterdir())
    assert len(names) == 1 and names[0].startswith("imported-"), names  # no temporary file left behind
    # a member whose bytes are not those its datapackage.json declares is refused
    lying = _wacz(
        tmp_path / "lying.wacz",
        [
            ("archive/original.warc", ORIGINAL.read_bytes()),
            (
                "datapackage.json",
                json.dumps({"resources": [{"path": "archive/original.warc", "hash": "sha256:" + "0" * 64}]}).encode(),
            ),
        ],
    )
    other = tmp_path / "other"
    result = run_cli("import", str(lying), "--archive", str(other))
    assert result.returncode == 3, result.stdout + result.stderr
    assert any("datapackage.json declares" in reason for (reason,) in rows(other, "select reason from import_problems"))
    assert rows(other, "select count(*) from captures") == [(0,)]
    # an oversized record inside a WARC file is refused and recorded too
    small = tmp_path / "small"
    limited = run_cli("import", str(ORIGINAL), "--archive", str(small), "--max-record-mb", "1")
    assert limited.returncode == 0
    big = tmp_path / "big.warc"
    record = ORIGINAL.read_bytes()
    big.write_bytes(record.replace(b"Content-Length: ", b"Content-Length: 99", 1) + b"x" * (2 << 20))
    result = run_cli("import", str(big), "--archive", str(small), "--max-record-mb", "1")
    assert result.returncode == 3, result.stderr
    assert any("larger than" in reason for (reason,) in rows(small, "select reason from import_problems"))


def test_an_import_records_its_captures_through_the_archive_and_its_outcome_as_every_run_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One capture path: every imported record reaches `captures` through Archive.record_capture (with its checks),
    as a crawl's; the import's row stores an outcome's status (not 'finished'), which the fleet reads as such."""
    from dvscrape.archive.crawl_log import crawls_after
    from dvscrape.archive.db import Archive
    from dvscrape.runs.imports import import_paths
    from dvscrape.runs.outcome import Outcome
    from dvscrape.sites import get_profile

    recorded: list[str] = []
    record_capture = Archive.record_capture

    def spy(self: Archive, capture: Any) -> int:
        recorded.append(capture.record_type)
        return record_capture(self, capture)

    monkeypatch.setattr(Archive, "record_capture", spy)
    with Archive.open(tmp_path / "archive") as archive:
        result = import_paths(archive, [ORIGINAL], get_profile("tanbinh"))
    assert result.captures > 0 and len(recorded) == result.captures
    (record,) = crawls_after(tmp_path / "archive", 0)
    assert Outcome.of_status(record.status) is result.outcome is Outcome.SUCCESS


def test_files_that_are_neither_warc_nor_wacz_are_refused_before_anything_is_copied(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    readme = Path(__file__).resolve().parent.parent / "README.md"
    png = tmp_path / "photo.warc.gz"  # a PNG under a WARC name: judged by its bytes
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    for inputs in ([readme], [ORIGINAL, png]):
        result = run_cli("import", *map(str, inputs), "--archive", str(archive))
        assert result.returncode == 2, result.stdout + result.stderr
        assert "neither a WARC nor a WACZ file" in result.stderr and str(inputs[-1]) in result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert not list((archive / "warc").glob("*"))
    imported(archive, ORIGINAL)  # the good file alone is imported
