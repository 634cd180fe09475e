"""Full-text search over document texts, with the same query language and accent rules as article search
(dvscrape.archive.search): accent-insensitive by default through the folded index, exact with diacritics kept."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field

from dvscrape.archive.document_rows import articles_attaching
from dvscrape.archive.filters import in_categories, matching_categories
from dvscrape.archive.search import SNIPPET_TOKENS, SearchOptions, match_conditions
from dvscrape.errors import QueryError

EXACT_INDEX = "documents_fts"
FOLDED_INDEX = "documents_fts_folded"


@dataclass(frozen=True)
class DocumentHit:
    """One document found, with the articles that link it (id, title, URL)."""

    document_id: int
    url: str
    file_name: str
    document_type: str
    number: str
    issued_date: str | None
    method: str
    score: float
    snippet: str
    articles: list[dict[str, object]] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {**asdict(self), "score": round(self.score, 4)}


def search_documents(conn: sqlite3.Connection, options: SearchOptions) -> list[DocumentHit]:
    """Documents whose subject or text match *options*' query, best first; [] when the archive has no documents
    table. since/until filter on the date of issue; category on the category of a linking article."""
    index = EXACT_INDEX if options.exact else FOLDED_INDEX
    conditions, params = match_conditions(options, index, "d.issued_date")
    if options.category:
        conditions.append(
            "EXISTS (SELECT 1 FROM attachments AS att JOIN articles AS a ON a.id = att.article_id "
            f"WHERE att.url = d.url AND {in_categories('a', 'categories')})"
        )
        params["categories"] = matching_categories(conn, options.category)
    sql = f"""
        SELECT d.id, d.url, d.file_name, d.document_type, d.number, d.issued_date, d.method,
               bm25({index}, 5.0, 1.0) AS score,
               snippet({index}, 1, :open, :close, '…', {SNIPPET_TOKENS})
        FROM {index} JOIN documents AS d ON d.id = {index}.rowid
        WHERE {" AND ".join(conditions)}
        ORDER BY score, d.id
        LIMIT :limit
    """
    try:
        rows = conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):
            return []
        raise QueryError(f"the document search failed: {error}") from error
    hits = []
    for document_id, url, file_name, document_type, number, issued, method, score, snippet in rows:
        articles = [{"article_id": id_, "title": title, "url": at} for id_, at, title in articles_attaching(conn, url)]
        described = (file_name, document_type, number, issued, method)
        hits.append(
            DocumentHit(int(document_id), url, *described, float(score), " ".join((snippet or "").split()), articles)
        )
    return hits
