"""The archive's kept CDXJ index (warc/index_store.py): each WARC file read once, lookups by key, the same lines as
an index built from scratch, a changed or removed file's lines replaced, and a server-not-modified revisit resolved
to the response it confirmed in another file."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dvscrape.errors import WarcFormatError
from dvscrape.warc.cdxj import parse_line, surt
from dvscrape.warc.index_store import INDEX_FOLDER, MANIFEST, archive_index, folder_index, index_lines
from dvscrape.warc.model import HttpExchange, RevisitProfile, RevisitTarget
from dvscrape.warc.resolve import ReplayIndex
from dvscrape.warc.writer import WarcWriter

SITE = "http://s.vn"
START = datetime(2024, 1, 1, tzinfo=UTC)


def exchange(path: str, moment: datetime, body: bytes = b"<p>x</p>", status: int = 200) -> HttpExchange:
    headers = (("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body))))
    return HttpExchange(SITE + path, "GET", (), b"", "HTTP/1.1", status, "", headers, body, moment)


def write_file(warc_dir: Path, prefix: str, exchanges: list[HttpExchange]) -> Path:
    with WarcWriter(warc_dir, prefix=prefix, warcinfo={"operator": "test"}) as writer:
        for item in exchanges:
            writer.write_exchange(item)
        return warc_dir / writer.files[0]


def segments(warc_dir: Path) -> list[dict[str, object]]:
    return list(json.loads((warc_dir.parent / INDEX_FOLDER / MANIFEST).read_text(encoding="utf-8")))


def test_each_file_is_read_once_and_lookups_see_every_file(tmp_path: Path) -> None:
    warc_dir = tmp_path / "warc"
    for number in range(12):
        moment = START + timedelta(days=number)
        write_file(warc_dir, f"f{number:02d}", [exchange(f"/p{number}", moment), exchange("/shared", moment)])
        with folder_index(warc_dir) as store:
            assert len(store.indexed) == 1 and store.indexed[0].startswith(f"f{number:02d}-")
            assert list(store.lines()) == index_lines(store.files)  # as built from scratch
            assert len(store.published(surt(SITE + "/shared"))) == number + 1
            assert [line.fields["url"] for line in store.published(surt(SITE + "/p0"))] == [SITE + "/p0"]
    assert len(segments(warc_dir)) <= 4  # merged as a binary counter: O(log n) segments for 12 files
    with folder_index(warc_dir) as store:
        assert store.indexed == []
        index = ReplayIndex(store)
        found = index.resolve("https://www.s.vn/shared/", "20240105120000")
        assert found is not None and found.timestamp.startswith("20240105") and found.good
        assert index.record(found).target_uri == SITE + "/shared"
        assert index.resolve(SITE + "/nothing", "20240105120000") is None


def test_a_changed_or_removed_file_is_indexed_again_alone(tmp_path: Path) -> None:
    warc_dir = tmp_path / "warc"
    first = write_file(warc_dir, "a", [exchange("/a", START)])
    second = write_file(warc_dir, "b", [exchange("/b", START)])
    with folder_index(warc_dir) as store:
        assert sorted(store.indexed) == sorted([first.name, second.name])
    with WarcWriter(warc_dir, prefix="c", warcinfo={"operator": "test"}) as writer:
        writer.write_exchange(exchange("/c", START))
        grown = warc_dir / writer.files[0]
        with folder_index(warc_dir) as store:
            assert store.indexed == [grown.name]
        writer.write_exchange(exchange("/c2", START))  # a file indexed while its writer still appends to it
    with folder_index(warc_dir) as store:
        assert store.indexed == [grown.name]
        assert {line.fields["url"] for line in map(parse_line, store.lines())} == {
            SITE + p for p in ["/a", "/b", "/c", "/c2"]
        }
    first.unlink()
    with folder_index(warc_dir) as store:
        assert store.indexed == []
        assert list(store.lines()) == index_lines(store.files)
        assert store.published(surt(SITE + "/a")) == []
    files = {name for segment in segments(warc_dir) for name in segment["files"]}  # type: ignore[attr-defined]
    assert files == {second.name, grown.name}


def test_a_not_modified_revisit_points_at_the_response_of_an_earlier_file(tmp_path: Path) -> None:
    warc_dir = tmp_path / "warc"
    with WarcWriter(warc_dir, prefix="a", warcinfo={"operator": "test"}) as writer:
        original = writer.write_exchange(exchange("/page", START, b"<p>content</p>"))
    later = START + timedelta(days=30)
    with WarcWriter(warc_dir, prefix="b", warcinfo={"operator": "test"}) as writer:
        target = RevisitTarget(SITE + "/page", START, original.record_id)
        writer.write_revisit(
            exchange("/page", later, b"", status=304), profile=RevisitProfile.SERVER_NOT_MODIFIED, refers_to=target
        )
    with folder_index(warc_dir) as store:
        lines = store.published(surt(SITE + "/page"))
        assert [line.timestamp for line in lines] == ["20240101000000", "20240131000000"]
        confirmed = lines[1].fields
        assert confirmed["revisit"] == "server-not-modified" and confirmed["status"] == "200"
        assert (confirmed["filename"], confirmed["offset"]) == (original.filename, str(original.offset))
        found = ReplayIndex(store).resolve(SITE + "/page", "20240201000000")
        assert found is not None and found.offset == original.offset


def test_a_read_only_archive_is_indexed_in_a_temporary_folder(tmp_path: Path) -> None:
    warc_dir = tmp_path / "warc"
    write_file(warc_dir, "a", [exchange("/a", START)])
    (tmp_path / INDEX_FOLDER).write_text("not a folder", encoding="utf-8")  # cannot be created
    with archive_index(sorted(warc_dir.iterdir()), tmp_path / INDEX_FOLDER) as store:
        assert len(store.indexed) == 1 and len(list(store.lines())) == 1
        assert store.folder != tmp_path / INDEX_FOLDER


def test_the_nearest_capture_is_replayed_and_the_first_of_two_as_near(tmp_path: Path) -> None:
    warc_dir = tmp_path / "warc"
    march = datetime(2024, 3, 1, tzinfo=UTC)
    write_file(warc_dir, "a", [exchange("/a", START, b"1"), exchange("/a", march, b"2"), exchange("/a", march, b"3")])
    with folder_index(warc_dir) as store:
        index = ReplayIndex(store)
        january, first_of_march, _ = store.published(surt(SITE + "/a"))
        found = index.resolve(SITE + "/a", "20240110000000")
        assert found is not None and found.offset == int(january.fields["offset"])
        found = index.resolve("https://www.s.vn/a", "20240220000000")
        assert found is not None and found.offset == int(first_of_march.fields["offset"])
        assert index.resolve(SITE + "/b", "20240220000000") is None


def test_a_file_that_cannot_be_read_leaves_the_kept_index_as_it_was(tmp_path: Path) -> None:
    warc_dir = tmp_path / "warc"
    first = write_file(warc_dir, "a", [exchange("/a", START)])
    with folder_index(warc_dir) as store:
        assert store.indexed == [first.name]
    write_file(warc_dir, "b", [exchange("/b", START)])
    broken = warc_dir / "c.warc.gz"
    broken.write_bytes(b"not a WARC file at all")
    with pytest.raises(WarcFormatError), folder_index(warc_dir):
        pass
    broken.unlink()
    folder = tmp_path / INDEX_FOLDER
    with folder_index(warc_dir) as store:
        assert len(store.indexed) == 1 and store.indexed[0].startswith("b-")  # the first file is not read again
        assert list(store.lines()) == index_lines(store.files)
    named = {segment["name"] for segment in segments(warc_dir)}
    assert {path.name for path in folder.glob("segment-*")} == named  # nothing left of the failed run
    for path in folder.glob("segment-*"):
        path.unlink()  # a kept index lost: its files are read again
    with folder_index(warc_dir) as store:
        assert len(store.indexed) == 2 and list(store.lines()) == index_lines(store.files)


def test_the_index_is_cdxj_indexers_but_for_its_two_rules(tmp_path: Path) -> None:
    """cdxj-indexer (installed with py-wacz) as the witness, over files indexed one by one: every line is the one it
    writes for the same files, except a server error of a URL captured without one (left out) and a
    server-not-modified revisit (pointing at the response of another file it confirmed)."""
    indexer = Path(sys.executable).parent / "cdxj-indexer"
    if not indexer.exists():
        pytest.skip("cdxj-indexer is not installed (pip install wacz)")
    warc_dir = tmp_path / "warc"
    with WarcWriter(warc_dir, prefix="a", warcinfo={"operator": "test"}) as writer:
        original = writer.write_exchange(exchange("/page", START, b"<p>content</p>"))
        writer.write_exchange(exchange("/flaky", START, b"error", status=500))
    with folder_index(warc_dir) as store:
        assert len(store.indexed) == 1
    later = START + timedelta(days=30)
    with WarcWriter(warc_dir, prefix="b", warcinfo={"operator": "test"}) as writer:
        target = RevisitTarget(SITE + "/page", START, original.record_id)
        writer.write_revisit(
            exchange("/page", later, b"", status=304), profile=RevisitProfile.SERVER_NOT_MODIFIED, refers_to=target
        )
        writer.write_exchange(exchange("/flaky", later, b"<p>ok</p>"))
        writer.write_exchange(exchange("/other", later))
    with folder_index(warc_dir) as store:
        assert len(store.indexed) == 1
        ours = list(store.lines())
    done = subprocess.run([str(indexer), *map(str, sorted(warc_dir.iterdir()))], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    theirs = [line for line in done.stdout.splitlines() if line]
    assert len(theirs) == 5 and len(ours) == 4
    differ = sorted(set(theirs) - set(ours))
    assert [json.loads(line.split(" ", 2)[2])["status"] for line in differ] == ["500", "304"]
    resolved = [line for line in ours if "server-not-modified" in line]
    assert len(resolved) == 1 and resolved[0].split(" {")[0] == differ[1].split(" {")[0]
