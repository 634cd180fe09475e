"""Archived pages extracted again (by a rebuild or an import): in this process, or by the sandboxed worker processes
of dvscrape.documents.sandbox, this module being their task.

A page's job names its WARC record (file, offset, length), its profile and what the rebuild knows of it from other
pages (the sitemap's lastmod, the listing hint); the worker reads the record itself and answers the extracted
Article or NotArticle as JSON, or the error that stopped it. The caller gets the readings in the order of its jobs
whatever order the workers finish them in, so what it writes is the same as extracting them one by one; a page whose
worker crashed, ran out of memory or over its time under the documents' Limits is a failure of that page alone.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from dvscrape.documents.limits import Limits, allow_cpu
from dvscrape.errors import DvscrapeError
from dvscrape.pages import Article, PageContext, extract_page
from dvscrape.pages.article import NotArticle
from dvscrape.sites.profile import SiteProfile
from dvscrape.warc.payload import decoded_payload
from dvscrape.warc.reader import read_record_at

TASK = __name__
MAX_JOBS = 20_000  # pages a worker extracts before it leaves (the pool starts another): far more than documents
QUEUE = 16  # pages sent to a worker ahead of its answers: a page takes milliseconds, a wait for the parent as long
Key = TypeVar("Key")
Reading = Article | NotArticle | str  # str: why the page could not be extracted


@dataclass(frozen=True)
class PageJob:
    """One archived page to extract: its URL and WARC record, its profile, and its context from other pages."""

    url: str
    path: Path
    offset: int
    length: int
    profile: SiteProfile
    sitemap_lastmod: str = ""
    listing_date: str | None = None
    listing_categories: tuple[str, ...] = ()


def extract_archived(job: PageJob) -> Article | NotArticle:
    """The page of *job* read from its record and extracted; DvscrapeError, ValueError or ImportError if it cannot."""
    record = read_record_at(job.path, job.offset, job.length, check_digests=False)
    context = PageContext(
        content_type=record.http_header("Content-Type"),
        sitemap_lastmod=job.sitemap_lastmod,
        listing_date=job.listing_date,
        listing_categories=job.listing_categories,
        http_status=record.http_status,
    )
    return extract_page(job.url, decoded_payload(record), job.profile, context)


def _read_here(job: PageJob) -> Reading:
    try:
        return extract_archived(job)
    except (DvscrapeError, ValueError, ImportError) as error:
        return str(error)


def read_pages(jobs: Iterable[tuple[Key, PageJob | str]], workers: int = 1) -> Iterator[tuple[Key, Reading]]:
    """Each job's key with its reading, in the order of *jobs* (a str job is a failure known already); in this
    process with one worker, else in a pool of *workers* sandboxed processes (0: one per core) under
    Limits.from_env()."""
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        for key, job in jobs:
            yield key, job if isinstance(job, str) else _read_here(job)
        return
    from dvscrape.documents.sandbox import SandboxPool

    keys: list[Key] = []
    done: dict[int, Reading] = {}
    packed: dict[int, str] = {}  # id(profile) → the file the workers read it from

    def requests(folder: Path) -> Iterator[tuple[int, dict[str, Any]]]:
        for index, (key, job) in enumerate(jobs):
            keys.append(key)
            if isinstance(job, str):
                done[index] = job
                continue
            if id(job.profile) not in packed:
                packed[id(job.profile)] = str(_pack(job.profile, folder / f"profile-{len(packed)}"))
            yield index, {"job": {**job.__dict__, "path": str(job.path), "profile": packed[id(job.profile)]}}

    given = 0
    with (
        tempfile.TemporaryDirectory(prefix="dvscrape-pages-") as folder,
        SandboxPool(workers, Limits.from_env(), TASK, queue=QUEUE) as pool,
    ):
        for (index, _request), answer in pool.run(requests(Path(folder))):
            done[index] = _reading(answer)
            while given in done:
                yield keys[given], done.pop(given)
                given += 1
    for index in range(given, len(keys)):  # failures known already, after the last page a worker read
        yield keys[index], done.pop(index)


def _pack(profile: SiteProfile, path: Path) -> Path:
    """Write the profile where the parent's own workers read it, once each (a worker never sends a pickle back)."""
    path.write_bytes(pickle.dumps(profile))
    return path


def _reading(answer: dict[str, Any] | str) -> Reading:
    """The reading a worker answered (a str: why it gave none)."""
    if isinstance(answer, str):
        return answer
    try:
        if "article" in answer:
            return Article.from_dict(answer["article"])
        if "not_article" in answer:
            return NotArticle.from_dict(answer["not_article"])
        return str(answer["error"])
    except (KeyError, TypeError, ValueError) as error:
        return f"crashed: the reader's answer could not be read ({error})"


_profiles: dict[str, SiteProfile] = {}


def answer(request: dict[str, Any], limits: Limits, answers: Connection) -> tuple[dict[str, Any], bool]:
    """A worker's answer to one page's request, and whether it must leave (it ran out of memory)."""
    fields = dict(request["job"])
    packed = fields.pop("profile")
    profile = _profiles.get(packed) or _profiles.setdefault(packed, pickle.loads(Path(packed).read_bytes()))
    job = PageJob(
        **fields | {"path": Path(fields["path"]), "listing_categories": tuple(fields["listing_categories"])},
        profile=profile,
    )
    allow_cpu(limits.total_seconds(0) + 1)
    try:
        read = extract_archived(job)
    except MemoryError:
        return {"error": f"too large: out of memory (limit {limits.memory_bytes >> 20} MB)"}, True
    except (DvscrapeError, ValueError, ImportError) as error:
        return {"error": str(error)}, False
    return ({"article": read.to_dict()} if isinstance(read, Article) else {"not_article": read.to_dict()}), False


def warm_up() -> None:
    """The extractor's imports and first-use tables, once per worker."""
    from dvscrape.pages import finish  # noqa: F401
