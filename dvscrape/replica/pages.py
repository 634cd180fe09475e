"""Article and listing pages: Liferay 6.2 Asset Publisher markup (full content, abstracts, title list, pager)."""

from __future__ import annotations

from html import escape

from dvscrape.replica import urls
from dvscrape.replica.model import Article, Category
from dvscrape.replica.site import Site
from dvscrape.replica.template import slot
from dvscrape.replica.theme import SITE_NAME, Chrome, borderless_portlet, decorated_portlet, page, popup_page, strings

DELTA = 20
JOURNAL_ICON = "/html/icons/journal.png"


def date_text(article: Article) -> str:
    """The publish date as the metadata shows it (dd/MM/yyyy)."""
    return article.published.strftime("%d/%m/%Y")


def back_link(portlet_id: str, language: str, href: str) -> str:
    """The ``liferay-ui:header`` back link; ``href`` is the HTML-escaped redirect parameter."""
    label = strings(language).back
    return (
        f'<span class="header-back-to">\n<a class="icon-circle-arrow-left previous-level" href="{href}" '
        f'id="_{portlet_id}_TabsBack" title="{label}">\n<span class="helper-hidden-accessible">{label}</span>\n'
        "</a>\n</span>\n"
    )


def _social_bookmarks(article: Article, portlet_id: str) -> str:
    shared = f"{slot('HOSTENC')}{urls.encode(article.path)}"
    title = urls.encode(article.title)
    targets = (
        ("facebook", f"http://www.facebook.com/sharer.php?u={shared}&amp;t={title}"),
        ("twitter", f"https://twitter.com/intent/tweet?text={title}&amp;tw_p=tweetbutton&amp;url={shared}"),
        ("plusone", f"https://plus.google.com/share?url={shared}"),
    )
    items = "".join(
        f'<li class="taglib-social-bookmark-{name}"><a class="social-bookmark-link" href="{href}" '
        f'rel="nofollow" target="_blank" title="{name}"><img alt="{name}" src="/html/themes/classic/images/social_'
        f'bookmarks/{name}.png" /></a></li>'
        for name, href in targets
    )
    return (
        f'<div class="taglib-social-bookmarks" id="_{portlet_id}_socialBookmarks_{article.asset_entry_id}">'
        f'<ul class="unstyled inline">{items}</ul></div>\n'
    )


def _related(site: Site, chrome: Chrome, article: Article) -> str:
    related = [site.by_url_title[t] for t in article.related if t in site.by_url_title]
    if not related:
        return ""
    ui = strings(chrome.language)
    items = "".join(
        f'<li class="asset-links-list-item"><span class=""><a class="taglib-icon" href="'
        f'{urls.asset_entry_link(chrome.prefix, site.category_of(other), other.asset_entry_id)}" target="_self">'
        f'<img alt="" src="{JOURNAL_ICON}" /> <span class="taglib-text ">{escape(other.title, quote=False)}</span>'
        "</a></span></li>"
        for other in related
    )
    return (
        f'<div class="taglib-asset-links">\n<h2 class="asset-links-title">{ui.related_assets}:</h2>\n'
        f'<ul class="asset-links-list">{items}</ul>\n</div>\n'
    )


def _metadata(article: Article, language: str, with_views: bool) -> str:
    entries = []
    if article.show_date_in_metadata:
        entries.append(f'<span class="metadata-entry metadata-publish-date">{date_text(article)}</span>')
    if with_views:
        entries.append(
            f'<span class="metadata-entry metadata-view-count">{slot("VIEWS")} {strings(language).views}</span>'
        )
    return '<div class="asset-metadata">\n' + "\n".join(entries) + "\n</div>\n"


