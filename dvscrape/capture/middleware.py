"""WarcCaptureMiddleware: writes every HTTP exchange to WARC, byte-faithful, and records it in `captures`.

Whatever the bytes came from: the site itself, or a web archive serving a capture raw (the Wayback mode, whose
requests carry ARCHIVED_KEY). An archived capture is written as a response record whose WARC-Target-URI and WARC-Date
are the original URL and capture time (extraction, history and replay see the page as it was), with WARC-Source-URI
(the address fetched) and WARC-Creation-Date (when); its request record is the request really sent.
"""

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
from dvscrape.archive.times import stored_time
from dvscrape.capture.counts import Count, count
from dvscrape.capture.extension import ArchiveExtension
from dvscrape.capture.items import ARCHIVED_KEY, CANONICAL_KEY, CAPTURE_ID_KEY, CAPTURED_AT_KEY, KIND_KEY, REVISIT_KEY
from dvscrape.capture.session import site_profile
from dvscrape.errors import ArchiveError
from dvscrape.sites.urls import classify
from dvscrape.warc.model import HttpExchange, RevisitProfile, sha1_digest, target_uri, warc_date

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http.headers import Headers

    from dvscrape.capture.session import CrawlSession
    from dvscrape.sites.profile import SiteProfile

logger = logging.getLogger(__name__)


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
    return tuple(
        (name.decode("latin-1"), value.decode("latin-1")) for name, values in headers.items() for value in values
    )


def _reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class WarcCaptureMiddleware:
    """Downloader middleware at priority 950: sees the request as sent and the response as received."""

    def __init__(self, crawler: Crawler, session: CrawlSession, profile: SiteProfile | None) -> None:
        self.stats = crawler.stats
        self.session = session
        self.profile = profile
        # Images, documents and requisites this crawl archived as responses, by canonical URL: when a page names
        # the same resource under another URL (another ?t=), identical bytes become a revisit of that record.
        self._fetched: dict[str, KnownCapture] = {}
        self._digests: set[str] = set()  # the payload digests of the response records this crawl wrote

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        """Enabled by DVSCRAPE_WARC_ENABLED, when the crawl has an archive."""
        if not crawler.settings.getbool("DVSCRAPE_WARC_ENABLED"):
            raise NotConfigured("DVSCRAPE_WARC_ENABLED is off")
        session = ArchiveExtension.session_of(crawler)
        if session is None:
            raise NotConfigured("no archive: nothing is captured")
        middleware = cls(crawler, session, site_profile(crawler.settings))
        crawler.signals.connect(middleware.request_reached, signal=signals.request_reached_downloader)
        return middleware

    def request_reached(self, request: Request, spider: object) -> None:
        """Count every request that goes out, retries and robots.txt included."""
        count(self.stats, Count.REQUESTS)

    def process_response(self, request: Request, response: Response) -> Response:
        """Write the exchange to WARC and record the capture; the response goes on unchanged."""
        session = self.session
        if session.warc_writer is None:
            return response
        now = datetime.now(UTC)
        url, fetched_at, source = request.url, now, ""
        archived = request.meta.get(ARCHIVED_KEY)
        if archived is not None:
            url, fetched_at, source = archived[0], archived[1], request.url
        exchange = HttpExchange(
            url=url,
            method=request.method,
            request_headers=_header_pairs(request.headers),  # the writer adds Host, which Scrapy sets itself
            request_body=request.body,
            protocol=response.protocol or "HTTP/1.1",
            status=response.status,
            reason=_reason_phrase(response.status),
            response_headers=_header_pairs(response.headers),
            response_body=response.body,
            fetched_at=fetched_at,
            ip_address=str(response.ip_address) if response.ip_address else None,
            source_url=source,
            source_fetched_at=now if source else None,
        )
        kind = request.meta.get(KIND_KEY)
        canonical = request.meta.get(CANONICAL_KEY, "")
        if (kind is None or not canonical) and self.profile is not None:
            decision = classify(url, self.profile)
            kind = kind or decision.kind.value
            canonical = canonical or decision.canonical
        canonical = canonical or url
        if session.fatal_error:
            raise IgnoreRequest("the crawl is stopping: the archive cannot be written")
        try:
            request.meta[CAPTURED_AT_KEY] = stored_time(fetched_at)
            request.meta[CAPTURE_ID_KEY] = self._archive(
                session, request, response, exchange, str(kind or "other"), canonical, archived is None
            )
        except (OSError, sqlite3.Error, ArchiveError) as error:
            session.abort(error)
            raise IgnoreRequest(f"not archived: {error}") from error
        count(self.stats, Count.CAPTURES)
        if kind == "media" and (200 <= response.status < 300 or response.status == 304):
            count(self.stats, Count.MEDIA)
        if archived is None and 300 <= response.status < 400 and response.headers.get(b"Location"):
            self._check_redirect(session, request, response)
        self.stats.inc_value("dvscrape/warc/records", 2)
        self.stats.inc_value("dvscrape/warc/response_bytes", len(response.body))
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        """Record a fetch that failed without a response when no spider callback will: robots.txt is fetched by
        Scrapy itself, and its failures would otherwise only be logged."""
        session = self.session
        if self.profile is None or request.errback is not None or session.fatal_error:
            return None
        decision = classify(request.url, self.profile)
        try:
            session.record_failed_fetch(
                request.url,
                decision.canonical or request.url,
                str(request.meta.get(KIND_KEY) or decision.kind.value),
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
        location = (response.headers.get(b"Location") or b"").decode("latin-1").strip()
        if self.profile is None or not location:
            return
        target = urljoin(request.url, location)
        decision = classify(target, self.profile)
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
        live: bool,
    ) -> int:
        """Write the WARC record and the capture row; return its id. The site's own answer is a revisit when its
        content is known; a web archive's capture is always a response (its content is of its own time)."""
        writer = session.warc_writer
        assert writer is not None  # checked by process_response
        known = session.state.last_capture(canonical) if live else None
        fetched = self._fetched.get(canonical) if live else None
        if fetched is not None and response.status == 200 and sha1_digest(response.body) == fetched.payload_digest:
            known = fetched
        revisit = _revisit_profile(response, known)
        if revisit is not None and known is not None:
            location = writer.write_revisit(exchange, profile=revisit, refers_to=known.revisit_target())
            request.meta[REVISIT_KEY] = revisit.value
            count(self.stats, Count.REVISITS)
            identical = revisit is RevisitProfile.IDENTICAL_PAYLOAD_DIGEST
            count(self.stats, Count.BYTES_CONSERVED, len(response.body) if identical else known.content_length)
        else:
            location = writer.write_exchange(exchange)
            if location.payload_digest not in self._digests:
                self._digests.add(location.payload_digest)
                count(self.stats, Count.UNIQUE_DIGESTS)
        capture = Capture(
            crawl_id=session.crawl_id,
            url=exchange.url,
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
                content_length=len(response.body),
            )
        return capture_id
