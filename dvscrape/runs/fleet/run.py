"""A fleet run: one crawl per site on the Scrapyd nodes, balanced by load, watched until every site has an outcome.

The archive is the witness: Scrapyd says that a job ended, the site's archive (its `crawls` rows) says how. A job that
ended without a finished crawl (killed, node restarted) or whose node stopped answering is scheduled again, on another
node when there is one; the new crawl resumes the unfinished one from the archive (the resume rules of a crawl), so
nothing is lost or doubled. A site whose job is already queued or running is watched, never scheduled twice.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from dvscrape.archive.crawl_log import CrawlRecord, crawls_after, newest_crawl_id
from dvscrape.errors import ArchiveError, FleetError, NodeUnavailable
from dvscrape.runs.exitcodes import ExitCode
from dvscrape.runs.fleet.config import Fleet, FleetSite, Node
from dvscrape.runs.fleet.egg import Egg, build_egg
from dvscrape.runs.fleet.scrapyd import JobInfo, ScrapydNode
from dvscrape.runs.outcome import Outcome

JOB_SEPARATOR = "--"
GENERIC_SPIDER = "portal"  # spiders/portal.py, given the profile as its `site` argument
# Outcomes after which the same crawl is tried again: it did not run to its end (or could not start because the
# previous attempt's crawl still held the lock); the next attempt resumes it.
RETRYABLE = frozenset({Outcome.INTERRUPTED, Outcome.LOCKED, Outcome.INTERNAL_ERROR})
# From the best outcome to the worst: the fleet run exits with the code of its worst site.
SEVERITY = (
    Outcome.SUCCESS,
    Outcome.NOTHING_NEW,
    Outcome.PARTIAL,
    Outcome.LOCKED,
    Outcome.INTERRUPTED,
    Outcome.SITE_UNREACHABLE,
    Outcome.ARCHIVE_UNUSABLE,
    Outcome.BAD_CONFIGURATION,
    Outcome.INTERNAL_ERROR,
)


def job_id_for(site: FleetSite, attempt: int, moment: datetime) -> str:
    """A Scrapyd job id that names the site, so a later run recognises the site's queued or running job."""
    return f"{site.name}{JOB_SEPARATOR}{moment:%Y%m%dT%H%M%S}{JOB_SEPARATOR}{attempt}"


def site_of_job(job_id: str) -> str:
    """The site name a job id made by job_id_for carries ('' for other jobs)."""
    return job_id.split(JOB_SEPARATOR, 1)[0] if JOB_SEPARATOR in job_id else ""


@dataclass(frozen=True)
class SiteSummary:
    """How one site's part of a fleet run ended."""

    name: str
    outcome: Outcome
    nodes: tuple[str, ...]
    attempts: int
    counts: dict[str, int] = field(default_factory=dict)
    message: str = ""

    def line(self) -> str:
        """One line of the printed summary."""
        counts = self.counts
        text = (
            f"{self.name}: {self.outcome.status} on {', '.join(self.nodes) or 'no node'} "
            f"({self.attempts} attempt(s)): new {counts.get('articles_new', 0)}, "
            f"changed {counts.get('articles_updated', 0)}, gone {counts.get('articles_gone', 0)}, "
            f"WARC bytes {counts.get('bytes_written', 0)}"
        )
        return text + (f" — {self.message}" if self.message else "")


@dataclass(frozen=True)
class FleetReport:
    """The summaries of a fleet run, one per site."""

    sites: tuple[SiteSummary, ...]

    @property
    def exit_code(self) -> ExitCode:
        """The exit code of the worst outcome."""
        worst = max((SEVERITY.index(site.outcome) for site in self.sites), default=0)
        return SEVERITY[worst].exit_code


@dataclass
class _Job:
    """A site's job as the runner follows it."""

    site: FleetSite
    baseline: int
    node: Node | None = None
    job_id: str = ""
    attempts: int = 0
    nodes: list[str] = field(default_factory=list)
    summary: SiteSummary | None = None
    notes: list[str] = field(default_factory=list)


