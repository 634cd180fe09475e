"""dvscrape search and reindex: accent-insensitive and exact full-text search, filters, safe query parsing."""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dvscrape.archive.db import Archive
from dvscrape.archive.search import SearchOptions, index_is_current, parse_query, reindex, search
from dvscrape.errors import QueryError
from tests.archivist_helpers import SPECS, build_archive
from tests.conftest import CrawledArchive, run_cli


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_archive(tmp_path_factory.mktemp("search") / "archive")


def titles(directory: Path, query: str, **options: object) -> list[str]:
    with Archive.open(directory, readonly=True) as archive:
        hits = search(archive.db.conn, SearchOptions(query=query, **options))  # type: ignore[arg-type]
    return [hit.title for hit in hits]


def test_accent_insensitive_search_finds_dan_van_with_or_without_accents(small_archive: Path) -> None:
    dan_van = SPECS[0].title
    assert titles(small_archive, "dan van")[0] == dan_van
    assert titles(small_archive, "Dân vận")[0] == dan_van
    assert titles(small_archive, "DÂN VẬN")[0] == dan_van


def test_dong_finds_the_letter_d_with_stroke(small_archive: Path) -> None:
    assert SPECS[1].title in titles(small_archive, "dong hung")
    assert SPECS[1].title in titles(small_archive, "Đông Hưng")


def test_exact_mode_tells_dan_from_dan_with_tilde(small_archive: Path) -> None:
    assert titles(small_archive, "dẫn", exact=True) == [SPECS[1].title]
    assert titles(small_archive, '"dân vận"', exact=True) == [SPECS[0].title]
    assert titles(small_archive, '"dẫn vận"', exact=True) == []
    assert SPECS[0].title not in titles(small_archive, "dẫn", exact=True)


def test_nfd_and_nfc_queries_give_the_same_hits(small_archive: Path) -> None:
    for exact in (False, True):
        nfc = titles(small_archive, "dẫn đầu", exact=exact)
        assert nfc and titles(small_archive, unicodedata.normalize("NFD", "dẫn đầu"), exact=exact) == nfc


def test_hits_are_ranked_and_highlighted(small_archive: Path) -> None:
    with Archive.open(small_archive, readonly=True) as archive:
        hits = search(archive.db.conn, SearchOptions(query="dân vận"))
    assert hits[0].title_highlighted.startswith("Ban [Dân] [vận]")
    assert "[" in hits[0].snippet
    assert [hit.score for hit in hits] == sorted(hit.score for hit in hits)


def test_phrase_or_prefix_and_exclusion(small_archive: Path) -> None:
    assert titles(small_archive, '"tan binh" -"dan van"') == [SPECS[2].title]
    assert set(titles(small_archive, "thi OR hanh")) == {SPECS[1].title, SPECS[2].title}
    assert titles(small_archive, "chinh*", category="cai cach hanh chinh") == [SPECS[2].title]


def test_date_and_category_filters(small_archive: Path) -> None:
    from datetime import date

    assert titles(small_archive, "quan", since=date(2024, 1, 1), until=date(2024, 1, 31)) == [SPECS[1].title]
    assert titles(small_archive, "dan", category="KINH TẾ XÃ HỘI") == [SPECS[1].title]
    assert titles(small_archive, "dan", category="no such category") == []


@pytest.mark.parametrize("query", ["", "   ", '"', "-dan", "NOT", "()*:^", "OR"])
def test_queries_without_words_raise_a_clear_error(query: str) -> None:
    with pytest.raises(QueryError):
        parse_query(query, exact=False)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40), st.booleans())
def test_any_input_gives_results_or_a_query_error(small_archive: Path, query: str, exact: bool) -> None:
    with Archive.open(small_archive, readonly=True) as archive, contextlib.suppress(QueryError):
        search(archive.db.conn, SearchOptions(query=query, exact=exact, limit=5))


