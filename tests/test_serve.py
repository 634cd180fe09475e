"""dvscrape serve: a real Datasette server on the crawled archive, queried through its JSON API."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dvscrape.serving.replay import free_port
from tests.conftest import CrawledArchive, run_cli

pytest.importorskip("datasette")


def get_json(base: str, path: str, **params: str) -> Any:
    query = urllib.parse.urlencode(params)
    with urllib.request.urlopen(f"{base}{path}?{query}", timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def server(crawled_archive: CrawledArchive) -> Iterator[str]:
    port = free_port("127.0.0.1")
    process = subprocess.Popen(
        [sys.executable, "-m", "dvscrape", "serve", "--archive", str(crawled_archive.directory), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # a minute: a loaded machine starts Datasette slowly
            try:
                get_json(base, "/-/versions.json")
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(process.stdout.read() if process.stdout else "serve exited") from None
                time.sleep(0.1)
        else:
            pytest.fail(f"dvscrape serve never answered on {base}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_metadata_describes_tables_and_columns(server: str) -> None:
    metadata = get_json(server, "/-/metadata.json")
    tables = metadata["databases"]["archive"]["tables"]
    assert "WARC" in tables["articles_provenance"]["description"]
    assert tables["articles"]["columns"]["content_hash"].startswith("SHA-256")
    assert set(metadata["databases"]["archive"]["queries"]) == {
        "search",
        "article_history",
        "url_captures",
        "search_documents",
    }
    assert "documents" in tables and "document_list" in tables


def test_the_qa_table_is_shown_with_every_column_described(server: str) -> None:
    table = get_json(server, "/archive/qa.json", _shape="objects", _size="max")
    described = get_json(server, "/-/metadata.json")["databases"]["archive"]["tables"]["qa"]["columns"]
    assert table["rows"] and set(table["columns"]) == set(described)
    assert all(row["resolves"] == 1 and row["missing"] == "[]" for row in table["rows"])


def test_canned_search_is_ranked_with_snippets_and_folds_d(server: str) -> None:
    rows = get_json(server, "/archive/search.json", q="dan van", _shape="array")
    assert rows and "[" in rows[0]["snippet"]
    assert [row["score"] for row in rows] == sorted(row["score"] for row in rows)
    assert get_json(server, "/archive/search.json", q="Dân vận", _shape="array") == rows
    assert get_json(server, "/archive/search.json", q="Đông", _shape="array") == get_json(
        server, "/archive/search.json", q="dong", _shape="array"
    )
    assert get_json(server, "/archive/search.json", q='"', _shape="array") == []


def test_table_search_and_facets(server: str) -> None:
    searched = get_json(server, "/archive/articles.json", _search="dan van", _shape="objects")
    assert searched["rows"] and searched["filtered_table_rows_count"] >= 1
    listing = get_json(server, "/archive/article_list.json")
    facets = listing["facet_results"]
    assert {"year", "category", "signature"} <= set(facets)
    assert facets["category"]["results"]


def test_history_and_captures_queries(server: str, crawled_archive: CrawledArchive) -> None:
    import sqlite3

    (url,) = sqlite3.connect(crawled_archive.database).execute("SELECT url FROM articles LIMIT 1").fetchone()
    history = get_json(server, "/archive/article_history.json", url=url, _shape="array")
    assert [row["version"] for row in history] == [1] and history[0]["warc_record_id"]
    captures = get_json(server, "/archive/url_captures.json", url=url, _shape="array")
    assert captures and captures[0]["status"] == 200 and captures[0]["warc_filename"].endswith(".warc.gz")


def test_metadata_file_for_plain_datasette(tmp_path: Path, crawled_archive: CrawledArchive) -> None:
    output = tmp_path / "metadata.json"
    result = run_cli("serve", "--archive", str(crawled_archive.directory), "--metadata", str(output))
    assert result.returncode == 0
    assert json.loads(output.read_text(encoding="utf-8"))["databases"]["archive"]["tables"]["articles"]["fts_table"]


def test_serve_refuses_a_missing_archive(tmp_path: Path) -> None:
    result = run_cli("serve", "--archive", str(tmp_path / "none"), "--port", str(free_port("127.0.0.1")))
    assert result.returncode == 7 and "not a dvscrape archive" in result.stderr


@pytest.mark.parametrize(("typed", "folded"), [("đồng", "dong"), ("Đông", "dong"), ("đại biểu", "dai bieu")])
def test_table_search_box_treats_d_stroke_as_d(server: str, typed: str, folded: str) -> None:
    found = get_json(server, "/archive/articles.json", _search=typed, _shape="objects", _size="max")["rows"]
    assert found, f"the table search for {typed!r} found nothing"
    expected = get_json(server, "/archive/articles.json", _search=folded, _shape="objects", _size="max")["rows"]
    assert [row["id"] for row in found] == [row["id"] for row in expected]
    listed = get_json(server, "/archive/article_list.json", _search=typed, _shape="objects", _size="max")["rows"]
    assert len(listed) == len(found)


def test_articles_page_is_a_compact_list_with_links(server: str) -> None:
    with urllib.request.urlopen(f"{server}/archive/articles", timeout=10) as response:
        page = response.read().decode("utf-8")
        assert "_col=title" in response.url
    assert "captures</a>" in page and "replay</a>" in page
    assert 'summary.textContent = "Column descriptions"' in page  # the descriptions are folded away
    assert "Body text, paragraphs" not in page.split("<table", 1)[-1]  # no body column in the list
    with urllib.request.urlopen(f"{server}/archive/article_versions", timeout=10) as response:
        assert '<a href="/archive/captures/' in response.read().decode("utf-8")
