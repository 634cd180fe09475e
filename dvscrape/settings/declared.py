"""Every DVSCRAPE_* setting, declared once: name, default (whose type is the setting's type) and help.

The declarations give the Scrapy settings (`settings/__init__.py`) their defaults, the README's settings table
(tests/test_quality.py keeps them equal), the settings listed by `dvscrape crawl --help`, and the checks a crawl's
settings pass before anything is opened: a value of the wrong type, a number below its minimum or an unknown
DVSCRAPE_* name is a ConfigurationError naming the setting. The Scrapy settings dvscrape relies on are checked
the same way.

SettingsAddon (in the ADDONS setting) runs the checks for every crawl, `dvscrape crawl` and `scrapy crawl` alike, and
derives the User-Agent from the effective DVSCRAPE_OPERATOR.
"""

from __future__ import annotations

import difflib
import logging
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dvscrape import __version__
from dvscrape.errors import ConfigurationError

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

PREFIX = "DVSCRAPE_"
Value = bool | int | float | str


@dataclass(frozen=True)
class Setting:
    """One setting: its name, its default (a bool, int, float or str: the type every value must have), what it does,
    and for a number the smallest value allowed."""

    name: str
    default: Value
    help: str
    minimum: float = 0

    @property
    def type(self) -> type:
        """bool, int, float or str."""
        return type(self.default)


