"""What the fleet's nodes are doing: reachable or not, their load, and the jobs of the project they list."""

from __future__ import annotations

from dataclasses import dataclass, field

from dvscrape.errors import FleetError
from dvscrape.runs.fleet.config import Fleet
from dvscrape.runs.fleet.run import site_of_job
from dvscrape.runs.fleet.scrapyd import JobInfo, ScrapydNode


@dataclass(frozen=True)
class NodeStatus:
    """One node as seen now."""

    name: str
    reachable: bool
    load: int = 0
    versions: tuple[str, ...] = ()
    jobs: tuple[JobInfo, ...] = field(default_factory=tuple)
    error: str = ""

    def lines(self, recent: int = 10) -> list[str]:
        """The node's lines in `dvscrape fleet status`: running and queued jobs, then the newest finished ones."""
        if not self.reachable:
            return [f"{self.name}: not answering ({self.error})"]
        deployed = self.versions[-1] if self.versions else "nothing deployed"
        lines = [f"{self.name}: load {self.load}, newest version {deployed}"]
        active = [job for job in self.jobs if job.state in ("running", "pending")]
        finished = sorted((job for job in self.jobs if job.state == "finished"), key=lambda job: job.end_time)
        for job in active + finished[-recent:]:
            site = site_of_job(job.job_id) or "?"
            when = job.end_time or job.start_time
            lines.append(f"  {job.state:<8} {site:<16} {job.job_id}  {when}".rstrip())
        return lines


def fleet_status(fleet: Fleet) -> list[NodeStatus]:
    """Ask every node of *fleet* for its load, versions and jobs."""
    statuses = []
    for node in fleet.nodes:
        client = ScrapydNode(node.url, timeout=5.0)
        try:
            load = client.load()
        except FleetError as error:
            statuses.append(NodeStatus(node.name, False, error=str(error)))
            continue
        try:
            versions = tuple(client.versions(fleet.project))
            jobs = tuple(client.jobs(fleet.project))
        except FleetError:
            versions, jobs = (), ()  # the project was never deployed there
        statuses.append(NodeStatus(node.name, True, load, versions, jobs))
    return statuses
