"""A small client of Scrapyd's JSON API (daemonstatus, listversions, addversion, schedule, listjobs).

Every call raises NodeUnavailable when the node does not answer and FleetError when it answers with an error, so the
fleet runner can tell a dead node (reschedule elsewhere) from a refused request (a configuration problem).
"""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dvscrape.errors import FleetError, NodeUnavailable

DEFAULT_TIMEOUT = 15.0


@dataclass(frozen=True)
class JobInfo:
    """A job as a node lists it: its id, state (pending, running, finished) and spider."""

    job_id: str
    state: str
    spider: str
    start_time: str = ""
    end_time: str = ""


class ScrapydNode:
    """One Scrapyd node, reached over HTTP at *url*."""

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout

    def load(self) -> int:
        """Pending plus running jobs: the node's load as the scheduler balances it."""
        status = self._call("GET", "daemonstatus.json")
        return int(status.get("pending", 0)) + int(status.get("running", 0))

    def versions(self, project: str) -> list[str]:
        """The egg versions of *project* deployed on the node."""
        return [str(version) for version in self._call("GET", "listversions.json", {"project": project})["versions"]]

    def add_version(self, project: str, version: str, egg: bytes) -> None:
        """Upload *egg* as *version* of *project*."""
        boundary = secrets.token_hex(16)
        parts = [
            _form_part(boundary, "project", project.encode()),
            _form_part(boundary, "version", version.encode()),
            _form_part(boundary, "egg", egg, filename=f"{project}-{version}.egg"),
        ]
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        self._call("POST", "addversion.json", body=body, content_type=f"multipart/form-data; boundary={boundary}")

    def schedule(
        self,
        project: str,
        spider: str,
        *,
        job_id: str,
        version: str,
        settings: Mapping[str, Any],
        arguments: Mapping[str, str],
    ) -> str:
        """Queue a run of *spider*; return the job id the node accepted."""
        fields = [("project", project), ("spider", spider), ("jobid", job_id), ("_version", version)]
        fields += [("setting", f"{name}={value}") for name, value in settings.items()]  # True/False as Scrapy reads
        fields += arguments.items()
        return str(self._call("POST", "schedule.json", form=fields)["jobid"])

    def jobs(self, project: str) -> list[JobInfo]:
        """Every job of *project* the node knows: pending, running and the finished ones it still remembers."""
        listing = self._call("GET", "listjobs.json", {"project": project})
        jobs = []
        for state in ("pending", "running", "finished"):
            for entry in listing.get(state, []):
                jobs.append(
                    JobInfo(
                        str(entry["id"]),
                        state,
                        str(entry.get("spider", "")),
                        str(entry.get("start_time") or ""),
                        str(entry.get("end_time") or ""),
                    )
                )
        return jobs

    def _call(
        self,
        method: str,
        endpoint: str,
        query: Mapping[str, str] | None = None,
        *,
        form: Sequence[tuple[str, str]] | None = None,
        body: bytes | None = None,
        content_type: str = "",
    ) -> dict[str, Any]:
        url = f"{self.url}/{endpoint}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        if form is not None:
            body = urllib.parse.urlencode(list(form)).encode()
            content_type = "application/x-www-form-urlencoded"
        request = urllib.request.Request(url, data=body, method=method)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            raise FleetError(f"{self.url}: {endpoint} answered HTTP {error.code}") from error
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise NodeUnavailable(f"{self.url} does not answer ({reason})") from error
        try:
            data = json.loads(payload)
        except ValueError as error:
            raise FleetError(f"{self.url}: {endpoint} did not answer JSON (is this a Scrapyd node?)") from error
        if not isinstance(data, dict) or data.get("status") != "ok":
            message = data.get("message", data) if isinstance(data, dict) else data
            raise FleetError(f"{self.url}: {endpoint} refused: {message}")
        return data


def _form_part(boundary: str, name: str, value: bytes, *, filename: str = "") -> bytes:
    disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
    head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
    if filename:
        head += "Content-Type: application/octet-stream\r\n"
    return head.encode() + b"\r\n" + value + b"\r\n"
