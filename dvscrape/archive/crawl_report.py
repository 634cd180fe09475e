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
    articles: int
    empty: dict[str, int]
    figures: int
    boilerplate: tuple[tuple[str, int], ...]

    def lines(self) -> list[str]:
        """The report as summary lines."""
        empty = ", ".join(f"{name} {count}" for name, count in self.empty.items())
        lines = [
            f"  first crawl of {self.site}: {self.articles} articles archived; empty fields: {empty} "
            f"of {self.figures} figures"
        ]
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
        row = conn.execute("SELECT site FROM crawls WHERE id = ?", (crawl_id,)).fetchone()
        if row is None:
            return None
        site = str(row[0])
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
    return FirstCrawlReport(site, len(articles), empty, int(figures[0] or 0), _repeated_lines(articles))


def _repeated_lines(articles: list[tuple[object, ...]]) -> tuple[tuple[str, int], ...]:
    """Body lines found in more than BOILERPLATE_SHARE of the bodies (at least MIN_REPEATS), commonest first."""
    counts: Counter[str] = Counter()
    for article in articles:
        counts.update({line.strip() for line in str(article[4] or "").split("\n") if line.strip()})
    threshold = max(MIN_REPEATS, int(len(articles) * BOILERPLATE_SHARE) + 1)
    common = [(line, count) for line, count in counts.most_common() if count >= threshold]
    return tuple(common[:SHOWN_LINES])
