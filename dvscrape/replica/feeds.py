"""robots.txt, sitemap.xml and the Asset Publisher Atom feeds."""

from __future__ import annotations

from html import escape

from dvscrape.replica import urls
from dvscrape.replica.chrome import PORTAL_PAGES, nav_items
from dvscrape.replica.model import Article, Category
from dvscrape.replica.site import Site
from dvscrape.replica.template import slot
from dvscrape.replica.theme import SITE_NAME

HOST = slot("HOST")
ALTERNATES = (("x-default", ""), ("vi-VN", "/vi_VN"), ("en-US", "/en_US"))
FEED_SIZE = 20


def robots_txt(disallow: tuple[str, ...] = ()) -> str:
    """Liferay's default robots.txt (nothing disallowed, the sitemap named), or one disallowing *disallow*."""
    rules = "".join(f"Disallow: {prefix}\n" for prefix in disallow) or "Disallow:\n"
    return f"User-Agent: *\n{rules}Sitemap: {HOST}/sitemap.xml\n"


def _url_entry(path: str, lastmod: str, changefreq: str, priority: str) -> str:
    alternates = "".join(
        f'<xhtml:link href="{HOST}{prefix}{path}" hreflang="{lang}" rel="alternate"/>' for lang, prefix in ALTERNATES
    )
    modified = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    return (
        f"<url><loc>{HOST}{path}</loc>{modified}<changefreq>{changefreq}</changefreq>"
        f"<priority>{priority}</priority>{alternates}</url>\n"
    )


def sitemap_xml(site: Site) -> str:
    """The pages of the site, then every approved article as ``/web/neoportal/-/<urlTitle>`` with lastmod."""
    entries = [_url_entry(path, "", "daily", "0.5") for path, _label in nav_items(site.corpus)]
    if site.portal_pages:
        entries.extend(_url_entry(path, "", "monthly", "0.3") for path, _label in PORTAL_PAGES)
    entries.extend(
        _url_entry(article.path, article.modified.isoformat(timespec="seconds"), "weekly", "0.5")
        for article in site.corpus.articles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
        + "".join(entries)
        + "</urlset>\n"
    )


def _atom_entry(article: Article) -> str:
    link = f"{HOST}{article.path}"
    return (
        "<entry>\n"
        f'<title>{escape(article.title)}</title>\n<link rel="alternate" href="{link}"/>\n'
        f"<author><name>{escape(article.signature or SITE_NAME)}</name></author>\n"
        f"<id>{link}</id>\n<updated>{article.modified.isoformat(timespec='seconds')}</updated>\n"
        f"<published>{article.published.isoformat(timespec='seconds')}</published>\n"
        f'<summary type="html">{escape(article.summary)}</summary>\n'
        "</entry>\n"
    )


def atom_feed(site: Site, category: Category) -> str:
    """The category's Asset Publisher feed: Atom 1.0, the 20 newest articles."""
    articles = site.listings[category.path][:FEED_SIZE]
    updated = articles[0].modified.isoformat(timespec="seconds") if articles else "2023-01-01T00:00:00+07:00"
    feed_url = f"{HOST}{urls.rss_link('', category)}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f'<title>{escape(category.name)}</title>\n<link rel="self" href="{feed_url}"/>\n'
        f"<subtitle>{escape(SITE_NAME)}</subtitle>\n<id>{feed_url}</id>\n<updated>{updated}</updated>\n"
        + "".join(_atom_entry(article) for article in articles)
        + "</feed>\n"
    )
