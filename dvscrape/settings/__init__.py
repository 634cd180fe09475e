"""Scrapy settings of dvscrape. Defaults are polite enough for the real portal; the replica and tests speed up
through the settings in `FAST_LOCAL_SETTINGS`. Project settings carry the DVSCRAPE_ prefix: each is declared once,
with its default, type and help, in `dvscrape/settings/declared.py`, which sets them here."""

from dvscrape.settings.declared import defaults as _project_defaults
from dvscrape.warc.payload import MAX_DECODED_BYTES

BOT_NAME = "dvscrape"
SPIDER_MODULES = ["dvscrape.spiders"]
NEWSPIDER_MODULE = "dvscrape.spiders"

# Politeness for a public government site: obey robots.txt, at most two connections per host, adapt the delay to
# the server's response times, and identify ourselves with a contact address the operator sets.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
RETRY_ENABLED = True
RETRY_TIMES = 3
# Size limits: a page or document above DOWNLOAD_MAXSIZE is abandoned and recorded as failed; the same limit
# bounds decompression (Scrapy checks the decompressed size, so a gzip/deflate/brotli bomb stops there), and it is
# what every reader of an archived body unpacks at most (warc.payload): nothing is read that the crawl refused.
DOWNLOAD_MAXSIZE = MAX_DECODED_BYTES
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
REDIRECT_MAX_TIMES = 10
COOKIES_ENABLED = False  # Liferay session cookies would only tie pages to a session we do not want.
DNS_TIMEOUT = 30
# Scrapy starts CONCURRENT_ITEMS asyncio workers for every callback's output; our callbacks yield a handful of
# items, and the default of 100 workers made task creation the crawl's largest CPU cost (bench/crawl.py).
CONCURRENT_ITEMS = 8

# USER_AGENT is derived, when the crawl starts, from the effective DVSCRAPE_OPERATOR (a `-s` value, else the
# environment variable of that name) by this add-on, which also checks every setting before anything is opened.
ADDONS = {"dvscrape.settings.declared.SettingsAddon": 0}

# Priorities: the WARC capture sits after every middleware that changes the request (so it records the headers
# actually sent) and before HttpCompressionMiddleware (590) and RedirectMiddleware (600) handle the response (so it
# records the bytes as received, redirects and error statuses included).
DOWNLOADER_MIDDLEWARES = {
    # Scope first, before Scrapy's own offsite filter (50), so every refusal is dvscrape's and is recorded.
    "dvscrape.capture.scope.ScopeMiddleware": 40,
    # Trap guards that need no profile (capture/guards.py): a queued page of a listing found barren is dropped.
    "dvscrape.capture.guards.TrapGuardDownloaderMiddleware": 45,
    # Before RetryMiddleware (550) retries: wait out the server's Retry-After, or back off exponentially.
    "dvscrape.capture.backoff.BackoffMiddleware": 560,
    "dvscrape.capture.middleware.WarcCaptureMiddleware": 950,
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,  # off (COOKIES_ENABLED) and not even imported
}
# The trap guards see every page link a response yields, with the page that linked it.
SPIDER_MIDDLEWARES = {"dvscrape.capture.guards.TrapGuardMiddleware": 950}
# The archive is opened first; RunEnd (the crawl's owner) decides and stores the outcome when the spider closes.
EXTENSIONS = {
    "dvscrape.capture.extension.ArchiveExtension": 100,
    "dvscrape.capture.progress.ProgressExtension": 200,
    "dvscrape.runs.crawl.RunEnd": 300,
    "scrapy.extensions.remote_control.RemoteControl": None,  # off (REMOTE_CONTROL_ENABLED) and not even imported
}
# Validate, then store (the page object has already normalised the text): a record reaches the archive only in its
# final form.
ITEM_PIPELINES = {"dvscrape.capture.validate.ValidatePipeline": 200, "dvscrape.capture.store.StorePipeline": 300}
# Errors are counted by the spider (4xx/5xx responses reach its callbacks to be recorded), not dropped silently.
HTTPERROR_ALLOW_ALL = True

FEED_EXPORT_ENCODING = "utf-8"
# A person sees warnings, the progress lines and the summary; `-s LOG_LEVEL=INFO` brings Scrapy's logging back.
LOG_LEVEL = "WARNING"
# An unattended crawler has no use for Scrapy's telnet console, and it would open a port on every run.
TELNETCONSOLE_ENABLED = False
# Nor for Scrapy's remote control, an HTTP server on localhost that runs any Python code a token holder sends.
REMOTE_CONTROL_ENABLED = False

# Every DVSCRAPE_* setting, with the default declared in dvscrape/settings/declared.py.
globals().update(_project_defaults())

# Applied by `dvscrape demo`, the tests and the benchmarks when they crawl the local replica, never the real site.
FAST_LOCAL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "RETRY_TIMES": 2,
    "DOWNLOAD_TIMEOUT": 20,
    "DVSCRAPE_RETRY_BACKOFF": 0.25,
}
