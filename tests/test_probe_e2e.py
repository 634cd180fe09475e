"""A portal the project has never seen, as a new user meets it: `dvscrape sites probe URL --out NAME.toml` on the
Liferay 7.4 department portal (tests/replicas/stnmt: written from Liferay's templates, not from dvscrape's profiles),
then `dvscrape crawl NAME` with the draft as written. Every article is archived once with its fields right (checked
against the portal's own ground truth), the crawl steps into no trap, its requests stay within a small multiple of
the pages that exist, and its first summary says how the draft guessed. The probe also reads the bundled replicas
as their profiles describe them."""

from __future__ import annotations

import json
import sqlite3
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dvscrape.replica.process import ReplicaProcess, start_replica_process
from dvscrape.sites import get_profile
from dvscrape.sites.draft import draft_toml
from dvscrape.sites.probe import probe
from dvscrape.sites.urls import path_has_part
from tests.conftest import run_cli
from tests.test_guards_e2e import STNMT, crawl_portal, replica_json

REQUESTS_PER_PAGE = 1.5  # robots.txt, the sitemap and a few refused-then-recorded pages aside, one fetch a page


@pytest.fixture(scope="module")
def portal() -> Iterator[ReplicaProcess]:
    with start_replica_process(module=STNMT, quiet=True) as running:
        yield running


@dataclass(frozen=True)
class ProbedCrawl:
    """The probe's draft and the crawl made with it, unedited."""

    probed: Any
    draft: str
    crawl: Any
    summary: dict[str, Any]
    archive: Path
    asked: dict[str, Any]  # what the crawl asked of the portal: its counters after less before
    truth: dict[str, Any]


@pytest.fixture(scope="module")
def probed_crawl(portal: ReplicaProcess, tmp_path_factory: pytest.TempPathFactory) -> ProbedCrawl:
    folder = tmp_path_factory.mktemp("probe")
    draft = folder / "profiles" / "new" / "stnmt.toml"  # a folder that does not exist yet
    probed = run_cli("sites", "probe", portal.url + "/", "--out", str(draft))
    before = replica_json(portal.url, "stats")
    crawl, summary = crawl_portal(folder, draft.parent)
    after = replica_json(portal.url, "stats")
    asked = {
        "requests": after["requests"] - before["requests"],
        "traps": after["traps"] - before["traps"],
        "articles": {name: count - before["articles"].get(name, 0) for name, count in after["articles"].items()},
    }
    text = draft.read_text(encoding="utf-8") if draft.exists() else ""
    truth = replica_json(portal.url, "truth.json")
    return ProbedCrawl(probed, text, crawl, summary, folder / "archive", asked, truth)


def test_the_draft_tells_listings_from_a_page_with_news_beside_it(probed_crawl: ProbedCrawl) -> None:
    assert probed_crawl.probed.returncode == 0, probed_crawl.probed.stdout + probed_crawl.probed.stderr
    draft = tomllib.loads(probed_crawl.draft)
    assert list(draft["listing_paths"]) == probed_crawl.truth["listing_paths"]
    assert "/web/stnmt/lich-cong-tac is not a listing: its Asset Publisher sits in a side column" in probed_crawl.draft
    assert draft["selectors"]["publish_date"].startswith("span.date-info")
    assert "'Đã xuất bản 14/06/2024'" in probed_crawl.draft


def test_the_draft_writes_the_traps_it_saw_and_what_it_could_not_know(probed_crawl: ProbedCrawl) -> None:
    urls = tomllib.loads(probed_crawl.draft)["urls"]
    assert "vn_stnmt_lichcongtac_web_portlet_LichCongTacPortlet" in urls["trap_portlet_ids"]  # the week links
    assert "com_liferay_login_web_portlet_LoginPortlet" in urls["trap_portlet_ids"]  # the generation's kept
    assert "/web/stnmt/search" in urls["trap_path_parts"]
    checks = [line for line in probed_crawl.draft.splitlines() if line.startswith("#  - CHECK")]
    assert any("trap guards" in line for line in checks)
    assert any("boilerplate" in line for line in checks)


def test_every_article_is_archived_once_with_its_fields_right(probed_crawl: ProbedCrawl) -> None:
    assert probed_crawl.crawl.returncode == 0, probed_crawl.crawl.stdout + probed_crawl.crawl.stderr[-3000:]
    truth = {article["url_title"]: article for article in probed_crawl.truth["articles"]}
    assert set(probed_crawl.asked["articles"]) == set(truth)
    assert set(probed_crawl.asked["articles"].values()) == {1}
    with sqlite3.connect(probed_crawl.archive / "archive.sqlite") as conn:
        rows = conn.execute("SELECT id, url, title, published_date, categories, body, signature FROM articles")
        stored = {url.rsplit("/", 1)[-1]: (id_, *rest) for id_, url, *rest in rows}
        captions = {
            id_: [
                caption
                for (caption,) in conn.execute(
                    "SELECT caption FROM figures WHERE article_id = ? ORDER BY position", (id_,)
                )
            ]
            for id_, *_ in stored.values()
        }
    assert set(stored) == set(truth)
    for url_title, expected in truth.items():
        id_, title, published, categories, body, signature = stored[url_title]
        got = {
            "title": title,
            "published": published,
            "category": json.loads(categories),
            "paragraphs": body.split("\n\n"),
            "captions": captions[id_],
            "signature": signature,
        }
        wanted = {**expected, "category": [expected["category"]]}
        assert got == {key: wanted[key] for key in got}, url_title


def test_the_crawl_steps_into_no_trap_and_fetches_what_exists(probed_crawl: ProbedCrawl) -> None:
    assert probed_crawl.asked["traps"] == 0
    assert probed_crawl.summary["guards_triggered"] == []
    pages = probed_crawl.truth["pages_that_exist"]
    assert probed_crawl.summary["counts"]["requests"] <= REQUESTS_PER_PAGE * pages
    assert probed_crawl.asked["requests"] <= REQUESTS_PER_PAGE * pages


def test_the_first_summary_says_how_the_draft_guessed(probed_crawl: ProbedCrawl) -> None:
    articles = len(probed_crawl.truth["articles"])
    out = probed_crawl.crawl.stdout
    assert f"first crawl of stnmt: {articles} articles found, {articles} archived; empty fields: title 0, date 0" in out
    assert "date 0, category 0, body 0, signature 0, captions 0 of" in out
    assert "boilerplate suspected: none" in out
    assert "trap guards: none triggered" in out
    assert probed_crawl.summary["first_crawl_report"][0].startswith("  first crawl of stnmt")


@pytest.mark.parametrize(("portal_name", "profile"), [("tanbinh", "tanbinh"), ("city7", "hcmcity")])
def test_the_probe_reads_the_bundled_replicas_as_their_profiles_do(portal_name: str, profile: str) -> None:
    with start_replica_process("--portal", portal_name, "--articles", "30", quiet=True) as running:
        found = probe(running.url + "/", profile)
    known = get_profile(profile)
    assert [listing.path for listing in found.listings] == list(known.listing_paths)
    assert found.home_path == known.urls.home_path and not found.skipped
    draft = tomllib.loads(draft_toml(found))
    needed = (known.urls.site_path, known.urls.home_path, *known.listing_paths)
    for part in draft["urls"].get("trap_path_parts", ()):
        assert not any(path_has_part(path, part) for path in needed), part  # nothing the crawl needs is a trap
