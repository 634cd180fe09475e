"""The archive: WARC files and the SQLite database of crawls, captures and articles. No Scrapy import.

Modules: ``warc`` (WarcWriter; HttpExchange, WarcLocation and the revisit types live in ``warc_types``),
``warc_read`` (read_record_at, iter_records, truncate_incomplete_tail), ``http_block`` (how HTTP headers are
reconstructed for WARC records), ``db`` (Archive, Capture), ``migrations`` (the recorded schema migrations),
``rows`` (Article → column values, content hash) and ``lock`` (the crawl lock); each module's docstring says more.
"""
