"""Search ranks from its own statistics (archive.terms, archive.ranking): the witness is FTS5's bm25 itself, which
ranks every match of a word query the same way, score for score, as articles are added, changed and deleted."""

from __future__ import annotations

import math
import random
import sqlite3
from pathlib import Path

import pytest

from dvscrape.archive import terms
from dvscrape.archive.db import Archive
from dvscrape.archive.ranking import QueryTerm, rank
from dvscrape.archive.search import EXACT_INDEX, FOLDED_INDEX, SearchOptions, index_is_current, parse_query, search
from dvscrape.pages.article import Article, Block
from dvscrape.replica.content import build_corpus

WORD_QUERIES = ["quan", "phuong", "to chuc", "uy ban nhan", "tan binh", "hoi", "cong tac nam", "quan OR phuong"]
PREFIX_QUERIES = ["chu*", "t*", "dan van*"]


def _articles(count: int, seed: int) -> list[Article]:
    """The replica's articles (their ground truth) as the archive stores them."""
    return [
        Article(
            url=f"https://tanbinh.hochiminhcity.gov.vn{article.path}-{seed}",
            fetched_url=f"https://tanbinh.hochiminhcity.gov.vn{article.path}-{seed}",
            locale="vi_VN",
            title=article.title,
            published=article.published.date().isoformat(),
            categories=(article.category_name,),
            blocks=tuple(Block("paragraph", text) for text in article.paragraphs),
        )
        for article in build_corpus(seed=seed, n_articles=count).articles
    ]


@pytest.fixture(scope="module", params=[terms.TOP_HOLDERS, 8])
def top_holders(request: pytest.FixtureRequest) -> int:
    """The holders of a term past which a segment keeps its best apart: as shipped (few terms of 600 articles are
    that common), and 8, so that every common word is ranked from its best holders and the bounds of the others."""
    return int(request.param)


@pytest.fixture(scope="module")
def archive_dir(tmp_path_factory: pytest.TempPathFactory, top_holders: int) -> Path:
    directory = tmp_path_factory.mktemp("ranking") / "archive"
    articles = _articles(600, seed=7)
    with pytest.MonkeyPatch.context() as patch, Archive.open(directory) as archive:
        patch.setattr(terms, "TOP_HOLDERS", top_holders)
        for start in range(0, 600, 100):  # several write transactions: several segments, merged
            with archive.transaction("store a batch"):
                for article in articles[start : start + 100]:
                    archive.save_article(article, capture_id=None, seen_at="2024-01-01T00:00:00Z")
    return directory


def test_common_words_are_ranked_from_their_best_holders(archive_dir: Path, top_holders: int) -> None:
    with Archive.open(archive_dir, readonly=True) as archive:
        conn = archive.db.conn
        query = [[QueryTerm(("quan",))]]
        every, pruned = rank(conn, query, folded=True), rank(conn, query, folded=True, pruned=True)
    if top_holders < 100:
        assert len(pruned.ids) < len(every.ids) / 2 and math.isfinite(pruned.floor), (len(pruned.ids), len(every.ids))
        assert (pruned.scores < pruned.floor).any()  # some score better than any article left out can
    else:  # held by fewer articles of each segment than that: all of them are candidates, nothing is left out
        assert sorted(pruned.ids.tolist()) == sorted(every.ids.tolist()) and pruned.floor == math.inf


def fts5_ranking(conn: sqlite3.Connection, query: str, *, exact: bool, limit: int) -> list[tuple[int, float]]:
    index = EXACT_INDEX if exact else FOLDED_INDEX
    sql = (
        f"SELECT rowid, bm25({index}, 10.0, 1.0) AS score FROM {index} WHERE {index} MATCH ? "
        "ORDER BY score, rowid LIMIT ?"
    )
    return [(int(row[0]), float(row[1])) for row in conn.execute(sql, (parse_query(query, exact=exact), limit))]


def assert_ranked_as_fts5(directory: Path, queries: list[str], *, exact: bool = False, limit: int = 20) -> None:
    with Archive.open(directory, readonly=True) as archive:
        conn = archive.db.conn
        for query in queries:
            ours = [(hit.article_id, hit.score) for hit in search(conn, SearchOptions(query, exact=exact, limit=limit))]
            witness = fts5_ranking(conn, query, exact=exact, limit=limit)
            assert [article_id for article_id, _ in ours] == [article_id for article_id, _ in witness], query
            assert [score for _, score in ours] == pytest.approx([score for _, score in witness], rel=1e-9), query


def test_word_queries_rank_as_fts5_bm25(archive_dir: Path) -> None:
    assert_ranked_as_fts5(archive_dir, WORD_QUERIES + PREFIX_QUERIES)
    assert_ranked_as_fts5(archive_dir, ["quận", "Tân Bình", "tổ chức", "đồng chí"], exact=True)


