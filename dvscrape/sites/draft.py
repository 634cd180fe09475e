"""The draft profile `dvscrape sites probe` writes: TOML with what the probe found (sites/probe.py), the traps it saw
written as URL rules, and CHECK comments on what a person must still verify. No network here."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from dvscrape.sites.liferay import GENERATION_DEFAULTS, generation_defaults
from dvscrape.sites.probe_reading import Trap
from dvscrape.sites.urls import path_has_part

if TYPE_CHECKING:
    from dvscrape.sites.probe import Probe


def what_to_check(found: Probe) -> list[str]:
    """What a person must still verify in the draft of *found*, one sentence each."""
    checks = [
        "site_url: the portal's own address (the probe saw it at this address; a mirror is given with --base-url)",
        f"site_path {found.site_path!r} and home_path {found.home_path!r}: the site the archive is about",
    ]
    if not found.liferay:
        checks.append("liferay: no Liferay 6.2 or 7 marker was seen; '6.2' is a guess")
    if not found.listings:
        checks.append("listing_paths: no listing found among the menu's pages; add the category pages by hand")
    else:
        checks.append("listing_paths: every category page of the portal (the probe read only the menu's first pages)")
    for path in found.skipped:
        checks.append(f"{path} is not a listing: its Asset Publisher sits in a side column (a sidebar of news)")
    if found.listings and found.entries is None:
        checks.append("[selectors] listing_entries: the entries' markup could not be told; the defaults may miss it")
    if not found.sitemap_path:
        checks.append("sitemap_path: no sitemap found at robots.txt or /sitemap.xml")
    checks.extend(_article_checks(found))
    checks.append(
        f"[urls] traps: the probe read {len(found.pages_read)} pages; a calendar, facets or a pager without end "
        "elsewhere are stopped by the crawl's trap guards, which its summary names: add them here"
    )
    checks.append(
        "[boilerplate]: the banner lines and side-portlet titles of this theme (drop_lines, banner_prefixes); the "
        "first crawl's summary counts empty fields and lines suspected of being boilerplate"
    )
    return checks


def _article_checks(found: Probe) -> list[str]:
    if not found.article_url:
        return ["[selectors]: no article was read; check article_view, body, view_title and publish_date"]
    seen = found.article_view
    checks = [
        f"[selectors] {key}: the default finds nothing on {found.article_url}"
        for key in ("article_view", "body", "view_title")
        if not seen.get(key)
    ]
    if found.date is not None:
        checks.append(f"[selectors] publish_date: the article shows its date as {found.date[1]!r} ({found.date[0]})")
    elif not seen.get("publish_date"):
        checks.append(
            "[selectors] publish_date: no date seen on the article; dates then come from listings or the lead "
            "('Ngày 14/6'), whose year needs a listing's date"
        )
    return checks


def draft_toml(found: Probe) -> str:
    """The draft profile file of *found*, with comments on what was seen and what to check."""
    generation = found.liferay or "6.2"
    seen_as = f" ({found.title})" if found.title else ""
    lines = [
        f"# Draft profile of {found.site_url}{seen_as}, written by `dvscrape sites probe`.",
        f"# Liferay {generation} recognised by: {'; '.join(found.markers) or 'nothing (a guess)'}.",
        *([f"# An article seen: {found.article_url}"] if found.article_url else []),
        "# A person must still check:",
        *(f"#  - CHECK {item}" for item in what_to_check(found)),
        "",
        f'name = "{found.name}"',
        f'liferay = "{generation}"',
        f'site_url = "{found.site_url}"',
        f'default_locale = "{found.locale}"',
    ]
    if found.sitemap_path:
        lines.append(f'sitemap_path = "{found.sitemap_path}"')
    lines.append("listing_paths = [")
    for listing in found.listings:
        paging = "paginated" if listing.paginated else "one page"
        lines.append(f'    "{listing.path}",  # {listing.articles} articles, {paging}; {", ".join(listing.portlets)}')
    lines += ["]", "", "[urls]", f'site_path = "{found.site_path}"', f'home_path = "{found.home_path}"']
    needed = (found.site_path, found.home_path, *(listing.path for listing in found.listings))
    lines += _trap_lines(found.traps, generation_defaults(generation, "urls"), needed) + [""]
    lines += _selector_lines(found, generation)
    lines += ["", "[boilerplate]", "", "[politeness]", "# dvscrape's defaults: one request a second, two at a time."]
    return "\n".join(lines) + "\n"


def _trap_lines(traps: list[Trap], urls: dict[str, Any], needed: tuple[str, ...]) -> list[str]:
    """The [urls] keys that refuse the traps seen (each list whole: a key given replaces the default), commented. A
    path the crawl *needs* (the site, the home page, a listing) is never made a trap: a search form sending to the
    home page is refused by its portlet, or not at all."""
    additions: dict[str, dict[str, Trap]] = {"trap_portlet_ids": {}, "trap_path_parts": {}, "noise_param_suffixes": {}}
    actions = [trap for trap in traps if trap.kind == "action"]
    for trap in traps:
        if trap.kind in ("calendar", "search"):
            key = "trap_portlet_ids" if "/" not in trap.key else "trap_path_parts"
        elif trap.kind == "back-link":
            key = "noise_param_suffixes"
        else:
            continue
        known = urls[key]
        if key == "trap_path_parts" and any(path_has_part(path, trap.key) for path in needed):
            continue
        if trap.key not in known and not (key == "trap_path_parts" and any(path_has_part(trap.key, p) for p in known)):
            additions[key].setdefault(trap.key, trap)
    lines = ["# Traps seen on the pages read (the crawl never fetches them):"] if any(additions.values()) else []
    why = {"trap_portlet_ids": "date links", "trap_path_parts": "endless pages", "noise_param_suffixes": "a URL"}
    for key, found in additions.items():
        if not found:
            continue
        for name, trap in found.items():
            lines.append(f"#  - {trap.kind} {name} ({why[key]}) on {trap.seen_on}: e.g. {trap.example[:150]}")
        values = [*urls[key], *found]
        lines.append(f"{key} = [{', '.join(json.dumps(value, ensure_ascii=False) for value in values)}]")
    if actions:
        lines.append(f"# {len(actions)} action links (login, language, p_auth) seen: refused by the Liferay rules.")
    return lines


def _selector_lines(found: Probe, generation: str) -> list[str]:
    """[selectors]: what the probe read from the portal's markup, then the generation's defaults as comments."""
    defaults = generation_defaults(generation, "selectors")
    lines = [
        f"# The Liferay {generation} page kinds (dvscrape/sites/liferay.py) apply; override what the theme changes.",
        "[selectors]",
    ]
    chosen: dict[str, str] = {}
    if found.entries is not None:
        entries, link = found.entries
        if entries not in defaults["listing_entries"]:
            chosen["listing_entries"] = entries
            chosen["listing_entry_link"] = f"{link}, {defaults['listing_entry_link']}"
            chosen["listing_markers"] = f"{defaults['listing_markers']}, {entries}"
    if found.date is not None:
        chosen["publish_date"] = f"{found.date[0]}, {defaults['publish_date']}"
    for key, value in chosen.items():
        lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}  # read from the portal's pages")
    for key, value in sorted(GENERATION_DEFAULTS[generation].get("selectors", {}).items()):
        if key not in chosen:
            lines.append(f"# {key} = {json.dumps(value, ensure_ascii=False)}")
    return lines
