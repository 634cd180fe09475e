"""The archive's SQLite database of crawls, captures and articles: storage only. No Scrapy import.

Modules: ``db`` (Archive, Capture), ``connection`` (pragmas, write transactions), ``migrations`` (the recorded schema
migrations), ``records`` and ``rows`` (Article → column values, content hash), ``versions`` (article history),
``incremental`` (what a re-crawl must fetch again), ``recovery`` (repair after a crash), ``search`` and ``folding``
(accent-insensitive full-text search), ``lookup`` (URL → stored article) and ``lock`` (the crawl lock). WARC files are
read and written by ``dvscrape.warc``; each module's docstring says more.
"""
