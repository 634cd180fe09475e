"""Site profiles as data: the bundled TOML files load into the typed profile, every mistake in a profile file is named
in one sentence, a user's profile folder is read first, and a profile that is wrong about the portal stops the crawl
with the bad-configuration outcome (exit code 2) after a handful of requests."""

from __future__ import annotations

import json
import re
import sqlite3
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from dvscrape.errors import ConfigurationError
from dvscrape.replica.process import ReplicaProcess
from dvscrape.runs.exitcodes import ExitCode
from dvscrape.sites import available_sites, bundled_profiles_dir, get_profile, profile_files
from dvscrape.sites.loader import parse_profile
from dvscrape.sites.profile import Selectors
from tests.conftest import run_cli

TANBINH = bundled_profiles_dir() / "tanbinh.toml"


def _tanbinh_data() -> dict[str, object]:
    return tomllib.loads(TANBINH.read_text(encoding="utf-8"))


def test_the_tanbinh_profile_file_gives_the_profile_the_crawl_knew() -> None:
    profile = get_profile("tanbinh", "http://127.0.0.1:8765")
    assert profile.name == "tanbinh" and profile.liferay == "6.2" and profile.source == str(TANBINH)
    assert profile.site_url == "https://tanbinh.hochiminhcity.gov.vn" and profile.base_url == "http://127.0.0.1:8765"
    assert profile.urls.site_path == "/web/neoportal" and "/lich-cong-tac" in profile.urls.trap_path_parts
    assert len(profile.listing_paths) == 5
    assert profile.selectors.categories.startswith("div.asset-categories a, span.")
    assert profile.boilerplate.boilerplate_portlet_titles == ("Tin tức nổi bật", "Danh mục", "TIN TỨC MEDIA")
    assert profile.selectors.article_view == Selectors().article_view  # 6.2 defaults where the file says nothing
    assert "tanbinh" in available_sites()


def test_a_liferay_7_profile_starts_from_the_liferay_7_page_kinds() -> None:
    data = {**_tanbinh_data(), "liferay": "7", "selectors": {}}
    profile = parse_profile(data, "tanbinh", "test")
    assert "p.asset-publisher-title" in profile.selectors.listing_entry_link
    assert "delta" in profile.urls.noise_param_suffixes
    assert "h4.component-title" in profile.selectors.view_title


