"""Search benchmark: an archive of synthetic Vietnamese articles, p50/p95 latency of accent-insensitive and exact
queries, and the archive size per article.

    .venv/bin/python bench/search.py [--articles 100000] [--queries 200] [--keep DIR]

Articles are written by the replica's prose generators through Archive.save_article, so the search indexes are
filled by the same triggers as in a crawl (batches of 1,000 articles per transaction). Queries are accent-free and
accented forms of 1-3 words and phrases taken from the generated titles and bodies, measured through
dvscrape.archive.search.search (limit 20, the CLI default) on a read-only connection.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from dvscrape.archive.db import Archive
from dvscrape.archive.folding import fold
from dvscrape.archive.search import RANK_LIMIT, SearchOptions, count_matches, search
from dvscrape.pages.article import Article, Block, Figure
from dvscrape.replica import prose
from dvscrape.replica.content import CATEGORIES, NEWEST
from dvscrape.replica.model import VIETNAM_TZ

BATCH = 1000


def synthetic_article(rng: random.Random, index: int) -> Article:
    """One plausible district news article."""
    category = rng.choice(CATEGORIES)
    published = NEWEST - timedelta(days=rng.randrange(3 * 365), minutes=rng.randrange(600))
    scene = prose.make_scene(rng, category.path, published.year)
    deck = prose.sentence_deck(rng)
    paragraphs = [prose.opening_paragraph(rng, scene, published, rng.random() < 0.5)]
    paragraphs += [prose.body_paragraph(rng, scene, published.year, deck) for _ in range(rng.randint(2, 6))]
    paragraphs.append(prose.closing_paragraph(rng, scene, published.year))
    title = prose.make_title(rng, scene)
    url = f"https://tanbinh.hochiminhcity.gov.vn/web/neoportal/-/{prose.url_title_of(title)}-{index}"
    return Article(
        url=url,
        fetched_url=url,
        locale="vi_VN",
        title=title,
        published=published.date().isoformat(),
        categories=(category.name,),
        blocks=tuple(Block("paragraph", p) for p in paragraphs),
        figures=(Figure(f"{url}.jpg", "", prose.caption(rng, scene, published.year, paragraphs[-1])[0]),),
        signature=prose.signature(rng, scene, "right"),
    )


def build(directory: Path, count: int, rng: random.Random) -> float:
    """Write *count* articles; return the seconds taken."""
    started = time.perf_counter()
    seen = datetime(2023, 7, 1, tzinfo=VIETNAM_TZ).isoformat(timespec="seconds")
    with Archive.open(directory) as archive:
        for start in range(0, count, BATCH):
            with archive.transaction("store a batch"):
                for index in range(start, min(count, start + BATCH)):
                    article = synthetic_article(rng, index)
                    archive.save_article(article, capture_id=None, seen_at=seen)
            if start and start % 20_000 == 0:
                print(f"  {start} articles…", file=sys.stderr)
        archive.db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('optimize')")
        archive.db.execute("INSERT INTO articles_fts_folded(articles_fts_folded) VALUES ('optimize')")
        archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - started


def sample_texts(directory: Path, rng: random.Random, count: int = 200) -> list[tuple[str, str]]:
    """(title, body) of *count* random articles of the archive."""
    with Archive.open(directory, readonly=True) as archive:
        (top,) = archive.db.execute("SELECT max(id) FROM articles").fetchone()
        ids = [rng.randint(1, top) for _ in range(count)]
        marks = ", ".join("?" for _ in ids)
        return list(archive.db.execute(f"SELECT title, body FROM articles WHERE id IN ({marks})", ids).fetchall())


def queries(sample: list[tuple[str, str]], rng: random.Random, count: int) -> list[str]:
    """Word runs of 1-3 words from the sampled titles and bodies, as typed (accented)."""
    found: list[str] = []
    while len(found) < count:
        title, body = rng.choice(sample)
        words = (title if rng.random() < 0.5 else body).split()
        size = rng.choice((1, 2, 2, 3))
        start = rng.randrange(max(1, len(words) - size))
        text = " ".join(word.strip(".,:;()\"'“”") for word in words[start : start + size]).strip()
        if text:
            found.append(text if rng.random() < 0.7 else f'"{text}"')
    return found


def measure(directory: Path, typed: list[str], *, exact: bool) -> list[float]:
    """Latency in milliseconds of each query."""
    timings: list[float] = []
    with Archive.open(directory, readonly=True) as archive:
        conn = archive.db.conn
        for text in typed:
            query = text if exact else fold(text)
            started = time.perf_counter()
            search(conn, SearchOptions(query=query, exact=exact, limit=20))
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def percentile(values: list[float], fraction: float) -> float:
    """The value below which *fraction* of *values* fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    """Build, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="Build the archive here and keep it.")
    parser.add_argument("--existing", type=Path, help="Measure an archive built before with --keep (no build).")
    args = parser.parse_args()
    rng = random.Random(2023)
    with tempfile.TemporaryDirectory() as scratch:
        directory = args.existing or args.keep or Path(scratch) / "archive"
        if args.existing is None:
            print(f"building {args.articles} articles in {directory}…", file=sys.stderr)
            seconds = build(directory, args.articles, rng)
            print(f"built in {seconds:.0f} s ({args.articles / seconds:.0f} articles/s)")
        else:
            Archive.open(directory).close()  # apply migrations added since it was built
        with Archive.open(directory, readonly=True) as archive:
            (articles,) = archive.db.execute("SELECT count(*) FROM articles").fetchone()
        size = sum(path.stat().st_size for path in directory.glob("archive.sqlite*"))
        sample = sample_texts(directory, rng)
        typed = queries(sample, rng, args.queries)
        measure(directory, typed[:20], exact=False)  # warm the page cache
        body = sum(len(b.encode()) for _, b in sample) / len(sample)
        print(
            f"articles: {articles}; archive.sqlite: {size / 1e6:.1f} MB, {size / articles / 1024:.2f} KiB per "
            f"article (body text itself: {body / 1024:.2f} KiB; stored in articles and article_versions)"
        )
        for label, exact in (("accent-insensitive", False), ("exact", True)):
            timings = measure(directory, typed, exact=exact)
            with Archive.open(directory, readonly=True) as archive:
                common = sum(
                    count_matches(archive.db.conn, SearchOptions(query=fold(t) if not exact else t, exact=exact))
                    > RANK_LIMIT
                    for t in typed
                )
            print(
                f"{label:>18}: {len(timings)} queries, p50 {statistics.median(timings):.1f} ms, "
                f"p95 {percentile(timings, 0.95):.1f} ms, max {max(timings):.1f} ms "
                f"({common} matched > {RANK_LIMIT} articles: newest first, unranked)"
            )


if __name__ == "__main__":
    main()
