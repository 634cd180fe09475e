"""Re-extraction: rebuilding the articles tables from the archived pages alone, with no network.

Every archived capture of an article page is replayed in capture-date order, read from its WARC record by the file,
offset and length the captures table holds (archive.replay): a 2xx response is run again through the page object and the
crawl's normalisation and validation rules and stored with Archive.save_article; a revisit (304 or identical payload) is
replayed with Archive.touch_article and a 404/410 answer with Archive.mark_gone, as an incremental crawl records them.
``dvscrape reextract`` replays every article; an import or a Wayback run replays the article URLs it added captures of,
with all their captures (so their history is whole), and nothing else: its work grows with what it added, not with the
archive. The rebuild commits a batch of article URLs at a time, and an interrupted one is taken up where it stopped
(archive.rebuilds). Articles keep their ids (so citations by id stay valid), first_seen and last_seen become the capture
times, and versions follow the replayed captures; where a capture now reads differently, the stored versions stay and
the new reading is appended after them with a reason (archive.rereading). An article the replay does not rebuild is kept
untouched, with its versions, figures and links: when the extractor now reads every archived page of it as something
other than an article it is listed (``not_rebuilt``) and removed only when the caller asks for that reason
(``remove_not_articles``); when no archived page of it could be read at all it is never removed. ``dry_run`` does the
whole rebuild and rolls it back, so the result says what would change. Nothing is fetched.

The page context is rebuilt from the archive too: the Content-Type header the page came with, the sitemap's lastmod of
the article's URL (the year of a lede's 'Ngày 8/2' when the page shows no date), and the listing hint
(pages.listing.listing_hint over every archived listing page, each taken at its capture nearest the article's), as the
crawl has them. What each listing and sitemap capture shows is read from its record once (the full rebuild reads them
all again) and kept in the archive (archive.replay).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from dvscrape import __version__
from dvscrape.archive.db import Archive
from dvscrape.archive.lookup import crawl_profiles
from dvscrape.archive.rebuilds import (
    RebuildProgress,
    Replayed,
    finish_rebuild,
    next_urls,
    not_rebuilt,
    queue_urls,
    rebuild_tallies,
    record_batch,
    take_up_rebuild,
)
from dvscrape.archive.records import ArticleOutcome
from dvscrape.archive.replay import (
    GONE_STATUSES,
    ArchivedPage,
    added_article_urls,
    article_captures,
    hint_pages_to_read,
    hinted_article_urls,
    listing_entries_near,
    record_hint_page,
    related_article_urls,
    sitemap_lastmod,
)
from dvscrape.archive.rereading import (
    article_ids,
    forget_snapshot,
    keep_history,
    remove_articles,
    restart_articles,
    snapshot_versions,
    stored_articles,
)
from dvscrape.archive.times import now_stored
from dvscrape.errors import DvscrapeError, ReextractError
from dvscrape.pages import Article
from dvscrape.pages.finish import validated
from dvscrape.pages.listing import ListingEntry, extract_listing, listing_hint, sitemap_entries
from dvscrape.pages.sitemap import read_sitemap
from dvscrape.runs.pagework import PageJob, read_pages
from dvscrape.sites import profile_for
from dvscrape.sites.profile import SiteProfile
from dvscrape.sites.urls import UrlKind, classify
from dvscrape.warc.files import warc_files
from dvscrape.warc.payload import decoded_payload
from dvscrape.warc.reader import read_record_at

ArticleFilter = Callable[[Article], Article]  # a step between extraction and validation (a test hook)


@dataclass
class ReextractResult:
    """Counts of one re-extraction."""

    pages: int = 0  # article pages read again (2xx responses; a revisit or a 404/410 answer is replayed unread)
    hint_pages: int = 0  # listing and sitemap pages read (the ones not read before; every one in a full rebuild)
    articles: int = 0
    new: int = 0  # articles stored from their first page in the replay
    updated: int = 0
    unchanged: int = 0
    not_articles: int = 0
    dropped: int = 0
    removed: int = 0
    kept: int = 0  # articles the replay did not rebuild, kept as they were
    not_rebuilt: list[str] = field(default_factory=list)  # URLs of those articles
    removable: list[str] = field(default_factory=list)  # of those, the ones whose pages now read as not articles
    dry_run: bool = False
    read_as_not_article: set[str] = field(default_factory=set)  # canonical URLs of pages read as no article
    revisits: int = 0
    gone: int = 0
    failures: list[str] = field(default_factory=list)
    reread: int = 0  # articles whose captures now read differently: their stored versions kept, new ones appended
    appended_versions: int = 0  # versions appended with the reason, over those articles
    taken_up: int = 0  # article URLs an interrupted rebuild of the same scope had finished (not replayed again)


def _profiles(conn: sqlite3.Connection, pages: list[ArchivedPage]) -> list[SiteProfile]:
    """The profiles that read *pages* (archive.lookup.crawl_profiles of their captures only)."""
    profiles = crawl_profiles(conn, ((page.crawl_id, page.url) for page in pages))
    if not profiles:
        raise ReextractError("the archive records no crawl of a known site, so its pages cannot be re-extracted")
    return profiles


def _read_hint_pages(
    archive: Archive, pages: list[ArchivedPage], profiles: list[SiteProfile], result: ReextractResult
) -> None:
    """Read and record what the listing and sitemap captures *pages* show of articles."""
    for page in pages:
        result.hint_pages += 1
        record_hint_page(archive.db.conn, page.capture_id, _shown(archive, page, profiles, result))


def _shown(
    archive: Archive, page: ArchivedPage, profiles: list[SiteProfile], result: ReextractResult
) -> list[ListingEntry]:
    """What one listing or sitemap capture shows, one entry per article (none when it cannot be read: a failure
    of the run, named in *result*)."""
    profile = profile_for(page.url, profiles)
    if profile is None:
        return []
    try:
        record = read_record_at(archive.path_of(page.filename), page.offset, page.length, check_digests=False)
        if page.kind == UrlKind.SITEMAP.value:
            return sitemap_entries(read_sitemap(decoded_payload(record)).pages, profile)
        content_type = record.http_header("Content-Type")
        return list(extract_listing(page.url, decoded_payload(record), profile, content_type).entries)
    except (DvscrapeError, OSError, ValueError) as error:
        result.failures.append(f"{page.url}: the {page.kind} page cannot be read for its hints: {error}")
        return []


def iter_extracted(
    archive: Archive,
    pages: list[ArchivedPage],
    profiles: list[SiteProfile],
    adjust: ArticleFilter | None,
    result: ReextractResult,
    workers: int = 1,
) -> Iterator[tuple[ArchivedPage, Article | None]]:
    """Each 2xx response's article (normalised and validated) in capture order, and each revisit or 404/410 answer
    with None; failures and non-articles are counted. The pages are extracted by *workers* processes (runs.pagework;
    1: in this one), the results taken in capture order."""
    pages = [page for page in pages if profile_for(page.url, profiles) is not None]
    jobs = ((page, _job(archive, page, profiles)) for page in pages if not _replayed(page))
    readings = read_pages(jobs, workers)
    for page in pages:
        if _replayed(page):
            yield page, None
            continue
        result.pages += 1
        _, reading = next(readings)
        if isinstance(reading, str):
            result.failures.append(f"{page.url}: {reading}")
            continue
        if not isinstance(reading, Article):
            result.not_articles += 1
            result.read_as_not_article.add(_canonical(page, profiles))
            continue
        article = validated(adjust(reading) if adjust else reading)
        if article is None:
            result.dropped += 1
            result.read_as_not_article.add(_canonical(page, profiles))
            continue
        yield page, article


def _replayed(page: ArchivedPage) -> bool:
    """Whether *page* is replayed (a revisit, a 404/410 answer) rather than extracted."""
    return page.record_type == "revisit" or page.status in GONE_STATUSES


def _canonical(page: ArchivedPage, profiles: list[SiteProfile]) -> str:
    profile = profile_for(page.url, profiles)
    assert profile is not None
    return classify(page.url, profile).canonical


def _job(archive: Archive, page: ArchivedPage, profiles: list[SiteProfile]) -> PageJob | str:
    """The extraction job of an article response, its context from the archive (the newest sitemap lastmod of the
    URL; the listing hint by the crawl's one rule, pages.listing.listing_hint over every listing entry that links it,
    each listing URL as captured nearest in time to the page: in a crawl's files that is the same crawl's capture; a
    listing page a later incremental run did not read again keeps its last capture, so what it showed still holds),
    or why there is none."""
    profile = profile_for(page.url, profiles)
    assert profile is not None
    conn = archive.db.conn
    try:
        canonical = classify(page.url, profile).canonical
        hint = listing_hint(listing_entries_near(conn, canonical, page.fetched_at).values())
        path = archive.path_of(page.filename)
    except (DvscrapeError, ValueError) as error:
        return str(error)
    return PageJob(
        page.url,
        path,
        page.offset,
        page.length,
        profile,
        sitemap_lastmod=sitemap_lastmod(conn, canonical),  # as the crawl: however the page was reached
        listing_date=hint.date,
        listing_categories=hint.categories,
    )


class _DryRun(Exception):
    """Raised inside the rebuild's transaction to roll it back after counting."""


