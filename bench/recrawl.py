"""Incremental-crawl benchmark (issue 14), for a small and a large replica: a first crawl, an unchanged re-crawl, and
a re-crawl after the site changed (replica edition 2: new, edited and removed articles, served on another port, as
a second `dvscrape demo` would be). Prints the requests and WARC bytes of each run, their ratios to the first run,
and how many of the new, edited and removed articles the run after the change handled.

Targets (issue 14, a portal of about 130 articles): an unchanged re-crawl makes at most 3 % of the first crawl's
requests and adds at most 1 % of its WARC bytes; after a change every new article is archived, every edited one
(sitemap lastmod changed) has a new version and every removed one is marked gone, in that next run.

    python bench/recrawl.py [--sizes 60,130]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from dvscrape.replica import build_corpus
from dvscrape.replica.process import start_replica_process
from dvscrape.sites import get_profile

SITE_URL = get_profile("tanbinh").site_url
REQUESTS_TARGET = 0.03
BYTES_TARGET = 0.01


def crawl(url: str, archive: Path, summary: Path) -> dict[str, int]:
    """One crawl through the CLI; its counts from the summary."""
    subprocess.run(
        [sys.executable, "-m", "dvscrape", "crawl", "--base-url", url, "--archive", str(archive), "--fast",
         "--summary-json", str(summary), "-s", "DVSCRAPE_PROGRESS_INTERVAL=0"],
        check=False,
        capture_output=True,
    )  # fmt: skip
    counts: dict[str, int] = json.loads(summary.read_text(encoding="utf-8"))["counts"]
    return counts


def handled(archive: Path, articles: int) -> dict[str, tuple[int, int]]:
    """(handled, expected) for the new, edited and removed articles of edition 2."""
    edition2 = build_corpus(2023, articles, edition=2)
    with sqlite3.connect(archive / "archive.sqlite") as db:
        stored = {row[0] for row in db.execute("select url from articles")}
        versions = dict(
            db.execute(
                "select a.url, count(*) from articles a join article_versions v on v.article_id = a.id group by a.id"
            )
        )
        gone = {row[0] for row in db.execute("select url from articles where gone_since is not null")}
    url = f"{SITE_URL}/web/neoportal/-/{{}}".format
    return {
        "new": (sum(url(t) in stored for t in edition2.added), len(edition2.added)),
        "edited": (sum(versions.get(url(t), 0) >= 2 for t in edition2.edited), len(edition2.edited)),
        "removed": (sum(url(t) in gone for t in edition2.removed), len(edition2.removed)),
    }


def bench(articles: int) -> bool:
    """Run the three crawls on a replica of *articles* articles, print the table; True when the targets are met."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "archive"
        # ~20 static pages and a dead menu link, as the portal of the issue had
        replica_options = ("--articles", str(articles), "--slow-delay", "0", "--portal-pages", "--edition")
        with start_replica_process(*replica_options, "1") as replica:
            runs = {
                "first": crawl(replica.url, archive, Path(tmp) / "1.json"),
                "unchanged": crawl(replica.url, archive, Path(tmp) / "2.json"),
            }
        with start_replica_process(*replica_options, "2") as replica:  # another port
            runs["changed"] = crawl(replica.url, archive, Path(tmp) / "3.json")
        result = handled(archive, articles)
    first = runs["first"]
    print(f"\nreplica of {articles} articles")
    print(f"{'run':10s} {'requests':>9s} {'ratio':>7s} {'WARC bytes':>11s} {'ratio':>7s} {'new':>4s} {'updated':>7s} "
          f"{'gone':>4s} {'revisits':>8s}")  # fmt: skip
    for name, counts in runs.items():
        print(
            f"{name:10s} {counts['requests']:9d} {counts['requests'] / first['requests']:7.3f} "
            f"{counts['bytes_written']:11d} {counts['bytes_written'] / first['bytes_written']:7.4f} "
            f"{counts['articles_new']:4d} {counts['articles_updated']:7d} {counts.get('articles_gone', 0):4d} "
            f"{counts.get('revisits', 0):8d}"
        )
    unchanged = runs["unchanged"]
    print("after the change: " + ", ".join(f"{kind} {done}/{total}" for kind, (done, total) in result.items()))
    met = (
        unchanged["requests"] / first["requests"] <= REQUESTS_TARGET
        and unchanged["bytes_written"] / first["bytes_written"] <= BYTES_TARGET
        and all(done == total for done, total in result.values())
    )
    print(f"targets (requests <= {REQUESTS_TARGET:.0%}, WARC bytes <= {BYTES_TARGET:.0%}, every change handled): "
          f"{'met' if met else 'NOT met'}")  # fmt: skip
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="60,130", help="replica sizes in articles, comma-separated")
    options = parser.parse_args()
    for size in (int(part) for part in options.sizes.split(",")):
        bench(size)


if __name__ == "__main__":
    main()
