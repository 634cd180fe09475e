"""WARC files: writing, reading, indexing, packaging and checking them. No Scrapy import, no database schema.

Modules: ``writer`` (WarcWriter: warcinfo, request/response/revisit records, rotation), ``model`` (HttpExchange,
WarcLocation, the revisit types, record ids and digests), ``reader`` (one record: read_record_at,
parse_record), ``walk`` (every record of any WARC file, ours or another tool's, or its defects; crash-tail repair),
``http_block`` (how HTTP headers are reconstructed for records), ``files`` (which files of a folder are WARC files),
``cdxj`` (the CDXJ index replay tools read), ``wacz`` (WACZ packaging), ``storedzip`` (its ZIP container), ``signing``
(signing a package: keys and signedData), ``timestamp`` (RFC 3161 timestamps), ``wacz_verify`` (verifying a package
and its signature) and ``verify`` (records against the captures table).
"""

import importlib
import sys
from typing import Any


def import_without(module: str, *optional: str) -> None:
    """Import *module* without the *optional* libraries it imports only when they are installed, for features dvscrape
    does not use: each costs a tenth of a second of CPU in every process that imports *module*. Imported before or
    after, they are imported as usual."""
    modules: dict[str, Any] = sys.modules
    absent = [name for name in optional if name not in modules]
    modules.update(dict.fromkeys(absent))  # a None entry makes `import NAME` raise ImportError
    try:
        importlib.import_module(module)
    finally:
        for name in absent:
            if name in modules and modules[name] is None:
                del modules[name]


import_without("warcio", "fsspec")  # warcio opens remote files with fsspec; dvscrape opens every file itself
