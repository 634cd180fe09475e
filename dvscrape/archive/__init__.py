"""The archive's SQLite database of crawls, captures and articles: storage only, and every SQL statement. No Scrapy.

Modules: ``db`` (Archive), ``connection`` (pragmas, write transactions), ``migrations`` and ``first_migrations`` (the
recorded schema migrations), ``identity`` (the rewrite of older archives onto the site's canonical URLs), ``times``
(the one stored time format), ``records`` and ``rows`` (Capture, Article → column values, content hash), ``versions``
(article history), ``rereading`` (history kept when captures are read again, and the rows a rebuild rewrites),
``replay`` (the captures a rebuild replays, what listing and sitemap pages show), ``rebuilds`` (a rebuild's queue
and progress, so that an interrupted one is taken up),
``incremental`` (what a re-crawl must fetch again), ``sitemaps`` (the previous visit's sitemap), ``recovery`` (repair
after a crash), ``integrity`` (the rows `dvscrape verify` checks), ``search``, ``document_search`` and ``folding``
(accent-insensitive full-text search of articles and documents), ``filters`` (the day and category filters search
and export share), ``dataset`` (the rows of a dataset export), ``lookup`` (URL → stored article or capture, the
original of a revisit, the profiles of the archive's crawls, where an imported capture came from), ``imports`` (the
records of an import), ``document_tables`` and ``document_rows`` (the documents table and its indexes; its rows),
``crawl_log`` (the recorded crawls, read back), ``crawl_report`` (how a site's first crawl went: empty fields,
suspected boilerplate) and ``lock`` (the crawl lock). WARC files are read and written by ``dvscrape.warc``; each
module's docstring says more.
"""

from dvscrape.optional import import_without

# sqlite-utils imports pandas and numpy only to map their value types to columns; the archive stores neither.
import_without("sqlite_utils", "pandas", "numpy")
