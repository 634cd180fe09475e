"""bench/scale.py's builder makes a real archive: two portals' chunks, with versions and gone articles, that
`dvscrape verify` accepts and `dvscrape search` finds its articles in."""

from __future__ import annotations

import json
from pathlib import Path

from bench.scale_corpus import build
from dvscrape.archive.db import Archive
from tests.conftest import run_cli


def test_scale_builder_archive_verifies_and_is_searchable(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    result = build(archive, range(2), articles=25, workers=1)
    assert result.articles >= 50 and result.versions > 0 and result.gone > 0, result
    with Archive.open(archive, readonly=True) as opened:
        stored = opened.db.execute("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM article_versions)")
        assert stored.fetchone() == (result.articles, result.articles + result.versions)
        rows = opened.db.execute("SELECT url, title FROM articles ORDER BY id").fetchall()
    hosts = {url.split("/")[2] for url, _ in rows}
    assert hosts == {"tanbinh.hochiminhcity.gov.vn", "hochiminhcity.gov.vn"}, hosts
    verified = run_cli("verify", "--archive", str(archive))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    url, title = rows[-1]  # a city portal article (the second chunk)
    found = run_cli("search", "--archive", str(archive), "--json", title)
    assert found.returncode == 0, found.stderr
    assert url in [hit["url"] for hit in json.loads(found.stdout)], found.stdout
