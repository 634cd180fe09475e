"""What every portal of one Liferay generation shares: the page kinds' selectors and URL noise a profile starts from.

A profile file names its generation (``liferay = "6.2"`` or ``"7"``, the latter for 7.x and DXP) and overrides only
what its theme or portlets change. The 6.2 defaults are the dataclass defaults of dvscrape.sites.profile (Liferay 6.2
core markup: ``div.asset-abstract``, ``ul.title-list``, ``div.taglib-page-iterator``). Liferay 7 keeps the portlet
boundary, ``div.journal-content-article`` and the ``/-/`` display pages, and changes the rest:

- the Asset Publisher's portlet id is ``com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_<id>``,
  so its parameters are namespaced ``_com_liferay_…_INSTANCE_<id>_cur`` (page), ``…_delta`` (page size: noise, the
  theme always asks the same), ``…_resetCur`` and ``p_r_p_resetCur`` (public render parameter: noise);
- lists are Clay/Lexicon (``ul.pagination > li.page-item > a.page-link``, ``div.pagination-bar``), entries are the
  cards of an application display template (``p.asset-publisher-title`` and a date span), often printed twice (a
  desktop and a mobile copy, one hidden by ``d-none``/``d-md-none``);
- the full-content view titles the article with ``component-title`` (an ``h4``, or a ``p.h4``) and the web content
  display portlet is ``com_liferay_journal_content_web_portlet_JournalContentPortlet``.
No Scrapy import here.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from dvscrape.sites.profile import Selectors, UrlRules

LIFERAY_VERSIONS = ("6.2", "7")

_SELECTORS = Selectors()
_URLS = UrlRules()

# Per generation, per profile table: the values that differ from the dataclass (6.2) defaults.
GENERATION_DEFAULTS: dict[str, dict[str, dict[str, Any]]] = {
    "6.2": {},
    "7": {
        "selectors": {
            "view_title": "h4.component-title, p.component-title, " + _SELECTORS.view_title,
            "publish_date": "span.metadata-publish-date, span.asset-publisher-date",
            "listing_links": "p.asset-publisher-title a",
            "pager_links": "ul.pagination a.page-link",
            "listing_markers": "div.asset-publisher-card, div.pagination-bar, ul.pagination, div.asset-abstract",
            "listing_entries": "div.asset-publisher-card, div.asset-abstract",
            "listing_entry_link": "p.asset-publisher-title a[href], .asset-title a[href]",
            "web_content_portlet": (
                "div.portlet-boundary[id^='p_p_id_com_liferay_journal_content_web_portlet_JournalContentPortlet_'], "
                + _SELECTORS.web_content_portlet
            ),
        },
        "urls": {
            "noise_param_suffixes": (*_URLS.noise_param_suffixes, "delta", "p_r_p_resetCur"),
            "trap_portlet_ids": (
                *_URLS.trap_portlet_ids,
                "com_liferay_login_web_portlet_LoginPortlet",
                "com_liferay_site_navigation_language_web_portlet_SiteNavigationLanguagePortlet",
                "com_liferay_portal_search_web_portlet_SearchPortlet",
                "com_liferay_calendar_web_portlet_CalendarPortlet",
            ),
        },
    },
}


def generation_defaults(generation: str, table: str) -> dict[str, Any]:
    """Every key of *table* ('urls' or 'selectors') a profile of Liferay *generation* starts from, with its value."""
    base = asdict(_URLS) if table == "urls" else asdict(_SELECTORS)
    return {**base, **GENERATION_DEFAULTS[generation].get(table, {})}
