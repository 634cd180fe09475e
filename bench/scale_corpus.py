"""The archives bench/scale.py measures: many portals' worth of replica articles, written as a crawl writes them.

Each *chunk* is one replica corpus (``build_corpus``, real Vietnamese prose, 1,000 articles, its own seed) served by
the replica's own app as one of two portal profiles in turn: the Liferay 6.2 district portal (profile ``tanbinh``,
ReplicaApp) or the Liferay 7 city portal (profile ``hcmcity``, City7App). URL titles get the chunk's number so that
no two chunks share an article URL. A chunk is captured twice, as a crawl and a later incremental crawl would:

1. edition 1: every listing page of every category, then every article page;
2. edition 4 (three rounds of the replica's edits): the first page of each listing, the edited articles (a new
   version each), the added ones and the removed ones (404).

The pages are rendered and read (listing entries, ``extract_page``) in worker processes; the parent writes each
exchange with dvscrape's WarcWriter and stores it through the Archive methods a crawl uses (``record_capture``,
``save_article`` with the listing hint by ``listing_hint``, ``mark_gone``, and what each listing shows with
``record_hint_page``, as the crawl's spider keeps it), 1,000 pages a transaction. Without WARC
files (*warc* False) the same rows are stored pointing at no record (the SQLite side of a size whose WARC files do
not fit the disk).
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dvscrape.archive.db import Archive
from dvscrape.archive.records import ArticleOutcome, Capture
from dvscrape.archive.replay import record_hint_page
from dvscrape.archive.times import stored_time
from dvscrape.pages import Article, PageContext, extract_page
from dvscrape.pages.finish import validated
from dvscrape.pages.listing import ListingEntry, extract_listing, listing_hint
from dvscrape.replica import Corpus, build_corpus, urls
from dvscrape.replica import city7_pages as city7
from dvscrape.replica.app import ReplicaApp
from dvscrape.replica.city7 import City7App
from dvscrape.replica.responses import Response
from dvscrape.sites import get_profile
from dvscrape.sites.profile import SiteProfile
from dvscrape.sites.urls import UrlKind, classify
from dvscrape.warc.model import HttpExchange
from dvscrape.warc.writer import WarcWriter

CHUNK = 1000
LATER_EDITION = 4
PORTALS = ("tanbinh", "hcmcity")
FIRST_CAPTURE = datetime(2023, 7, 1, tzinfo=UTC)
SECOND_CAPTURE = datetime(2023, 8, 1, tzinfo=UTC)
REQUEST_HEADERS = (("User-Agent", "dvscrape-bench/scale"), ("Accept", "text/html"))
BATCH = 1000


@dataclass(frozen=True)
class Page:
    """One fetched page of a chunk, read as a crawl reads it."""

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    fetched_at: datetime
    kind: str
    canonical: str
    article: Article | None = None
    shown: tuple[ListingEntry, ...] = ()  # a listing's entries, which the crawl keeps as it reads them


@dataclass
class BuildResult:
    """What a build stored."""

    pages: int = 0
    articles: int = 0
    versions: int = 0
    gone: int = 0
    seconds: float = 0.0
    warc_bytes: int = 0


def portal_of(chunk: int) -> str:
    """The profile chunk *chunk* is served as."""
    return PORTALS[chunk % len(PORTALS)]


def _corpus(chunk: int, edition: int, count: int) -> Corpus:
    """The chunk's corpus of *count* articles at *edition*, its URL titles made unique to the chunk (no flaky or
    slow article)."""
    corpus = build_corpus(seed=10_000 + chunk, n_articles=count, edition=edition)

    def own(title: str) -> str:
        return f"{title}-p{chunk}"

    articles = tuple(
        replace(article, url_title=own(article.url_title), related=tuple(map(own, article.related)))
        for article in corpus.articles
    )
    return replace(
        corpus,
        articles=articles,
        removed=tuple(map(own, corpus.removed)),
        added=tuple(map(own, corpus.added)),
        edited=tuple(map(own, corpus.edited)),
        seed_url_title=own(corpus.seed_url_title),
        flaky_url_title="",
        slow_url_title="",
    )


def _listing_paths(app: ReplicaApp, first_only: bool) -> list[str]:
    """Paths of the listing pages of every category (only their first pages with *first_only*)."""
    found: list[str] = []
    if isinstance(app, City7App):
        for city in city7.CATEGORIES:
            count = 1 if first_only else max(1, -(-len(app.city_listings[city.path]) // city7.DELTA))
            found += [city.path] + [city7.page_link(city, n).replace("&amp;", "&") for n in range(2, count + 1)]
        return found
    for category in app.site.corpus.categories:
        count = 1 if first_only else app.site.pages(category)
        found += [category.path] + [
            urls.listing_page_link("", category, n).replace("&amp;", "&") for n in range(2, count + 1)
        ]
    return found


def _article_path(app: ReplicaApp, url_title: str) -> str:
    return f"{city7.SITE_PATH if isinstance(app, City7App) else urls.SITE_PATH}/-/{url_title}"


def _fetch(app: ReplicaApp, profile: SiteProfile, path: str, when: datetime) -> Page:
    response = app.respond(path, {}, profile.site_url)
    assert isinstance(response, Response), "the replica streams only its hostile pages"
    url = profile.site_url + path
    decision = classify(url, profile)
    return Page(url, response.status, response.headers, response.body, when, decision.kind.value, decision.canonical)


def _content_type(page: Page) -> str:
    return next((value for name, value in page.headers if name.lower() == "content-type"), "")


def _read(pages: list[Page], profile: SiteProfile) -> list[Page]:
    """The pages with their articles extracted, each with the listing hint of the listings fetched with it."""
    shown: dict[str, list[ListingEntry]] = {}
    listed: list[Page] = []
    for page in pages:
        if page.kind == UrlKind.LISTING.value and page.status == 200:
            entries = extract_listing(page.url, page.body, profile, _content_type(page)).entries
            for entry in entries:
                shown.setdefault(entry.url, []).append(entry)
            page = replace(page, shown=tuple(entries))
        listed.append(page)
    read: list[Page] = []
    for page in listed:
        if page.kind == UrlKind.ARTICLE.value and page.status == 200:
            hint = listing_hint(shown.get(page.canonical, ()))
            context = PageContext(_content_type(page), None, hint.categories, hint.date, page.status)
            extracted = extract_page(page.url, page.body, profile, context)
            article = validated(extracted) if isinstance(extracted, Article) else None
            page = replace(page, article=article)
        read.append(page)
    return read


def chunk_pages(chunk: int, articles: int = CHUNK) -> list[Page]:
    """Every page of one chunk of *articles* in fetch order, read; see the module's docstring."""
    name = portal_of(chunk)
    profile = get_profile(name)
    app_class = City7App if name == "hcmcity" else ReplicaApp
    first, later = _corpus(chunk, 1, articles), _corpus(chunk, LATER_EDITION, articles)
    pages: list[Page] = []
    step = timedelta(seconds=1)  # a round takes under 30 minutes: chunks' captures never interleave
    for corpus, start, first_only, titles in (
        (first, FIRST_CAPTURE, False, [a.url_title for a in first.articles]),
        (later, SECOND_CAPTURE, True, [*later.edited, *later.added, *later.removed]),
    ):
        app = app_class(corpus, slow_delay=0)
        when = start + timedelta(minutes=30 * chunk)
        paths = _listing_paths(app, first_only) + [_article_path(app, title) for title in titles]
        round_pages = [_fetch(app, profile, path, when + index * step) for index, path in enumerate(paths)]
        pages += _read(round_pages, profile)
    return pages


