"""What surrounds the body: canonical URL, dates, categories, tags, related links, attachments."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from lxml import etree

from dvscrape.pages._text import clean_line
from dvscrape.pages.article import Attachment
from dvscrape.pages.context import PageContext
from dvscrape.pages.dom import Compiled, attribute, head_of, join_url, text_of
from dvscrape.pages.finish import quoting_flag
from dvscrape.sites.profile import SiteProfile
from dvscrape.sites.urls import canonicalize
from dvscrape.text import lead_date, read_date

# The lede's date is the event's, which may precede publication by a day or more: the record says so.
_EVENT_DATE_FLAG = "published-from-lede-event-date"


@dataclass(frozen=True)
class Dated:
    """A date found for the article, where it came from, and any doubt."""

    iso: str | None = None
    source: str = ""
    flags: tuple[str, ...] = ()


def absolute_url(href: str, base: str, profile: SiteProfile) -> str:
    """The canonical form of a link when it is on the site, else the absolute URL (on the site's own address when
    it is on the address the page came from)."""
    absolute = join_url(base, href.strip())
    return canonicalize(absolute, profile) or profile.on_site(absolute)


def canonical_url(url: str, canonical: str, root: etree._Element, sel: Compiled) -> tuple[str, tuple[str, ...]]:
    """The article's canonical URL: *canonical* (the site's canonicaliser's verdict on *url*) when it has one,
    else <link rel=canonical> minus redirect params, else the fetched URL — flagged."""
    if canonical:
        return canonical, ()
    links = sel.canonical_link(head_of(root))
    href = attribute(links[0], "href") if links else None
    if href:
        parts = urlsplit(join_url(url, href))
        kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.endswith("redirect")]
        return urlunsplit(parts._replace(query=urlencode(kept), fragment="")), ("canonical-from-link-tag",)
    return url, ("canonical-is-fetched-url",)


def publish_date(
    shown: list[str],
    root: etree._Element,
    sel: Compiled,
    locale: str,
    first_paragraph: str,
    ctx: PageContext,
    norm: Callable[[str], str],
) -> Dated:
    """The publication date: the metadata span (*shown*), a <meta> tag, the listing's date, the lede — in order.

    The lede's 'Ngày 23/3' is the event's date, often a day before publication, hence last; its year comes from the
    listing's date or the sitemap's lastmod when it has none. Dates read from the listing or the lede are inferred
    (pages.article.INFERRED_SOURCES). All reading is dvscrape.text's (read_date, lead_date). *norm* reads the lede
    as the article's other fields are read (its legacy encoding: a TCVN3 lede shows 'Ngµy 8/2').
    """
    for text in shown:
        found = read_date(text, locale)
        if found:
            return Dated(found.value, "metadata", (f"date-note:{found.note}",) if found.note else ())
        return Dated(None, "", (quoting_flag("unparsed-publish-date", text),))
    for element in sel.meta_published(head_of(root)):
        found = read_date(attribute(element, "content"), locale)
        if found:
            return Dated(found.value, "meta")
    if ctx.listing_date:
        found = read_date(ctx.listing_date, locale)
        if found:
            return Dated(found.value, "listing")
    lead = norm(first_paragraph) if first_paragraph else ""
    if lead:
        for reference, source in ((ctx.listing_date, "body+listing-year"), (ctx.sitemap_lastmod, "body+sitemap-year")):
            found = lead_date(lead, reference)
            if found:
                return Dated(found.value, source if found.note else "body", (_EVENT_DATE_FLAG,))
        found = lead_date(lead, None)
        if found:
            return Dated(found.value, "body", (_EVENT_DATE_FLAG,))
        if lead_date(lead, "9999-12-31") is not None:
            return Dated(None, "", ("body-date-without-year",))
    return Dated(None, "", ("no-publish-date",))


def modified_date(shown: list[str], root: etree._Element, sel: Compiled, locale: str) -> str | None:
    """The modification date when the page shows one (metadata span text in *shown*, or <meta>)."""
    for text in shown:
        found = read_date(text, locale)
        if found:
            return found.value
    for element in sel.meta_modified(head_of(root)):
        found = read_date(attribute(element, "content"), locale)
        if found:
            return found.value
    return None


def texts(elements: list[etree._Element]) -> list[str]:
    """Cleaned, non-empty texts of *elements*."""
    return [t for t in (clean_line(text_of(e)) for e in elements) if t]


def categories(
    scope: etree._Element, root: etree._Element, sel: Compiled, title: str, ctx: PageContext, profile: SiteProfile
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Categories, most specific first: asset categories, breadcrumb (without home and the article), menu; and flags.

    The page's own categories take precedence: the listings' (ctx.listing_categories, pages.listing.listing_hint)
    are used only when the page names none, flagged 'categories-from-listing'. The page is the portal's own word on
    where the article belongs; a listing that also shows it (a featured box, an aggregate) is not, and which listings
    a crawl reached first must not change the record.
    """
    found = texts(sel.categories(scope))
    folded_title = title.casefold()
    crumbs = [
        crumb
        for crumb in (clean_line(text_of(a)) for a in sel.breadcrumb(root) if not _is_home_link(a.get("href"), profile))
        if crumb and crumb.casefold() != folded_title
    ]
    found.extend(reversed(crumbs))
    found.extend(texts(sel.active_menu(root)))
    own = _distinct(found, profile)
    if own or not ctx.listing_categories:
        return own, ()
    listed = _distinct([clean_line(category) for category in ctx.listing_categories], profile)
    return listed, ("categories-from-listing",) if listed else ()


