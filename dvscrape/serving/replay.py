"""Replay of the archive in pywb: the page list, the pywb collection built from the archive, and replay URLs.

The collection lives in the archive folder (``replay/collections/<name>/``): its ``archive/`` holds links to the
archive's WARC files (nothing is copied), its ``indexes/index.cdxj`` is dvscrape's CDXJ index
(warc/index_store.py), which indexes a server-not-modified revisit as the response it confirmed, so that the newest
capture of a re-checked page replays with its content. The index is rewritten only when the WARC files changed since
it was written, from the index kept beside them (only the files it does not hold yet are read).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dvscrape.archive.db import Archive
from dvscrape.archive.lookup import capture_record, capture_warc_record, captured_origins, replay_articles, replay_home
from dvscrape.errors import DvscrapeError
from dvscrape.warc.cdxj import cdx_timestamp, surt
from dvscrape.warc.files import warc_files
from dvscrape.warc.index_store import folder_index, write_index
from dvscrape.warc.payload import decoded_payload

COLLECTION = "archive"
REPLAY_DIR = "replay"
DEFAULT_PORT = 8090
DEFAULT_REPLAY_BASE = f"http://127.0.0.1:{DEFAULT_PORT}"  # where `dvscrape replay` serves by default
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


class ReplayUnavailableError(DvscrapeError):
    """Raised by pywb_tool and start_pywb when pywb is not installed or does not start."""


@dataclass(frozen=True)
class ReplayPage:
    """One page of the archive as a replay tool lists it: its URL, newest capture time and title."""

    url: str
    fetched_at: str
    title: str
    kind: str

    @property
    def timestamp(self) -> str:
        """The 14-digit capture time of replay URLs."""
        return cdx_timestamp(self.fetched_at)


def _html_title(archive: Archive, capture_id: int) -> str:
    """The <title> of an archived HTML response ('' when it cannot be read)."""
    try:
        record = capture_warc_record(archive, capture_record(archive.db.conn, capture_id))
        match = _TITLE.search(decoded_payload(record)[:65536])
    except (DvscrapeError, OSError, ValueError):
        return ""
    if match is None:
        return ""
    text = match.group(1).decode("utf-8", errors="replace")
    return " ".join(text.replace("&amp;", "&").split())


def replay_pages(archive: Archive) -> Iterator[ReplayPage]:
    """The home page, then every article, once each: at its newest capture with content (a 200 response, or a
    revisit that confirmed one), titled with the page's title (the article title; the home page's <title>); read
    from the archive as they are used."""
    home = replay_home(archive.db.conn)
    if home is not None:
        url, fetched_at, original = home
        title = _html_title(archive, original) if original is not None else ""
        yield ReplayPage(url, fetched_at, title or url, "home")
    for url, fetched_at, title in replay_articles(archive.db.conn):
        yield ReplayPage(url, fetched_at, title, "article")


def replay_url(base: str, timestamp: str, url: str, *, collection: str = COLLECTION, modifier: str = "") -> str:
    """The pywb URL that replays *url* as captured at *timestamp* (14 digits) in *collection*."""
    return f"{base.rstrip('/')}/{collection}/{timestamp}{modifier}/{url}"


@dataclass(frozen=True)
class Collection:
    """A pywb root folder with one collection made from the archive."""

    root: Path
    name: str
    index_lines: int
    reindexed: bool

    @property
    def index(self) -> Path:
        """The collection's CDXJ index."""
        return self.root / "collections" / self.name / "indexes" / "index.cdxj"


def build_collection(
    archive: Archive, root: Path | None = None, *, name: str = COLLECTION, framed: bool = True
) -> Collection:
    """Create or refresh the pywb collection *name* under *root* (default: ``replay/`` in the archive folder):
    WARC files linked, the CDXJ index rewritten from the archive's kept index (warc/index_store) when the WARC files
    changed, pywb's configuration (config_file) written for framed replay or not. Raises DvscrapeError when the
    archive has no WARC file."""
    files = warc_files(archive.warc_dir)
    if not files:
        raise DvscrapeError(f"archive {archive.directory} has no WARC files to replay")
    root = root or archive.directory / REPLAY_DIR
    collection = root / "collections" / name
    archive_dir = collection / "archive"
    index_dir = collection / "indexes"
    archive_dir.mkdir(parents=True, exist_ok=True)
    index_dir.mkdir(parents=True, exist_ok=True)
    for path in files:
        link = archive_dir / path.name
        if not link.exists():
            try:
                link.symlink_to(path.resolve())
            except OSError:
                shutil.copy2(path, link)
    _write_config(root, archive, framed=framed)
    manifest = index_dir / "sources.json"
    index = index_dir / "index.cdxj"
    sources = [[path.name, path.stat().st_size, path.stat().st_mtime_ns] for path in files]
    if index.exists() and manifest.exists() and json.loads(manifest.read_text(encoding="utf-8")) == sources:
        count = index.read_bytes().count(b"\n")
        return Collection(root, name, count, False)
    with folder_index(archive.warc_dir) as store:
        count = write_index(store, index)
    manifest.write_text(json.dumps(sources), encoding="utf-8")
    return Collection(root, name, count, True)


# Liferay's back-link parameters: a link that only adds them names the page at the URL without its query, which is
# the one archived (the crawl fetches each article once, under its canonical URL).
BACK_LINK_QUERY = r"\?(?:[^#]*&)?(?:\w*_)?(?:inheritRedirect|redirect)=[^#]*$"