def _with(change: dict[str, object], table: str = "") -> dict[str, object]:
    data = _tanbinh_data()
    if table:
        data[table] = {**data.get(table, {}), **change}  # type: ignore[dict-item]
    else:
        data.update(change)
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_with({"listing_path": []}), "'listing_path' is not a profile key (did you mean 'listing_paths'?)"),
        (_with({"boddy": "div.x"}, "selectors"), "[selectors] 'boddy' is not a profile key (did you mean 'body'?)"),
        (_with({"download_delay": "fast"}, "politeness"), "[politeness] download_delay must be a number, got 'fast'"),
        (_with({"download_delay": -1}, "politeness"), "download_delay must not be negative"),
        (_with({"body": "div..x"}, "selectors"), "[selectors] body 'div..x' is not a valid CSS selector"),
        (_with({"drop_lines": "Back"}, "boilerplate"), "[boilerplate] drop_lines must be a list of strings"),
        (_with({"liferay": "8"}), "liferay must be one of 6.2, 7, got '8'"),
        (_with({"name": "other"}), "name 'other' differs from the file name 'tanbinh'.toml"),
        (_with({"site_url": "tanbinh.gov.vn"}), "site_url must be an absolute http(s) URL"),
        (_with({"listing_paths": ["/web/other/x"]}), "listing path '/web/other/x' is not under the site path"),
        (_with({"sitemap_path": "sitemap.xml"}), "sitemap_path must be a path starting with '/'"),
        (
            _with({"trap_path_parts": ["/kinh-te-xa-hoi"]}, "urls"),
            "the start page '/web/neoportal/kinh-te-xa-hoi' is not crawled as a listing: "
            "path contains '/kinh-te-xa-hoi'",
        ),
        ({"site_url": "https://x.gov.vn"}, "'listing_paths' is required"),
        ({**_tanbinh_data(), "urls": "x"}, "'urls' must be a table ([urls])"),
    ],
)
def test_profile_mistakes_are_named_in_one_sentence(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        parse_profile(data, "tanbinh", "/etc/profiles/tanbinh.toml")
    text = str(caught.value)
    assert text.startswith("profile /etc/profiles/tanbinh.toml: ") and message in text, text
    assert "\n" not in text


def test_unreadable_profile_files_are_named(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('site_url = "https://x.gov.vn"\nlisting_paths = [\n', encoding="utf-8")
    with pytest.raises(ConfigurationError, match=re.escape(f"profile {broken} is not valid TOML")):
        get_profile("broken", profiles_dir=str(tmp_path))
    with pytest.raises(ConfigurationError, match="unknown site 'nowhere'; known sites: .*tanbinh"):
        get_profile("nowhere")
    with pytest.raises(ConfigurationError, match="is not a folder"):
        profile_files(str(tmp_path / "missing"))


def test_a_profile_folder_of_the_user_is_read_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tanbinh.toml").write_text(
        TANBINH.read_text(encoding="utf-8").replace("max_listing_page = 500", "max_listing_page = 7"), encoding="utf-8"
    )
    monkeypatch.setenv("DVSCRAPE_PROFILES_DIR", str(tmp_path))
    assert get_profile("tanbinh").urls.max_listing_page == 7
    assert profile_files()["tanbinh"] == tmp_path / "tanbinh.toml"
    monkeypatch.delenv("DVSCRAPE_PROFILES_DIR")
    assert get_profile("tanbinh").urls.max_listing_page == 500


def _bad_profile(folder: Path, name: str, *replacements: tuple[str, str]) -> None:
    text = TANBINH.read_text(encoding="utf-8").replace('name = "tanbinh"', f'name = "{name}"')
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    (folder / f"{name}.toml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "replacements", "message"),
    [
        # Article links ('/-/') taken for traps: the start pages link no article.
        ("nolinks", [('"/lich-cong-tac"]', '"/lich-cong-tac", "/-/"]')], "finds no article links on its 6 start page"),
        # Selectors of another theme: the article view is never found, only the generic fallback's boilerplate.
        (
            "nobody",
            [
                ('article_view = "div.asset-full-content"', 'article_view = "div.nope"'),
                ('body = "div.journal-content-article"', 'body = "div.nope-body"'),
            ],
            "the first 5 articles extract only boilerplate or an empty body",
        ),
    ],
)
def test_a_wrong_profile_stops_the_crawl_as_bad_configuration(
    replica: ReplicaProcess, tmp_path: Path, name: str, replacements: list[tuple[str, str]], message: str
) -> None:
    folder = tmp_path / "profiles"
    folder.mkdir()
    _bad_profile(folder, name, *replacements)
    archive, summary = tmp_path / "archive", tmp_path / "summary.json"
    result = run_cli(
        "crawl", name, "--base-url", replica.url, "--archive", str(archive), "--fast", "--summary-json", str(summary),
        "-s", f"DVSCRAPE_PROFILES_DIR={folder}", "-s", "LOG_LEVEL=WARNING",
    )  # fmt: skip
    assert result.returncode == ExitCode.BAD_CONFIGURATION, result.stdout + result.stderr[-3000:]
    error = json.loads(summary.read_text(encoding="utf-8"))["error"]
    assert message in error and f"profile {name!r} ({folder / (name + '.toml')})" in error and "\n" not in error
    assert f"error: {error}" in result.stdout
    with sqlite3.connect(archive / "archive.sqlite") as conn:
        status, requests = conn.execute("SELECT status, requests FROM crawls").fetchone()
    assert status == "bad configuration"
    assert requests < 150  # stopped early: a whole crawl of the 60 articles, their images and pages takes ~260


def test_an_unknown_site_is_a_one_line_configuration_error(tmp_path: Path) -> None:
    result = run_cli("crawl", "nowhere", "--archive", str(tmp_path / "a"))
    assert result.returncode == ExitCode.BAD_CONFIGURATION
    assert "unknown site 'nowhere'" in result.stderr and result.stderr.strip().count("\n") == 0


@pytest.mark.parametrize(
    ("fast", "overrides", "delay"), [(False, {}, 2.0), (True, {}, 0.0), (False, {"DOWNLOAD_DELAY": "5"}, 5.0)]
)
def test_a_profile_politeness_applies_below_fast_and_overrides(
    tmp_path: Path, fast: bool, overrides: dict[str, str], delay: float
) -> None:
    from scrapy.crawler import Crawler

    from dvscrape.runs.crawl import build_settings
    from dvscrape.spiders.portal import PortalSpider

    crawler = Crawler(PortalSpider, build_settings(tmp_path, overrides, fast=fast))
    spider = crawler._create_spider(site="hcmcity")
    assert spider.profile.name == "hcmcity" and spider.name == "portal"
    assert crawler.settings.getfloat("DOWNLOAD_DELAY") == delay
    assert crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == (16 if fast else 1)
    with pytest.raises(ConfigurationError, match="needs a site profile"):
        Crawler(PortalSpider, build_settings(tmp_path, {}, fast=False))._create_spider()


def test_profile_checks_judge_only_what_they_can() -> None:
    from dvscrape.pages.article import Article, Block, NotArticle
    from dvscrape.spiders.checks import ProfileChecks

    profile = get_profile("tanbinh")
    unchanged = ProfileChecks(profile)  # a re-crawl: a start page answered 304 says nothing about its links
    for _ in range(2):
        unchanged.start_page_requested()
    assert unchanged.start_page_done(status=200) == "" and unchanged.start_page_done(status=304, unchanged=True) == ""
    down = ProfileChecks(profile)  # the site's trouble, not the profile's
    down.start_page_requested()
    assert down.start_page_done(status=None) == "" and down.start_page_done(status=503) == ""
    missing = ProfileChecks(profile)  # start pages the portal does not have
    missing.start_page_requested()
    assert "1 of them answered 'not found'" in missing.start_page_done(status=404)

    articles = ProfileChecks(profile, max_articles=2)
    url = "https://tanbinh.hochiminhcity.gov.vn/web/neoportal/-/x"
    assert articles.article_extracted(url, NotArticle(url, "not-found", "dead link")) == ""
    generic = Article(url, url, "vi_VN", "Tiêu đề", blocks=(Block("paragraph", "Chữ."),), template="generic")
    assert articles.article_extracted(url, generic) == ""
    assert "the first 2 articles" in articles.article_extracted(
        url, replace(generic, template="asset-publisher", blocks=())
    )
    good = ProfileChecks(profile, max_articles=2)
    assert good.article_extracted(url, replace(generic, template="asset-publisher")) == ""
    assert good.article_extracted(url, generic) == "" and good.article_extracted(url, generic) == ""


def test_sites_list_names_a_broken_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "broken.toml").write_text('site_url = "https://x.gov.vn"\n', encoding="utf-8")
    monkeypatch.setenv("DVSCRAPE_PROFILES_DIR", str(tmp_path))
    result = run_cli("sites", "list")
    assert result.returncode == ExitCode.BAD_CONFIGURATION
    assert "broken" in result.stdout and "tanbinh" in result.stdout and "hcmcity" in result.stdout
    assert f"profile {tmp_path / 'broken.toml'}: 'listing_paths' is required" in result.stderr
