"""Scale benchmark: archives of 10,000, 100,000 (and, with --million, 1,000,000) article pages of several portals,
and what each whole-archive and per-query operation costs as the archive grows.

    PYTHONPATH=. .venv/bin/python bench/scale.py [--sizes 10000,100000] [--million] [--workdir DIR]

Each archive is built by bench/scale_corpus.py (the replica's articles in chunks of 1,000, served as the Liferay 6.2
district portal and the Liferay 7 city portal in turn, each chunk captured twice so that edited articles have two
versions and removed ones a 404): WARC files written by dvscrape's WarcWriter, rows stored through the Archive methods
a crawl uses. Every operation is then the CLI in a child process (``python -m dvscrape``), so the figures are those of
whatever import, rebuild, export and verify do today; search is bench/search.py's query logic in this process. At
each size:

- ``import`` of a further 1,000-article chunk's WARC file (another tanbinh chunk), and the same file into an empty
  archive in the same run (the ratio is the import's growth with the archive);
- ``reextract`` (the full rebuild), pages/s;
- search p50/p95, accent-folded and exact (bench/search.py's queries, sampled from the archive);
- ``export --format parquet``, ``verify``, ``wacz``;
- the start of an incremental crawl (in this process): the state it loads, the held articles a re-check may find
  due a day after the archive's last check, and its questions about 1,000 held article URLs;
- peak memory (the child's ru_maxrss from wait4: the largest process, not a sum over worker processes) and disk per
  article (archive.sqlite and its WAL, and the warc folder).

The last two sizes give the growth ratios, printed against the goals: at most 12x per 10x of articles for the
whole-archive operations, at most 1.5x for a query or one import. With --million (or --rows-only SIZES) a size stores
its rows without WARC files (the SQLite side: search, export, import and verify of the rows; no rebuild nor wacz,
which need the WARC files), for a size whose WARC files the disk would not hold; its notes say so.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.measured import Measured, run_dvscrape  # noqa: E402
from bench.scale_corpus import CHUNK, bar, build, chunk_warc  # noqa: E402
from bench.search import measure, percentile, queries, sample_texts  # noqa: E402
from dvscrape.archive.db import Archive  # noqa: E402
from dvscrape.archive.incremental import IncrementalState, RecheckPolicy  # noqa: E402
from dvscrape.archive.rereading import stored_articles  # noqa: E402
from dvscrape.archive.times import parse_time  # noqa: E402

MIB = 1 << 20
EXTRA_CHUNK = 9_998  # the chunk imported into every archive: a tanbinh chunk no archive holds, captured last
WHOLE_GOAL, QUERY_GOAL = 12.0, 1.5
STEPS = ("search", "start", "export", "verify", "wacz", "reextract", "import")
ROWS_ONLY_NOTE = (
    "SQLite side only: rows without WARC files (no wacz, no reextract; the import re-reads only the WARC files "
    "present, so it is not comparable with the sizes that have theirs)"
)


@dataclass
class Size:
    """The figures of one archive size."""

    articles: int
    warc: bool
    figures: dict[str, float] = field(default_factory=dict)
    peaks: dict[str, float] = field(default_factory=dict)
    tree_peaks: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def load() -> str:
    """The load averages, as `uptime` prints them."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def timed(size: Size, label: str, *args: str, workdir: Path, ok: tuple[int, ...] = (0,), timeout: float) -> Measured:
    """Run `dvscrape ARGS` measured; record its seconds and peak memory under *label*."""
    print(f"  {label}… (load {load()})", file=sys.stderr, flush=True)
    run = run_dvscrape(*args, workdir=workdir, timeout=timeout, label=label)
    if run.returncode == -9:
        size.notes.append(f"{label}: stopped at the {timeout:.0f} s limit (the figure is a lower bound)")
    elif run.returncode not in ok:
        size.notes.append(f"{label}: exit {run.returncode}: {(run.stderr or run.stdout).strip()[-300:]}")
    size.figures[label] = run.seconds
    size.peaks[label] = run.peak_bytes / MIB
    size.tree_peaks[label] = run.tree_peak_bytes / MIB
    print(
        f"  {label}: {run.seconds:.1f} s, peak {run.peak_bytes / MIB:.0f} MiB (process tree "
        f"{run.tree_peak_bytes / MIB:.0f} MiB), load {load()}",
        file=sys.stderr,
        flush=True,
    )
    return run


