"""Site profiles: one TOML file per portal (dvscrape/sites/profiles/, plus a folder of the user's), looked up by name.

Modules: profile (the typed SiteProfile), liferay (what each Liferay generation shares), loader (TOML → SiteProfile,
mistakes named), urls (canonical URLs, scope, traps), traps (what a URL's query says of traps, for any portal:
the crawl's trap guards and the probe share it), probe, probe_reading and draft (a draft profile from a live
portal: fetching, reading its pages, writing the TOML). The user's folder
is the DVSCRAPE_PROFILES_DIR setting or, when that is empty, the environment variable of the same name; a profile
there takes precedence over a bundled one of the same name. ``profile_for`` is the one rule of which profile reads
a URL an archive holds. No Scrapy import here.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from dvscrape.errors import ConfigurationError
from dvscrape.sites.loader import parse_profile_text
from dvscrape.sites.profile import SiteProfile
from dvscrape.sites.urls import UrlKind, classify

PROFILES_DIR_VARIABLE = "DVSCRAPE_PROFILES_DIR"


def bundled_profiles_dir() -> Traversable:
    """The folder of the profiles shipped with dvscrape (inside the egg when Scrapyd runs dvscrape from one)."""
    return resources.files("dvscrape.sites") / "profiles"


def profile_dirs(profiles_dir: str | None = None) -> tuple[Traversable, ...]:
    """Where profiles are looked up, first match wins: the user's folder (*profiles_dir*, else the environment
    variable DVSCRAPE_PROFILES_DIR), then the bundled profiles."""
    user = profiles_dir or os.environ.get(PROFILES_DIR_VARIABLE, "")
    if user and not Path(user).is_dir():
        raise ConfigurationError(f"the profiles folder {user} ({PROFILES_DIR_VARIABLE}) is not a folder")
    return (*((Path(user),) if user else ()), bundled_profiles_dir())


def profile_files(profiles_dir: str | None = None) -> dict[str, Traversable]:
    """Every profile name with the file it is read from, sorted by name."""
    found: dict[str, Traversable] = {}
    for folder in profile_dirs(profiles_dir):
        for entry in sorted(folder.iterdir(), key=lambda entry: entry.name):
            if entry.name.endswith(".toml") and entry.is_file():
                found.setdefault(entry.name.removesuffix(".toml"), entry)
    return dict(sorted(found.items()))


def available_sites(profiles_dir: str | None = None) -> tuple[str, ...]:
    """Names of the portals dvscrape has a profile for."""
    return tuple(profile_files(profiles_dir))


def get_profile(name: str, base_url: str | None = None, profiles_dir: str | None = None) -> SiteProfile:
    """The profile called *name*, pointed at *base_url* when given."""
    files = profile_files(profiles_dir)
    entry = files.get(name)
    if entry is None:
        raise ConfigurationError(f"unknown site {name!r}; known sites: {', '.join(files) or 'none'}")
    try:
        text = entry.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigurationError(f"cannot read the profile {entry}: {error}") from error
    return _parse(text, name, str(entry), base_url)


def profile_for(url: str, profiles: Iterable[SiteProfile]) -> SiteProfile | None:
    """The profile that reads *url*, a URL some crawl fetched: the first of *profiles* (each a site's profile pointed
    at an address its crawls fetched from: a mirror, the replica on some port) under which *url* is on the site; None
    when it is on none of them."""
    return next((profile for profile in profiles if classify(url, profile).kind is not UrlKind.OFFSITE), None)


def profiles_dir_of(profile: SiteProfile) -> str:
    """The folder of the user's profiles *profile* was read from ('' for a profile dvscrape ships): what a crawl
    records, so that its archive is read again with the same profile."""
    folder = Path(profile.source).parent if profile.source else None
    return str(folder) if folder is not None and folder != Path(str(bundled_profiles_dir())) else ""


@functools.lru_cache(maxsize=64)
def _parse(text: str, name: str, source: str, base_url: str | None) -> SiteProfile:
    """A profile file parsed once per text (profiles are frozen; many modules ask for them)."""
    return parse_profile_text(text, name, source, base_url)
