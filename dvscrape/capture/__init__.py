"""Scrapy components that bind a crawl to the archive: WARC capture, the crawl session, progress."""
