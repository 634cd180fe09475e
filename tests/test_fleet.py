"""A fleet run on two real Scrapyd processes on loopback, crawling two replica portals of different kinds (a Liferay 7
city portal with the hcmcity profile, the Tân Bình Liferay 6.2 portal with the tanbinh profile): both archived, a node
killed mid-crawl has its site resumed on the other node with nothing lost or doubled, and the CLI's errors are one
line."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from dvscrape.errors import ConfigurationError
from dvscrape.replica.process import ReplicaProcess, start_replica_process
from dvscrape.runs.exitcodes import ExitCode
from dvscrape.runs.fleet.config import load_fleet
from dvscrape.runs.fleet.egg import build_egg
from dvscrape.runs.fleet.local import LocalScrapyd, start_scrapyd
from dvscrape.runs.fleet.run import FleetReport, FleetRunner, site_of_job
from tests.conftest import run_cli

pytest.importorskip("scrapyd", reason="Scrapyd is in the test extra")

SMALL, LARGE = 12, 80
MID_WAY = 10  # articles the large site's crawl has archived when its node is killed
# Quick but not instant: the large site's crawl lasts long enough to be killed in the middle.
FLEET_SETTINGS = """
[settings]
AUTOTHROTTLE_ENABLED = false
DOWNLOAD_DELAY = 0.05
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DVSCRAPE_FETCH_MEDIA = false
"""


# The profile each site of the tests is crawled with: the small site is the Liferay 7 replica, the large one Tân Bình.
PROFILES = {"small": "hcmcity", "large": "tanbinh"}


def _fleet_file(folder: Path, nodes: list[LocalScrapyd], sites: dict[str, str], extra: str = "") -> Path:
    text = "".join(f'[[nodes]]\nurl = "{node.url}"\n\n' for node in nodes)
    for name, url in sites.items():
        profile = PROFILES[name]
        text += f'[[sites]]\nname = "{name}"\nprofile = "{profile}"\narchive = "{name}"\nbase_url = "{url}"\n\n'
    path = folder / "fleet.toml"
    path.write_text(text + FLEET_SETTINGS + extra, encoding="utf-8")
    return path


def _articles(archive: Path) -> list[str]:
    with sqlite3.connect(archive / "archive.sqlite") as conn:
        return [row[0] for row in conn.execute("SELECT url FROM articles")]


@pytest.fixture(scope="module")
def portals() -> Iterator[tuple[ReplicaProcess, ReplicaProcess]]:
    with (
        start_replica_process("--portal", "city7", "--articles", str(SMALL), "--seed", "7", quiet=True) as small,
        start_replica_process("--articles", str(LARGE), "--slow-delay", "0.2", quiet=True) as large,
    ):
        yield small, large


@pytest.fixture()
def nodes(tmp_path: Path) -> Iterator[list[LocalScrapyd]]:
    started = [start_scrapyd(tmp_path / "node-a"), start_scrapyd(tmp_path / "node-b")]
    yield started
    for node in started:
        node.stop()


def test_fleet_run_archives_every_site_and_a_second_run_is_incremental(
    portals: tuple[ReplicaProcess, ReplicaProcess], nodes: list[LocalScrapyd], tmp_path: Path
) -> None:
    small, large = portals
    fleet_file = _fleet_file(tmp_path, nodes, {"small": small.url, "large": large.url})

    result = run_cli("fleet", "run", str(fleet_file), "--poll", "0.5", timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("deployed dvscrape") == 2  # both nodes lacked this version
    lines = {line.split(":")[0]: line for line in result.stdout.splitlines() if line.startswith(("small:", "large:"))}
    assert f"new {SMALL}," in lines["small"] and f"new {LARGE}," in lines["large"], result.stdout
    # Balanced by load: the two sites ran on different nodes.
    assert {lines["small"].split(" on ")[1].split(" ")[0], lines["large"].split(" on ")[1].split(" ")[0]} == {
        nodes[0].url.split("//")[1],
        nodes[1].url.split("//")[1],
    }
    assert len(set(_articles(tmp_path / "small"))) == len(_articles(tmp_path / "small")) == SMALL
    assert len(set(_articles(tmp_path / "large"))) == len(_articles(tmp_path / "large")) == LARGE
    for site in ("small", "large"):  # the bundled profiles crawl their replicas with no trap guard triggered
        with sqlite3.connect(tmp_path / site / "archive.sqlite") as conn:
            assert conn.execute("SELECT url FROM refused_urls WHERE reason LIKE 'guard %'").fetchall() == []
            # Each node checked its crawl's replay: every page resolves and every article reads as stored; with
            # DVSCRAPE_FETCH_MEDIA off, the images are what does not replay.
            checks = conn.execute("SELECT kind, resolves, text_matches, missing FROM qa").fetchall()
            assert checks and all(resolves and (text or kind != "article") for kind, resolves, text, _ in checks)
            missing = {url for *_, urls in checks for url in json.loads(urls)}
            assert missing and all(urlsplit(url).path.startswith(("/image/", "/documents/")) for url in missing)

    # One dataset across the sites, each article exactly once, with its site.
    exported = run_cli("export", "--fleet", str(fleet_file), "--format", "jsonl", "--out", str(tmp_path / "dataset"))
    assert exported.returncode == 0, exported.stderr
    rows = [json.loads(line) for line in (tmp_path / "dataset" / "articles.jsonl").read_text().splitlines()]
    assert Counter(row["site"] for row in rows) == {"small": SMALL, "large": LARGE}
    assert len({(row["site"], row["url"]) for row in rows}) == len(rows)
    both = run_cli(
        "export",
        "--archive",
        str(tmp_path / "small"),
        "--archive",
        str(tmp_path / "large"),
        "--format",
        "jsonl",
        "--out",
        str(tmp_path / "by-profile"),
    )
    # Without a fleet file, an archive's site is the profile it was crawled with: the two kinds of portal.
    assert both.returncode == 0, both.stderr
    by_profile = [json.loads(line) for line in (tmp_path / "by-profile" / "articles.jsonl").read_text().splitlines()]
    assert Counter(row["site"] for row in by_profile) == {"hcmcity": SMALL, "tanbinh": LARGE}
    assert all(
        row["url"].startswith("https://hochiminhcity.gov.vn/web/guest/-/") for row in rows if row["site"] == "small"
    )
    twice = run_cli(
        "export",
        "--archive",
        str(tmp_path / "large"),
        "--archive",
        str(tmp_path / "large"),
        "--format",
        "csv",
        "--out",
        str(tmp_path / "x"),
    )
    assert twice.returncode != 0 and "both hold the site 'tanbinh'" in twice.stderr
    # Search across the sites' archives: hits name their site.
    word = rows[0]["title"].split()[0]
    found = run_cli("search", word, "--fleet", str(fleet_file), "--json", "--limit", "200")
    assert found.returncode == 0, found.stderr
    hits = [hit for hit in json.loads(found.stdout) if "site" in hit]
    assert hits and {hit["site"] for hit in hits} <= {"small", "large"}
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores)

    again = run_cli("fleet", "run", str(fleet_file), "--poll", "0.5", timeout=300)
    assert "deployed dvscrape" not in again.stdout  # the nodes already hold this version
    assert again.returncode in (ExitCode.SUCCESS, ExitCode.NOTHING_TO_DO), again.stdout + again.stderr
    assert "new 0," in again.stdout

    status = run_cli("fleet", "status", str(fleet_file))
    assert status.returncode == 0, status.stderr
    assert status.stdout.count("finished") >= 4 and "small" in status.stdout and "large" in status.stdout


def test_a_node_killed_mid_crawl_has_its_site_resumed_on_the_other_node(
    portals: tuple[ReplicaProcess, ReplicaProcess], nodes: list[LocalScrapyd], tmp_path: Path
) -> None:
    _, large = portals
    fleet = load_fleet(_fleet_file(tmp_path, nodes, {"large": large.url}))
    messages: list[str] = []
    runner = FleetRunner(fleet, poll_seconds=0.5, echo=messages.append, egg=build_egg())
    reports: list[FleetReport] = []
    thread = threading.Thread(target=lambda: reports.append(runner.run()))
    thread.start()
    archive = tmp_path / "large"
    # Mid-way is when the crawl has committed MID_WAY articles to the archive; the node is then frozen (SIGSTOP to
    # Scrapyd and its crawls) where it stands, counted and killed: the kill cannot come after the crawl's end.
    while len(_stored(archive)) < MID_WAY:
        assert thread.is_alive(), f"the fleet run ended before the crawl was mid-way: {reports} {messages}"
        thread.join(0.1)
    first_node = next(node for node in nodes if _runs(runner, node))
    os.killpg(first_node.process.pid, signal.SIGSTOP)
    stored_before_kill = len(_stored(archive))
    assert MID_WAY <= stored_before_kill < LARGE, "the crawl must be killed in its middle"
    first_node.stop()
    thread.join()
    assert reports, "the fleet run did not end"
    summary = reports[0].sites[0]
    assert summary.attempts == 2 and len(set(summary.nodes)) == 2, (summary, messages)
    assert summary.outcome.exit_code == ExitCode.SUCCESS, (summary, messages)
    assert any("stopped answering" in message for message in messages)
    urls = _articles(archive)
    assert len(urls) == len(set(urls)) == LARGE
    with sqlite3.connect(archive / "archive.sqlite") as conn:
        crawls = conn.execute("SELECT status, resumed_from FROM crawls ORDER BY id").fetchall()
    assert crawls[-1][1] == 1, crawls  # the second crawl resumed the first
    verify = run_cli("verify", "--archive", str(archive))
    assert verify.returncode == 0, verify.stdout


def _stored(archive: Path) -> list[str]:
    """The archive's committed articles; none while it does not exist (opened read-only: never created here)."""
    try:
        with sqlite3.connect(f"file:{archive / 'archive.sqlite'}?mode=ro", uri=True) as conn:
            return [row[0] for row in conn.execute("SELECT url FROM articles")]
    except sqlite3.Error:
        return []


