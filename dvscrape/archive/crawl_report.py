"""How well a site's profile guessed, read from the archive after the site's first crawl: the articles it archived,
the fields left empty, and body lines so common across articles that they are likely boilerplate the profile
should drop. A draft profile written by `dvscrape sites probe` is judged by this on its first run."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from dvscrape.archive.db import DB_FILENAME, Archive

BOILERPLATE_SHARE = 0.5  # a body line in more than this share of the articles (and at least MIN_REPEATS) is suspect
MIN_REPEATS = 3
SHOWN_LINES = 3


@dataclass(frozen=True)
class FirstCrawlReport:
    """What a site's first crawl archived: articles, empty fields (by name), suspected boilerplate lines."""

    site: str
    found: int  # article URLs the crawl found (the crawl's counts)
    articles: int
    empty: dict[str, int]
    figures: int
    boilerplate: tuple[tuple[str, int], ...]

    def lines(self) -> list[str]:
        """The report as summary lines."""
        empty = ", ".join(f"{name} {count}" for name, count in self.empty.items())
        head = f"  first crawl of {self.site}: {self.found} articles found, {self.articles} archived"
        lines = [f"{head}; empty fields: {empty} of {self.figures} figures"]
        if not self.boilerplate:
            lines.append("  boilerplate suspected: none (no body line repeats across most articles)")
        for line, count in self.boilerplate:
            shown = line if len(line) <= 80 else line[:77] + "..."
            lines.append(f"  boilerplate suspected: {shown!r} in {count} of {self.articles} bodies")
        return lines


def first_crawl_report(archive_dir: Path, crawl_id: int) -> FirstCrawlReport | None:
    """The report of crawl *crawl_id* when it is the first crawl of its site in the archive, else None."""
    if not (Path(archive_dir) / DB_FILENAME).is_file():
        return None
    with Archive.open(Path(archive_dir), readonly=True, upgrade=False) as archive:
        conn = archive.db.conn
        row = conn.execute("SELECT site, counts FROM crawls WHERE id = ?", (crawl_id,)).fetchone()
        if row is None:
            return None
        site, found = str(row[0]), int(json.loads(row[1] or "{}").get("articles_found", 0))
        if conn.execute("SELECT 1 FROM crawls WHERE site = ? AND id < ?", (site, crawl_id)).fetchone():
            return None
        articles = conn.execute(
            """
            SELECT articles.id, articles.title, articles.published_date, articles.categories, articles.body,
                   articles.signature
            FROM articles JOIN captures ON captures.id = articles.capture_id
            WHERE captures.crawl_id = ?
            """,
            (crawl_id,),
        ).fetchall()
        ids = [article[0] for article in articles]
        marks = ",".join("?" * len(ids))
        figures = conn.execute(
            f"SELECT count(*), sum(caption IS NULL OR caption = '') FROM figures WHERE article_id IN ({marks})", ids
        ).fetchone()
    empty = {
        "title": sum(not article[1] for article in articles),
        "date": sum(not article[2] for article in articles),
        "category": sum(not json.loads(article[3] or "[]") for article in articles),
        "body": sum(not article[4] for article in articles),
        "signature": sum(not article[5] for article in articles),
        "captions": int(figures[1] or 0),  # last: the line says "of N figures" after it
    }
    bodies = [str(article[4] or "") for article in articles]
    return FirstCrawlReport(site, found, len(articles), empty, int(figures[0] or 0), repeated_lines(bodies))


def repeated_lines(bodies: list[str]) -> tuple[tuple[str, int], ...]:
    """Lines found in more than BOILERPLATE_SHARE of the *bodies* (and at least MIN_REPEATS), commonest first, at most
    SHOWN_LINES: a share bar, a portlet title or a banner the profile lets into the articles."""
    counts: Counter[str] = Counter()
    for body in bodies:
        counts.update({line.strip() for line in body.split("\n") if line.strip()})
    threshold = max(MIN_REPEATS, int(len(bodies) * BOILERPLATE_SHARE) + 1)
    common = [(line, count) for line, count in counts.most_common() if count >= threshold]
    return tuple(common[:SHOWN_LINES])
