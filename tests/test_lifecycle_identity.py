"""Nothing doubled: the site is the identity, the mirror is transport. Articles, versions and history are
keyed by the site's own address whatever base URL served them; captures keep the URL actually fetched; archives
made before are rewritten by a recorded migration."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from dvscrape.archive.db import Archive
from dvscrape.archive.migrations import applied_migrations
from dvscrape.replica import build_corpus
from dvscrape.replica.process import start_replica_process
from dvscrape.sites import get_profile
from tests.archivist_helpers import SPECS, ArchiveBuilder
from tests.conftest import fast_crawl_args, run_cli

SITE_URL = get_profile("tanbinh").site_url


def query(directory: Path, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(directory / "archive.sqlite") as conn:
        return conn.execute(sql, args).fetchall()


def as_before_issue_14(directory: Path, origin: str) -> None:
    """Rewrite what a crawl from *origin* stored the way dvscrape did before: canonical URLs on the fetched origin."""
    with sqlite3.connect(directory / "archive.sqlite") as conn:
        conn.create_function("dvscrape_fold", 1, lambda text: text)
        for table, column in (
            ("articles", "url"),
            ("captures", "canonical_url"),
            ("figures", "image_url"),
            ("article_versions", "figures"),
            ("related_links", "url"),
        ):
            conn.execute(
                f"UPDATE {table} SET {column} = replace({column}, ?, ?) WHERE {column} LIKE ?",
                (SITE_URL, origin, "%" + SITE_URL + "%"),
            )


def test_the_migration_makes_one_article_of_each_doubled_pair_and_keeps_every_version(tmp_path: Path) -> None:
    directory = tmp_path / "archive"
    first = ArchiveBuilder(directory, base_url="http://127.0.0.1:1111")
    first.add_page(SPECS[0])
    first.add_page(SPECS[1])
    first.close()
    as_before_issue_14(directory, "http://127.0.0.1:1111")
    second = ArchiveBuilder(directory, base_url="http://127.0.0.1:2222")
    second.moment += timedelta(days=1)  # the second run is a day later
    second.add_page(SPECS[0])
    second.add_page(replace(SPECS[1], title=SPECS[1].title + " (cập nhật)"))
    second.add_page(SPECS[2])
    second.close()
    # what a second demo on a new port did: every article twice
    with sqlite3.connect(directory / "archive.sqlite") as conn:
        conn.create_function("dvscrape_fold", 1, lambda text: text)
        conn.execute("UPDATE articles SET url = replace(url, ?, ?)", (SITE_URL, "http://127.0.0.1:2222"))
        conn.execute(
            "UPDATE captures SET canonical_url = replace(canonical_url, ?, ?)", (SITE_URL, "http://127.0.0.1:2222")
        )
    assert query(directory, "select count(*), count(distinct title) from articles") == [(5, 4)]
    captures_before = query(directory, "select id, url from captures order by id")

    # an archive of an older dvscrape: the migration is pending, and runs when the archive is opened
    with sqlite3.connect(directory / "archive.sqlite") as conn:
        conn.execute("DELETE FROM _migrations WHERE name IN ('m0012_site_canonical_urls', 'm0017_figures_on_site')")
    with Archive.open(directory) as archive:
        assert "m0012_site_canonical_urls" in applied_migrations(archive.db)
    figures = query(directory, "select figures from article_versions where figures like '%hoi-nghi%'")
    assert figures and all(f'"image_url":"{SITE_URL}/documents/' in text for (text,) in figures), figures

    urls = [url for (url,) in query(directory, "select url from articles order by id")]
    assert len(urls) == 3 and all(url.startswith(SITE_URL + "/web/neoportal/-/") for url in urls)
    assert query(directory, "select id, url from captures order by id") == captures_before  # fetched URLs kept
    assert query(directory, "select count(*) from captures where canonical_url not like ?", SITE_URL + "%") == [(0,)]
    edited = query(
        directory,
        "select v.version, v.title from article_versions v join articles a on a.id = v.article_id "
        "where a.url like ? order by v.version",
        f"%/-/{SPECS[1].slug}",
    )
    assert [title for _, title in edited] == [SPECS[1].title, SPECS[1].title + " (cập nhật)"]
    assert [version for version, _ in edited] == [1, 2]
    current = query(directory, "select title, id from articles where url like ?", f"%/-/{SPECS[1].slug}")
    assert current[0][0] == SPECS[1].title + " (cập nhật)"  # the content seen last is the article's
    assert current[0][1] == 2  # the oldest id is kept (citations by id stay valid)
    assert query(
        directory, "select count(*) from article_versions where article_id not in (select id from articles)"
    ) == [(0,)]
    search = run_cli("search", "Đông Hưng", "--archive", str(directory))
    assert search.returncode == 0 and search.stdout.count(f"{SITE_URL}/web/neoportal/-/{SPECS[1].slug}") == 1


def test_the_demo_twice_in_one_folder_is_an_incremental_run_without_doubles(tmp_path: Path) -> None:
    first = run_cli("demo", cwd=tmp_path, timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr[-2000:]
    archive = tmp_path / "archive"
    after_first = query(archive, "select count(*), count(distinct url), count(distinct title) from articles")
    assert after_first[0][:2] == (60, 60)
    second = run_cli("demo", cwd=tmp_path, timeout=300)
    assert second.returncode in (0, 4), second.stdout + second.stderr[-2000:]
    assert query(archive, "select count(*), count(distinct url), count(distinct title) from articles") == after_first
    assert query(archive, "select count(*) from article_versions") == [(60,)]
    bases = [base for (base,) in query(archive, "select base_url from crawls order by id")]
    assert len(bases) == 2 and bases[0] != bases[1]  # each run records the port it crawled
    fetched = query(archive, "select count(distinct substr(url, 1, 22)) from captures")
    assert fetched == [(2,)]  # captures keep the URL actually fetched
    counts = query(archive, "select requests from crawls order by id")
    assert counts[1][0] < counts[0][0] * 0.5, counts


def test_extract_and_the_archive_agree_on_the_url(tmp_path: Path) -> None:
    result = run_cli("demo", "--articles", "20", cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    archive = tmp_path / "archive"
    (stored,) = query(archive, "select url from articles order by id limit 1")[0]
    path = stored.removeprefix(SITE_URL)
    extracted = run_cli("extract", path, "--archive", str(archive))
    assert extracted.returncode == 0, extracted.stderr
    assert json.loads(extracted.stdout)["url"] == stored


@pytest.fixture(scope="module")
def port_changes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five crawls into one archive: twice on one port, twice on another (unchanged), then edition 2 on a third."""
    archive = tmp_path_factory.mktemp("ports") / "archive"
    for edition, runs in ((1, 2), (1, 2), (2, 1)):
        with start_replica_process("--articles", "20", "--slow-delay", "0", "--edition", str(edition)) as site:
            for _ in range(runs):
                result = run_cli(*fast_crawl_args(site.url, archive, "-s", "DVSCRAPE_PROGRESS_INTERVAL=0"))
                assert result.returncode in (0, 4), result.stdout + result.stderr[-2000:]
    return archive