def _runs(runner: FleetRunner, node: LocalScrapyd) -> bool:
    from dvscrape.runs.fleet.scrapyd import ScrapydNode

    jobs = ScrapydNode(node.url).jobs(runner.fleet.project)
    return any(job.state == "running" and site_of_job(job.job_id) == "large" for job in jobs)


def test_fleet_file_errors_are_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "fleet.toml"
    bad.write_text('[[nodes]]\nurl = "ftp://x"\n', encoding="utf-8")
    result = run_cli("fleet", "run", str(bad))
    assert result.returncode == ExitCode.BAD_CONFIGURATION
    assert result.stderr.strip().count("\n") == 0 and "Scrapyd node" in result.stderr
    missing = run_cli("fleet", "status", str(tmp_path / "none.toml"))
    assert missing.returncode == ExitCode.BAD_CONFIGURATION and "cannot read" in missing.stderr


def test_no_node_answering_is_a_clear_error(tmp_path: Path) -> None:
    fleet = tmp_path / "fleet.toml"
    fleet.write_text(
        '[[nodes]]\nurl = "http://127.0.0.1:9"\n\n[[sites]]\nname = "a"\nprofile = "tanbinh"\narchive = "a"\n',
        encoding="utf-8",
    )
    result = run_cli("fleet", "run", str(fleet))
    assert result.returncode == ExitCode.SITE_UNREACHABLE
    assert "no Scrapyd node of the fleet answers" in result.stderr
    assert not (tmp_path / "a").exists()


