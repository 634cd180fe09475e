"""Re-extraction: rebuilding the articles tables from the WARC files alone, with no network.

Every article response in the WARC files (status 2xx) is run again through the page object and the crawl's
normalisation and validation rules, in the order it was fetched, and stored with Archive.save_article; article
revisits (304 or identical payload) are replayed with Archive.touch_article and 404/410 answers with
Archive.mark_gone, as an incremental crawl records them. The rebuild runs in one transaction: articles keep their
ids (so citations by id stay valid), first_seen/last_seen become the capture times, and versions follow the replayed
captures; where a capture now reads differently, the stored versions stay and the new reading is appended after them
with a reason (archive.rereading). An article the replay does not rebuild is kept untouched, with its versions,
figures and links: when the extractor now reads every archived page of it as something other than an article it is
listed (``not_rebuilt``) and removed only when the caller asks for that reason (``remove_not_articles``); when no
archived page of it could be read at all it is never removed. ``dry_run`` does the whole rebuild and rolls it back,
so the result says what would change. The captures table is only used to give each article its capture id; nothing
is fetched.

The page context is rebuilt from the WARC files too: the Content-Type header the page came with, the sitemap's
lastmod of the article's URL (the year of a lede's 'Ngày 8/2' when the page shows no date), and the listing hint
(pages.listing.listing_hint over every archived listing page, each taken at its capture nearest the article's), as
the crawl has them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from dvscrape import __version__
from dvscrape.archive.db import Archive
from dvscrape.archive.lookup import crawl_profiles
from dvscrape.archive.records import ArticleOutcome
from dvscrape.archive.rereading import (
    article_ids,
    capture_ids_by_record,
    keep_history,
    remove_articles,
    restart_articles,
    stored_counts,
    stored_versions,
)
from dvscrape.archive.times import now_stored, stored_time
from dvscrape.errors import DvscrapeError, ReextractError
from dvscrape.pages import Article, PageContext, extract_page
from dvscrape.pages.finish import validated
from dvscrape.pages.listing import ListingEntry, ListingHint, extract_listing, listing_hint
from dvscrape.pages.sitemap import read_sitemap
from dvscrape.sites import profile_for
from dvscrape.sites.profile import SiteProfile
from dvscrape.sites.urls import UrlKind, classify
from dvscrape.warc.files import warc_files
from dvscrape.warc.model import parse_warc_date
from dvscrape.warc.payload import decoded_payload
from dvscrape.warc.reader import WarcRecord, read_record_at
from dvscrape.warc.walk import iter_readable

GONE_STATUSES = frozenset({404, 410})

ArticleFilter = Callable[[Article], Article]  # a step between extraction and validation (a test hook)


@dataclass(frozen=True)
class _Page:
    """An article response to re-extract, in fetch order."""

    url: str
    record_id: str
    path: Path
    offset: int
    length: int
    date: str
    record_type: str = "response"
    status: int = 200

    @classmethod
    def of(cls, record: WarcRecord, path: Path) -> _Page:
        """The page of *record* (in the WARC file *path*)."""
        return cls(
            record.target_uri,
            record.record_id,
            path,
            record.offset,
            record.length,
            record.header("WARC-Date") or "",
        )


@dataclass
class ReextractResult:
    """Counts of one re-extraction."""

    pages: int = 0
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


def _sitemap_lastmods(record: WarcRecord, profile: SiteProfile, into: dict[str, str]) -> None:
    try:
        pages = read_sitemap(decoded_payload(record)).pages
    except DvscrapeError:
        return
    for loc, lastmod in pages:
        canonical = classify(profile.fetch_url(loc), profile).canonical
        if canonical:
            into[canonical] = lastmod


@dataclass(frozen=True)
class _Scan:
    """What re-extraction reads from the WARC files before extracting: article pages in fetch order, sitemap
    lastmods by canonical URL, the sitemap URLs seen, and the listing pages by URL (for the dates they show)."""

    pages: list[_Page]
    lastmods: dict[str, str]
    sitemaps: set[str]
    listings: dict[str, list[_Page]]


def _scan(files: list[Path], profiles: list[SiteProfile], capture_kinds: dict[str, str]) -> _Scan:
    """Read every WARC file once; see _Scan."""
    pages: list[_Page] = []
    listings: dict[str, list[_Page]] = {}
    lastmods: dict[str, str] = {}
    sitemaps: set[str] = set()
    for path in files:
        for record in iter_readable(path):  # an imported file's unreadable records were recorded at import
            kind = record.record_type
            if kind not in ("response", "revisit"):
                continue
            status = record.http_status or 0
            profile = profile_for(record.target_uri, profiles)
            if profile is None or not (200 <= status < 300 or status in GONE_STATUSES or kind == "revisit"):
                continue
            decision = classify(record.target_uri, profile)
            captured_as = capture_kinds.get(record.record_id, decision.kind.value)
            if captured_as == UrlKind.SITEMAP.value and kind == "response":
                sitemaps.add(record.target_uri)
                _sitemap_lastmods(record, profile, lastmods)
                continue
            if decision.kind is UrlKind.LISTING and kind == "response" and status == 200:
                listings.setdefault(record.target_uri, []).append(_Page.of(record, path))
                continue
            if captured_as == UrlKind.ARTICLE.value:
                pages.append(replace(_Page.of(record, path), record_type=kind, status=status))
    return _Scan(sorted(pages, key=lambda page: page.date), lastmods, sitemaps, listings)


class _ListingBook:
    """Every archived listing page's entries, read once, by the article they link (for _listing_hint)."""

    def __init__(self, scan: _Scan, profiles: list[SiteProfile]) -> None:
        self.scan = scan
        self.profiles = profiles
        self._read = False
        self.showing: dict[str, set[str]] = {}  # article canonical URL → listing URLs that ever showed it
        self.captures: dict[str, list[tuple[float, str]]] = {}  # listing URL → (capture time, record id), in order
        self.entries: dict[str, dict[str, ListingEntry]] = {}  # listing record id → its entries by article URL

    def read(self) -> None:
        """Read every listing capture of the scan (once)."""
        if self._read:
            return
        self._read = True
        for url, captures in self.scan.listings.items():
            profile = profile_for(url, self.profiles)
            for listing_page in captures:
                self.captures.setdefault(url, []).append((_seconds(listing_page.date), listing_page.record_id))
                shown = self._entries_of(listing_page, profile) if profile is not None else {}
                self.entries[listing_page.record_id] = shown
                for article_url in shown:
                    self.showing.setdefault(article_url, set()).add(url)
            self.captures[url].sort()

    @staticmethod
    def _entries_of(listing_page: _Page, profile: SiteProfile) -> dict[str, ListingEntry]:
        """The entries of one listing capture by article URL; none when it cannot be read (it shows nothing)."""
        try:
            record = read_record_at(listing_page.path, listing_page.offset, listing_page.length, check_digests=False)
            content_type = record.http_header("Content-Type")
            listing = extract_listing(listing_page.url, decoded_payload(record), profile, content_type)
        except (DvscrapeError, OSError, ValueError):
            return {}
        return {entry.url: entry for entry in listing.entries}


