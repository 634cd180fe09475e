"""Settings declared once and checked before anything is opened; values derived from the effective settings."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from dvscrape.errors import ConfigurationError
from dvscrape.runs.crawl import build_settings
from dvscrape.settings.declared import PROJECT_SETTINGS, SettingsAddon, check_settings

CLOSED_PORT = "http://127.0.0.1:9"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DOWNLOAD_DELAY": "abc"}, "setting DOWNLOAD_DELAY: 'abc' is not a number"),
        ({"CONCURRENT_REQUESTS": "0"}, "setting CONCURRENT_REQUESTS: 0 is less than 1"),
        ({"RETRY_ENABLED": "maybe"}, "setting RETRY_ENABLED: 'maybe' is not a boolean"),
        ({"DVSCRAPE_MAX_ARTICLES": "-1"}, "setting DVSCRAPE_MAX_ARTICLES: -1 is less than 0"),
        ({"DVSCRAPE_EXTRACT_WORKERS": "1.5"}, "setting DVSCRAPE_EXTRACT_WORKERS: '1.5' is not a whole number"),
        ({"DVSCRAPE_RETRY_BACKOFF": "-0.5"}, "setting DVSCRAPE_RETRY_BACKOFF: -0.5 is less than 0"),
        ({"DVSCRAPE_FETCH_MEDIA": "yes"}, "setting DVSCRAPE_FETCH_MEDIA: 'yes' is not a boolean"),
        ({"DVSCRAPE_MAX_ARTICLE": "5"}, "unknown setting DVSCRAPE_MAX_ARTICLE (did you mean DVSCRAPE_MAX_ARTICLES?)"),
    ],
)
def test_a_bad_value_is_a_configuration_error_naming_the_setting(overrides: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        check_settings(build_settings(Path("archive"), overrides, fast=False))
    assert str(raised.value).startswith(message)


def test_good_values_pass_in_every_form_scrapy_reads() -> None:
    check_settings(build_settings(Path("archive"), {}, fast=True))
    good = {"DOWNLOAD_DELAY": "0.5", "RETRY_ENABLED": "0", "DVSCRAPE_FETCH_MEDIA": "False", "DVSCRAPE_OPERATOR": "x"}
    check_settings(build_settings(Path("archive"), good, fast=False))
    assert {setting.type for setting in PROJECT_SETTINGS} <= {bool, int, float, str}


def test_the_user_agent_comes_from_the_effective_operator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DVSCRAPE_OPERATOR", "env@example.org")
    from_option = build_settings(Path("archive"), {"DVSCRAPE_OPERATOR": "me@example.org"}, fast=False)
    SettingsAddon().update_settings(from_option)
    assert "contact: me@example.org" in from_option["USER_AGENT"]
    from_environment = build_settings(Path("archive"), {}, fast=False)
    SettingsAddon().update_settings(from_environment)
    assert from_environment["DVSCRAPE_OPERATOR"] == "env@example.org"
    assert "contact: env@example.org" in from_environment["USER_AGENT"]
    chosen = build_settings(Path("archive"), {"USER_AGENT": "mine/1.0"}, fast=False)
    SettingsAddon().update_settings(chosen)
    assert chosen["USER_AGENT"] == "mine/1.0"


def crawl(tmp_path: Path, *settings: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = ["crawl", "--base-url", CLOSED_PORT, "--archive", str(tmp_path / "a"), "--fast"]
    quiet = ["-s", "RETRY_TIMES=0", "-s", "DVSCRAPE_PROGRESS_INTERVAL=0", "-s", "LOG_LEVEL=WARNING"]
    return subprocess.run(
        [sys.executable, "-m", "dvscrape", *command, *quiet, *settings],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize("setting", ["DOWNLOAD_DELAY=abc", "DVSCRAPE_MAX_ARTICLES=-2", "DVSCRAPE_ARCHIV_DIR=x"])
def test_a_bad_setting_stops_the_crawl_before_the_archive_is_opened(tmp_path: Path, setting: str) -> None:
    result = crawl(tmp_path, "-s", setting)
    assert result.returncode == 2, result.stdout + result.stderr[-2000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and setting.split("=")[0] in lines[0] and "Traceback" not in result.stderr, lines
    assert not (tmp_path / "a").exists()  # no crawl row left `running` for the next run to "resume"


def test_an_operator_given_with_s_is_in_the_user_agent(tmp_path: Path) -> None:
    result = crawl(tmp_path, "-s", "DVSCRAPE_OPERATOR=me@example.org", env={"DVSCRAPE_OPERATOR": "env@example.org"})
    assert result.returncode == 6, result.stdout + result.stderr[-2000:]
    with sqlite3.connect(tmp_path / "a" / "archive.sqlite") as connection:
        (options,) = connection.execute("SELECT options FROM crawls").fetchone()
    assert "contact: me@example.org" in json.loads(options)["user_agent"]


def test_crawl_help_lists_every_project_setting() -> None:
    from click.testing import CliRunner

    from dvscrape.cli import main

    result = CliRunner().invoke(main, ["crawl", "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    missing = [setting.name for setting in PROJECT_SETTINGS if f"{setting.name} (default" not in result.output]
    assert not missing, result.output
    assert "8 interrupted" in result.output


def test_a_crawl_without_an_operator_says_so_once_at_start(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "DVSCRAPE_OPERATOR"}
    result = subprocess.run(
        [sys.executable, "-m", "dvscrape", "crawl", "--base-url", CLOSED_PORT, "--archive", str(tmp_path / "a")]
        + ["--fast", "-s", "RETRY_TIMES=0", "-s", "DVSCRAPE_PROGRESS_INTERVAL=0"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.stderr.count("DVSCRAPE_OPERATOR is not set") == 1, result.stderr[-2000:]
    given = crawl(tmp_path, env={"DVSCRAPE_OPERATOR": "me@example.org"})
    assert "DVSCRAPE_OPERATOR is not set" not in given.stderr


def test_the_spider_takes_the_declared_defaults(tmp_path: Path) -> None:
    """spiders/portal.py kept copies of some defaults (the extraction size limit, the media and extraction switches);
    the spider now reads every one from the crawl's settings, whose defaults are the declarations."""
    from scrapy.crawler import Crawler

    from dvscrape.settings.declared import defaults
    from dvscrape.spiders.portal import PortalSpider

    spider = Crawler(PortalSpider, build_settings(tmp_path, {}, fast=False))._create_spider(site="tanbinh")
    declared = defaults()
    assert spider.extract_enabled is declared["DVSCRAPE_EXTRACT_ENABLED"]
    assert spider.fetch_media is declared["DVSCRAPE_FETCH_MEDIA"]
    assert spider.fetch_requisites is declared["DVSCRAPE_FETCH_REQUISITES"]
    assert spider.extract_maxsize == declared["DVSCRAPE_EXTRACT_MAXSIZE"]
    assert spider.max_articles == declared["DVSCRAPE_MAX_ARTICLES"]
    off = Crawler(PortalSpider, build_settings(tmp_path, {"DVSCRAPE_FETCH_MEDIA": "0"}, fast=False))
    assert off._create_spider(site="tanbinh").fetch_media is False