def test_indexes_follow_updates_and_deletes(tmp_path: Path) -> None:
    directory = build_archive(tmp_path / "archive")
    with Archive.open(directory) as archive:
        row = archive.db.execute("SELECT url FROM articles WHERE title = ?", [SPECS[1].title]).fetchone()
        from dvscrape.pages import Article, Block

        changed = Article(
            url=row[0],
            fetched_url=row[0],
            locale="vi",
            title="Phường Đông Hưng đổi tên",
            blocks=(Block("paragraph", "Nội dung mới về quy hoạch."),),
        )
        archive.save_article(changed, capture_id=None, seen_at="2024-05-01T00:00:00+00:00")
        archive.db.execute(
            "DELETE FROM article_versions WHERE article_id = (SELECT id FROM articles WHERE url = ?)", [SPECS[0].slug]
        )
        assert index_is_current(archive.db.conn)
    assert titles(directory, "quy hoach") == ["Phường Đông Hưng đổi tên"]
    assert titles(directory, "phong trao thi dua") == []


def test_reindex_rebuilds_a_damaged_index(tmp_path: Path) -> None:
    directory = build_archive(tmp_path / "archive")
    with Archive.open(directory) as archive:
        archive.db.execute("INSERT INTO articles_fts_folded (articles_fts_folded) VALUES ('delete-all')")
        archive.db.conn.commit()
        assert not index_is_current(archive.db.conn)
    assert titles(directory, "dan van") == []
    result = run_cli("reindex", "--archive", str(directory))
    assert result.returncode == 0, result.stderr
    assert titles(directory, "dan van")[0] == SPECS[0].title
    with Archive.open(directory) as archive:
        assert reindex(archive.db.conn).articles == len(SPECS)


# -- end to end, on a crawl of the replica ----------------------------------------------------------------------


def test_cli_search_on_a_crawl(crawled_archive: CrawledArchive) -> None:
    archive = str(crawled_archive.directory)
    result = run_cli("search", "dan van", "--archive", archive, "--json", "--limit", "5")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert hits and all("[" in hit["title_highlighted"] + hit["snippet"] for hit in hits)
    assert "dân vận" in hits[0]["title"].lower()
    accented = json.loads(run_cli("search", "Dân vận", "--archive", archive, "--json", "--limit", "5").stdout)
    assert [hit["url"] for hit in accented] == [hit["url"] for hit in hits]
    text = run_cli("search", "dong", "--archive", archive, "--limit", "3")
    assert text.returncode == 0 and "1. " in text.stdout


@pytest.mark.parametrize("query", ['"', "AND OR NOT", "title:", "NEAR(a b", "'; DROP TABLE articles; --", "*", "-x"])
def test_cli_search_never_shows_a_traceback(crawled_archive: CrawledArchive, query: str) -> None:
    result = run_cli("search", "--archive", str(crawled_archive.directory), "--", query)
    assert "Traceback" not in result.stderr
    assert result.returncode == 0 or (result.returncode == 2 and result.stderr.startswith("Error: the query"))


def test_cli_search_rejects_bad_options_clearly(crawled_archive: CrawledArchive, tmp_path: Path) -> None:
    archive = str(crawled_archive.directory)
    bad_date = run_cli("search", "dan", "--archive", archive, "--since", "yesterday")
    assert bad_date.returncode == 2 and "YYYY-MM-DD" in bad_date.stderr
    reversed_range = run_cli("search", "dan", "--archive", archive, "--since", "2024-02-01", "--until", "2024-01-01")
    assert reversed_range.returncode == 2 and "after" in reversed_range.stderr
    missing = run_cli("search", "dan", "--archive", str(tmp_path / "nowhere"))
    assert missing.returncode == 7 and "not a dvscrape archive" in missing.stderr
    assert "Traceback" not in bad_date.stderr + reversed_range.stderr + missing.stderr


def test_cli_rebuild_on_a_copy_of_the_crawl(crawled_archive: CrawledArchive, tmp_path: Path) -> None:
    copy = tmp_path / "archive"
    shutil.copytree(crawled_archive.directory, copy)
    result = run_cli("search", "dan van", "--rebuild", "--archive", str(copy), "--json")
    assert result.returncode == 0, result.stderr
    assert "rebuilt" in result.stderr and json.loads(result.stdout)
    (count,) = sqlite3.connect(copy / "archive.sqlite").execute("SELECT count(*) FROM articles_fts_docsize").fetchone()
    assert count == sqlite3.connect(copy / "archive.sqlite").execute("SELECT count(*) FROM articles").fetchone()[0]
