"""QA of a crawl's replay (`dvscrape qa`, and the end of every crawl unless DVSCRAPE_QA_ENABLED is off).

Every page the crawl archived is replayed from the archive's own CDXJ index as pywb and ReplayWeb.page would
(warc/resolve.py; kept beside the WARC files by warc/index_store.py, so only the files it does not hold yet are read),
and the `qa` table (archive/qa.py) records per page:

- whether the page resolves to its capture (the record the captures table says holds its content, or one with the
  same payload);
- every same-host requisite of the replayed page (pages/requisites.py: stylesheets and what they reference, scripts,
  images, icons, fonts), as the crawl fetched it (crawlGood/crawlBad: a capture answered below 400) and as it replays
  (replayGood/replayBad: resolved to a 2xx record at the page's time), the ones that do not replay named;
- whether the page object, run on the replayed bytes, reads the text (title and body) of the article stored for it.

With screenshots, N pages are photographed live (the site) and replayed (pywb, as `dvscrape replay` serves the
archive, but without its banner frame) in headless Chromium, and their pixel similarity stored.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dvscrape.archive.db import Archive
from dvscrape.archive.qa import (
    PageCapture,
    PageCheck,
    crawl_pages,
    fetched_well,
    store_checks,
    store_similarity,
    stored_article,
)
from dvscrape.archive.rows import content_hash
from dvscrape.errors import DvscrapeError
from dvscrape.pages import Article, PageContext, extract_page
from dvscrape.pages.requisites import css_references, page_requisites
from dvscrape.runs.outcome import Outcome, outcome_of_work
from dvscrape.sites.profile import SiteProfile
from dvscrape.text.decode import decode_html, header_charset
from dvscrape.warc.cdxj import cdx_timestamp
from dvscrape.warc.index_store import folder_index
from dvscrape.warc.payload import decoded_payload
from dvscrape.warc.resolve import ReplayIndex, Resolved

logger = logging.getLogger(__name__)

FIRST_NAMED = 3  # pages with a missing requisite named in the summary line
STATS_PREFIX = "dvscrape/qa/"
QA_ERROR = "dvscrape/qa_error"  # why the QA at a crawl's end could not run
SCREENSHOTS_DIR = "qa"  # in the archive folder: qa/crawl-<id>/<capture id>-live.png and -replay.png


@dataclass(frozen=True)
class QaReport:
    """What QA found of one crawl's pages."""

    crawl_id: int
    checks: tuple[PageCheck, ...]
    indexed: tuple[str, ...] = ()
    """The WARC files the archive's index had to read (those it did not hold yet)."""

    def summary(self) -> dict[str, Any]:
        """The figures of the summary line and of `--summary-json`."""
        texts = [check.text_matches for check in self.checks if check.text_matches is not None]
        incomplete = [check.page.url for check in self.checks if not check.complete]
        return {
            "pages": len(self.checks),
            "complete": len(self.checks) - len(incomplete),
            "incomplete": len(incomplete),
            "unresolved": sum(not check.resolves for check in self.checks),
            "articles_compared": len(texts),
            "text_differs": texts.count(False),
            "missing_on": incomplete[:FIRST_NAMED],
            "warc_files_indexed": len(self.indexed),
        }

    @property
    def outcome(self) -> Outcome:
        """SUCCESS when every page replays whole with its text, PARTIAL when one does not, NOTHING_NEW without pages."""
        summary = self.summary()
        return outcome_of_work(changed=bool(self.checks), problems=summary["incomplete"] + summary["text_differs"])


def qa_line(summary: Mapping[str, Any]) -> str:
    """The one QA line of a crawl's or `dvscrape qa`'s summary."""
    line = (
        f"QA: {summary['pages']} pages checked, {summary['complete']} with every requisite, "
        f"{summary['incomplete']} with one missing"
    )
    if summary["missing_on"]:
        more = " …" if summary["incomplete"] > len(summary["missing_on"]) else ""
        line += f" ({', '.join(summary['missing_on'])}{more})"
    if summary["unresolved"]:
        line += f"; {summary['unresolved']} not resolving to their capture"
    if summary["articles_compared"]:
        line += f"; text as stored on {summary['articles_compared'] - summary['text_differs']} of "
        line += f"{summary['articles_compared']} articles"
    return line


def record_in_stats(summary: Mapping[str, Any], stats: Any) -> None:
    """Put a QA summary into a crawl's stats (``dvscrape/qa/<figure>``), where its summary reads it."""
    for name, value in summary.items():
        stats.set_value(STATS_PREFIX + name, value)


def summary_of_stats(stats: Mapping[str, Any]) -> dict[str, Any] | None:
    """The QA summary a crawl's stats hold, or None when QA did not run."""
    if STATS_PREFIX + "pages" not in stats:
        return None
    return {key.removeprefix(STATS_PREFIX): value for key, value in stats.items() if key.startswith(STATS_PREFIX)}


def check_crawl(archive: Archive, crawl_id: int, profile: SiteProfile | None) -> QaReport:
    """Check every page crawl *crawl_id* archived (the text only with the site's *profile*), store the checks in the
    `qa` table (replacing an earlier QA of the crawl) and report them. Raises WarcFormatError when a WARC file cannot
    be read through."""
    pages = crawl_pages(archive.db.conn, crawl_id)
    indexed: tuple[str, ...] = ()
    checks: tuple[PageCheck, ...] = ()
    if pages:
        with folder_index(archive.warc_dir) as store:
            indexed = tuple(store.indexed)
            checker = _Checker(archive, ReplayIndex(store), profile)
            checks = tuple(checker.check(page) for page in pages)
    report = QaReport(crawl_id, checks, indexed)
    store_checks(archive, crawl_id, report.checks)
    return report