def full_content(site: Site, chrome: Chrome, article: Article, category: Category, print_view: bool) -> str:
    """``display/full_content.jsp``: header with back link, the journal article, bookmarks, related, metadata."""
    portlet_id = category.portlet_id
    ui = strings(chrome.language)
    title = escape(article.shown_title, quote=False)
    print_href = urls.print_link(chrome.prefix, category, article, chrome.language)
    actions = (
        ""
        if print_view
        else (
            '<div class="asset-user-actions">\n<div class="print-action">\n'
            f'<span class=""><a class="taglib-icon" href="{print_href}" '
            f'id="_{portlet_id}_print_{article.asset_entry_id}" title="{ui.print}">'
            f'<img alt="{ui.print}" src="/html/themes/classic/images/common/print.png" /></a>'
            "</span>\n</div>\n</div>\n"
        )
    )
    extras = "" if print_view else _social_bookmarks(article, portlet_id) + "<br />\n" + _related(site, chrome, article)
    return (
        f'<div class="taglib-header ">\n{"" if print_view else slot("BACKLINK")}'
        f'<h3 class="header-title">\n<span>\n{title}\n</span>\n</h3>\n</div>\n'
        '<div class="asset-full-content default-asset-publisher show-asset-title">\n'
        f"{actions}"
        f'<div class="asset-content" id="_{portlet_id}_{article.asset_entry_id}">\n'
        f'<div class="journal-content-article">\n{article.body_html}\n</div>\n'
        f"{extras}</div>\n"
        f"{_metadata(article, chrome.language, not print_view)}</div>\n"
    )


def article_page(site: Site, chrome: Chrome, article: Article, mode: str) -> str:
    """An article page. ``mode``: "display" (``/-/<urlTitle>``), "portlet" (asset publisher URL forms),
    "maximized" (window state maximized) or "print" (pop-up, viewMode=print)."""
    category = site.category_of(article)
    title = f"{article.shown_title} - {category.name} - {SITE_NAME}"
    body = full_content(site, chrome, article, category, mode == "print")
    portlet = borderless_portlet(category.portlet_id, body, "portlet-asset-publisher")
    if mode == "print":
        return popup_page(chrome, title=title, main=portlet)
    crumbs = (("Trang chủ", urls.HOME_PATH), (category.name, category.path), (article.shown_title, ""))
    return page(
        chrome,
        title=title,
        body_class="article-page",
        selected_path=category.path,
        crumbs=crumbs,
        main=portlet,
        maximized=mode == "maximized",
    )


def abstract_entry(chrome: Chrome, article: Article) -> str:
    """``display/abstracts.jsp`` for one article."""
    ui = strings(chrome.language)
    link = urls.display_page_link(chrome.prefix, article.url_title)
    title = escape(article.title, quote=False)
    small = escape(next(m for m in article.media if m.key == str(article.small_image_id)).key)
    thumb = f"/image/journal/article?img_id={small}&amp;t={int(article.modified.timestamp() * 1000)}"
    return (
        '<div class="asset-abstract default-asset-publisher">\n'
        f'<h3 class="asset-title">\n<a href="{link}"><img alt="" src="{JOURNAL_ICON}" /> {title}</a>\n</h3>\n'
        '<div class="asset-content">\n<div class="asset-summary">\n'
        f'<div class="asset-small-image"><img alt="" class="asset-small-image" src="{thumb}" width="150" /></div>\n'
        f"{escape(article.summary, quote=False)}\n</div>\n"
        f'<div class="asset-more">\n<a href="{link}">{ui.read_more}<span class="hide-accessible">{ui.read_more_about}'
        f"{title}</span> &raquo; </a>\n</div>\n</div>\n"
        '<div class="asset-metadata">\n'
        f'<span class="metadata-entry metadata-publish-date">{date_text(article)}</span>\n</div>\n</div>\n'
    )


def title_list(chrome: Chrome, articles: tuple[Article, ...]) -> str:
    """``display/title_list.jsp`` for a page of articles."""
    items = "".join(
        f'<li class="title-list content">\n<span class=""><a class="taglib-icon" '
        f'href="{urls.display_page_link(chrome.prefix, article.url_title)}"><img alt="" src="{JOURNAL_ICON}" /> '
        f'<span class="taglib-text ">{escape(article.title, quote=False)}</span></a></span>\n'
        f'<div class="asset-metadata">\n<span class="metadata-entry metadata-publish-date">{date_text(article)}'
        "</span>\n</div>\n</li>\n"
        for article in articles
    )
    return f'<ul class="title-list">\n{items}</ul>\n'


