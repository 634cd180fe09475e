"""WarcCaptureMiddleware: writes every HTTP exchange to WARC, byte-faithful, and records it in `captures`."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from dvscrape.archive.incremental import KnownCapture
from dvscrape.archive.records import Capture
from dvscrape.capture.extension import ArchiveExtension
from dvscrape.errors import ArchiveError
from dvscrape.sites.urls import classify
from dvscrape.warc.model import HttpExchange, RevisitProfile, sha1_digest, target_uri, warc_date

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http.headers import Headers

    from dvscrape.capture.session import CrawlSession

logger = logging.getLogger(__name__)

CAPTURE_ID_KEY = "dvscrape_capture_id"
KIND_KEY = "dvscrape_kind"
CANONICAL_KEY = "dvscrape_canonical"
REVISIT_KEY = "dvscrape_revisit"


def _revisit_profile(response: Response, known: KnownCapture | None) -> RevisitProfile | None:
    """Which revisit record an exchange deserves: a 304 answer, or a 200 whose payload is the last capture's."""
    if known is None:
        return None
    if response.status == 304:
        return RevisitProfile.SERVER_NOT_MODIFIED
    if response.status == 200 and known.payload_digest and sha1_digest(response.body) == known.payload_digest:
        return RevisitProfile.IDENTICAL_PAYLOAD_DIGEST
    return None


def _header_pairs(headers: Headers) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for name, values in headers.items():
        for value in values:
            pairs.append((name.decode("latin-1"), value.decode("latin-1")))
    return tuple(pairs)


