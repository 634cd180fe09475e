"""The page object: (url, html, site profile) → Article or NotArticle.

Templates are tried in order: the Asset Publisher full-content view (also its maximized, pop-up and print views,
Liferay 6.2 and 7.x), then a Web Content Display (portlet 56) showing an article; a page showing neither is a soft
404, the home page or a listing; anything else gets the generic main-content fallback, flagged on the record.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, replace

from lxml import etree

from dvscrape.errors import ExtractionError
from dvscrape.pages import metadata
from dvscrape.pages._text import clean_line, word_count
from dvscrape.pages.article import Article, Figure, NotArticle
from dvscrape.pages.assemble import assemble, is_boilerplate_line
from dvscrape.pages.context import PageContext
from dvscrape.pages.dom import Compiled, attribute, closest, compiled, drop_all, head_of, read_page, text_of
from dvscrape.pages.finish import normalise_article, text_normaliser
from dvscrape.pages.units import UnitWalker
from dvscrape.sites.profile import SiteProfile
from dvscrape.sites.urls import UrlDecision, UrlKind, classify, locale_of
from dvscrape.text import decode_html

WEB_CONTENT_MIN_WORDS = 40
_TAG_LIKE = re.compile(r"<[^<>]*>")
GENERIC_MIN_WORDS = 60
_CONTROL_BYTES = bytes(byte for byte in range(32) if byte not in (9, 10, 12, 13))
_WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)  # UTF-32 LE starts as UTF-16 LE


@dataclass(frozen=True)
class View:
    """Where the article sits on the page: template name, its portlet (or page), title and body elements."""

    template: str
    scope: etree._Element
    body: etree._Element
    title: etree._Element | None
    flags: tuple[str, ...] = ()


def extract_page(
    url: str, html: str | bytes, profile: SiteProfile, context: PageContext | None = None
) -> Article | NotArticle:
    """Extract the article of one page of *profile*'s portal, or say why the page is not an article.

    Raises dvscrape.errors.ExtractionError only when the input cannot be read at all (empty, undecodable).
    """
    ctx = context or PageContext()
    if looks_binary(html):
        raise ExtractionError("the page is binary data, not text (labelled as HTML)")
    root, decode_flags = read_page(html, ctx.content_type)
    sel = compiled(profile.selectors, profile.boilerplate)
    html_title = _html_title(root)
    decision = classify(url, profile)
    url_kind = _url_kind(decision, root, sel, profile)

    view = _find_view(root, sel, url_kind)
    if view is None:
        not_article = _not_article(url, root, sel, profile, ctx, url_kind, html_title)
        if not_article is not None:
            return not_article
        view = _generic_view(root, sel)
        if view is None:
            return NotArticle(url, "unknown", "no article view and no main text long enough for an article")
    return _build(url, decision.canonical, root, sel, profile, ctx, view, html_title, decode_flags)


def looks_binary(data: str | bytes) -> bool:
    """True for content that cannot be a text page: NUL bytes, or many control bytes, near the start (of the text,
    for bytes whose byte-order mark says UTF-16 or UTF-32)."""
    if isinstance(data, bytes) and data.startswith(_WIDE_BOMS):
        data = decode_html(data[:8192])
    head = data[:4096].encode("utf-8", "replace") if isinstance(data, str) else data[:4096]
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > len(head) // 20


def _build(
    url: str,
    canonical: str,
    root: etree._Element,
    sel: Compiled,
    profile: SiteProfile,
    ctx: PageContext,
    view: View,
    html_title: str,
    decode_flags: tuple[str, ...],
) -> Article:
    flags: list[str] = [*decode_flags, *view.flags]
    locale = locale_of(url, profile)
    canonical, canonical_flags = metadata.canonical_url(url, canonical, root, sel)
    flags.extend(canonical_flags)

    # Read what lives in boilerplate containers (metadata, related links) before dropping them.
    related = metadata.links(sel.related(view.scope), url, profile)
    tags = tuple(dict.fromkeys(metadata.texts(sel.tags(view.scope))))
    shown_published = metadata.texts(sel.publish_date(view.scope))
    shown_modified = metadata.texts(sel.modified_date(view.scope))
    # Only the body and what follows it in its container are read from here on: clean just that.
    container = view.body.getparent()
    cleaned = view.body if container is None or view.template == "generic" else container
    if sel.skip is None:
        drop_all(sel.drop(cleaned))
        drop_all(sel.view_drop(cleaned))

    title = _title(view, sel, html_title, profile)
    if not title:
        flags.append("no-title")
    elif view.title is None:
        flags.append("title-from-html-title")

    walker = UnitWalker(url, sel.skip)
    units = walker.walk(view.body)
    orphan_units = walker.walk_orphans(_orphans(view))
    if orphan_units:
        units.extend(orphan_units)
        flags.append("content-outside-body")
    body = assemble(units, profile.boilerplate)
    categories, category_flags = metadata.categories(view.scope, root, sel, title, ctx, profile)
    flags.extend(category_flags)
    draft = Article(
        url=canonical,
        fetched_url=url,
        locale=locale,
        title=title,
        html_title=html_title,
        categories=categories,
        blocks=body.blocks,
        figures=tuple(Figure(profile.on_site(f.image_url), f.alt, f.caption) for f in body.figures),
        signature=body.signature,
        attachments=metadata.attachments(view.body, sel, url, profile),
        tags=tags,
        related=related,
        template=view.template,
    )
    # One reading of the page's text for every field, the lede's date and the quotes in flags included (its legacy
    # encoding, when it is typed in one).
    norm = text_normaliser(draft)
    first_paragraph = next((b.text for b in body.blocks if b.kind == "paragraph"), "")
    published = metadata.publish_date(shown_published, root, sel, locale, first_paragraph, ctx, norm)
    flags.extend(body.flags)
    flags.extend(published.flags)
    # Every text field is normalised here, once, by the one list of fields in pages.finish.
    article = normalise_article(
        draft,
        norm,
        published=published.iso,
        published_source=published.source,
        modified=metadata.modified_date(shown_modified, root, sel, locale),
        flags=tuple(flags),
    )
    if article.blocks or "empty-body" in article.flags:
        return article
    return replace(article, flags=(*article.flags, "empty-body"))


def _url_kind(decision: UrlDecision, root: etree._Element, sel: Compiled, profile: SiteProfile) -> UrlKind:
    """What the URL is to the site; for a page saved off-site (a file), what its <link rel=canonical> is."""
    kind = decision.kind
    if kind == UrlKind.OFFSITE:
        links = sel.canonical_link(head_of(root))
        href = attribute(links[0], "href") if links else None
        if href:
            return classify(href, profile).kind
    return kind


def _orphans(view: View) -> list[etree._Element]:
    """Elements after the body inside its parent: article text a stray end tag pushed out of the body.

    Boilerplate containers (share bar, related links, metadata) are already dropped when this runs.
    """
    if view.template == "generic":
        return []
    parent = view.body.getparent()
    if parent is None or view.body is view.scope:
        return []
    return [e for e in view.body.itersiblings() if isinstance(e.tag, str)]


def _html_title(root: etree._Element) -> str:
    title = next(head_of(root).iterchildren("title"), None)
    if title is None:
        title = next(root.iterdescendants("title"), None)
    # A <title> holds plain text, so tag-like text in it can only be an injection attempt: it is removed, so that
    # nothing a consumer might render as HTML carries markup.
    return clean_line(_TAG_LIKE.sub(" ", text_of(title))) if title is not None else ""


def _title(view: View, sel: Compiled, html_title: str, profile: SiteProfile) -> str:
    if view.title is not None:
        title = clean_line(text_of(view.title))
        if title and not is_boilerplate_line(title, profile.boilerplate):
            return title
    # '<article title> - <page title> - <site name>': everything before the last two parts.
    parts = [p for p in html_title.split(" - ")]
    return " - ".join(parts[:-2]) if len(parts) >= 3 else (parts[0] if parts else "")


def _find_view(root: etree._Element, sel: Compiled, url_kind: UrlKind) -> View | None:
    views = sel.article_view(root)
    if views:
        if url_kind in (UrlKind.HOME, UrlKind.LISTING):
            by_portlet: dict[etree._Element, list[etree._Element]] = {}
            for element in views:
                owner = closest(element, sel.portlet_of)
                by_portlet.setdefault(root if owner is None else owner, []).append(element)
            if all(len(v) > 1 for v in by_portlet.values()):
                return None  # a listing in the full-content display style
        view = views[0] if len(views) == 1 else max(views, key=lambda element: len(text_of(element)))
        flags: tuple[str, ...] = ("multiple-article-views",) if len(views) > 1 else ()
        owner = closest(view, sel.portlet_of)
        scope = root if owner is None else owner
        bodies = sel.body(view)
        if not bodies:
            flags += ("body-without-journal-content",)
        titles = sel.view_title(scope)
        return View("asset-publisher", scope, bodies[0] if bodies else view, titles[0] if titles else None, flags)
    if url_kind in (UrlKind.HOME, UrlKind.LISTING):
        return None
    return _web_content_view(root, sel)


def _web_content_view(root: etree._Element, sel: Compiled) -> View | None:
    best: tuple[int, etree._Element, etree._Element] | None = None
    for portlet in sel.web_content_portlet(root):
        for body in sel.body(portlet):
            words = word_count(text_of(body))
            if words >= WEB_CONTENT_MIN_WORDS and (best is None or words > best[0]):
                best = (words, portlet, body)
    if best is None:
        return None
    _, portlet, body = best
    drop_all(sel.drop(portlet))
    titles = sel.portlet_title(portlet)
    title = next((t for t in titles if clean_line(text_of(t))), None)
    return View("web-content-display", portlet, body, title)


def _not_article(
    url: str,
    root: etree._Element,
    sel: Compiled,
    profile: SiteProfile,
    ctx: PageContext,
    url_kind: UrlKind,
    html_title: str,
) -> NotArticle | None:
    phrases = profile.boilerplate.not_found_phrases
    errors = " ".join(clean_line(text_of(e)) for e in sel.error_markers(root))
    if ctx.http_status == 404 or any(p in errors or p in html_title for p in phrases):
        return NotArticle(url, "not-found", "the page says the requested resource does not exist")
    if url_kind == UrlKind.HOME:
        return NotArticle(url, "home", "the site's home page")
    if sel.listing_markers(root):
        return NotArticle(url, "listing", "a list of articles (abstracts, title list or pagination), no article view")
    if url_kind == UrlKind.LISTING:
        return NotArticle(url, "listing", "a listing page of the profile without an article view")
    return None


def _generic_view(root: etree._Element, sel: Compiled) -> View | None:
    """The element holding most paragraph text inside the main content, when it is long enough."""
    mains = sel.main_content(root)
    main = mains[0] if mains else root
    drop_all(sel.drop(main))
    scores: dict[etree._Element, int] = {}
    for paragraph in main.iter("p"):
        parent = paragraph.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + word_count(text_of(paragraph))
    if not scores:
        return None
    body, words = max(scores.items(), key=lambda item: item[1])
    if words < GENERIC_MIN_WORDS:
        return None
    headings = main.xpath(".//h1 | .//h2")
    title = next((h for h in headings if clean_line(text_of(h))), None)
    return View("generic", main, body, title, ("generic-fallback",))