def reextract(
    archive: Archive,
    adjust: ArticleFilter | None = None,
    *,
    added_by: int | None = None,
    dry_run: bool = False,
    remove_not_articles: bool = False,
    reason: str = "",
    workers: int = 1,
) -> ReextractResult:
    """Rebuild *archive*'s articles, figures, attachments, tags, related links and versions from its WARC files:
    of every article, or only of what the crawl or import *added_by* touched (selected_urls).

    Each article is extracted (and normalised) by the page object and checked by pages.finish.validated, as in a crawl;
    *adjust*, when given, is applied between the two (tests use it to stand for a changed extractor). Commits a batch
    of BATCH_URLS article URLs at a time (on an error, the batch changes nothing): an interrupted rebuild is taken up
    by the next one of the same scope (archive.rebuilds), with its reason and counts, and what it finished is not
    replayed again. With *dry_run* it all runs in one transaction, rolled back (the result tells what would change).
    Articles the replay does not rebuild are kept, unless *remove_not_articles* and the extractor read archived pages
    of theirs and found no article in them. Where a capture now reads differently, the stored versions are kept and
    the new reading is appended as versions carrying *reason* (by default: re-extracted by this dvscrape, and when).
    The pages are extracted by *workers* sandboxed processes (0: one per core; 1: in this process), the results
    written by this one in capture order, so the result is the same whatever their number.
    """
    result = ReextractResult(dry_run=dry_run)
    reason = reason or f"re-extracted by dvscrape {__version__} at {now_stored()}"
    with contextlib.suppress(_DryRun):
        _rebuild(archive, adjust, result, added_by=added_by, dry_run=dry_run,
                 remove_not_articles=remove_not_articles, reason=reason, workers=workers)  # fmt: skip
    return result