def _seconds(warc_date: str) -> float:
    try:
        return parse_warc_date(warc_date).timestamp()
    except ValueError:
        return 0.0


def _listing_hint(page: _Page, canonical: str, book: _ListingBook) -> ListingHint:
    """The article's listing hint by the crawl's one rule (pages.listing.listing_hint: every listing entry that
    links it), whichever listing reached it first (its Referer) and whatever tool fetched the pages. Each archived
    listing URL is read as captured nearest in time to the page (the earlier of two equally near): in a crawl's
    WARC files that is the same crawl's capture, the listings the crawl read; a listing page a later incremental
    run did not read again keeps its last capture, so what it showed still holds (the record does not flip)."""
    book.read()
    page_time = _seconds(page.date)
    entries: list[ListingEntry] = []
    for url in sorted(book.showing.get(canonical, ())):
        _, record_id = min(book.captures[url], key=lambda capture: (abs(capture[0] - page_time), capture[0]))
        entry = book.entries[record_id].get(canonical)
        if entry is not None:
            entries.append(entry)
    return listing_hint(entries)


def iter_extracted(
    scan: _Scan,
    profiles: list[SiteProfile],
    adjust: ArticleFilter | None,
    result: ReextractResult,
) -> Iterator[tuple[_Page, Article | None]]:
    """Each 2xx response's article (normalised and validated) in fetch order, and each revisit or 404/410 answer
    with None; failures and non-articles are counted."""
    book = _ListingBook(scan, profiles)
    for page in scan.pages:
        if page.record_type == "revisit" or page.status in GONE_STATUSES:
            yield page, None
            continue
        result.pages += 1
        profile = profile_for(page.url, profiles)
        assert profile is not None
        try:
            record = read_record_at(page.path, page.offset, page.length, check_digests=False)
            canonical = classify(page.url, profile).canonical
            hint = _listing_hint(page, canonical, book)
            context = PageContext(
                content_type=record.http_header("Content-Type"),
                sitemap_lastmod=scan.lastmods.get(canonical, ""),  # as the crawl: however the page was reached
                listing_date=hint.date,
                listing_categories=hint.categories,
                http_status=record.http_status,
            )
            extracted = extract_page(page.url, decoded_payload(record), profile, context)
        except (DvscrapeError, ValueError, ImportError) as error:
            result.failures.append(f"{page.url}: {error}")
            continue
        if not isinstance(extracted, Article):
            result.not_articles += 1
            result.read_as_not_article.add(canonical)
            continue
        article = validated(adjust(extracted) if adjust else extracted)
        if article is None:
            result.dropped += 1
            result.read_as_not_article.add(canonical)
            continue
        yield page, article