def _reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class WarcCaptureMiddleware:
    """Downloader middleware at priority 950: sees the request as sent and the response as received."""

    def __init__(self, crawler: Crawler, session: CrawlSession) -> None:
        self.crawler = crawler
        self.session = session
        # Images, documents and requisites this crawl archived as responses, by canonical URL: when a page names
        # the same resource under another URL (another ?t=), identical bytes become a revisit of that record.
        self._fetched: dict[str, KnownCapture] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        """Enabled by DVSCRAPE_WARC_ENABLED, when the crawl has an archive."""
        if not crawler.settings.getbool("DVSCRAPE_WARC_ENABLED"):
            raise NotConfigured("DVSCRAPE_WARC_ENABLED is off")
        session = ArchiveExtension.session_of(crawler)
        if session is None:
            raise NotConfigured("no archive: nothing is captured")
        middleware = cls(crawler, session)
        crawler.signals.connect(middleware.request_reached, signal=signals.request_reached_downloader)
        return middleware

    def request_reached(self, request: Request, spider: object) -> None:
        """Count every request that goes out, retries and robots.txt included."""
        self.session.counts.requests += 1

    def process_response(self, request: Request, response: Response) -> Response:
        """Write the exchange to WARC and record the capture; the response goes on unchanged."""
        session = self.session
        if session.warc_writer is None:
            return response
        fetched_at = datetime.now(UTC)
        request_headers = _header_pairs(request.headers)  # the writer adds Host, which Scrapy sets itself
        exchange = HttpExchange(
            url=request.url,
            method=request.method,
            request_headers=request_headers,
            request_body=request.body,
            protocol=response.protocol or "HTTP/1.1",
            status=response.status,
            reason=_reason_phrase(response.status),
            response_headers=_header_pairs(response.headers),
            response_body=response.body,
            fetched_at=fetched_at,
            ip_address=str(response.ip_address) if response.ip_address else None,
        )
        profile = getattr(self.crawler.spider, "profile", None)
        kind = request.meta.get(KIND_KEY)
        canonical = request.meta.get(CANONICAL_KEY, "")
        if (kind is None or not canonical) and profile is not None:
            decision = classify(request.url, profile)
            kind = kind or decision.kind.value
            canonical = canonical or decision.canonical
        canonical = canonical or request.url
        if session.fatal_error:
            raise IgnoreRequest("the crawl is stopping: the archive cannot be written")
        try:
            request.meta[CAPTURE_ID_KEY] = self._archive(
                session, request, response, exchange, str(kind or "other"), canonical
            )
        except (OSError, sqlite3.Error, ArchiveError) as error:
            session.abort(error)
            raise IgnoreRequest(f"not archived: {error}") from error
        session.counts.captures += 1
        if kind == "media" and (200 <= response.status < 300 or response.status == 304):
            session.counts.media += 1
        if 300 <= response.status < 400 and response.headers.get(b"Location"):
            self._check_redirect(session, request, response)
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value("dvscrape/warc/records", 2)
            stats.inc_value("dvscrape/warc/response_bytes", len(response.body))
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        """Record a fetch that failed without a response when no spider callback will: robots.txt is fetched by
        Scrapy itself, and its failures would otherwise only be logged."""
        session = self.session
        profile = getattr(self.crawler.spider, "profile", None)
        if profile is None or request.errback is not None or session.fatal_error:
            return None
        decision = classify(request.url, profile)
        try:
            session.record_failed_fetch(
                request.url,
                decision.canonical or request.url,
                decision.kind.value,
                f"{type(exception).__name__}: {exception}",
                attempts=int(request.meta.get("retry_times", 0)) + 1,
            )
            session.wrote()
        except (OSError, sqlite3.Error, ArchiveError) as error:
            session.abort(error)
        return None

    def _check_redirect(self, session: CrawlSession, request: Request, response: Response) -> None:
        """Record a redirect out of scope here, where every one is seen: Scrapy's own offsite and scheme checks
        drop some before any dvscrape component would see the new request."""
        profile = getattr(self.crawler.spider, "profile", None)
        location = (response.headers.get(b"Location") or b"").decode("latin-1").strip()
        if profile is None or not location:
            return
        target = urljoin(request.url, location)
        decision = classify(target, profile)
        if not decision.fetchable:
            session.refuse(target, decision.kind.value, f"redirect refused: {decision.reason}", request.url)

    def _archive(
        self,
        session: CrawlSession,
        request: Request,
        response: Response,
        exchange: HttpExchange,
        kind: str,
        canonical: str,
    ) -> int:
        """Write the WARC record (a revisit when the content is known) and the capture row; return its id."""
        writer = session.warc_writer
        assert writer is not None  # checked by process_response
        known = session.state.last_capture(canonical)
        fetched = self._fetched.get(canonical)
        if fetched is not None and response.status == 200 and sha1_digest(response.body) == fetched.payload_digest:
            known = fetched
        revisit = _revisit_profile(response, known)
        if revisit is not None and known is not None:
            location = writer.write_revisit(exchange, profile=revisit, refers_to=known.revisit_target())
            request.meta[REVISIT_KEY] = revisit.value
            session.counts.revisits += 1
        else:
            location = writer.write_exchange(exchange)
        capture = Capture(
            crawl_id=session.crawl_id,
            url=request.url,
            canonical_url=canonical,
            kind=kind,
            status=response.status,
            content_type=(response.headers.get(b"Content-Type") or b"").decode("latin-1"),
            fetched_at=warc_date(exchange.fetched_at),
            content_length=len(response.body),
            location=location,
            attempts=int(request.meta.get("retry_times", 0)) + 1,
            etag=(response.headers.get(b"ETag") or b"").decode("latin-1"),
            last_modified=(response.headers.get(b"Last-Modified") or b"").decode("latin-1"),
            record_type="revisit" if revisit is not None else "response",
            revisit_profile=revisit.value if revisit is not None else "",
            refers_to_capture_id=known.capture_id if revisit is not None and known is not None else None,
        )
        capture_id = session.archive.record_capture(capture)
        session.wrote()
        if revisit is None and response.status == 200 and kind in ("media", "requisite") and location is not None:
            self._fetched[canonical] = KnownCapture(
                canonical_url=canonical,
                capture_id=capture_id,
                url=target_uri(exchange.url),
                warc_date=capture.fetched_at,
                record_id=location.record_id,
                payload_digest=location.payload_digest,
                etag=capture.etag,
                last_modified=capture.last_modified,
                kind=kind,
            )
        return capture_id