def _distinct(names: list[str], profile: SiteProfile) -> tuple[str, ...]:
    unique: dict[str, str] = {}
    for name in names:
        if name and name not in profile.boilerplate.drop_lines:
            unique.setdefault(name.casefold(), name)
    return tuple(unique.values())


def _is_home_link(href: str | None, profile: SiteProfile) -> bool:
    path = urlsplit(href or "").path.rstrip("/")
    rules = profile.urls
    home = (rules.home_path, rules.site_path, "")
    return path in home or any(path == f"/{p}{h}" for p in rules.locale_prefixes for h in home)


def links(elements: list[etree._Element], base: str, profile: SiteProfile) -> tuple[str, ...]:
    """Distinct canonical URLs of the links *elements*, in order."""
    hrefs = (attribute(a, "href") for a in elements)
    urls = (absolute_url(href, base, profile) for href in hrefs if href.strip())
    return tuple(dict.fromkeys(u for u in urls if not u.startswith("javascript:")))


def attachments(body: etree._Element, sel: Compiled, base: str, profile: SiteProfile) -> tuple[Attachment, ...]:
    """Documents linked from the body (by file extension, or any non-image file under the media prefixes)."""
    extensions = profile.boilerplate.attachment_extensions + profile.boilerplate.archive_extensions
    found: dict[str, Attachment] = {}
    for anchor in sel.attachment_links(body):
        href = attribute(anchor, "href").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        absolute = join_url(base, href)
        file_type = _file_type(absolute, extensions)
        media = any(urlsplit(absolute).path.startswith(p) for p in profile.urls.media_prefixes)
        if not file_type and not (media and "/image/" not in absolute and not _is_image(absolute)):
            continue
        url = absolute_url(href, base, profile)
        found.setdefault(url, Attachment(url, clean_line(text_of(anchor)), file_type))
    return tuple(found.values())


def _file_type(url: str, extensions: tuple[str, ...]) -> str:
    for segment in reversed(unquote(urlsplit(url).path).split("/")):
        extension = posixpath.splitext(segment)[1].lstrip(".").lower()
        if extension in extensions:
            return extension
    return ""


def _is_image(url: str) -> bool:
    return _file_type(url, ("jpg", "jpeg", "png", "gif", "webp", "bmp", "svg")) != ""