def page_iterator(chrome: Chrome, category: Category, cur: int, total: int) -> str:
    """``taglib/ui/page_iterator`` (type regular): page menu, 'Showing x - y of n results.', pager buttons."""
    if total <= DELTA:
        return ""
    ui = strings(chrome.language)
    pages = -(-total // DELTA)
    start, end = (cur - 1) * DELTA + 1, min(cur * DELTA, total)

    def href(number: int) -> str:
        return urls.listing_page_link(chrome.prefix, category, number)

    def button(enabled: bool, number: int, label: str, css: str = "") -> str:
        classes = " ".join(c for c in ("" if enabled else "disabled", css) if c)
        target = href(number) if enabled else "javascript:;"
        return f'<li class="{classes}">\n<a href="{target}" target="_self">{label}</a>\n</li>\n'

    menu = "".join(f'<li><a class="taglib-icon" href="{href(n)}">{n}</a></li>' for n in range(1, pages + 1))
    page_label = ui.page_of.format(page=cur, pages=pages)
    return (
        f'<div class="taglib-page-iterator" id="_{category.portlet_id}_ocerSearchContainerPageIterator">\n'
        '<div class="clearfix lfr-pagination">\n<div class="lfr-pagination-config">\n'
        '<div class="lfr-pagination-page-selector">\n<div class="btn-group lfr-icon-menu current-page-menu">'
        f'<a class="dropdown-toggle direction-down max-display-items-15 btn" href="javascript:;" title="{page_label}">'
        f'<span class="lfr-icon-menu-text">{page_label}</span> <i class="caret"></i></a>\n'
        f'<ul class="dropdown-menu lfr-menu-list direction-down">{menu}</ul>\n</div>\n</div>\n'
        f'<div class="lfr-pagination-delta-selector">\n&mdash; {ui.items_per_page.format(delta=DELTA)}\n</div>\n'
        "</div>\n"
        f'<small class="search-results">{ui.showing.format(start=start, end=end, total=total)}</small>\n'
        '<ul class="pager lfr-pagination-buttons">\n'
        + button(cur != 1, 1, f"&larr; {ui.first}", "first")
        + button(cur != 1, cur - 1, ui.previous)
        + button(cur != pages, cur + 1, ui.next)
        + button(cur != pages, pages, f"{ui.last} &rarr;", "last")
        + "</ul>\n</div>\n</div>\n"
    )


def listing_portlet(site: Site, chrome: Chrome, category: Category, cur: int) -> str:
    """A category's Asset Publisher at page ``cur``: abstracts or a title list, newest first, then the pager."""
    articles = site.listings[category.path]
    shown = articles[(cur - 1) * DELTA : cur * DELTA]
    entries = (
        "".join(abstract_entry(chrome, article) for article in shown)
        if category.display == "abstracts"
        else title_list(chrome, shown)
    )
    tools = (
        f'<div class="subscribe-action"><a href="{urls.subscribe_link(chrome.prefix, category, site.auth_token)}">'
        f"{'Đăng ký nhận tin' if chrome.language == 'vi_VN' else 'Subscribe'}</a> "
        f'<a href="{urls.rss_link(chrome.prefix, category)}">RSS</a></div>\n'
    )
    body = entries + page_iterator(chrome, category, cur, len(articles)) + tools
    return decorated_portlet(category.portlet_id, category.name, body, "portlet-asset-publisher", "asset_publisher")


def listing_page(site: Site, chrome: Chrome, category: Category, cur: int) -> str:
    """A category page at listing page ``cur`` (1-based, already clamped)."""
    return page(
        chrome,
        title=f"{category.name} - {SITE_NAME}",
        body_class="listing-page",
        selected_path=category.path,
        crumbs=(("Trang chủ", urls.HOME_PATH), (category.name, category.path)),
        main=listing_portlet(site, chrome, category, cur),
    )