def disk(path: Path) -> int:
    """Bytes of the files under *path*."""
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


def search_figures(size: Size, archive: Path, count: int) -> None:
    """p50/p95 of folded and exact queries (bench/search.py's)."""
    rng = random.Random(2023)
    typed = queries(sample_texts(archive, rng), rng, count)
    measure(archive, typed[:20], exact=False)  # warm the page cache
    for label, exact in (("search folded", False), ("search exact", True)):
        timings, cpu, _, common = measure(archive, typed, exact=exact)
        size.figures[f"{label} p50"] = statistics.median(timings)
        size.figures[f"{label} p95"] = percentile(timings, 0.95)
        size.figures[f"{label} cpu p50"] = statistics.median(cpu)
        size.figures[f"{label} cpu p95"] = percentile(cpu, 0.95)
        size.figures[f"{label} > 10,000 matches"] = common


def crawl_start_figures(size: Size, archive: Path, asked: int = 1000) -> None:
    """Milliseconds (wall and CPU) an incremental crawl's start spends on the archive a day after its last check:
    IncrementalState.load with is_due and last_capture for *asked* held article URLs; then, apart, the held articles
    a re-check may find due (as many as are due: in these archives most were last checked months before the last
    check, so they grow with the archive)."""
    with Archive.open(archive, readonly=True) as opened:
        (newest,) = opened.db.execute("SELECT max(coalesce(last_checked, last_seen)) FROM articles").fetchone()
        (top,) = opened.db.execute("SELECT max(id) FROM articles").fetchone()
        ids = random.Random(size.articles).sample(range(1, top + 1), min(asked, top))
        marks = ", ".join("?" for _ in ids)
        urls = [url for (url,) in opened.db.execute(f"SELECT url FROM articles WHERE id IN ({marks})", ids)]
        now, policy = parse_time(newest) + timedelta(days=1), RecheckPolicy()
        started, cpu = time.perf_counter(), time.process_time()
        state = IncrementalState.load(opened, resume_crawl_id=None)
        due = sum(state.is_due(url, now, policy) and state.last_capture(url) is not None for url in urls)
        size.figures["crawl start"] = (time.perf_counter() - started) * 1000
        size.figures["crawl start cpu"] = (time.process_time() - cpu) * 1000
        started = time.perf_counter()
        candidates = state.recheck_candidates(now, policy)
        size.figures["re-check candidates"] = (time.perf_counter() - started) * 1000
    size.figures["re-check candidates count"] = len(candidates)
    print(f"  crawl start: {len(candidates)} re-check candidates, {due} of {len(urls)} asked due", file=sys.stderr)


def pristine(workdir: Path, articles: int) -> Path:
    """Where the archive of *articles* is kept as built, for the next size to start from."""
    return workdir / f"built-{articles}"