class FleetRunner:
    """Runs a Fleet: deploys the installed dvscrape where missing, schedules, watches and reschedules."""

    def __init__(
        self,
        fleet: Fleet,
        *,
        poll_seconds: float = 5.0,
        max_attempts: int = 3,
        timeout_seconds: float | None = None,
        echo: Callable[[str], None] = print,
        egg: Egg | None = None,
        client: Callable[[Node], ScrapydNode] = lambda node: ScrapydNode(node.url),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.fleet = fleet
        self.poll_seconds = poll_seconds
        self.max_attempts = max_attempts
        self.timeout_seconds = timeout_seconds
        self.echo = echo
        self.egg = egg
        self.clients = {node: client(node) for node in fleet.nodes}
        self.sleep = sleep
        self.down: set[Node] = set()
        self.assigned: dict[Node, int] = {node: 0 for node in fleet.nodes}
        self.load: dict[Node, int] = {}

    def run(self) -> FleetReport:
        """Schedule every site and wait for all of them; raise FleetError when no node can take a job."""
        self._probe_nodes()
        version = self._deploy()
        existing = self._existing_jobs()
        jobs = [_Job(site, _baseline(site)) for site in self.fleet.sites]
        for job in jobs:
            if job.site.name in existing:
                job.node, job.job_id = existing[job.site.name]
                job.attempts, job.nodes = 1, [job.node.name]
                self.echo(f"{job.site.name}: already queued or running on {job.node.name} as {job.job_id}; watching it")
            else:
                self._schedule(job, version)
        deadline = None if self.timeout_seconds is None else time.monotonic() + self.timeout_seconds
        while any(job.summary is None for job in jobs):
            if deadline is not None and time.monotonic() > deadline:
                for job in jobs:
                    if job.summary is None:
                        self._finish(job, Outcome.INTERRUPTED, "the fleet run timed out waiting for it (still running)")
                break
            self.sleep(self.poll_seconds)
            self._poll([job for job in jobs if job.summary is None], version)
        return FleetReport(tuple(job.summary for job in jobs if job.summary is not None))

    # -- nodes --------------------------------------------------------------------------------------------------

    def _probe_nodes(self) -> None:
        for node, client in self.clients.items():
            try:
                self.load[node] = client.load()
            except FleetError as error:
                self.down.add(node)
                self.echo(f"node {node.name} left out: {error}")
        if len(self.down) == len(self.clients):
            raise FleetError("no Scrapyd node of the fleet answers")

    def _deploy(self) -> str:
        egg = self.egg or build_egg()
        for node in self._up_nodes():
            try:
                if not is_deployed(egg.version, self.clients[node].versions(self.fleet.project)):
                    self.clients[node].add_version(self.fleet.project, egg.version, egg.data)
                    self.echo(f"node {node.name}: deployed dvscrape {egg.version}")
            except NodeUnavailable as error:
                self._node_down(node, str(error))
        return egg.version

    def _existing_jobs(self) -> dict[str, tuple[Node, str]]:
        found: dict[str, tuple[Node, str]] = {}
        for node in self._up_nodes():
            try:
                listed = self.clients[node].jobs(self.fleet.project)
            except NodeUnavailable as error:
                self._node_down(node, str(error))
                continue
            except FleetError:
                continue  # the project is not on this node yet: nothing of ours runs there
            for job in listed:
                if job.state in ("pending", "running") and site_of_job(job.job_id):
                    found[site_of_job(job.job_id)] = (node, job.job_id)
        return found

    def _up_nodes(self) -> list[Node]:
        return [node for node in self.fleet.nodes if node not in self.down]

    def _node_down(self, node: Node, reason: str) -> None:
        if node not in self.down:
            self.down.add(node)
            self.echo(f"node {node.name} stopped answering: {reason}")

    def _pick_node(self, avoid: Node | None) -> Node | None:
        candidates = self._up_nodes()
        if avoid is not None and len(candidates) > 1:
            candidates = [node for node in candidates if node != avoid]
        if not candidates:
            return None
        return min(candidates, key=lambda node: (self.load.get(node, 0) + self.assigned[node], node.url))

    # -- jobs ---------------------------------------------------------------------------------------------------

    def _schedule(self, job: _Job, version: str, *, avoid: Node | None = None) -> None:
        while True:
            node = self._pick_node(avoid)
            if node is None:
                self._finish(job, Outcome.INTERRUPTED, "no Scrapyd node left to run it")
                return
            job.attempts += 1
            job.job_id = job_id_for(job.site, job.attempts, datetime.now(UTC))
            settings = {**job.site.settings, "DVSCRAPE_ARCHIVE_DIR": self.fleet.archive_on(job.site, node)}
            # One generic spider for every profile (spiders/portal.py): no spider class per site.
            arguments = {"site": job.site.profile, **({"base_url": job.site.base_url} if job.site.base_url else {})}
            try:
                self.clients[node].schedule(
                    self.fleet.project,
                    GENERIC_SPIDER,
                    job_id=job.job_id,
                    version=version,
                    settings=settings,
                    arguments=arguments,
                )
            except NodeUnavailable as error:
                job.attempts -= 1
                self._node_down(node, str(error))
                continue
            except FleetError as error:
                self._finish(job, Outcome.BAD_CONFIGURATION, str(error))
                return
            job.node = node
            job.nodes.append(node.name)
            self.assigned[node] += 1
            self.echo(f"{job.site.name}: scheduled on {node.name} as {job.job_id}")
            return

    def _poll(self, active: list[_Job], version: str) -> None:
        listings: dict[Node, dict[str, JobInfo]] = {}
        for node in {job.node for job in active if job.node is not None and job.node not in self.down}:
            try:
                listings[node] = {info.job_id: info for info in self.clients[node].jobs(self.fleet.project)}
            except NodeUnavailable as error:
                self._node_down(node, str(error))
            except FleetError as error:
                self.echo(f"node {node.name}: {error}")
        for job in active:
            if job.node is None or job.node in self.down:
                self._retry(job, version, "its node stopped answering")
                continue
            info = listings.get(job.node, {}).get(job.job_id)
            if info is not None and info.state in ("pending", "running"):
                continue
            self._judge(job, version)

    def _judge(self, job: _Job, version: str) -> None:
        assert job.node is not None
        self.assigned[job.node] -= 1
        try:
            records = crawls_after(job.site.archive, job.baseline)
        except ArchiveError as error:
            self._finish(job, Outcome.ARCHIVE_UNUSABLE, str(error))
            return
        if not records:
            self._retry(job, version, "the job ended without recording a crawl (see its log on the node)")
            return
        newest = records[-1]
        outcome = Outcome.of_status(newest.status)
        if outcome is None:
            self._retry(job, version, f"crawl {newest.crawl_id} was cut off (still marked running)")
        elif outcome in RETRYABLE:
            self._retry(job, version, f"crawl {newest.crawl_id} ended {outcome.status}")
        else:
            self._finish(job, outcome, "", records)

    def _retry(self, job: _Job, version: str, reason: str) -> None:
        job.notes.append(reason)
        if job.attempts >= self.max_attempts:
            records = _records_or_none(job)
            last = Outcome.of_status(records[-1].status) if records else None
            self._finish(job, last or Outcome.INTERRUPTED, "; ".join(job.notes), records)
            return
        self.echo(f"{job.site.name}: {reason}; scheduling it again")
        self._schedule(job, version, avoid=job.node)

    def _finish(self, job: _Job, outcome: Outcome, message: str, records: list[CrawlRecord] | None = None) -> None:
        counts: dict[str, int] = {}
        for record in records or []:
            for name, value in record.counts.items():
                counts[name] = counts.get(name, 0) + value
        job.summary = SiteSummary(job.site.name, outcome, tuple(job.nodes), job.attempts, counts, message)


def _baseline(site: FleetSite) -> int:
    try:
        return newest_crawl_id(site.archive)
    except ArchiveError:
        return 0


def _records_or_none(job: _Job) -> list[CrawlRecord]:
    try:
        return crawls_after(job.site.archive, job.baseline)
    except ArchiveError:
        return []


def _file_safe(version: str) -> str:
    # Scrapyd's file egg storage lists a version under its file name: '0.1.0+ab' is listed as '0_1_0_ab'.
    return re.sub(r"[^A-Za-z0-9_-]", "_", version)


def is_deployed(version: str, listed: list[str]) -> bool:
    """Whether *version* is among the versions a node lists (as given, or in Scrapyd's file-safe spelling)."""
    return version in listed or _file_safe(version) in {_file_safe(item) for item in listed}
