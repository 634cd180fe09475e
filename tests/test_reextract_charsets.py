"""A page is read with one charset rule (text.decode: decode_html over the Content-Type's charset, a byte-order mark
and the <meta> charset), in the crawl and in the rebuild alike: every replica article, the articles typed in TCVN3,
VNI and VIQR, and pages whose charset is given only by a <meta> tag, only by a byte-order mark, wrongly by the HTTP
header, or nowhere, read the same when the archive is rebuilt from its WARC files, field for field."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from dvscrape.replica import build_corpus, charsets
from dvscrape.replica.hostile import ARTICLE_PREFIX
from dvscrape.replica.process import start_replica_process
from dvscrape.sites import get_profile
from tests.conftest import REPLICA_ARTICLES, run_cli
from tests.test_reextract import TABLES, snapshot, without_times

SITE_URL = get_profile("tanbinh").site_url


def test_every_article_reads_the_same_when_rebuilt_from_the_warc_files(tmp_path: Path) -> None:
    """Defect fixed: the crawl read a page with Scrapy's guess of its charset (w3lib: header, BOM, <meta>, else a
    guess such as 'ascii' or 'cp1250'), the rebuild with the header's charset only, so a page declared nowhere
    (UTF-8 with one stray byte) was stored as mojibake by the crawl and rebuilt as Vietnamese."""
    archive = tmp_path / "archive"
    replica_args = ("--articles", str(REPLICA_ARTICLES), "--slow-delay", "0", "--hostile", "charsets")
    with start_replica_process(*replica_args, quiet=True) as replica:
        crawl = run_cli("crawl", "tanbinh", "--base-url", replica.url, "--archive", str(archive), "--fast")
    assert crawl.returncode == 0, crawl.stdout + crawl.stderr[-3000:]
    corpus = build_corpus(2023, REPLICA_ARTICLES)
    with sqlite3.connect(archive / "archive.sqlite") as conn:
        titles = dict(conn.execute("SELECT url, title FROM articles").fetchall())
    assert {SITE_URL + article.path for article in corpus.articles} <= set(titles)
    assert sorted(article.legacy for article in corpus.articles if article.legacy) == ["tcvn3", "viqr", "vni"]
    for kind in charsets.KINDS:  # each page was read right by the crawl
        assert titles[f"{SITE_URL}{ARTICLE_PREFIX}charset-{kind}"] == charsets.title(kind), kind

    rebuilt = tmp_path / "rebuilt"
    shutil.copytree(archive, rebuilt)
    result = run_cli("reextract", "--archive", str(rebuilt))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 failure(s)" in result.stdout and "0 removed" in result.stdout, result.stdout
    before, after = snapshot(archive / "archive.sqlite"), snapshot(rebuilt / "archive.sqlite")
    for table in TABLES:
        assert without_times(after[table]) == without_times(before[table]), table
