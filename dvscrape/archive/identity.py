"""The site is the identity, the mirror is transport: rewriting an archive whose canonical URLs are on a base URL.

An archive whose crawls keyed articles (and captures.canonical_url) by the base URL they fetched from (a mirror, the
replica on some port) holds one article once per base URL. rebase_on_site rewrites every such canonical URL onto the
site's own address (the profile's site_url):

- captures.canonical_url (captures.url, the URL actually fetched, is kept);
- articles.url and the URLs the extractor wrote in figures (of articles and of their versions), attachments and
  related_links;
- articles that now share one URL (the same article fetched from two ports) become one row: the oldest id is kept,
  with the content, figures and links of the row seen last; the versions of the others are added to its history
  (numbered by the time they were seen; a version whose content the kept row already holds is not repeated), so
  nothing that was archived is lost: every capture stays, and every distinct content stays a version;
- crawls.base_url of a resumed crawl that recorded the interrupted run's base URL instead of the one its captures
  were fetched from.

Only base URLs of the archive's own crawls (recorded, or seen in their captures) are rewritten, and only for sites
dvscrape has a profile for.
"""

from __future__ import annotations

import sqlite3
from urllib.parse import urlsplit

from dvscrape.errors import ConfigurationError
from dvscrape.sites import get_profile

_CONTENT_COLUMNS = (
    "fetched_url, locale, title, html_title, published_date, published_source, modified_date, category, categories, "
    "body, signature, word_count, tags, flags, template, content_hash, capture_id"
)
_CHILDREN = ("figures", "attachments", "article_tags", "related_links")
_URL_COLUMNS = (("figures", "image_url"), ("attachments", "url"), ("related_links", "url"))


def _origin(url: str) -> str:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def _rebase_sql(column: str, origin: str, site: str) -> tuple[str, tuple[str, ...]]:
    """A SET clause and its parameters rewriting *column* from *origin* to *site* where it starts with it."""
    return (f"{column} = ? || substr({column}, ?) ", (site, str(len(origin) + 1)))


def _where_on(column: str) -> str:
    return f"(substr({column}, 1, ?) = ? AND (length({column}) = ? OR substr({column}, ?, 1) IN ('/', '?', '#')))"


def _where_params(origin: str) -> tuple[object, ...]:
    return (len(origin), origin, len(origin), len(origin) + 1)


def rebase_on_site(conn: sqlite3.Connection) -> None:
    """Rewrite the archive's canonical URLs onto each site's own address; see the module docstring. The caller
    holds the write transaction."""
    sites: dict[str, str] = {}
    origins: dict[str, str] = {}  # origin -> site URL
    crawl_rows = conn.execute("SELECT id, site, base_url FROM crawls").fetchall()
    for _crawl_id, site, base_url in crawl_rows:
        if site not in sites:
            try:
                sites[site] = get_profile(site).site_url
            except ConfigurationError:
                continue
        origin = _origin(base_url)
        if origin and origin.lower() != sites[site].lower():
            origins[origin] = sites[site]
    for crawl_id, site, base_url in crawl_rows:
        if site not in sites:
            continue
        fetched = conn.execute(
            "SELECT url FROM captures WHERE crawl_id = ? ORDER BY id LIMIT 1", (crawl_id,)
        ).fetchone()
        origin = _origin(fetched[0]) if fetched else ""
        if origin and origin.lower() != sites[site].lower():
            origins[origin] = sites[site]
        if origin and origin != _origin(base_url):
            conn.execute("UPDATE crawls SET base_url = ? WHERE id = ?", (origin, crawl_id))
    for origin, site_url in origins.items():
        assignment, params = _rebase_sql("canonical_url", origin, site_url)
        conn.execute(
            f"UPDATE captures SET {assignment} WHERE {_where_on('canonical_url')}", (*params, *_where_params(origin))
        )
        for table, column in _URL_COLUMNS:
            assignment, params = _rebase_sql(column, origin, site_url)
            conn.execute(
                f"UPDATE {table} SET {assignment} WHERE {_where_on(column)}", (*params, *_where_params(origin))
            )
        for end in ("/", "?"):  # the figures of versions, compact JSON (versions.figures_json, json_object)
            before, after = f'"image_url":"{origin}{end}', f'"image_url":"{site_url}{end}'
            conn.execute("UPDATE article_versions SET figures = replace(figures, ?, ?)", (before, after))
        moved = conn.execute(
            f"SELECT id, url FROM articles WHERE {_where_on('url')} ORDER BY id", _where_params(origin)
        ).fetchall()
        for article_id, url in moved:
            target = site_url + url[len(origin) :]
            holder = conn.execute("SELECT id FROM articles WHERE url = ?", (target,)).fetchone()
            if holder is None:
                conn.execute("UPDATE articles SET url = ? WHERE id = ?", (target, article_id))
            else:
                _merge(conn, keep=min(holder[0], article_id), other=max(holder[0], article_id), url=target)


def _merge(conn: sqlite3.Connection, *, keep: int, other: int, url: str) -> None:
    """Make article *other* part of article *keep* (same canonical URL) and delete the *other* row."""
    (keep_seen,) = conn.execute("SELECT last_seen FROM articles WHERE id = ?", (keep,)).fetchone()
    (other_seen,) = conn.execute("SELECT last_seen FROM articles WHERE id = ?", (other,)).fetchone()
    if (other_seen or "") > (keep_seen or ""):  # the row seen last holds the current content
        for table in _CHILDREN:
            conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (keep,))
            conn.execute(f"UPDATE {table} SET article_id = ? WHERE article_id = ?", (keep, other))
        columns = [name.strip() for name in _CONTENT_COLUMNS.split(",")]
        assignments = ", ".join(f"{name} = (SELECT {name} FROM articles WHERE id = :other)" for name in columns)
        conn.execute(f"UPDATE articles SET {assignments} WHERE id = :keep", {"keep": keep, "other": other})
    conn.execute(
        """
        UPDATE articles SET
            first_seen = min(first_seen, (SELECT first_seen FROM articles WHERE id = :other)),
            last_seen = max(last_seen, (SELECT last_seen FROM articles WHERE id = :other)),
            last_checked = NULLIF(max(COALESCE(last_checked, ''),
                                      COALESCE((SELECT last_checked FROM articles WHERE id = :other), '')), '')
        WHERE id = :keep
        """,
        {"keep": keep, "other": other},
    )
    held = {row[0] for row in conn.execute("SELECT content_hash FROM article_versions WHERE article_id = ?", (keep,))}
    conn.execute(
        f"DELETE FROM article_versions WHERE article_id = ? AND content_hash IN ({', '.join('?' for _ in held)})"
        if held
        else "DELETE FROM article_versions WHERE 0",
        (other, *held),
    )
    # Version numbers stay unique per article while they move: negative ids first, then 1..n by time seen.
    conn.execute("UPDATE article_versions SET version = -id WHERE article_id = ?", (other,))
    conn.execute("UPDATE article_versions SET article_id = ? WHERE article_id = ?", (keep, other))
    conn.execute("UPDATE article_versions SET version = -id WHERE article_id = ?", (keep,))
    ordered = conn.execute(
        "SELECT id FROM article_versions WHERE article_id = ? ORDER BY seen_at, id", (keep,)
    ).fetchall()
    for number, (version_id,) in enumerate(ordered, 1):
        conn.execute("UPDATE article_versions SET version = ? WHERE id = ?", (number, version_id))
    for table in _CHILDREN:
        conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (other,))
    conn.execute("DELETE FROM articles WHERE id = ?", (other,))
    conn.execute("UPDATE articles SET url = ? WHERE id = ?", (url, keep))
