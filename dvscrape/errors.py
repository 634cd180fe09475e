"""The one exception hierarchy of dvscrape; each class says where it is raised."""


class DvscrapeError(Exception):
    """Base class of every error dvscrape raises on purpose."""


class ConfigurationError(DvscrapeError):
    """Raised by sites/ and cli/ when a profile, setting or option is invalid."""


class ArchiveError(DvscrapeError):
    """Raised by archive/ when the archive folder, database or WARC files cannot be used."""


class ArchiveLockedError(ArchiveError):
    """Raised by archive/ when another crawl holds the archive's lock."""


class WarcFormatError(ArchiveError):
    """Raised by warc/reader and warc/writer when a WARC file or record is malformed."""


class PayloadDecodingError(ArchiveError):
    """Raised by warc/payload when an archived body's Content-Encoding cannot be undone (unknown coding, bad data)."""


class SigningError(DvscrapeError):
    """Raised by warc/signing and warc/timestamp when a package cannot be signed (the time-stamping authority is
    unreachable or refuses) or a signature or timestamp does not verify."""


class BrowserError(DvscrapeError):
    """Raised by serving/browser when headless Chromium is not installed or cannot photograph a page."""


class ExtractionError(DvscrapeError):
    """Raised by pages/ when a page cannot be read at all (not for pages that are merely not articles)."""


class QueryError(DvscrapeError):
    """Raised by archive/search when a search query or filter cannot be used (said in one sentence)."""


class NotInArchiveError(DvscrapeError):
    """Raised by archive/lookup when a URL or id matches nothing in the archive."""


class ReextractError(DvscrapeError):
    """Raised by reextract when the archive cannot be re-extracted (no crawl recorded, no WARC files)."""


class ExtractionTimeout(ExtractionError):
    """Raised by pages/pool when a page takes longer than the time limit to extract; the worker is replaced."""


class FleetError(DvscrapeError):
    """Raised by fleet/ when a Scrapyd node refuses a request or a fleet run cannot go on."""


class NodeUnavailable(FleetError):
    """Raised by fleet/scrapyd when a Scrapyd node does not answer (down, unreachable, timed out)."""