class _DryRun(Exception):
    """Raised inside the rebuild's transaction to roll it back after counting."""


def reextract(
    archive: Archive,
    adjust: ArticleFilter | None = None,
    *,
    dry_run: bool = False,
    remove_not_articles: bool = False,
    reason: str = "",
) -> ReextractResult:
    """Rebuild *archive*'s articles, figures, attachments, tags, related links and versions from its WARC files.

    Each article is extracted (and normalised) by the page object and checked by pages.finish.validated, as in a crawl;
    *adjust*, when given, is applied between the two (tests use it to stand for a changed extractor). Runs in one
    transaction: on any error nothing changes; with *dry_run* nothing changes either (the result tells what would).
    Articles the replay does not rebuild are kept, unless *remove_not_articles* and the extractor read archived pages
    of theirs and found no article in them. Where a capture now reads differently, the stored versions are kept and
    the new reading is appended as versions carrying *reason* (by default: re-extracted by this dvscrape, and when).
    """
    result = ReextractResult(dry_run=dry_run)
    reason = reason or f"re-extracted by dvscrape {__version__} at {now_stored()}"
    with contextlib.suppress(_DryRun):
        _rebuild(archive, adjust, result, dry_run=dry_run, remove_not_articles=remove_not_articles, reason=reason)
    return result


def _rebuild(
    archive: Archive,
    adjust: ArticleFilter | None,
    result: ReextractResult,
    *,
    dry_run: bool,
    remove_not_articles: bool,
    reason: str,
) -> None:
    conn = archive.db.conn
    files = warc_files(archive.warc_dir)
    if not files:
        raise ReextractError(f"archive {archive.directory} has no WARC files")
    profiles = crawl_profiles(conn)
    if not profiles:
        raise ReextractError("the archive records no crawl of a known site, so its pages cannot be re-extracted")
    captured = capture_ids_by_record(conn)
    capture_ids = {record_id: capture_id for record_id, (capture_id, _) in captured.items()}
    scan = _scan(files, profiles, {record_id: kind for record_id, (_, kind) in captured.items()})
    extracted = list(iter_extracted(scan, profiles, adjust, result))
    first_seen: dict[str, str] = {}
    for page, article in extracted:
        if article is not None:
            first_seen.setdefault(article.url, _seen_at(page))
    stored_urls: set[str] = set()
    with archive.transaction("re-extract the articles"):
        existing = article_ids(conn)
        rebuilt_ids = [existing[url] for url in first_seen if url in existing]
        versions_before = stored_versions(conn, rebuilt_ids)
        restart_articles(conn, {existing[url]: seen for url, seen in first_seen.items() if url in existing})
        for page, article in extracted:
            if article is None:
                _replay_check(archive, page, profiles, capture_ids.get(page.record_id), result)
                continue
            stored = archive.save_article(article, capture_id=capture_ids.get(page.record_id), seen_at=_seen_at(page))
            if article.url not in stored_urls:
                result.new += 1
            elif stored.outcome is ArticleOutcome.UPDATED:
                result.updated += 1
            else:
                result.unchanged += 1
            stored_urls.add(article.url)
        for article_id in rebuilt_ids:
            appended, _ = keep_history(conn, article_id, versions_before.get(article_id, []), reason)
            result.reread += appended > 0
            result.appended_versions += appended
        result.not_rebuilt = sorted(url for url in existing if url not in first_seen)
        result.removable = [url for url in result.not_rebuilt if url in result.read_as_not_article]
        if remove_not_articles:
            remove_articles(conn, [existing[url] for url in result.removable])
            result.removed = len(result.removable)
        result.kept = len(result.not_rebuilt) - result.removed
        result.articles, _ = stored_counts(conn)
        if dry_run:
            raise _DryRun


def _seen_at(page: _Page) -> str:
    """The capture time (the record's WARC-Date) in the archive's one stored time format."""
    return stored_time(parse_warc_date(page.date))


def _replay_check(
    archive: Archive, page: _Page, profiles: list[SiteProfile], capture_id: int | None, result: ReextractResult
) -> None:
    """Replay a revisit (the article was re-checked, unchanged) or a 404/410 answer (the article is gone)."""
    profile = profile_for(page.url, profiles)
    canonical = classify(page.url, profile).canonical if profile else ""
    if not canonical:
        return
    if page.record_type == "revisit":
        if archive.touch_article(canonical, seen_at=_seen_at(page), capture_id=capture_id) is not None:
            result.revisits += 1
    elif archive.mark_gone(canonical, seen_at=_seen_at(page), status=page.status) is not None:
        result.gone += 1