def test_every_match_of_a_common_word_is_ranked(archive_dir: Path) -> None:
    assert_ranked_as_fts5(archive_dir, ["quan"], limit=1000)


def test_a_phrase_finds_exactly_what_fts5_finds(archive_dir: Path) -> None:
    with Archive.open(archive_dir, readonly=True) as archive:
        conn = archive.db.conn
        for query in ['"uy ban nhan dan"', '"to chuc" -"tan binh"', '"phuong 2"']:
            ours = {hit.article_id for hit in search(conn, SearchOptions(query, limit=1000))}
            assert ours == {article_id for article_id, _ in fts5_ranking(conn, query, exact=False, limit=1000)}


@pytest.mark.parametrize("merge_chunk", [terms.MERGE_CHUNK, 64])  # 64: segments merged a few terms at a time
def test_ranking_follows_changes_and_deletions(
    archive_dir: Path, top_holders: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, merge_chunk: int
) -> None:
    monkeypatch.setattr(terms, "MERGE_CHUNK", merge_chunk)
    monkeypatch.setattr(terms, "TOP_HOLDERS", top_holders)
    directory = tmp_path / "archive"
    with Archive.open(archive_dir, readonly=True) as source, Archive.open(directory) as copy:
        source.db.conn.backup(copy.db.conn)
    rng = random.Random(11)
    with Archive.open(directory) as archive:
        urls = [row[0] for row in archive.db.execute("SELECT url FROM articles ORDER BY id").fetchall()]
        for url, changed in zip(rng.sample(urls, 40), _articles(40, seed=11), strict=True):  # older postings dropped
            archive.save_article(
                Article(url=url, fetched_url=url, locale="vi_VN", title=changed.title, blocks=changed.blocks),
                capture_id=None,
                seen_at="2024-02-01T00:00:00Z",
            )
        with archive.transaction("delete some articles"):
            for url in rng.sample(urls, 30):
                archive.db.conn.execute(
                    "DELETE FROM article_versions WHERE article_id = (SELECT id FROM articles WHERE url = ?)", (url,)
                )
                archive.db.conn.execute(
                    "DELETE FROM figures WHERE article_id = (SELECT id FROM articles WHERE url = ?)", (url,)
                )
                archive.db.conn.execute("DELETE FROM articles WHERE url = ?", (url,))
        for article in _articles(50, seed=12):  # one at a time: a segment each, merged as they come
            archive.save_article(article, capture_id=None, seen_at="2024-03-01T00:00:00Z")
        assert index_is_current(archive.db.conn)
        (segments,) = archive.db.execute("SELECT count(*) FROM search_segments").fetchone()
        assert segments < 12
    assert_ranked_as_fts5(directory, WORD_QUERIES + PREFIX_QUERIES)


def test_filters_and_limits_apply_to_the_ranked_candidates(archive_dir: Path) -> None:
    from datetime import date

    with Archive.open(archive_dir, readonly=True) as archive:
        conn = archive.db.conn
        since = date(2024, 6, 1)
        hits = search(conn, SearchOptions("quan", since=since, limit=50))
        witness = conn.execute(
            f"SELECT f.rowid FROM {FOLDED_INDEX} AS f JOIN articles AS a ON a.id = f.rowid "
            f"WHERE {FOLDED_INDEX} MATCH 'quan' AND substr(a.published_date, 1, 10) >= ? "
            f"ORDER BY bm25({FOLDED_INDEX}, 10.0, 1.0), f.rowid LIMIT 50",
            (since.isoformat(),),
        ).fetchall()
        assert [hit.article_id for hit in hits] == [row[0] for row in witness]
        assert all((hit.published_date or "") >= "2024-06-01" for hit in hits)


def test_postings_written_before_their_top_lists_get_them_on_upgrade(
    archive_dir: Path, top_holders: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(terms, "TOP_HOLDERS", top_holders)
    directory = tmp_path / "archive"
    with Archive.open(archive_dir, readonly=True) as source, Archive.open(directory) as copy:
        source.db.conn.backup(copy.db.conn)
    with Archive.open(directory) as archive, archive.transaction("as m0025 finds them"):
        conn = archive.db.conn
        written = conn.execute("SELECT id, holders, top IS NULL FROM search_postings ORDER BY id").fetchall()
        conn.execute("UPDATE search_postings SET holders = 0, top = NULL, rest = NULL")
        terms.fill_tops(conn)
        assert conn.execute("SELECT id, holders, top IS NULL FROM search_postings ORDER BY id").fetchall() == written
    assert_ranked_as_fts5(directory, WORD_QUERIES + PREFIX_QUERIES)
