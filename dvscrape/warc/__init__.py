"""WARC files: writing, reading, indexing, packaging and checking them. No Scrapy import, no database schema.

Modules: ``writer`` (WarcWriter: warcinfo, request/response/revisit records, rotation), ``model`` (HttpExchange,
WarcLocation, the revisit types, record ids and digests), ``reader`` (one record: read_record_at,
parse_record), ``walk`` (every record of any WARC file, ours or another tool's, or its defects; crash-tail repair),
``http_block`` (how HTTP headers are reconstructed for records), ``files`` (which files of a folder are WARC files),
``cdxj`` (the CDXJ index replay tools read), ``wacz`` (WACZ packaging), ``storedzip`` (its ZIP container), ``signing``
(signing a package: keys and signedData), ``timestamp`` (RFC 3161 timestamps), ``wacz_verify`` (verifying a package
and its signature) and ``verify`` (records against the captures table).
"""

from dvscrape.optional import import_without

import_without("warcio", "fsspec")  # warcio opens remote files with fsspec; dvscrape opens every file itself
