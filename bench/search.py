"""Search benchmark: an archive of synthetic Vietnamese articles, p50/p95 latency of accent-insensitive and exact
queries, against the search ranking every match (before the top lists of m0025: the same hits, checked) and the
previous search (FTS5 scoring every match, or newest first past 10,000 matches) in the same run,
whether the ranking is FTS5's own bm25, and the archive size per article.

    .venv/bin/python bench/search.py [--articles 100000] [--queries 200] [--keep DIR | --existing DIR]

Articles are written by the replica's prose generators through Archive.save_article, so the search indexes and
statistics are filled as in a crawl (batches of 1,000 articles per transaction); a progress bar shows the build.
Queries are accent-free and accented forms of 1-3 words and phrases taken from the generated titles and bodies,
measured through dvscrape.archive.search.search (limit 20, the CLI default) on a read-only connection, each query
timed right after the previous search's own timing, so that both see the same machine load; the search's
process CPU time is printed too (what a query costs whatever the load) with the load average.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import click

from dvscrape.archive import ranking
from dvscrape.archive.db import Archive
from dvscrape.archive.folding import fold
from dvscrape.archive.search import EXACT_INDEX, FOLDED_INDEX, SearchOptions, parse_query, search
from dvscrape.pages.article import Article, Block, Figure
from dvscrape.replica import prose
from dvscrape.replica.content import CATEGORIES, NEWEST
from dvscrape.replica.model import VIETNAM_TZ

BATCH = 1000
PREVIOUS_RANK_LIMIT = 10_000  # the previous search listed the newest first past this many matches
WITNESS_QUERIES = 10


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


def build(directory: Path, count: int, rng: random.Random, first: int = 0) -> float:
    """Write articles *first* to *count* - 1 (progress on stderr: a bar on a terminal, a line every 5 % otherwise);
    return the seconds taken."""
    started = time.perf_counter()
    seen = datetime(2023, 7, 1, tzinfo=VIETNAM_TZ).isoformat(timespec="seconds")
    bar = click.progressbar(
        length=count - first, label="building", file=sys.stderr, show_pos=True, show_eta=True, width=30
    )
    with Archive.open(directory) as archive, bar:
        for start in range(first, count, BATCH):
            with archive.transaction("store a batch"):
                for index in range(start, min(count, start + BATCH)):
                    archive.save_article(synthetic_article(rng, index), capture_id=None, seen_at=seen)
            bar.update(min(BATCH, count - start))
            done = min(count, start + BATCH)
            if not sys.stderr.isatty() and done * 20 // count != start * 20 // count:
                rate = (done - first) / (time.perf_counter() - started)
                print(f"  {done} articles ({done / count:.0%}, {rate:.0f}/s)", file=sys.stderr, flush=True)
        archive.db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('optimize')")
        archive.db.execute("INSERT INTO articles_fts_folded(articles_fts_folded) VALUES ('optimize')")
        archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - started


def _article_count(directory: Path) -> int:
    with Archive.open(directory) as archive:
        (count,) = archive.db.execute("SELECT count(*) FROM articles").fetchone()
    return int(count)


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


def previous_search(conn: object, query: str, *, exact: bool) -> list[tuple[object, ...]]:
    """The search dvscrape had before its search statistics: FTS5 counts the matches, then scores every one with
    bm25 (highlighting them all before the sort), or lists the newest first past 10,000 matches."""
    index = EXACT_INDEX if exact else FOLDED_INDEX
    match = parse_query(query, exact=exact)
    (count,) = conn.execute(f"SELECT count(*) FROM {index} WHERE {index} MATCH ?", (match,)).fetchone()  # type: ignore[attr-defined]
    order = "score, a.id" if count <= PREVIOUS_RANK_LIMIT else f"{index}.rowid DESC"
    sql = f"""
        SELECT a.id, a.url, a.title, bm25({index}, 10.0, 1.0) AS score, highlight({index}, 0, '[', ']'),
               snippet({index}, 1, '[', ']', '…', 16)
        FROM {index} JOIN articles AS a ON a.id = {index}.rowid WHERE {index} MATCH ? ORDER BY {order} LIMIT 20
    """
    return list(conn.execute(sql, (match,)).fetchall())  # type: ignore[attr-defined]


def measure(
    directory: Path, typed: list[str], *, exact: bool
) -> tuple[list[float], list[float], list[float], list[float], int]:
    """Milliseconds of each query with the search (wall clock and process CPU time: on a loaded machine the CPU
    time is what the query itself costs), with the search ranking every match (no top lists: CPU time) and with the
    previous search (wall clock), and how many queries match more than 10,000 articles."""
    now, cpu, every, before, common = [], [], [], [], 0
    with Archive.open(directory, readonly=True) as archive:
        conn = archive.db.conn
        for number, text in enumerate(typed):
            query = text if exact else fold(text)
            for turn in (0, 1) if number % 2 else (1, 0):  # each goes first on every other query (a warmer cache)
                if turn == 0:
                    started, started_cpu = time.perf_counter(), time.process_time()
                    hits = search(conn, SearchOptions(query=query, exact=exact, limit=20))
                    now.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - started_cpu) * 1000)
                    continue
                with _every_match_ranked():
                    started_cpu = time.process_time()
                    witness = search(conn, SearchOptions(query=query, exact=exact, limit=20))
                    every.append((time.process_time() - started_cpu) * 1000)
            assert [hit.article_id for hit in hits] == [hit.article_id for hit in witness], query
            started = time.perf_counter()
            previous_search(conn, query, exact=exact)
            before.append((time.perf_counter() - started) * 1000)
            index = EXACT_INDEX if exact else FOLDED_INDEX
            probe = f"SELECT count(*) FROM (SELECT 1 FROM {index} WHERE {index} MATCH ? LIMIT ?)"
            (matches,) = conn.execute(probe, (parse_query(query, exact=exact), PREVIOUS_RANK_LIMIT + 1)).fetchone()
            common += matches > PREVIOUS_RANK_LIMIT
    return now, cpu, every, before, common


@contextlib.contextmanager
def _every_match_ranked() -> Iterator[None]:
    """The search as it ranked before the top lists (m0025): every article holding the query's words scored."""
    kept = ranking.rank_pruned
    ranking.rank_pruned = lambda *args, **kwargs: None  # type: ignore[assignment]
    try:
        yield
    finally:
        ranking.rank_pruned = kept