def _site_prefixes(archive: Archive) -> list[str]:
    """The SURT prefixes of the hosts the archive's pages were fetched from."""
    return sorted({surt(f"{origin}/").split(")", 1)[0] + ")/" for origin in captured_origins(archive.db.conn)})


def _pywb_default_rules() -> str:
    """The text of pywb's own rules.yaml (in pywb's environment), or "" when it cannot be found."""
    try:
        environment = pywb_tool().resolve().parent.parent
    except DvscrapeError:
        return ""
    for candidate in sorted(environment.glob("lib/python3*/site-packages/pywb/rules.yaml")):
        return candidate.read_text(encoding="utf-8")
    return ""


def config_file(framed: bool) -> str:
    """The name of pywb's configuration in the collection root: framed replay (the banner with the capture date
    above the page, as `dvscrape replay` serves it), or the page alone (the QA screenshots)."""
    return "config.yaml" if framed else "config-unframed.yaml"


def _write_config(root: Path, archive: Archive, *, framed: bool) -> None:
    """pywb's configuration for the collection: framed replay or not, and pywb's rules with one more fuzzy-matching
    rule in front: on the site's hosts, a URL whose query carries Liferay back-link parameters
    (``?inheritRedirect=true&redirect=…``, the form listing pages link articles with) is looked up without that
    query."""
    lines = ["# pywb configuration written by dvscrape replay", f"framed_replay: {str(framed).lower()}"]
    defaults = _pywb_default_rules()
    prefixes = _site_prefixes(archive)
    if defaults and prefixes and "\nrules:\n" in defaults:
        rule = (
            "    - url_prefix: [" + ", ".join(f"'{prefix}'" for prefix in prefixes) + "]\n"
            "      fuzzy_lookup:\n"
            "        re_type: sub\n"
            f"        match: '{BACK_LINK_QUERY}'\n"
            "        replace: ''\n"
            "        type: exact\n\n"
        )
        rules = root / "rules.yaml"
        rules.write_text(defaults.replace("\nrules:\n", "\nrules:\n" + rule, 1), encoding="utf-8")
        lines.append(f"rules_file: {rules.resolve()}")
    (root / config_file(framed)).write_text("\n".join(lines) + "\n", encoding="utf-8")


def pywb_tool(name: str = "wayback") -> Path:
    """A pywb command (`wayback`, `wb-manager`): beside $DVSCRAPE_WAYBACK when set (pywb in its own environment),
    else beside this Python, else on PATH. Raises ReplayUnavailableError when pywb is not installed."""
    configured = os.environ.get("DVSCRAPE_WAYBACK", "")
    candidates = [Path(configured).parent / name] if configured else []
    candidates.append(Path(sys.executable).parent / name)
    for candidate in candidates:
        if candidate.exists():
            return candidate
    found = shutil.which(name)
    if not found:
        raise ReplayUnavailableError(
            "pywb is not installed: python3 -m venv .venv-pywb && .venv-pywb/bin/pip install pywb, "
            "then export DVSCRAPE_WAYBACK=$PWD/.venv-pywb/bin/wayback (or put wayback on PATH)"
        )
    return Path(found)


def free_port(host: str) -> int:
    """A TCP port free on *host* right now."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def start_pywb(
    root: Path, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT, framed: bool = True
) -> subprocess.Popen[bytes]:
    """Start pywb's `wayback` on *root* (a folder with collections/), bound to *host*:*port*, with the framed or
    unframed configuration build_collection wrote."""
    command = [str(pywb_tool()), "--bind", host, "--port", str(port), "--threads", "4"]
    environment = {**os.environ, "PYTHONWARNINGS": "ignore", "PYWB_CONFIG_FILE": config_file(framed)}
    with open(root / "pywb.log", "ab") as log:  # a pipe nobody reads would fill and stall pywb
        return subprocess.Popen(command, cwd=root, env=environment, stdout=log, stderr=subprocess.STDOUT)


def wait_until_serving(root: Path, host: str, port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Block until the pywb started on *root* accepts connections; raises ReplayUnavailableError when it exits
    (with the end of its log) or never listens."""
    deadline = datetime.now(UTC).timestamp() + timeout
    while datetime.now(UTC).timestamp() < deadline:
        if process.poll() is not None:
            log = root / "pywb.log"
            tail = log.read_text(encoding="utf-8", errors="replace")[-500:] if log.exists() else ""
            raise ReplayUnavailableError(f"pywb exited with code {process.returncode}: {tail.strip()}")
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            process_wait(process, 0.2)
    raise ReplayUnavailableError(f"pywb did not start listening on {host}:{port} within {timeout:.0f}s")


def process_wait(process: subprocess.Popen[bytes], seconds: float) -> None:
    """Wait up to *seconds* for *process* (a sleep that ends early when it exits)."""
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=seconds)


@contextlib.contextmanager
def pywb_serving(archive: Archive, *, framed: bool = True) -> Iterator[str]:
    """The base URL (``http://127.0.0.1:PORT/archive``) of a pywb serving the archive's collection on a free loopback
    port, framed as `dvscrape replay` serves it or unframed (the page alone), while the block runs."""
    collection = build_collection(archive, framed=framed)
    port = free_port("127.0.0.1")
    process = start_pywb(collection.root, port=port, framed=framed)
    try:
        wait_until_serving(collection.root, "127.0.0.1", port, process)
        yield f"http://127.0.0.1:{port}/{collection.name}"
    finally:
        process.terminate()
        process_wait(process, 30)
