"""The typed description of one portal: where to start, which URLs matter, how its pages are built."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from dvscrape.errors import ConfigurationError


@dataclass(frozen=True)
class Selectors:
    """CSS selectors for the parts of a page the extractor reads or drops (Liferay core defaults)."""

    article_view: str = "div.asset-full-content"
    title: str = "h3.header-title"
    body: str = "div.journal-content-article"
    publish_date: str = "span.metadata-publish-date"
    modified_date: str = "span.metadata-modified-date"
    view_count: str = "span.metadata-view-count"
    categories: str = "div.asset-categories a, .taglib-asset-categories-summary a"
    tags: str = "div.asset-tag-summary a, .taglib-asset-tags-summary a"
    related: str = "div.taglib-asset-links a"
    breadcrumb: str = "ul.breadcrumb li a"
    active_menu: str = "nav li:is(.selected, .active) > a"  # one walk of the page, where two selectors take two
    portlet_title: str = ".portlet-title-text"
    listing_links: str = "div.asset-abstract h3.asset-title a, ul.title-list li a"
    pager_links: str = "div.taglib-page-iterator ul.pager a, div.taglib-page-iterator ul.lfr-pagination-buttons a"
    # Additions for the page objects (dvscrape/pages): every CSS selector the extractor reads comes from here.
    portlet: str = "div.portlet-boundary"
    # The portlet title as a visitor sees it (6.2 span, 7.x h2); hidden duplicates are dropped before reading it.
    portlet_title_any: str = ".portlet-title-text, h2.portlet-title, h1.portlet-title"
    web_content_portlet: str = "div.portlet-boundary[id^='p_p_id_56_']"
    # Title of the article inside the Asset Publisher full-content view (6.2 h3/h1, 7.x component title).
    view_title: str = "h1.header-title, h2.header-title, h3.header-title, h4.header-title"
    listing_markers: str = "div.asset-abstract, ul.title-list, div.taglib-page-iterator, div.lfr-pagination"
    error_markers: str = ".portlet-msg-error, .alert-error, div.error-404, .page-not-found"
    main_content: str = "#main-content, #content, main, body"
    canonical_link: str = "link[rel='canonical']"
    meta_published: tuple[str, ...] = (
        "meta[property='article:published_time']",
        "meta[name='dc.date.issued']",
        "meta[name='DC.date.issued']",
        "meta[name='pubdate']",
        "meta[itemprop='datePublished']",
    )
    meta_modified: tuple[str, ...] = (
        "meta[property='article:modified_time']",
        "meta[name='dc.date.modified']",
        "meta[itemprop='dateModified']",
    )
    figure_caption: str = "figcaption"
    # Listing pages: the main column (sidebars excluded), its entries, and the link of an entry.
    listing_scope: str = "#column-1, #main-content, body"
    listing_entries: str = "div.asset-abstract, ul.title-list > li"
    listing_entry_link: str = ".asset-title a[href], a[href]"
    attachment_links: str = "a[href]"


@dataclass(frozen=True)
class Boilerplate:
    """What never belongs to an article's text, whatever the page template."""

    drop_selectors: tuple[str, ...] = (
        ".hide-accessible",
        ".helper-hidden-accessible",
        ".header-back-to",
        ".taglib-social-bookmarks",
        ".taglib-asset-links",
        ".asset-metadata",
        ".asset-ratings",
        ".lfr-discussion",
        "script",
        "style",
        "noscript",
    )
    drop_lines: tuple[str, ...] = ("Back", "Quay lại", "Read More »", "Xem thêm »")
    banner_prefixes: tuple[str, ...] = ("Chủ đề năm",)
    boilerplate_portlet_titles: tuple[str, ...] = ("Tin tức nổi bật", "Danh mục", "TIN TỨC MEDIA")
    # Additions for the page objects (dvscrape/pages).
    # Dropped from the article view in addition to drop_selectors (print/export icons, locale switch, flags).
    view_drop_selectors: tuple[str, ...] = (
        ".asset-user-actions",
        ".user-actions",
        ".lfr-meta-actions",
        ".asset-flag",
        ".asset-more",
        ".taglib-ratings-wrapper",
        ".entry-links",
        ".portlet-description",
        "iframe",
        "button",
        "form",
    )
    # Lines that are never body text whatever their markup (share bars, counters, related-list headings).
    drop_line_prefixes: tuple[str, ...] = (
        "Lượt xem",
        "Số lượt xem",
        "Views",
        "Related Assets",
        "Các tài sản liên quan",
        "Chia sẻ",
        "Share",
        "In bài viết",
        "Print",
    )
    # A soft 404: a page served with status 200 whose text says the resource does not exist.
    not_found_phrases: tuple[str, ...] = (
        "The requested resource could not be found",
        "The requested resource was not found",
        "Page Not Found",
        "Không tìm thấy trang",
        "Không tìm thấy tài nguyên",
        "Trang bạn yêu cầu không tồn tại",
        "404 Not Found",
        "Lỗi 404",
    )
    # A paragraph that is one of these leads and a link is navigation left in the content ('Xem thêm: <title>',
    # 'Tải về: <document>'): dropped from the body, its link kept as a related link or an attachment.
    navigation_leads: tuple[str, ...] = (
        "Tin liên quan:",
        "Bài liên quan:",
        "Tin cùng chuyên mục:",
        "Xem thêm:",
        "Xem chi tiết:",
        "Xem chi tiết văn bản:",
        "Xem toàn văn:",
        "Tải về:",
        "Tải văn bản:",
        "File đính kèm:",
        "Tệp đính kèm:",
        "Tài liệu đính kèm:",
        "Đính kèm:",
        "Related:",
        "See also:",
        "Download:",
    )
    # A signature may also be a source line starting with one of these.
    source_line_prefixes: tuple[str, ...] = ("Nguồn:", "Nguồn :", "Tin, ảnh:", "Tin và ảnh:", "Tin:", "Theo ")
    attachment_extensions: tuple[str, ...] = ("pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods")
    archive_extensions: tuple[str, ...] = ("rtf", "zip", "rar", "7z", "txt", "csv")