def _exchange(page: Page) -> HttpExchange:
    reason = {200: "OK", 404: "Not Found"}.get(page.status, "")
    return HttpExchange(
        page.url, "GET", REQUEST_HEADERS, b"", "HTTP/1.1", page.status, reason, page.headers, page.body, page.fetched_at
    )


def chunked(chunks: range, workers: int, articles: int) -> Iterator[list[Page]]:
    """Each chunk's pages in order, made by *workers* processes (at most *workers* chunks waiting)."""
    if workers <= 1:
        yield from (chunk_pages(chunk, articles) for chunk in chunks)
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pending = [pool.apply_async(chunk_pages, (chunk, articles)) for chunk in chunks[:workers]]
        for next_chunk in [*chunks[workers:], None]:
            yield pending.pop(0).get()
            if next_chunk is not None:
                pending.append(pool.apply_async(chunk_pages, (next_chunk, articles)))
        while pending:
            yield pending.pop(0).get()


class _Store:
    """One crawl per portal in the archive, and the writer of its WARC files."""

    def __init__(self, archive: Archive, warc_dir: Path | None) -> None:
        self.archive = archive
        self.crawls: dict[str, int] = {}
        self.writers: dict[str, WarcWriter] = {}
        self.warc_dir = warc_dir
        self.captures: dict[str, int] = {}

    def crawl_of(self, name: str) -> int:
        if name not in self.crawls:
            self.crawls[name] = self.archive.begin_crawl(
                name, get_profile(name).site_url, {"mode": "bench", "by": "bench/scale.py"}
            )
            if self.warc_dir is not None:
                self.writers[name] = WarcWriter(
                    self.warc_dir, prefix=f"scale-{name}", max_file_size=200_000_000, warcinfo={"software": "bench"}
                )
        return self.crawls[name]

    def store(self, name: str, page: Page, result: BuildResult) -> None:
        crawl_id = self.crawl_of(name)
        writer = self.writers.get(name)
        location = writer.write_exchange(_exchange(page)) if writer is not None else None
        header = dict((key.lower(), value) for key, value in page.headers)
        seen = stored_time(page.fetched_at)
        capture_id = self.archive.record_capture(
            Capture(
                crawl_id, page.url, page.canonical, page.kind, page.status, header.get("content-type", ""), seen,
                len(page.body), location, etag=header.get("etag", ""), last_modified=header.get("last-modified", ""),
            )
        )  # fmt: skip
        result.pages += 1
        self.captures[name] = self.captures.get(name, 0) + 1
        if page.kind == UrlKind.LISTING.value and page.status == 200:
            record_hint_page(self.archive.db.conn, capture_id, page.shown)  # as the crawl's spider does
        if page.article is not None:
            outcome = self.archive.save_article(page.article, capture_id=capture_id, seen_at=seen).outcome
            result.articles += outcome is ArticleOutcome.NEW
            result.versions += outcome is ArticleOutcome.UPDATED
        elif page.kind == UrlKind.ARTICLE.value and page.status == 404:
            result.gone += self.archive.mark_gone(page.canonical, seen_at=seen, status=404) is not None

    def close(self, result: BuildResult) -> None:
        for writer in self.writers.values():
            result.warc_bytes += writer.bytes_written
            writer.close()
        for name, crawl_id in self.crawls.items():
            self.archive.finish_crawl(crawl_id, "success", {"captures": self.captures.get(name, 0)})