def selected_urls(conn: sqlite3.Connection, added_by: int) -> set[str]:
    """The article URLs a rebuild after the crawl or import *added_by* replays: the ones it added captures of, the
    ones whose listing hint its listing captures may change, and the articles their captures were read as (with
    the other addresses of those)."""
    return related_article_urls(conn, added_article_urls(conn, added_by) | hinted_article_urls(conn, added_by))


# Article URLs replayed and committed together: what a rebuild holds in memory grows with this, not the archive.
BATCH_URLS = int(os.environ.get("DVSCRAPE_REBUILD_BATCH", "2000"))
COUNTED = ("pages", "hint_pages", "not_articles", "dropped", "revisits", "gone", "failures")  # kept as they grow
TALLIED = ("new", "updated", "unchanged", "reread", "appended_versions")  # summed over rebuild_urls at the end


def _rebuild(
    archive: Archive,
    adjust: ArticleFilter | None,
    result: ReextractResult,
    *,
    added_by: int | None,
    dry_run: bool,
    remove_not_articles: bool,
    reason: str,
    workers: int,
) -> None:
    conn = archive.db.conn
    if not warc_files(archive.warc_dir):
        raise ReextractError(f"archive {archive.directory} has no WARC files")
    with archive.transaction("re-extract the articles") if dry_run else contextlib.nullcontext():
        with archive.transaction("start the rebuild"):
            forget_snapshot(conn)
            progress = take_up_rebuild(conn, added_by, reason, now_stored())
            hint_pages = hint_pages_to_read(conn, again=added_by is None and not progress.done)
            _read_hint_pages(archive, hint_pages, _profiles(conn, hint_pages), result)
            queue_urls(conn, None if added_by is None else selected_urls(conn, added_by))
        replay = _Replay(archive, adjust, result, progress, workers)
        result.taken_up = progress.done
        position = 0
        while (taken := next_urls(conn, progress.rebuild_id, position, BATCH_URLS))[0] != position:
            position, urls = taken
            with archive.transaction("re-extract a batch of articles"):
                replay.batch(urls)
        with archive.transaction("finish the rebuild"):
            forget_snapshot(conn)
            replay.add_up()
            left = not_rebuilt(conn, progress.rebuild_id, full=added_by is None)
            result.not_rebuilt = sorted(left)
            result.removable = [url for url in result.not_rebuilt if url in result.read_as_not_article]
            if remove_not_articles:
                remove_articles(conn, [left[url] for url in result.removable])
                result.removed = len(result.removable)
            result.kept = len(result.not_rebuilt) - result.removed
            if added_by is None:  # a full rebuild: the whole archive (a rebuild of an import's pages never counts it)
                result.articles = stored_articles(conn)
            finish_rebuild(conn, progress.rebuild_id, now_stored(), replay.counts(finished=True))
        if dry_run:
            raise _DryRun