def test_an_unchanged_recrawl_after_a_port_change_costs_what_it_costs_on_the_same_port(port_changes: Path) -> None:
    requests = [count for (count,) in query(port_changes, "select requests from crawls order by id")]
    assert requests[3] == requests[1], requests  # held images are held, whichever port served them last


def test_the_first_crawl_on_a_new_port_archives_the_page_requisites_its_pages_name(port_changes: Path) -> None:
    # crawl 3 is the first on the second port: its pages name the theme files under that port, held under the first
    incomplete = query(port_changes, "select url, missing from qa where crawl_id = 3 and replay_bad > 0")
    assert query(port_changes, "select count(*) from qa where crawl_id = 3") != [(0,)]
    assert incomplete == [], incomplete[:3]


def test_history_after_a_port_change_names_only_what_the_site_changed(port_changes: Path) -> None:
    edited = build_corpus(2023, 20, edition=2).edited
    assert edited
    for url_title in edited:
        history = run_cli("history", f"{SITE_URL}/web/neoportal/-/{url_title}", "--archive", str(port_changes))
        assert history.returncode == 0, history.stderr
        assert "changed: body\n" in history.stdout + "\n", history.stdout  # the images' host is transport
    figures = query(port_changes, "select count(*), sum(image_url like ?) from figures", SITE_URL + "/%")
    assert figures[0][0] > 0 and figures[0][0] == figures[0][1], figures