PROJECT_SETTINGS: tuple[Setting, ...] = (
    Setting("DVSCRAPE_ARCHIVE_DIR", "archive", "Archive folder (set by `--archive`; empty: nothing is archived)."),
    Setting("DVSCRAPE_WARC_ENABLED", True, "Write every exchange to WARC and `captures`."),
    Setting(
        "DVSCRAPE_WARC_MAX_SIZE", 1_000_000_000, "Bytes after which a WARC file is closed and a new one started.", 1
    ),
    Setting("DVSCRAPE_EXTRACT_ENABLED", True, "Extract articles (off: fetch and capture only)."),
    Setting(
        "DVSCRAPE_EXTRACT_WORKERS",
        1,
        "Worker processes that run the page objects (0 extracts in the crawl process). A page that crashes or hangs "
        "its worker is recorded as failed and the worker replaced.",
    ),
    Setting(
        "DVSCRAPE_EXTRACT_TIMEOUT", 60.0, "Seconds after which a page's extraction is abandoned and recorded as failed."
    ),
    Setting(
        "DVSCRAPE_EXTRACT_MAXSIZE",
        8 * 1024 * 1024,
        "Pages larger than this many bytes are archived in WARC but neither parsed for links nor extracted; "
        "recorded in `captures.problem`.",
    ),
    Setting("DVSCRAPE_FETCH_MEDIA", True, "Fetch images and attachments of articles."),
    Setting(
        "DVSCRAPE_FETCH_REQUISITES",
        True,
        "Fetch what archived pages embed (stylesheets and what they reference, scripts, theme images, fonts), so "
        "that the pages replay as they were.",
    ),
    Setting("DVSCRAPE_MAX_ARTICLES", 0, "Stop scheduling new articles after this many (0: no limit)."),
    Setting(
        "DVSCRAPE_QA_ENABLED",
        True,
        "At the end of a crawl, replay every page it archived from the archive's own index and record in the `qa` "
        "table whether it resolves, whether every requisite replays and whether its text is the stored article's "
        "(`dvscrape qa`).",
    ),
    Setting(
        "DVSCRAPE_OPERATOR",
        "",
        "Operator contact for the User-Agent and WARC headers (empty: the environment variable `DVSCRAPE_OPERATOR`).",
    ),
    Setting("DVSCRAPE_PROGRESS_INTERVAL", 10.0, "Seconds between progress lines (0: off)."),
    Setting(
        "DVSCRAPE_INCREMENTAL",
        True,
        "Into an archive that already holds articles, fetch only what is new or due (`--full` switches it off).",
    ),
    Setting(
        "DVSCRAPE_RECHECK_MONTH_DAYS",
        3.0,
        "Days between re-checks of articles published 8 to 60 days ago (newer ones: every run).",
    ),
    Setting(
        "DVSCRAPE_RECHECK_OLD_DAYS", 30.0, "Days between re-checks of older articles and of articles that are gone."
    ),
    Setting(
        "DVSCRAPE_RECHECK_PAGE_DAYS",
        7.0,
        "Days between re-checks of pages that are neither articles nor listings (static pages) and of page requisites.",
    ),
    Setting(
        "DVSCRAPE_RECHECK_MISSING_DAYS", 30.0, "Days between re-checks of a link (a menu link) that answered 404/410."
    ),
    Setting(
        "DVSCRAPE_RETRY_AFTER_MAX",
        120.0,
        "Longest Retry-After (seconds) that a 429/503 answer is waited out before its retry.",
    ),
    Setting(
        "DVSCRAPE_PROFILES_DIR",
        "",
        "A folder of your own site profiles (`NAME.toml`), read before the bundled ones (empty: the environment "
        "variable `DVSCRAPE_PROFILES_DIR`).",
    ),
    Setting(
        "DVSCRAPE_RETRY_BACKOFF",
        2.0,
        "Seconds before a first retry of a failed fetch (5xx, 429 without Retry-After, timeout, reset); doubled for "
        "each further attempt (`--fast`: 0.25).",
    ),
    Setting(
        "DVSCRAPE_GUARDS_ENABLED",
        True,
        "Trap guards that need no site profile: the budgets below, a growing nest of URLs in a parameter and a date "
        "or page parameter beyond any real page stop what the profile does not know (recorded in `refused_urls`, "
        "named in the summary).",
    ),
    Setting(
        "DVSCRAPE_GUARD_CHAIN_PAGES",
        1000,
        "Pages of one listing (a path: its first page and its pager, week links or facets) fetched at most; a page "
        "number above it is a trap.",
        1,
    ),
    Setting(
        "DVSCRAPE_GUARD_PATTERN_PAGES",
        5000,
        "Pages with one set of query-parameter names, whatever their path (a filter added to every page), fetched "
        "at most.",
        1,
    ),
    Setting(
        "DVSCRAPE_GUARD_BARREN_PAGES",
        5,
        "A listing whose pages, this many in a row, link no article or document its other pages had not linked is "
        "not followed further.",
        1,
    ),
    Setting(
        "DVSCRAPE_GUARD_OLDEST_YEAR",
        1990,
        "A date parameter before this year, or more than a year ahead, is a trap (a calendar stepping without end).",
    ),
    Setting(
        "DVSCRAPE_SCHEDULE_BATCH",
        500,
        "Re-checks of held articles and sitemap URLs handed to Scrapy's queue at a time; the next batch waits until "
        "the queue is empty, so that a crawl's memory does not grow with how many are due.",
        1,
    ),
    Setting(
        "DVSCRAPE_HOLD_SECONDS",
        600.0,
        "Longest wait of an article held for the listings' dates and categories; when listings do not end, it is "
        "stored with what the listings read so far gave.",
        1,
    ),
    Setting(
        "DVSCRAPE_SIGNING_KEY",
        "",
        "The operator's private key with which `dvscrape wacz --sign` signs packages, read from the environment "
        "variable of this name (empty: `dvscrape/signing-key.pem` in the user's configuration folder, "
        "`$XDG_CONFIG_HOME` or `~/.config`, made owner-only on first use).",
    ),
    Setting(
        "DVSCRAPE_WAYBACK_CDX_PAGE_ROWS",
        0,
        "Rows per page of a web archive's CDX answer in `--from-wayback`, pages followed by resume key (0: pages of "
        "25,000 at the Wayback Machine, one whole answer from other servers such as pywb).",
    ),
)

# Scrapy settings dvscrape relies on, with the type and minimum their values must have (Scrapy itself would fail on
# them later, or not at all: a negative delay or concurrency is taken as given).
SCRAPY_SETTINGS: tuple[tuple[str, type, float], ...] = (
    ("DOWNLOAD_DELAY", float, 0),
    ("DOWNLOAD_TIMEOUT", float, 0),
    ("DNS_TIMEOUT", float, 0),
    ("CONCURRENT_REQUESTS", int, 1),
    ("CONCURRENT_REQUESTS_PER_DOMAIN", int, 1),
    ("CONCURRENT_ITEMS", int, 1),
    ("RETRY_ENABLED", bool, 0),
    ("RETRY_TIMES", int, 0),
    ("REDIRECT_MAX_TIMES", int, 0),
    ("DOWNLOAD_MAXSIZE", int, 0),
    ("DOWNLOAD_WARNSIZE", int, 0),
    ("ROBOTSTXT_OBEY", bool, 0),
    ("AUTOTHROTTLE_ENABLED", bool, 0),
    ("AUTOTHROTTLE_START_DELAY", float, 0),
    ("AUTOTHROTTLE_MAX_DELAY", float, 0),
    ("AUTOTHROTTLE_TARGET_CONCURRENCY", float, 0),
    ("CLOSESPIDER_TIMEOUT", float, 0),
    ("CLOSESPIDER_ITEMCOUNT", int, 0),
    ("CLOSESPIDER_PAGECOUNT", int, 0),
    ("CLOSESPIDER_ERRORCOUNT", int, 0),
)