@dataclass(frozen=True)
class UrlRules:
    """How the portal spells its URLs, and which parts are noise or traps (see shared portal-notes)."""

    site_path: str = "/web/neoportal"
    home_path: str = "/web/neoportal/trang-chu"
    article_separator: str = "/-/"
    locale_prefixes: tuple[str, ...] = ("en_US", "en", "vi_VN", "vi")
    # Query parameters dropped wherever they appear (matched on the name after any "_<namespace>_" prefix).
    noise_param_suffixes: tuple[str, ...] = (
        "redirect",
        "inheritRedirect",
        "backURL",
        "returnToFullPageURL",
        "resetCur",
        "p_p_col_id",
        "p_p_col_pos",
        "p_p_col_count",
        "p_p_auth",
    )
    media_noise_params: tuple[str, ...] = ("t",)
    media_prefixes: tuple[str, ...] = ("/documents/", "/image/")
    # Portlets whose URLs are actions, sessions or unbounded listings: never fetched.
    trap_portlet_ids: tuple[str, ...] = ("58", "82", "3", "8")
    trap_path_parts: tuple[str, ...] = ("/c/portal/", "/group/control_panel", "/calendar", "/tim-kiem", "/-/search")
    max_listing_page: int = 500
    # Longer URLs are refused (and recorded): 2083 is the limit browsers and Scrapy's UrlLengthMiddleware use.
    max_url_length: int = 2083


@dataclass(frozen=True)
class Politeness:
    """How hard the crawl may press the portal; None leaves the project's setting (dvscrape/settings/__init__.py) alone.

    A profile's politeness applies at Scrapy's "spider" priority: above dvscrape's defaults, below `--fast` and
    below any `-s NAME=VALUE` or fleet setting."""

    download_delay: float | None = None
    concurrent_requests_per_domain: int | None = None
    autothrottle_enabled: bool | None = None
    autothrottle_max_delay: float | None = None
    autothrottle_target_concurrency: float | None = None
    robotstxt_obey: bool | None = None

    def scrapy_settings(self) -> dict[str, float | int | bool]:
        """The Scrapy settings this politeness sets (names in upper case), the unset ones left out."""
        return {name.upper(): value for name, value in vars(self).items() if value is not None}


@dataclass(frozen=True)
class SiteProfile:
    """Everything dvscrape knows about one portal; code reads selectors and rules only from here."""

    name: str
    base_url: str
    listing_paths: tuple[str, ...]
    # The site's own address (the live portal): the identity of its pages. Canonical URLs, and so articles,
    # versions and history, are written on it whatever *base_url* (a mirror, the replica on some port) served them;
    # captures keep the URL actually fetched. Empty: the same as *base_url*.
    site_url: str = ""
    sitemap_path: str = "/sitemap.xml"
    robots_path: str = "/robots.txt"
    default_locale: str = "vi_VN"
    urls: UrlRules = field(default_factory=UrlRules)
    selectors: Selectors = field(default_factory=Selectors)
    boilerplate: Boilerplate = field(default_factory=Boilerplate)
    politeness: Politeness = field(default_factory=Politeness)
    # The Liferay generation the portal runs ("6.2" or "7": 7.x and DXP), and the profile file it was read from.
    liferay: str = "6.2"
    source: str = ""

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigurationError(f"base URL must be an absolute http(s) URL, got {self.base_url!r}")
        if parts.path not in ("", "/") or parts.query:
            raise ConfigurationError(f"base URL must not have a path or query, got {self.base_url!r}")
        object.__setattr__(self, "base_url", f"{parts.scheme}://{parts.netloc}")
        site = urlsplit(self.site_url or self.base_url)
        if site.scheme not in ("http", "https") or not site.hostname:
            raise ConfigurationError(f"site URL must be an absolute http(s) URL, got {self.site_url!r}")
        object.__setattr__(self, "site_url", f"{site.scheme}://{site.netloc}")

    @property
    def host(self) -> str:
        """The host name (lower case, no port) that bounds the crawl."""
        return (urlsplit(self.base_url).hostname or "").lower()

    @property
    def netloc(self) -> str:
        """Host and port, as written in URLs of this site."""
        return urlsplit(self.base_url).netloc.lower()

    def url(self, path: str) -> str:
        """The absolute URL of a site path."""
        return self.base_url + path

    def with_base_url(self, base_url: str) -> SiteProfile:
        """The same profile pointed at a mirror or the replica (the site URL stays the site's)."""
        return replace(self, base_url=base_url, site_url=self.site_url)

    def fetch_url(self, url: str) -> str:
        """Where to fetch *url*: a URL on the site's own address rebased onto the base URL; others unchanged."""
        return _rebased(url, self.site_url, self.base_url)

    def on_site(self, url: str) -> str:
        """*url*'s identity: a URL on the base URL (the transport) rebased onto the site's own address (fetch_url's
        inverse); others unchanged."""
        return _rebased(url, self.base_url, self.site_url)


def _rebased(url: str, origin: str, onto: str) -> str:
    """*url* with the origin *origin* replaced by *onto* when it starts with it; else unchanged."""
    if origin.lower() != onto.lower() and url.lower().startswith(origin.lower()):
        rest = url[len(origin) :]
        if rest == "" or rest[0] in "/?#":
            return onto + rest
    return url