def test_the_example_fleet_file_parses_and_maps_archives_per_node() -> None:
    fleet = load_fleet(Path(__file__).resolve().parent.parent / "contrib" / "fleet.example.toml")
    site = fleet.sites[0]
    assert [fleet.archive_on(site, node) for node in fleet.nodes] == ["/srv/archives/tanbinh", "/mnt/archives/tanbinh"]
    assert site.settings["DVSCRAPE_OPERATOR"] == "archive-team@example.org"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[nodes]]\nurl = "http://a:6800"\n', "names no [[sites]]"),
        ('[[nodes]]\nurl = "http://a:6800"\n[[sites]]\nname = "x y"\nprofile = "p"\narchive = "a"\n', "'name' may"),
        ('[[nodes]]\nurl = "http://a:6800"\n[[sites]]\nname = "x"\narchive = "a"\n', "'profile' is required"),
        ('[[nodes]]\nurl = "http://a:6800"\n[[nodes]]\nurl = "http://a:6800"\n', "names the node url"),
        ('[[nodes]]\nurl = "http://a:6800"\n[[sites]]\nname = "x"\nprofile = "p"\narchive = "a"\nport = 1\n', "port"),
        ("nodes = 3\n", "array of tables"),
        (
            '[[nodes]]\nurl = "http://a:6800"\n[[sites]]\nname = "x"\nprofile = "nowhere"\narchive = "a"\n',
            "[[sites]] #1: unknown site 'nowhere'; known sites: hcmcity, tanbinh",
        ),
        ('[[nodes]]\nurl = "http://a:6800"\n[settings]\nDELAY = [1]\n', "not a setting"),
    ],
)
def test_fleet_file_mistakes_are_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "fleet.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        load_fleet(path)
