"""End to end: the replica's articles typed in TCVN3, VNI and VIQR (dvscrape.replica.legacy), crawled through the
CLI with the other articles, come out of the archive in Unicode, every field right: title, body, captions,
signature and the names of their documents; the pages served really were in the legacy characters."""

from __future__ import annotations

import json
import shutil
import sqlite3
import urllib.request
from functools import cache
from pathlib import Path

import pytest

from dvscrape.archive.folding import register_fold
from dvscrape.pages.finish import QUOTING_FLAGS
from dvscrape.replica import build_corpus
from dvscrape.replica.legacy import LEGACY_ENCODINGS, typed
from dvscrape.replica.model import Article as TruthArticle
from dvscrape.replica.model import FileLink, SeeAlso
from dvscrape.sites import get_profile
from tests.conftest import REPLICA_ARTICLES, CrawledArchive, run_cli

SITE_URL = get_profile("tanbinh").site_url

# What each encoding's pages must show: TCVN3 writes ư and ơ as 0xAD (the soft-hyphen code) and 0xAC.
SHOWN = {"tcvn3": ("\u00ad", "\u00ac"), "vni": ("ö", "ô"), "viqr": ("u+", "o+")}


@cache
def _legacy_articles() -> dict[str, TruthArticle]:
    corpus = build_corpus(2023, REPLICA_ARTICLES)
    return {article.legacy: article for article in corpus.articles if article.legacy}


def _row(crawled_archive: CrawledArchive, truth: TruthArticle) -> sqlite3.Row:
    with sqlite3.connect(crawled_archive.database) as connection:
        connection.row_factory = sqlite3.Row
        row = connection.execute("select * from articles where url = ?", (SITE_URL + truth.path,)).fetchone()
        assert row is not None, truth.path
        return row


