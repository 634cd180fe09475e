"""The bare Scrapy spider of bench/crawl.py: fetches every URL of a file, one a line, and does nothing with the
responses but count them; no item pipeline, no extraction, no dvscrape import (its start-up is Scrapy's alone).

    python -m scrapy runspider bench/bare_spider.py -a urls=FILE -a counts=JSON [-s NAME=VALUE ...]

Run it from a folder without a scrapy.cfg (else Scrapy loads that project's settings); bench/crawl.py passes the
concurrency, politeness and retry settings of dvscrape's `--fast` crawl as `-s`. Every URL is requested as given, even
twice (a fetch the crawl retried) and never redirected (the crawl fetched the redirect's target itself). At the end
the count of responses goes to the JSON file *counts*.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import scrapy
from scrapy.http import Response


class BareSpider(scrapy.Spider):
    """Fetch the URLs of the file *urls*; write the count of responses to *counts* when closed."""

    name = "bare"
    custom_settings = {"REDIRECT_ENABLED": False}

    def __init__(self, urls: str, counts: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls_path, self.counts_path = Path(urls), Path(counts)
        self.responses = 0

    async def start(self) -> Any:
        """One request per line of the file, in its order."""
        for url in self.urls_path.read_text(encoding="utf-8").split():
            yield scrapy.Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response: Response, **kwargs: Any) -> None:
        """Count the response."""
        self.responses += 1

    def closed(self, reason: str) -> None:
        """Write the counts for bench/crawl.py."""
        stats = self.crawler.stats.get_stats() if self.crawler.stats is not None else {}
        counts = {"responses": self.responses, "downloaded": stats.get("downloader/response_count", 0)}
        self.counts_path.write_text(json.dumps({**counts, "reason": reason}), encoding="utf-8")