class _Checker:
    """The checks of one page, with what pages share (a stylesheet's references, a URL's captures) remembered."""

    def __init__(self, archive: Archive, index: ReplayIndex, profile: SiteProfile | None) -> None:
        self.conn = archive.db.conn
        self.index = index
        self.profile = profile
        self._stylesheets: dict[tuple[str, int], list[str]] = {}
        self._fetched_well: dict[str, bool] = {}

    def check(self, page: PageCapture) -> PageCheck:
        timestamp = cdx_timestamp(page.fetched_at)
        resolved = self.index.resolve(page.url, timestamp)
        if resolved is None or not resolved.good:
            why = "not in the index" if resolved is None else f"resolves to a {resolved.status} capture"
            return PageCheck(page, False, problem=f"the page {why}")
        resolves = (resolved.filename, resolved.offset) == (page.warc_filename, page.warc_offset) or (
            bool(page.payload_digest) and resolved.digest == page.payload_digest
        )
        problem = "" if resolves else f"the page resolves to another capture ({resolved.timestamp})"
        try:
            record = self.index.record(resolved)
            body = decoded_payload(record) if "html" in resolved.mime else b""
        except DvscrapeError as error:
            return PageCheck(page, False, problem=f"the page's record cannot be read: {error}")
        content_type = record.http_header("Content-Type")
        requisites = self._requisites(page.url, body, content_type, timestamp)
        replay_bad = [url for url, found in requisites.items() if found is None or not found.good]
        crawl_good = sum(self._was_fetched_well(list(requisites)).values())
        text_matches, text_problem = self._text(page, body, content_type)
        return PageCheck(
            page,
            resolves,
            crawl_good=crawl_good,
            crawl_bad=len(requisites) - crawl_good,
            replay_good=len(requisites) - len(replay_bad),
            replay_bad=len(replay_bad),
            missing=tuple(replay_bad),
            text_matches=text_matches,
            problem="; ".join(part for part in (problem, text_problem) if part),
        )

    def _requisites(
        self, page_url: str, body: bytes, content_type: str | None, timestamp: str
    ) -> dict[str, Resolved | None]:
        """Every same-host requisite of the page and of its stylesheets, with what replays for it."""
        host = urlsplit(page_url).netloc.lower()
        found: dict[str, Resolved | None] = {}
        pending = [url for url in page_requisites(page_url, body, content_type) if urlsplit(url).netloc.lower() == host]
        while pending:
            url = pending.pop(0)
            if url in found:
                continue
            resolved = found[url] = self.index.resolve(url, timestamp)
            if resolved is not None and resolved.good and resolved.mime == "text/css":
                pending += [ref for ref in self._stylesheet(resolved) if urlsplit(ref).netloc.lower() == host]
        return found

    def _stylesheet(self, resolved: Resolved) -> list[str]:
        key = (resolved.filename, resolved.offset)
        if key not in self._stylesheets:
            try:
                record = self.index.record(resolved)
                css = decode_html(decoded_payload(record), header_charset(record.http_header("Content-Type")))
            except DvscrapeError:
                css = ""
            self._stylesheets[key] = css_references(resolved.url, css)
        return self._stylesheets[key]

    def _was_fetched_well(self, urls: list[str]) -> dict[str, bool]:
        unknown = [url for url in urls if url not in self._fetched_well]
        if unknown:
            good = fetched_well(self.conn, unknown)
            self._fetched_well.update({url: url in good for url in unknown})
        return {url: self._fetched_well[url] for url in urls}

    def _text(self, page: PageCapture, body: bytes, content_type: str | None) -> tuple[bool | None, str]:
        """Whether the replayed page reads as the stored article (None: no article stored for it, or no profile)."""
        stored = stored_article(self.conn, page.canonical_url, page.fetched_at) if self.profile else None
        if stored is None or self.profile is None:
            return None, ""
        try:
            replayed = extract_page(page.url, body, self.profile, PageContext(content_type=content_type))
        except DvscrapeError as error:
            return False, f"the replayed page cannot be read: {error}"
        if not isinstance(replayed, Article):
            return False, f"the replayed page is not an article: {replayed.reason}"
        if content_hash(replayed) == stored[0]:
            return True, ""
        return False, "the replayed title differs" if replayed.title != stored[1] else "the replayed body differs"


def photograph(archive: Archive, report: QaReport, count: int) -> list[tuple[PageCheck, float]]:
    """Photograph *count* checked pages (articles first) live and replayed in pywb, store each pixel similarity in
    the `qa` table and keep the photographs in the archive's qa/ folder. Raises ReplayUnavailableError without pywb,
    BrowserError without Chromium."""
    from dvscrape.serving.browser import screenshot, similarity  # not imported by the QA at every crawl's end
    from dvscrape.serving.replay import pywb_serving

    chosen = sorted((check for check in report.checks if check.resolves), key=lambda c: c.page.kind != "article")
    folder = screenshots_folder(archive.directory, report.crawl_id)
    folder.mkdir(parents=True, exist_ok=True)
    results: list[tuple[PageCheck, float]] = []
    with pywb_serving(archive, framed=False) as base:
        for check in chosen[:count]:
            page = check.page
            live, replayed = folder / f"{page.capture_id}-live.png", folder / f"{page.capture_id}-replay.png"
            screenshot(page.url, live)
            screenshot(f"{base}/{cdx_timestamp(page.fetched_at)}/{page.url}", replayed)
            score = round(similarity(live, replayed), 4)
            store_similarity(archive, report.crawl_id, page.capture_id, score)
            results.append((check, score))
    return results


def screenshots_folder(archive_dir: Path, crawl_id: int) -> Path:
    """Where the photographs of a crawl's QA are kept."""
    return archive_dir / SCREENSHOTS_DIR / f"crawl-{crawl_id}"