def _query(crawled_archive: CrawledArchive, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(crawled_archive.database) as connection:
        return connection.execute(sql, args).fetchall()


def test_one_article_per_legacy_encoding() -> None:
    assert sorted(_legacy_articles()) == sorted(LEGACY_ENCODINGS)


@pytest.mark.parametrize("encoding", LEGACY_ENCODINGS)
def test_the_page_is_served_in_the_legacy_encoding(encoding: str, crawled_archive: CrawledArchive) -> None:
    truth = _legacy_articles()[encoding]
    with urllib.request.urlopen(crawled_archive.replica_url + truth.path) as response:
        page = response.read().decode("utf-8")
    assert truth.blocks[0].text not in page  # the Unicode text is nowhere on the page
    for letters in SHOWN[encoding]:
        assert letters in page
    if encoding == "tcvn3":  # ư (0xAD, the soft-hyphen code) in every field: title, body, caption, signature, file
        shown = [truth.shown_title, truth.body_html]
        assert all("\u00ad" in text for text in shown)


@pytest.mark.parametrize("encoding", LEGACY_ENCODINGS)
def test_every_field_is_decoded(encoding: str, crawled_archive: CrawledArchive) -> None:
    truth = _legacy_articles()[encoding]
    row = _row(crawled_archive, truth)
    assert row["title"] == truth.title
    assert row["body"] == "\n\n".join(block.text for block in truth.blocks)
    assert row["signature"] == truth.signature
    captions = [
        caption
        for (caption,) in _query(
            crawled_archive, "select caption from figures where article_id = ? order by position", row["id"]
        )
    ]
    assert captions == [figure.caption for figure in truth.figures]
    documents = [
        text
        for (text,) in _query(
            crawled_archive, "select text from attachments where article_id = ? order by position", row["id"]
        )
    ]
    labels = [element.label for element in truth.elements if isinstance(element, FileLink)]
    assert documents == labels and labels
    # the page text a flag quotes (a navigation line dropped from the body) is a field like the others
    lines = [f"{element.lead} {element.label}" for element in truth.elements if isinstance(element, FileLink | SeeAlso)]
    quotes = [flag.partition(":")[2] for flag in json.loads(row["flags"]) if flag.partition(":")[0] in QUOTING_FLAGS]
    assert quotes and all(any(line.startswith(quote) for line in lines) for quote in quotes), quotes


def test_reextract_repairs_text_archived_before_the_fixes(crawled_archive: CrawledArchive, tmp_path: Path) -> None:
    """An archive whose legacy articles were stored undecoded (as an older extractor left a TCVN3
    article: 'Ph\\xadêng' losing its ư) is repaired by `dvscrape reextract` from the bytes its WARC files kept."""
    archive = tmp_path / "archive"
    shutil.copytree(crawled_archive.directory, archive, ignore=shutil.ignore_patterns("*.lock", "*-wal", "*-shm"))
    truth = _legacy_articles()["tcvn3"]
    damaged_title = typed(truth.title, "tcvn3").replace("\u00ad", "")
    damaged_body = typed("\n\n".join(block.text for block in truth.blocks), "tcvn3").replace("\u00ad", "")
    with sqlite3.connect(archive / "archive.sqlite") as connection:
        register_fold(connection)  # the search index's triggers fold what they index
        changed = connection.execute(
            "update articles set title = ?, body = ?, content_hash = 'old' where url = ?",
            (damaged_title, damaged_body, SITE_URL + truth.path),
        ).rowcount
        connection.execute(
            "update article_versions set title = ?, body = ? where article_id = "
            "(select id from articles where url = ?)",
            (damaged_title, damaged_body, SITE_URL + truth.path),
        )
    assert changed == 1
    done = run_cli("reextract", "--archive", str(archive))
    assert done.returncode == 0, done.stdout + done.stderr
    with sqlite3.connect(archive / "archive.sqlite") as connection:
        title, body = connection.execute(
            "select title, body from articles where url = ?", (SITE_URL + truth.path,)
        ).fetchone()
        versions = connection.execute(
            "select title, body from article_versions where article_id = (select id from articles where url = ?) "
            "order by version desc limit 1",
            (SITE_URL + truth.path,),
        ).fetchone()
    assert (title, body) == (truth.title, "\n\n".join(block.text for block in truth.blocks))
    assert versions == (title, body)
    with sqlite3.connect(archive / "archive.sqlite") as connection:
        history = connection.execute(
            "select version, title, reason, supersedes, changed_fields from article_versions "
            "where article_id = (select id from articles where url = ?) order by version",
            (SITE_URL + truth.path,),
        ).fetchall()
    # The damaged reading stays as it was stored; the repaired one is a new version that says why.
    assert [row[:2] for row in history] == [(1, damaged_title), (2, truth.title)]
    assert history[0][2:4] == ("", None)
    assert history[1][2].startswith("re-extracted by dvscrape ") and history[1][3] == 1
    assert '"title"' in history[1][4] and '"body"' in history[1][4]
    shown = run_cli("history", SITE_URL + truth.path, "--archive", str(archive))
    assert "re-extracted by dvscrape" in shown.stdout and f"+ {truth.title}" in shown.stdout
    again = run_cli("reextract", "--archive", str(archive))  # the same extractor again adds nothing
    assert again.returncode == 0 and "read differently" not in again.stdout, again.stdout


def test_articles_that_show_no_date_get_an_inferred_one(crawled_archive: CrawledArchive) -> None:
    corpus = build_corpus(2023, REPLICA_ARTICLES)
    rows = {
        url: (published, source, inferred)
        for url, published, source, inferred in _query(
            crawled_archive, "select url, published_date, published_source, published_inferred from articles"
        )
    }
    hidden = [article for article in corpus.articles if not article.show_date_in_metadata]
    assert hidden
    for article in hidden:
        published, source, inferred = rows[SITE_URL + article.path]
        assert published is not None, (article.url_title, source)
        assert inferred == 1 and source in ("listing", "body", "body+listing-year", "body+sitemap-year")
        assert published[:10] <= article.published.date().isoformat()
    shown = [rows[SITE_URL + article.path] for article in corpus.articles if article.show_date_in_metadata]
    assert all(inferred == 0 and source == "metadata" for _, source, inferred in shown)