_TYPE_NAMES = {bool: "a boolean (1/0, True/False)", int: "a whole number", float: "a number", str: "text"}


def defaults() -> dict[str, Value]:
    """Every DVSCRAPE_* setting with its default: what dvscrape/settings/__init__.py sets."""
    return {setting.name: setting.default for setting in PROJECT_SETTINGS}


def check_settings(settings: BaseSettings) -> None:
    """Raise ConfigurationError, naming the setting, for the first value of the wrong type, number below its
    minimum or unknown DVSCRAPE_* name in *settings*."""
    declared = {setting.name: setting for setting in PROJECT_SETTINGS}
    for name in sorted(name for name in settings.attributes if name.startswith(PREFIX)):
        if name not in declared:
            close = difflib.get_close_matches(name, declared, n=1)
            hint = f" (did you mean {close[0]}?)" if close else " (`dvscrape crawl --help` lists dvscrape's settings)"
            raise ConfigurationError(f"unknown setting {name}{hint}")
        _check_value(settings, name, declared[name].type, declared[name].minimum)
    for name, kind, minimum in SCRAPY_SETTINGS:
        _check_value(settings, name, kind, minimum)


def _check_value(settings: BaseSettings, name: str, kind: type, minimum: float) -> None:
    if kind is str or settings.get(name) is None:
        return
    getter = {bool: settings.getbool, int: settings.getint, float: settings.getfloat}[kind]
    try:
        value = getter(name)
    except (TypeError, ValueError):
        raise ConfigurationError(f"setting {name}: {settings.get(name)!r} is not {_TYPE_NAMES[kind]}") from None
    if kind is not bool and value < minimum:
        raise ConfigurationError(f"setting {name}: {value} is less than {minimum:g}")


def user_agent(operator: str) -> str:
    """The User-Agent of a crawl whose operator is *operator* (a contact address or URL)."""
    return f"dvscrape/{__version__} (web archiving crawler; contact: {operator or 'operator not set'})"


def describe_default(setting: Setting) -> str:
    """The default as the README and `--help` show it."""
    value = setting.default
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, int):
        return f"{value:,}" if value >= 10_000 else str(value)  # 2026, not 2,026
    if isinstance(value, float):
        return f"{value:g}"
    return f"`{value}`" if value else "empty"


def readme_table() -> str:
    """The settings table of README.md, from the declarations."""
    rows = [f"| `{s.name}` | {describe_default(s)} | {s.help} |" for s in PROJECT_SETTINGS]
    return "\n".join(["| setting | default | meaning |", "| --- | --- | --- |", *rows])


class SettingsAddon:
    """Scrapy add-on: checks the settings before the crawler is made, and derives the User-Agent from the effective
    DVSCRAPE_OPERATOR (a `-s DVSCRAPE_OPERATOR=…`, else the environment variable) unless USER_AGENT is set."""

    @classmethod
    def update_pre_crawler_settings(cls, settings: BaseSettings) -> None:
        """Check every setting (see check_settings)."""
        check_settings(settings)

    def update_settings(self, settings: BaseSettings) -> None:
        """Set DVSCRAPE_OPERATOR from the environment when no setting gives one, and USER_AGENT from it."""
        operator = settings.get("DVSCRAPE_OPERATOR") or os.environ.get("DVSCRAPE_OPERATOR", "")
        if not operator:
            logging.getLogger(__name__).warning(
                "DVSCRAPE_OPERATOR is not set: this crawl tells the site 'contact: operator not set'; set it to an "
                "address where the site's administrators can reach you (export DVSCRAPE_OPERATOR=you@example.org)"
            )
        settings.set("DVSCRAPE_OPERATOR", operator, priority=settings.getpriority("DVSCRAPE_OPERATOR") or "addon")
        if (settings.getpriority("USER_AGENT") or 0) <= 0:  # Scrapy's default: nobody chose one
            settings.set("USER_AGENT", user_agent(operator), priority="addon")