def ensure_built(size: Size, workdir: Path, previous: Size | None, keep: bool, options: argparse.Namespace) -> Path:
    """The archive of *size*: kept from an earlier run, or the previous size's as built plus the chunks it lacks."""
    archive = workdir / f"archive-{size.articles}"
    if (archive / "archive.sqlite").exists():
        return archive
    first = 0
    if previous is not None and previous.warc == size.warc and pristine(workdir, previous.articles).exists():
        shutil.copytree(pristine(workdir, previous.articles), archive)
        first = previous.articles // CHUNK
    chunks = range(first, size.articles // CHUNK)
    print(f"building chunks {first}-{chunks.stop - 1} into {archive} (load {load()})…", file=sys.stderr, flush=True)
    built = build(archive, chunks, warc=size.warc, workers=options.workers, progress=bar("build"))
    size.figures["build"] = built.seconds
    size.notes.append(
        f"built {built.pages} pages in {built.seconds:.0f} s ({built.pages / built.seconds:.0f} pages/s, "
        f"{options.workers} workers; from the {first * CHUNK:,}-article archive): {built.articles} articles, "
        f"{built.versions} later versions, {built.gone} gone"
    )
    if keep:
        shutil.copytree(archive, pristine(workdir, size.articles))
    return archive


def measure_size(size: Size, archive: Path, workdir: Path, extra: Path, options: argparse.Namespace) -> None:
    """Measure every operation on the archive of *size*."""
    sqlite_bytes = sum(path.stat().st_size for path in archive.glob("archive.sqlite*"))
    warc_bytes = disk(archive / "warc") if (archive / "warc").exists() else 0
    stored = _articles(archive)
    size.figures["disk sqlite KiB/article"] = sqlite_bytes / stored / 1024
    size.figures["disk warc KiB/article"] = warc_bytes / stored / 1024
    steps = set(options.steps.split(","))
    if "search" in steps:
        print(f"  search… (load {load()})", file=sys.stderr, flush=True)
        search_figures(size, archive, options.queries)
    if "start" in steps:
        crawl_start_figures(size, archive)
    out = workdir / "out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    long = options.timeout
    if "export" in steps:
        timed(size, "export parquet", "export", "--archive", str(archive), "--format", "parquet",
              "--out", str(out / "pq"), "--no-progress", workdir=out, timeout=long)  # fmt: skip
    if "verify" in steps:
        timed(size, "verify", "verify", "--archive", str(archive), workdir=out, timeout=long)
    if size.warc and "wacz" in steps:
        timed(size, "wacz", "wacz", "--archive", str(archive), str(out / "all.wacz"), workdir=out, timeout=long)
    if size.warc and "reextract" in steps:
        run = timed(size, "reextract", "reextract", "--archive", str(archive), workdir=out, ok=(0, 3), timeout=long)
        pages = _reextracted(run.stdout)
        if pages:
            size.figures["reextract pages/s"] = pages / run.seconds
    if "import" in steps:
        empty = workdir / f"empty-{size.articles}"
        shutil.rmtree(empty, ignore_errors=True)
        timed(size, "import into empty", "import", str(extra), "--archive", str(empty), workdir=out, timeout=long)
        limit = options.import_timeout
        timed(size, "import", "import", str(extra), "--archive", str(archive), workdir=out, timeout=limit)
        size.figures["import ratio"] = size.figures["import"] / size.figures["import into empty"]
        shutil.rmtree(empty, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)


def _articles(archive: Path) -> int:
    with Archive.open(archive, readonly=True) as opened:
        return stored_articles(opened.db.conn)


def _reextracted(stdout: str) -> int:
    for line in stdout.splitlines():
        head, found, _ = line.strip().partition(" article page(s) re-extracted")
        if found and head.isdigit():
            return int(head)
    return 0


ROWS = (
    ("build", "s", "build (bench/scale_corpus.py)"),
    ("import", "s", "import 1,000-article WARC"),
    ("import into empty", "s", "  same into an empty archive"),
    ("import ratio", "x", "  ratio"),
    ("reextract", "s", "reextract (full rebuild)"),
    ("reextract pages/s", "/s", "  pages/s"),
    ("search folded p50", "ms", "search folded p50"),
    ("search folded p95", "ms", "search folded p95"),
    ("search exact p50", "ms", "search exact p50"),
    ("search exact p95", "ms", "search exact p95"),
    ("search folded cpu p50", "ms", "  CPU time: folded p50"),
    ("search folded cpu p95", "ms", "  folded p95"),
    ("search exact cpu p50", "ms", "  exact p50"),
    ("search exact cpu p95", "ms", "  exact p95"),
    ("search folded > 10,000 matches", "q", "  queries matching > 10,000"),
    ("crawl start", "ms", "crawl start: state, 1,000 URLs asked"),
    ("crawl start cpu", "ms", "  CPU time"),
    ("re-check candidates", "ms", "  re-check candidates"),
    ("re-check candidates count", "", "    how many"),
    ("export parquet", "s", "export --format parquet"),
    ("verify", "s", "verify"),
    ("wacz", "s", "wacz"),
    ("disk sqlite KiB/article", "KiB", "disk: archive.sqlite per article"),
    ("disk warc KiB/article", "KiB", "disk: WARC per article"),
)
WHOLE = ("reextract", "export parquet", "verify", "wacz")
PER_QUERY = (
    "import",
    "crawl start cpu",
    "search folded p50",
    "search folded p95",
    "search exact p50",
    "search exact p95",
    "search folded cpu p95",
    "search exact cpu p95",
)


def report(sizes: list[Size]) -> None:
    """The table of figures, the peaks and the growth ratios."""
    header = f"{'':<34}" + "".join(f"{s.articles:>14,}" for s in sizes)
    print(header)
    for key, unit, label in ROWS:
        cells = [s.figures.get(key) for s in sizes]
        if any(cell is not None for cell in cells):
            shown = "".join(f"{cell:>11.1f} {unit:<2}" if cell is not None else f"{'-':>14}" for cell in cells)
            print(f"{label:<34}{shown}")
    for label, peaks in (("peak RSS, largest process", "peaks"), ("peak RSS, process tree", "tree_peaks")):
        values = [max(getattr(s, peaks).values(), default=0.0) for s in sizes]
        if any(values):
            print(f"{label:<34}" + "".join(f"{value:>10.0f} MiB" for value in values))
    for s in sizes:
        for label in s.peaks:
            print(f"  {s.articles:,} {label}: peak {s.peaks[label]:.0f} MiB, tree {s.tree_peaks[label]:.0f} MiB")
    for small, large in zip(sizes, sizes[1:], strict=False):
        factor = large.articles / small.articles
        print(f"growth {small.articles:,} -> {large.articles:,} ({factor:.0f}x the articles):")
        for keys, goal in ((WHOLE, WHOLE_GOAL * factor / 10), (PER_QUERY, QUERY_GOAL)):
            for key in keys:
                if key in small.figures and key in large.figures and small.figures[key] > 0:
                    ratio = large.figures[key] / small.figures[key]
                    verdict = "ok" if ratio <= goal else "OVER"
                    print(f"  {key:<22} {ratio:>7.2f}x (goal <= {goal:.1f}x) {verdict}")
    for s in sizes:
        for note in s.notes:
            print(f"  {s.articles:,}: {note}")


def main() -> None:
    """Build, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="article counts, multiples of 1,000")
    parser.add_argument(
        "--with", dest="earlier", default="", help="sizes measured by an earlier run in --workdir to report beside"
    )
    parser.add_argument("--rows-only", default="", help="sizes built without WARC files (the SQLite side only)")
    parser.add_argument("--million", action="store_true", help="add 1,000,000 articles (same as --rows-only 1000000)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--steps", default=",".join(STEPS), help=f"what to measure, of {','.join(STEPS)}")
    parser.add_argument("--workers", type=int, default=2, help="processes rendering and reading the pages")
    parser.add_argument("--timeout", type=float, default=4 * 3600, help="seconds any one command may take")
    parser.add_argument("--import-timeout", type=float, default=4 * 3600, help="seconds the further import may take")
    parser.add_argument("--workdir", type=Path, help="build here and keep the archives (reused when present)")
    options = parser.parse_args()
    workdir = options.workdir or Path(tempfile.mkdtemp(prefix="dvscrape-bench-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    sizes = [Size(int(text), warc=True) for text in options.sizes.split(",") if text]
    rows_only = [int(text) for text in options.rows_only.split(",") if text] + [1_000_000] * options.million
    sizes += [Size(count, warc=False, notes=[ROWS_ONLY_NOTE]) for count in rows_only]
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"machine: {os.cpu_count()} cores; at start: {uptime}")
    try:
        extra = workdir / "extra"
        if not extra.exists():
            extra.mkdir()
            chunk_warc(extra, EXTRA_CHUNK)
        (extra_file,) = sorted(extra.glob("*.warc.gz"))
        for index, size in enumerate(sizes):
            started = time.perf_counter()
            previous = sizes[index - 1] if index else None
            archive = ensure_built(size, workdir, previous, index + 1 < len(sizes), options)
            measure_size(size, archive, workdir, extra_file, options)
            size.notes.append(f"measured in {time.perf_counter() - started:.0f} s, load at the end {load()}")
            print(f"--- {size.articles:,} done (load {load()})", file=sys.stderr, flush=True)
            (workdir / f"figures-{size.articles}.json").write_text(json.dumps(size.__dict__))
        earlier = [
            Size(**json.loads((workdir / f"figures-{text}.json").read_text()))
            for text in options.earlier.split(",")
            if text
        ]
        report(sorted(earlier + sizes, key=lambda size: size.articles))
    finally:
        if options.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"at the end: {uptime}")


if __name__ == "__main__":
    main()
