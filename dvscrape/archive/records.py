"""The records the archive stores about each fetch and what storing an article did. No Scrapy import here."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from dvscrape.warc.model import WarcLocation

CAPTURE_KINDS = frozenset(
    {"article", "listing", "home", "page", "sitemap", "robots", "media", "requisite", "trap", "offsite", "other"}
)
# crawls.status of a crawl while it runs, and of one killed while it ran (set by the run that resumes it); every
# other status is the word of the run's outcome (runs/outcome.py).
CRAWL_RUNNING = "running"
CRAWL_INTERRUPTED = "interrupted"
# The counts finish_crawl keeps in columns of their own; every count is also kept in the JSON `counts` column.
COUNT_COLUMNS: tuple[str, ...] = (
    "requests",
    "captures",
    "articles_new",
    "articles_updated",
    "errors",
    "bytes_written",
    "articles_unchanged",
    "articles_gone",
    "revisits",
    "missing",
    "unique_digests",
    "bytes_conserved",
)
# captures.record_type: a WARC response record, a revisit record, a resource record (imported from another tool's
# file), or "" for a fetch that wrote no record.
RECORD_TYPES = frozenset({"response", "revisit", "resource", ""})
# captures.revisit_profile: the last path segment of the WARC/1.1 profile URI (RevisitProfile), or "".
REVISIT_PROFILES = frozenset({"server-not-modified", "identical-payload-digest"})


@dataclass(frozen=True)
class Capture:
    """One fetch of one URL: what came back and where its WARC record is (None when the fetch failed).

    *record_type* is "response", "revisit", "resource" or "" (no record); None derives it from *location*
    ("response" or ""). A revisit gives its *revisit_profile* (a RevisitProfile or its short name,
    "server-not-modified" / "identical-payload-digest") and *refers_to_capture_id*, the capture whose response record
    holds the content (None while it is not known: an imported revisit is linked once every file is in). A capture of
    another tool's file names it (*imported_file_id*); *problem* notes what is odd about its record.
    """

    crawl_id: int
    url: str
    canonical_url: str
    kind: str
    status: int | None
    content_type: str
    fetched_at: str
    content_length: int | None
    location: WarcLocation | None
    error: str = ""
    attempts: int = 1
    etag: str = ""
    last_modified: str = ""
    record_type: str | None = None
    revisit_profile: str = ""
    refers_to_capture_id: int | None = None
    problem: str = ""
    imported_file_id: int | None = None


class ArticleOutcome(StrEnum):
    """What storing an article did to the archive."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class StoredArticle:
    """The result of Archive.save_article: the row id, whether the article was new or changed, its content hash."""

    article_id: int
    outcome: ArticleOutcome
    content_hash: str


def record_type_and_profile(capture: Capture) -> tuple[str, str]:
    """The record_type and short revisit_profile to store for *capture*; ValueError when they contradict it."""
    record_type = capture.record_type
    if record_type is None:
        record_type = "response" if capture.location is not None else ""
    if record_type not in RECORD_TYPES:
        raise ValueError(f"unknown record type {record_type!r}; expected one of {sorted(RECORD_TYPES)}")
    if (capture.location is None) != (record_type == ""):
        raise ValueError(f"record type {record_type!r} does not fit a capture with location {capture.location}")
    profile = capture.revisit_profile.rsplit("/", 1)[-1]
    if record_type == "revisit" and profile not in REVISIT_PROFILES:
        raise ValueError(f"a revisit needs a profile, one of {sorted(REVISIT_PROFILES)}; got {profile!r}")
    if record_type != "revisit" and (profile or capture.refers_to_capture_id is not None):
        raise ValueError("only a revisit capture has a revisit profile or refers to another capture")
    return record_type, profile
