"""Items that flow from the spider to the pipelines."""

from __future__ import annotations

from dataclasses import dataclass

from dvscrape.pages.article import Article


@dataclass(frozen=True)
class ArticleItem:
    """An extracted article and the capture (WARC record) it came from."""

    article: Article
    capture_id: int | None
    fetched_at: str


@dataclass(frozen=True)
class FetchFailure:
    """A URL that could not be fetched after its retries: recorded in `captures` with the reason."""

    url: str
    canonical_url: str
    kind: str
    reason: str
    status: int | None
    attempts: int
