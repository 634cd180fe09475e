"""Every DVSCRAPE_* setting, declared once with its help text (also used by the docs test and `--help`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SettingDoc:
    """One project setting: its name, default (as in dvscrape/settings.py) and what it does."""

    name: str
    help: str


PROJECT_SETTINGS: tuple[SettingDoc, ...] = (
    SettingDoc("DVSCRAPE_ARCHIVE_DIR", "Archive folder: WARC files under warc/, archive.sqlite, crawl state."),
    SettingDoc("DVSCRAPE_WARC_ENABLED", "Write every HTTP exchange to WARC and record it in `captures`."),
    SettingDoc("DVSCRAPE_WARC_MAX_SIZE", "Bytes after which a WARC file is closed and a new one started."),
    SettingDoc("DVSCRAPE_EXTRACT_ENABLED", "Extract articles from article pages (off: fetch and capture only)."),
    SettingDoc("DVSCRAPE_EXTRACT_WORKERS", "Worker processes for extraction (0: extract in the crawl process)."),
    SettingDoc("DVSCRAPE_EXTRACT_TIMEOUT", "Seconds before a page's extraction is abandoned (recorded as failed)."),
    SettingDoc("DVSCRAPE_FETCH_MEDIA", "Fetch the images and attachments of articles."),
    SettingDoc("DVSCRAPE_MAX_ARTICLES", "Stop scheduling new articles after this many (0: no limit)."),
    SettingDoc("DVSCRAPE_OPERATOR", "Contact (e-mail or URL) for the User-Agent and the WARC header (env too)."),
    SettingDoc("DVSCRAPE_PROGRESS_INTERVAL", "Seconds between progress lines while crawling."),
    SettingDoc("DVSCRAPE_RECHECK_MONTH_DAYS", "Days between re-checks of articles published 8 to 60 days ago."),
    SettingDoc("DVSCRAPE_RECHECK_OLD_DAYS", "Days between re-checks of older articles (and of gone ones)."),
    SettingDoc("DVSCRAPE_RETRY_AFTER_MAX", "Longest Retry-After (seconds) a 429/503 is waited out before its retry."),
    SettingDoc("DVSCRAPE_RETRY_BACKOFF", "Seconds before a first retry; doubled for each further attempt."),
    SettingDoc("DVSCRAPE_EXTRACT_MAXSIZE", "Pages larger than this many bytes are archived but not parsed."),
    SettingDoc("DVSCRAPE_INCREMENTAL", "Fetch only what is new or due when the archive holds articles (--full: off)."),
)
