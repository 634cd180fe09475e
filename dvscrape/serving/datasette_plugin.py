"""A Datasette plugin registering the SQL functions of dvscrape's canned queries on every connection:
``dvscrape_fold(text)`` and ``dvscrape_match(query)``, a user's query turned into a safe FTS5 expression for the
accent-folded index (an unusable query becomes one that matches nothing). Loaded by ``dvscrape serve``."""

from __future__ import annotations

import sqlite3
from html import escape
from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from markupsafe import Markup

from dvscrape.archive.folding import fold, register_fold
from dvscrape.archive.lookup import ARTICLE_CAPTURE
from dvscrape.archive.search import parse_query
from dvscrape.errors import QueryError
from dvscrape.serving.replay import DEFAULT_REPLAY_BASE, replay_url
from dvscrape.warc.cdxj import cdx_timestamp

NO_MATCH = '""'


def match_expression(query: str | None) -> str:
    """The FTS5 expression for *query* on the folded index, or an expression matching nothing."""
    try:
        return parse_query(query or "", exact=False)
    except QueryError:
        return NO_MATCH


@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    """Register dvscrape_fold and dvscrape_match."""
    register_fold(conn)
    conn.create_function("dvscrape_match", 1, match_expression, deterministic=True)


# -- search boxes: đ/Đ as d/D ------------------------------------------------------------------------------------


def _is_search(name: str) -> bool:
    return name == "_search" or name.startswith("_search_")


def fold_search_params(query_string: bytes) -> bytes:
    """The query string with every search parameter (``_search``, ``_search_<column>``) folded as the folded index
    is (đ → d, accents dropped, lower case), so that a table search box finds 'Đông' and 'đại biểu' as the canned
    search and `dvscrape search` do. Other parameters are kept; a query string without search is returned as is."""
    pairs = parse_qsl(query_string.decode("utf-8", "replace"), keep_blank_values=True)
    if not any(_is_search(name) for name, _ in pairs):
        return query_string
    return urlencode([(name, fold(value) if _is_search(name) else value) for name, value in pairs]).encode("ascii")


# -- the articles table opens as a compact list ---------------------------------------------------------------------

COMPACT_COLUMNS = ("title", "published_date", "category", "signature", "url")


def compact_redirect(path: str, query_string: bytes, database: str) -> str | None:
    """Where the HTML page of the articles table (or article_list) redirects to show the compact list, or None."""
    if path not in (f"/{database}/articles", f"/{database}/article_list"):
        return None
    names = {name for name, _ in parse_qsl(query_string.decode("utf-8", "replace"), keep_blank_values=True)}
    if names & {"_col", "_nocol"}:
        return None
    extra = query_string.decode("latin-1")
    columns = "&".join(f"_col={column}" for column in COMPACT_COLUMNS)
    return f"{path}?{columns}" + (f"&{extra}" if extra else "")


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    """Fold search parameters; send the articles table page to its compact list."""

    def wrap(app: Any) -> Any:
        async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope.get("type") == "http":
                query_string = scope.get("query_string", b"")
                target = compact_redirect(scope.get("path", ""), query_string, _database(datasette))
                if target is not None:
                    headers = [[b"location", target.encode("utf-8")]]
                    await send({"type": "http.response.start", "status": 302, "headers": headers})
                    await send({"type": "http.response.body", "body": b""})
                    return
                folded = fold_search_params(query_string)
                if folded != query_string:
                    scope = {**scope, "query_string": folded}
            await app(scope, receive, send)

        return wrapped

    return wrap


def _database(datasette: Any) -> str:
    names = [name for name in datasette.databases if not name.startswith("_")]
    return names[0] if names else "archive"


# -- links: to rows, to an article's captures, to its replay -----------------------------------------------------------

ROW_LINKS = {
    "capture_id": "captures",
    "refers_to_capture_id": "captures",
    "article_id": "articles",
    "crawl_id": "crawls",
    "resumed_from": "crawls",
}


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    """capture_id and similar columns link to their rows; an article's URL comes with links to its captures and
    to its replay in pywb (`dvscrape replay`)."""
    if value in (None, "") or table is None:
        return None
    target = ROW_LINKS.get(column)
    if target is not None and target != table and str(value).isdigit():
        return Markup(f'<a href="/{escape(database)}/{target}/{int(value)}">{int(value)}</a>')
    if column == "url" and table in ("articles", "article_list"):
        url = str(value)
        captures = f"/{database}/url_captures?" + urlencode({"url": url})
        try:
            article_id = row["id"]  # a sqlite3.Row: `in` would look at its values
        except (IndexError, KeyError):
            article_id = None
        links = f'<a href="{escape(captures)}">captures</a>'
        if article_id is not None:
            links += f' · <a href="{escape(f"/-/dvscrape/replay/{article_id}")}">replay</a>'
        return Markup(f'<a href="{escape(url)}">{escape(url)}</a><br>{links}')
    return None


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    """``/-/dvscrape/replay/<article id>``: a redirect to the article's newest capture in pywb."""

    async def replay(request: Any) -> Any:
        from datasette.utils.asgi import Response

        article_id = request.url_vars["article_id"]
        db = datasette.get_database(_database(datasette))
        found = await db.execute(ARTICLE_CAPTURE, [int(article_id)])
        row = found.first()
        if row is None:
            return Response.text(f"article {article_id} has no capture", status=404)
        config = datasette.plugin_config("dvscrape") or {}
        base = str(config.get("replay_base") or DEFAULT_REPLAY_BASE)
        return Response.redirect(replay_url(base, cdx_timestamp(str(row[1])), str(row[0])))

    return [(r"^/-/dvscrape/replay/(?P<article_id>\d+)$", replay)]


TABLE_PAGE_SCRIPT = """
(function () {
  var list = document.querySelector("dl.column-descriptions");
  if (!list) { return; }
  var details = document.createElement("details");
  var summary = document.createElement("summary");
  summary.textContent = "Column descriptions";
  list.parentNode.insertBefore(details, list);
  details.appendChild(summary);
  details.appendChild(list);
})();
(function () {
  // The server searched the folded form (đ → d); the box shows what was typed.
  var typed = new URLSearchParams(window.location.search).get("_search");
  var box = document.querySelector("input[name=_search]");
  if (typed !== null && box) { box.value = typed; }
})();
"""


@hookimpl
def extra_body_script(template: str, database: str | None, table: str | None, **_: Any) -> str:
    """Table pages open on their rows (the column descriptions folded away under "Column descriptions"); the
    search box shows the query as typed, not its folded form."""
    return TABLE_PAGE_SCRIPT if template == "table.html" else ""