class _Replay:
    """The replay of a rebuild, a batch of article URLs at a time, each batch in the caller's transaction.

    A batch takes its URLs' captures with those of every address its pages are read as (so an article's history is
    replayed whole, in capture order), restarts the stored articles they rebuild, stores each reading, reconciles
    each article's history with its versions before the rebuild (kept once by snapshot_versions) and records what
    each URL gave (archive.rebuilds) with the counts so far. A page read as an article an earlier batch rebuilt
    brings that article into this batch, which rebuilds it again with every capture; its record is replaced, not
    added (its pages are counted as read twice, as they were)."""

    def __init__(
        self,
        archive: Archive,
        adjust: ArticleFilter | None,
        result: ReextractResult,
        progress: RebuildProgress,
        workers: int,
    ) -> None:
        self.archive, self.adjust, self.result, self.progress, self.workers = archive, adjust, result, progress, workers
        self.result.read_as_not_article |= progress.not_article
        for name in COUNTED:  # what the interrupted run counted, and what this one counted so far
            now = getattr(result, name)
            setattr(result, name, type(now)(progress.counts.get(name, type(now)())) + now)

    def batch(self, urls: list[str]) -> None:
        """Replay the captures of *urls* and of the addresses their pages are read as; record the batch done."""
        if not urls:
            return
        conn = self.archive.db.conn
        selected = set(urls)
        pages = article_captures(conn, selected)
        profiles = _profiles(conn, pages)
        extracted = list(iter_extracted(self.archive, pages, profiles, self.adjust, self.result, self.workers))
        while outside := {article.url for _, article in extracted if article is not None} - selected:
            more = related_article_urls(conn, outside) - selected  # pages read as an article of another address
            selected |= more
            more_pages = article_captures(conn, more)
            pages += more_pages
            profiles = _profiles(conn, pages)
            extracted += iter_extracted(self.archive, more_pages, profiles, self.adjust, self.result, self.workers)
            extracted.sort(key=lambda item: (item[0].fetched_at, item[0].capture_id))
        first_seen: dict[str, str] = {}
        for page, article in extracted:
            if article is not None:
                first_seen.setdefault(article.url, page.fetched_at)
        existing = article_ids(conn, first_seen)
        restarted = {existing[url]: seen for url, seen in first_seen.items() if url in existing}
        snapshot_versions(conn, list(restarted))
        restart_articles(conn, restarted)
        tallies: dict[str, list[int]] = {}  # article URL → saves, later versions, unchanged re-captures
        for page, article in extracted:
            if article is None:
                _replay_check(self.archive, page, profiles, self.result)
                continue
            stored = self.archive.save_article(article, capture_id=page.capture_id, seen_at=page.fetched_at)
            tally = tallies.setdefault(article.url, [0, 0, 0])
            tally[0] += 1
            if tally[0] > 1:
                tally[1 if stored.outcome is ArticleOutcome.UPDATED else 2] += 1
        appended = {url: keep_history(conn, existing[url], self.progress.reason)[0] for url in first_seen
                    if url in existing}  # fmt: skip
        replayed = []
        for url in sorted(selected):
            _, updated, unchanged = tallies.get(url, [0, 0, 0])
            not_article = url in self.result.read_as_not_article
            replayed.append(Replayed(url, url in first_seen, not_article, updated, unchanged, appended.get(url, 0)))
        record_batch(conn, self.progress.rebuild_id, replayed, self.counts())

    def add_up(self) -> None:
        """Set the result's tallies over every URL the rebuild replayed (the interrupted run's too)."""
        for name, value in rebuild_tallies(self.archive.db.conn, self.progress.rebuild_id).items():
            setattr(self.result, name, value)

    def counts(self, *, finished: bool = False) -> dict[str, Any]:
        """The counts so far, as the rebuild keeps them (when *finished*, with the tallies over its URLs too)."""
        names = (*COUNTED, *TALLIED) if finished else COUNTED
        return {name: getattr(self.result, name) for name in names}


def _replay_check(archive: Archive, page: ArchivedPage, profiles: list[SiteProfile], result: ReextractResult) -> None:
    """Replay a revisit (the article was re-checked, unchanged) or a 404/410 answer (the article is gone)."""
    profile = profile_for(page.url, profiles)
    canonical = classify(page.url, profile).canonical if profile else ""
    if not canonical:
        return
    if page.record_type == "revisit":
        if archive.touch_article(canonical, seen_at=page.fetched_at, capture_id=page.capture_id) is not None:
            result.revisits += 1
    elif archive.mark_gone(canonical, seen_at=page.fetched_at, status=page.status) is not None:
        result.gone += 1