def build(
    directory: Path,
    chunks: range,
    *,
    warc: bool = True,
    workers: int = 2,
    articles: int = CHUNK,
    progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Store *chunks* of *articles* each into the archive at *directory* (created when missing), their WARC files
    into its warc folder (none without *warc*)."""
    result = BuildResult()
    started = time.perf_counter()
    with Archive.open(directory) as archive:
        store = _Store(archive, archive.warc_dir if warc else None)
        for done, pages in enumerate(chunked(chunks, workers, articles), start=1):
            for start in range(0, len(pages), BATCH):
                with archive.transaction("store a batch of the scale benchmark"):
                    for page in pages[start : start + BATCH]:
                        store.store(portal_of(chunks[done - 1]), page, result)
            if progress is not None:
                progress(done, len(chunks))
        store.close(result)
    result.seconds = time.perf_counter() - started
    return result


def chunk_warc(directory: Path, chunk: int) -> int:
    """One chunk's pages as a WARC file in *directory* (for `dvscrape import`); return its page count."""
    pages = chunk_pages(chunk)
    with WarcWriter(directory, prefix=f"scale-{portal_of(chunk)}-extra", warcinfo={"software": "bench"}) as writer:
        for page in pages:
            writer.write_exchange(_exchange(page))
    return len(pages)


def bar(label: str) -> Callable[[int, int], None]:
    """A progress line on stderr, redrawn in place."""
    started = time.perf_counter()

    def show(done: int, total: int) -> None:
        elapsed = time.perf_counter() - started
        left = elapsed / done * (total - done)
        filled = int(30 * done / total)
        print(
            f"\r  {label} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total} {elapsed:.0f} s, ~{left:.0f} s left",
            end="\n" if done == total else "",
            file=sys.stderr,
            flush=True,
        )

    return show
