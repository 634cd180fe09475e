"""Scrapy components that bind a crawl to the archive.

- extension: ArchiveExtension, which opens the archive, owns the crawl's session and records the outcome;
- session: CrawlSession (open archive, WARC writer, counts) and ArchiveSettings;
- planner: FetchPlanner, what an incremental or resumed crawl fetches and with which conditional headers;
- middleware: WarcCaptureMiddleware, every exchange to WARC and `captures`;
- scope: ScopeMiddleware, every request checked against the site profile, refusals recorded;
- guards: the trap guards that need no profile (budgets per listing and per parameter pattern, barren listings,
  unbounded dates and pages, growing back links), a spider and a downloader middleware;
- backoff: BackoffMiddleware, Retry-After and exponential back-off before retries;
- progress: ProgressExtension, the progress line or log.
"""
