"""Items that flow from the spider to the pipelines, and the request meta keys the spider and the middlewares share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dvscrape.archive.times import now_stored
from dvscrape.pages.article import Article

CAPTURE_ID_KEY = "dvscrape_capture_id"  # set by the capture middleware: the capture row of the response
CAPTURED_AT_KEY = "dvscrape_captured_at"  # set with it: the capture's time (stored format), when its versions are seen
KIND_KEY = "dvscrape_kind"  # the URL's kind (sites.urls.UrlKind value) as the spider routed it
CANONICAL_KEY = "dvscrape_canonical"
REVISIT_KEY = "dvscrape_revisit"  # set by the capture middleware when the response was archived as a revisit
ARCHIVED_KEY = "dvscrape_archived"  # (original URL, aware capture datetime) of a capture a web archive serves raw


def content_type(response: Any) -> str:
    """The Content-Type header a Scrapy response came with ('' when none): what the capture row records and what
    the page objects read a page's charset from."""
    return (response.headers.get(b"Content-Type") or b"").decode("latin-1")


@dataclass(frozen=True)
class ArticleItem:
    """An extracted article and the capture (WARC record) it came from."""

    article: Article
    capture_id: int | None
    fetched_at: str  # the capture's time (CAPTURED_AT_KEY): a version is seen when its capture was made

    @classmethod
    def of(cls, article: Article, meta: Any) -> ArticleItem:
        """The item of *article* read from a response whose request carried *meta* (capture row and time)."""
        return cls(article, meta.get(CAPTURE_ID_KEY), str(meta.get(CAPTURED_AT_KEY) or now_stored()))


@dataclass(frozen=True)
class FetchFailure:
    """A URL that could not be fetched after its retries: recorded in `captures` with the reason."""

    url: str
    canonical_url: str
    kind: str
    reason: str
    status: int | None
    attempts: int

    @classmethod
    def of(cls, url: str, meta: Any, reason: str, status: int | None) -> FetchFailure:
        """The failure of a fetch of *url* whose request carried *meta*: its canonical URL and kind as the spider
        routed it, its attempts counted from Scrapy's retries."""
        return cls(
            url=url,
            canonical_url=str(meta.get(CANONICAL_KEY, url)),
            kind=str(meta.get(KIND_KEY, "other")),
            reason=reason,
            status=status,
            attempts=int(meta.get("retry_times", 0)) + 1,
        )

    @property
    def seen_at(self) -> str:
        """When the failure was recorded (now)."""
        return now_stored()


@dataclass(frozen=True)
class ArticleUnchanged:
    """A re-check of a held article that found it unchanged (304, or the same payload as last time)."""

    url: str
    capture_id: int | None
    seen_at: str = field(default_factory=now_stored)


@dataclass(frozen=True)
class ExtractionFailure:
    """An article page that was fetched and archived but could not be extracted: recorded on its capture."""

    url: str
    capture_id: int | None
    reason: str