def same_as_fts5(directory: Path, typed: list[str]) -> tuple[int, int]:
    """For the first WITNESS_QUERIES unquoted queries: how many get the very top 20 FTS5's bm25 gives when it scores
    every match (slow: the witness, not the search)."""
    checked = agreed = 0
    with Archive.open(directory, readonly=True) as archive:
        conn = archive.db.conn
        for text in [t for t in typed if '"' not in t][:WITNESS_QUERIES]:
            query = fold(text)
            ours = [hit.article_id for hit in search(conn, SearchOptions(query=query, limit=20))]
            witness = conn.execute(
                f"SELECT rowid FROM {FOLDED_INDEX} WHERE {FOLDED_INDEX} MATCH ? "
                f"ORDER BY bm25({FOLDED_INDEX}, 10.0, 1.0), rowid LIMIT 20",
                (parse_query(query, exact=False),),
            ).fetchall()
            checked += 1
            agreed += ours == [row[0] for row in witness]
    return agreed, checked


def percentile(values: list[float], fraction: float) -> float:
    """The value below which *fraction* of *values* fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    """Build, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="Build the archive here and keep it (an archive there is grown).")
    parser.add_argument("--existing", type=Path, help="Measure an archive built before with --keep (no build).")
    args = parser.parse_args()
    rng = random.Random(2023)
    with tempfile.TemporaryDirectory() as scratch:
        directory = args.existing or args.keep or Path(scratch) / "archive"
        if args.existing is None:
            first = _article_count(directory) if (directory / "archive.sqlite").exists() else 0
            seconds = build(directory, args.articles, random.Random(2023 + first), first)
            print(f"built in {seconds:.0f} s ({(args.articles - first) / seconds:.0f} articles/s)")
        else:
            started = time.perf_counter()
            Archive.open(directory).close()  # apply migrations added since it was built
            print(f"opened (and upgraded) in {time.perf_counter() - started:.0f} s")
        with Archive.open(directory, readonly=True) as archive:
            (articles,) = archive.db.execute("SELECT count(*) FROM articles").fetchone()
            (statistics_bytes,) = archive.db.execute(
                "SELECT (SELECT coalesce(sum(length(articles) + length(weights) + coalesce(length(top), 0) "
                "+ coalesce(length(rest), 0)), 0) FROM search_postings)"
                " + (SELECT coalesce(sum(length(articles) + length(lengths)), 0) FROM search_segments)"
            ).fetchone()
        size = sum(path.stat().st_size for path in directory.glob("archive.sqlite*"))
        sample = sample_texts(directory, rng)
        typed = queries(sample, rng, args.queries)
        measure(directory, typed[:20], exact=False)  # warm the page cache
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        body = sum(len(b.encode()) for _, b in sample) / len(sample)
        print(
            f"articles: {articles}; archive.sqlite: {size / 1e6:.1f} MB, {size / articles / 1024:.2f} KiB per "
            f"article, of which search statistics {statistics_bytes / articles / 1024:.2f} KiB (body text itself: "
            f"{body / 1024:.2f} KiB; stored in articles and article_versions)"
        )
        for label, exact in (("accent-insensitive", False), ("exact", True)):
            now, cpu, every, before, common = measure(directory, typed, exact=exact)
            ratio = percentile(before, 0.95) / percentile(now, 0.95)
            print(
                f"{label:>18}: {len(now)} queries ({common} match > {PREVIOUS_RANK_LIMIT} articles), all ranked: "
                f"p50 {statistics.median(now):.1f} ms, p95 {percentile(now, 0.95):.1f} ms, max {max(now):.1f} ms "
                f"(CPU p50 {statistics.median(cpu):.1f} ms, p95 {percentile(cpu, 0.95):.1f} ms); ranking every "
                f"match, the same hits: CPU p50 {statistics.median(every):.1f} ms, p95 {percentile(every, 0.95):.1f} "
                f"ms (p95 ratio {percentile(every, 0.95) / percentile(cpu, 0.95):.2f}); "
                f"previous search (unranked past {PREVIOUS_RANK_LIMIT} matches) p50 {statistics.median(before):.1f} "
                f"ms, p95 {percentile(before, 0.95):.1f} ms (p95 ratio {ratio:.2f})"
            )
        agreed, checked = same_as_fts5(directory, typed)
        print(f"top 20 identical to FTS5's bm25 over every match: {agreed} of {checked} word queries")


if __name__ == "__main__":
    main()
