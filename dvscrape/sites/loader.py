"""A profile file (TOML) → the typed, frozen SiteProfile; every mistake named in one sentence (ConfigurationError).

The file's layout::

    name = "tanbinh"                      # optional; the file name without .toml otherwise (must agree)
    liferay = "6.2"                       # "6.2" or "7" (7.x, DXP): the page kinds' defaults (sites/liferay.py)
    site_url = "https://tanbinh.hochiminhcity.gov.vn"
    default_locale = "vi_VN"
    listing_paths = ["/web/neoportal/tin-tuc-su-kien", …]   # start pages besides the home page
    sitemap_path = "/sitemap.xml"         # optional, as robots_path
    [urls]         site_path, home_path, locale_prefixes, noise_param_suffixes, trap_path_parts, …  (UrlRules)
    [selectors]    article_view, body, view_title, publish_date, listing_entries, …                  (Selectors)
    [boilerplate]  drop_selectors, drop_lines, banner_prefixes, boilerplate_portlet_titles, …        (Boilerplate)
    [politeness]   download_delay, concurrent_requests_per_domain, autothrottle_enabled, …           (Politeness)

A key given replaces the generation's default; a list is the whole list. Keys and types are those of the dataclasses
in sites/profile.py, so a new field is a new key with no change here. No Scrapy import here.
"""

from __future__ import annotations

import dataclasses
import difflib
import tomllib
import types
import typing
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from cssselect import HTMLTranslator
from cssselect.parser import SelectorError

from dvscrape.errors import ConfigurationError
from dvscrape.sites.liferay import GENERATION_DEFAULTS, LIFERAY_VERSIONS
from dvscrape.sites.profile import Boilerplate, Politeness, Selectors, SiteProfile, UrlRules
from dvscrape.sites.urls import UrlKind, classify

TABLES: dict[str, type] = {
    "urls": UrlRules,
    "selectors": Selectors,
    "boilerplate": Boilerplate,
    "politeness": Politeness,
}
TOP_KEYS = ("name", "liferay", "site_url", "default_locale", "listing_paths", "sitemap_path", "robots_path")
REQUIRED = ("site_url", "listing_paths")
_PATH_KEYS = ("sitemap_path", "robots_path", "site_path", "home_path")


def parse_profile_text(text: str, stem: str, source: str, base_url: str | None = None) -> SiteProfile:
    """The profile in the TOML *text* of the file *source* named *stem*.toml."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigurationError(f"profile {source} is not valid TOML: {error}") from error
    return parse_profile(data, stem, source, base_url)


def parse_profile(data: Mapping[str, Any], stem: str, source: str, base_url: str | None = None) -> SiteProfile:
    """The profile described by *data* (a parsed profile file named *stem*, read from *source*)."""
    where = f"profile {source}"
    _no_unknown(data, (*TOP_KEYS, *TABLES), where, "")
    for key in REQUIRED:
        if key not in data:
            raise ConfigurationError(f"{where}: '{key}' is required")
    name = _typed(data.get("name", stem), str, where, "name")
    if name != stem:
        raise ConfigurationError(f"{where}: name {name!r} differs from the file name {stem!r}.toml")
    if not name or not all(ch.isalnum() or ch in "_-" for ch in name):
        raise ConfigurationError(f"{where}: the name {name!r} may hold only letters, digits, '_' and '-'")
    liferay = _typed(data.get("liferay", "6.2"), str, where, "liferay")
    if liferay not in LIFERAY_VERSIONS:
        raise ConfigurationError(f"{where}: liferay must be one of {', '.join(LIFERAY_VERSIONS)}, got {liferay!r}")
    defaults = GENERATION_DEFAULTS[liferay]
    parts: dict[str, Any] = {}
    for table, cls in TABLES.items():
        given = data.get(table, {})
        if not isinstance(given, dict):
            raise ConfigurationError(f"{where}: '{table}' must be a table ([{table}])")
        parts[table] = _build(cls, {**defaults.get(table, {}), **given}, given, where, table)
    _check_selectors(parts["selectors"], parts["boilerplate"], where)
    urls: UrlRules = parts["urls"]
    for key in _PATH_KEYS:
        value = data.get(key) if key in TOP_KEYS else getattr(urls, key)
        if value is not None and (not isinstance(value, str) or not value.startswith("/")):
            raise ConfigurationError(f"{where}: {key} must be a path starting with '/', got {value!r}")
    listing_paths = _typed(data["listing_paths"], tuple[str, ...], where, "listing_paths")
    for listing in listing_paths:
        if not listing.startswith(urls.site_path + "/"):
            raise ConfigurationError(f"{where}: listing path {listing!r} is not under the site path {urls.site_path!r}")
    if not urls.home_path.startswith(urls.site_path):
        raise ConfigurationError(f"{where}: home_path {urls.home_path!r} is not under site_path {urls.site_path!r}")
    site_url = _typed(data["site_url"], str, where, "site_url")
    parts_of_url = urlsplit(site_url)
    if parts_of_url.scheme not in ("http", "https") or not parts_of_url.hostname:
        raise ConfigurationError(f"{where}: site_url must be an absolute http(s) URL, got {site_url!r}")
    optional = {
        key: _typed(data[key], str, where, key)
        for key in ("default_locale", "sitemap_path", "robots_path")
        if key in data
    }
    try:
        profile = SiteProfile(
            name=name,
            base_url=base_url or site_url,
            site_url=site_url,
            listing_paths=listing_paths,
            **optional,
            **parts,  # urls, selectors, boilerplate, politeness
            liferay=liferay,
            source=source,
        )
    except ConfigurationError as error:
        raise ConfigurationError(f"{where}: {error}") from error
    _check_start_pages(profile, where)
    return profile


def _check_start_pages(profile: SiteProfile, where: str) -> None:
    """The home page and every listing are crawled as such by the profile's own URL rules (not traps, in scope)."""
    starts = [(profile.urls.home_path, UrlKind.HOME), *((path, UrlKind.LISTING) for path in profile.listing_paths)]
    for path, kind in starts:
        decision = classify(profile.url(path), profile)
        if decision.kind is not kind:
            reason = decision.reason or f"it is taken for a {decision.kind.value} page"
            raise ConfigurationError(f"{where}: the start page {path!r} is not crawled as a {kind.value}: {reason}")


