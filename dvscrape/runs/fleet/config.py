"""The fleet file (TOML): the Scrapyd nodes that run crawls and the sites they crawl.

```toml
[[nodes]]
url = "http://crawler-1:6800"        # a Scrapyd node
# archive_root = "/srv/archives"     # where this node sees the archives (optional; see below)

[[sites]]
name = "tanbinh"                     # one line of the summary, one job at a time
profile = "tanbinh"                  # the site profile to crawl with (`dvscrape sites list`)
archive = "/srv/archives/tanbinh"    # the site's own archive folder
# base_url = "http://mirror:8080"    # a mirror of the site (optional)

[settings]                           # crawl settings of every site (optional; [sites.settings] per site)
DOWNLOAD_DELAY = 1.0
```

A relative `archive` is read against the fleet file's folder. When a node mounts the shared storage elsewhere, its
`archive_root` replaces the fleet file's `archive_root` (top level) prefix of each site's archive path.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from dvscrape.errors import ConfigurationError
from dvscrape.sites import get_profile

_SITE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


@dataclass(frozen=True)
class Node:
    """A Scrapyd node: its base URL and, optionally, where it sees the archives' common root."""

    url: str
    archive_root: str = ""

    @property
    def name(self) -> str:
        """host:port, for messages."""
        return urlsplit(self.url).netloc


@dataclass(frozen=True)
class FleetSite:
    """One site of the fleet: a profile crawled into its own archive folder."""

    name: str
    profile: str
    archive: Path
    base_url: str = ""
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Fleet:
    """A parsed fleet file."""

    nodes: tuple[Node, ...]
    sites: tuple[FleetSite, ...]
    archive_root: str = ""
    project: str = "dvscrape"

    def archive_on(self, site: FleetSite, node: Node) -> str:
        """The path of *site*'s archive as *node* sees it."""
        if self.archive_root and node.archive_root:
            try:
                relative = PurePosixPath(site.archive).relative_to(self.archive_root)
            except ValueError:
                return str(site.archive)
            return str(PurePosixPath(node.archive_root) / relative)
        return str(site.archive)


def load_fleet(path: Path) -> Fleet:
    """Read and check the fleet file at *path*; raise ConfigurationError with one sentence when it is unusable."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigurationError(f"cannot read the fleet file {path}: {error.strerror}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigurationError(f"{path} is not valid TOML: {error}") from error
    return parse_fleet(data, base_dir=path.parent)


def parse_fleet(data: Mapping[str, Any], *, base_dir: Path) -> Fleet:
    """Build a Fleet from parsed TOML *data*; relative archive paths are read against *base_dir*."""
    unknown = set(data) - {"nodes", "sites", "settings", "archive_root", "project"}
    if unknown:
        raise ConfigurationError(f"unknown fleet file key(s): {', '.join(sorted(unknown))}")
    nodes = tuple(_node(entry, index) for index, entry in enumerate(_tables(data, "nodes")))
    if not nodes:
        raise ConfigurationError("the fleet file names no [[nodes]]")
    _unique([node.url for node in nodes], "node url")
    common = _settings(data.get("settings", {}), "[settings]")
    sites = tuple(_site(entry, index, base_dir, common) for index, entry in enumerate(_tables(data, "sites")))
    if not sites:
        raise ConfigurationError("the fleet file names no [[sites]]")
    _unique([site.name for site in sites], "site name")
    _unique([str(site.archive) for site in sites], "site archive folder")
    return Fleet(nodes, sites, str(data.get("archive_root", "")), str(data.get("project", "dvscrape")))


def _tables(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise ConfigurationError(f"'{key}' must be an array of tables ([[{key}]])")
    return value


def _node(entry: Mapping[str, Any], index: int) -> Node:
    url = entry.get("url")
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise ConfigurationError(f"[[nodes]] #{index + 1}: 'url' must be the http(s) URL of a Scrapyd node")
    unknown = set(entry) - {"url", "archive_root"}
    if unknown:
        raise ConfigurationError(f"[[nodes]] #{index + 1}: unknown key(s) {', '.join(sorted(unknown))}")
    return Node(url.rstrip("/"), str(entry.get("archive_root", "")))


def _site(entry: Mapping[str, Any], index: int, base_dir: Path, common: Mapping[str, Any]) -> FleetSite:
    where = f"[[sites]] #{index + 1}"
    unknown = set(entry) - {"name", "profile", "archive", "base_url", "settings"}
    if unknown:
        raise ConfigurationError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    for key in ("name", "profile", "archive"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise ConfigurationError(f"{where}: '{key}' is required (a non-empty string)")
    if not _SITE_NAME.fullmatch(entry["name"]):
        raise ConfigurationError(f"{where}: 'name' may hold only letters, digits, '_' and '-' (it names jobs and logs)")
    archive = Path(entry["archive"])
    if not archive.is_absolute():
        archive = (base_dir / archive).resolve()
    base_url = entry.get("base_url", "")
    if base_url and urlsplit(str(base_url)).scheme not in ("http", "https"):
        raise ConfigurationError(f"{where}: 'base_url' must be an http(s) URL")
    settings = {**common, **_settings(entry.get("settings", {}), f"{where} settings")}
    if not settings.get("DVSCRAPE_PROFILES_DIR"):
        # The profile ships in the egg (or in this machine's DVSCRAPE_PROFILES_DIR, as on the nodes): a wrong name or a
        # broken profile is a mistake of the fleet file, named now rather than by jobs failing on every node.
        try:
            get_profile(entry["profile"], str(base_url) or None)
        except ConfigurationError as error:
            raise ConfigurationError(f"{where}: {error}") from error
    return FleetSite(entry["name"], entry["profile"], archive, str(base_url), settings)


def _settings(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigurationError(f"{where} must be a table of Scrapy/DVSCRAPE settings")
    for name, setting in value.items():
        if not name.isupper() or isinstance(setting, dict | list):
            raise ConfigurationError(f"{where}: {name!r} is not a setting NAME = scalar value")
    return dict(value)


def _unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ConfigurationError(f"the fleet file names the {what} {value!r} twice")
        seen.add(value)