def _no_unknown(data: Mapping[str, Any], known: tuple[str, ...], where: str, table: str) -> None:
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(known)})"
            place = f"[{table}] " if table else ""
            raise ConfigurationError(f"{where}: {place}'{key}' is not a profile key{hint}")


def _build(cls: type, values: Mapping[str, Any], given: Mapping[str, Any], where: str, table: str) -> Any:
    """An instance of the dataclass *cls* from *values*; *given* (what the file wrote) is checked for unknown keys."""
    hints = typing.get_type_hints(cls)
    _no_unknown(given, tuple(field.name for field in dataclasses.fields(cls)), where, table)
    return cls(**{key: _typed(value, hints[key], where, f"[{table}] {key}") for key, value in values.items()})


def _typed(value: Any, expected: Any, where: str, key: str) -> Any:
    """*value* checked against the annotation *expected* (str, int, float, bool, optional ones, tuple[str, ...])."""
    if typing.get_origin(expected) in (typing.Union, types.UnionType):
        inner = [arg for arg in typing.get_args(expected) if arg is not type(None)][0]
        return None if value is None else _typed(value, inner, where, key)
    if typing.get_origin(expected) is tuple:
        if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
            return tuple(value)
        raise ConfigurationError(f"{where}: {key} must be a list of strings, got {value!r}")
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if expected is int and isinstance(value, bool) or not isinstance(value, expected):
        names = {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}
        raise ConfigurationError(f"{where}: {key} must be {names.get(expected, expected)}, got {value!r}")
    if expected in (int, float) and value < 0:
        raise ConfigurationError(f"{where}: {key} must not be negative, got {value!r}")
    return value


def _check_selectors(selectors: Selectors, boilerplate: Boilerplate, where: str) -> None:
    translator = HTMLTranslator()
    checked = [(f"[selectors] {f.name}", getattr(selectors, f.name)) for f in dataclasses.fields(Selectors)]
    checked += [("[boilerplate] drop_selectors", s) for s in boilerplate.drop_selectors]
    checked += [("[boilerplate] view_drop_selectors", s) for s in boilerplate.view_drop_selectors]
    for key, value in checked:
        for selector in value if isinstance(value, tuple) else (value,):
            if not selector.strip():
                raise ConfigurationError(f"{where}: {key} is an empty selector")
            try:
                translator.css_to_xpath(selector)
            except SelectorError as error:
                raise ConfigurationError(f"{where}: {key} {selector!r} is not a valid CSS selector ({error})") from None
