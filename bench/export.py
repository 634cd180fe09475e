"""Export benchmark: a synthetic archive of N articles exported to every format, time and peak memory of each.

The archive is built once with the Archive API (Vietnamese-like prose of 150-450 words, 0-3 photos, 0-2
attachments, 1 % exact and 1 % near copies planted), then each export runs as its own `dvscrape export --no-progress`
subprocess; the figures are its wall-clock seconds and its peak resident memory (ru_maxrss from os.wait4, so only
that process is counted). Runs at two sizes show whether memory stays flat as the archive grows.

    python bench/export.py [--articles 100000] [--small 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from dvscrape.archive.db import Archive
from dvscrape.archive.records import Capture
from dvscrape.pages.article import Article, Attachment, Block, Figure
from dvscrape.warc.model import WarcLocation

BASE_URL = "https://tanbinh.hochiminhcity.gov.vn"
CATEGORIES = (
    "Tin tức - Sự kiện",
    "Kinh tế - Xã hội",
    "Văn hóa - Xã hội",
    "Cải cách hành chính",
    "An ninh - Quốc phòng",
)
PROSE = (
    "quận phường ủy ban nhân dân hội nghị tổng kết công tác năm người đồng chí chủ tịch phó triển khai kế hoạch thực "
    "hiện nhiệm vụ trọng tâm địa bàn cán bộ đảng viên thanh niên phụ nữ cựu chiến binh an ninh trật tự môi trường vệ "
    "sinh giáo dục y tế văn hóa thể thao xây dựng đô thị văn minh hành chính cải cách thủ tục hồ sơ trực tuyến doanh "
    "nghiệp hộ kinh doanh ngân sách thu chi đầu tư công trình khen thưởng thi đua phong trào chăm lo gia đình chính "
    "sách khó khăn tặng quà học bổng sinh viên trường học mầm non tiểu học trung cơ sở phòng chống dịch bệnh tiêm "
    "chủng vắc xin hòa giải tranh chấp đất đai Tân Bình Thành phố Hồ Chí Minh"
)
FORMATS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("jsonl", ("--format", "jsonl")),
    ("csv", ("--format", "csv")),
    ("parquet", ("--format", "parquet")),
    ("hf", ("--format", "hf")),
    ("parquet + exact dedup", ("--format", "parquet", "--dedup", "exact")),
    ("parquet + near dedup", ("--format", "parquet", "--dedup", "near")),
)


def synthetic_article(rng: random.Random, index: int, syllables: list[str]) -> Article:
    """One article of plausible size and shape, its words drawn from *syllables*."""
    paragraphs = []
    for _ in range(rng.randint(3, 8)):
        words = " ".join(rng.choice(syllables) for _ in range(rng.randint(40, 70)))
        paragraphs.append(words[0].upper() + words[1:] + ".")
    url = f"{BASE_URL}/web/neoportal/-/bai-viet-{index}"
    return Article(
        url=url,
        fetched_url=url,
        locale="vi_VN",
        title=" ".join(rng.choice(syllables) for _ in range(12)).capitalize(),
        published=f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        categories=(rng.choice(CATEGORIES),),
        blocks=tuple(Block("paragraph", text) for text in paragraphs),
        figures=tuple(
            Figure(f"{BASE_URL}/documents/10181/{index}/anh-{n}.jpg", "", "Quang cảnh buổi lễ")
            for n in range(rng.randint(0, 3))
        ),
        signature="Phòng Văn hóa và Thông tin",
        attachments=tuple(
            Attachment(f"{BASE_URL}/documents/10181/0/QD-{index}-{n}.pdf/uuid", "Quyết định", "pdf")
            for n in range(rng.randint(0, 2))
        ),
    )


def build_archive(directory: Path, count: int) -> float:
    """Write *count* synthetic articles (with planted copies) into a new archive; return the seconds it took."""
    started = time.perf_counter()
    rng = random.Random(2024)
    syllables = PROSE.split()
    with Archive.open(directory) as archive, archive.transaction("build the benchmark archive"):
        crawl_id = archive.begin_crawl("tanbinh", BASE_URL, {"benchmark": True})
        previous: Article | None = None
        for index in range(1, count + 1):
            article = synthetic_article(rng, index, syllables)
            if previous is not None and index % 100 == 0:  # an exact copy of the previous article's body
                article = replace(article, blocks=previous.blocks)
            elif previous is not None and index % 100 == 50:  # a near copy: one paragraph of the previous replaced
                article = replace(article, blocks=(*previous.blocks[:-1], article.blocks[0]))
            location = WarcLocation(
                "dvscrape-bench.warc.gz", index * 5000, 4800, f"<urn:uuid:{index:032x}>", "sha1:X", "sha1:X"
            )
            capture_id = archive.record_capture(
                Capture(
                    crawl_id,
                    article.url,
                    article.url,
                    "article",
                    200,
                    "text/html",
                    "2024-07-01T00:00:00Z",
                    4800,
                    location,
                )
            )
            archive.save_article(article, capture_id=capture_id, seen_at="2024-07-01T00:00:00Z")
            previous = article
        archive.finish_crawl(crawl_id, "success", {"captures": count})
    return time.perf_counter() - started


def baseline_peak_mb() -> float:
    """Peak RSS of a process that only imports what an export imports (sqlite-utils imports pandas and numpy when
    they are installed, which alone costs over 100 MB)."""
    process = subprocess.Popen([sys.executable, "-c", "import dvscrape.export.run, pyarrow.parquet, numpy"])
    _, _, usage = os.wait4(process.pid, 0)
    return usage.ru_maxrss / 1024


def run_export(archive: Path, out: Path, args: tuple[str, ...]) -> tuple[float, float, int]:
    """One export subprocess: (seconds, peak RSS in MB, bytes written)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dvscrape",
            "export",
            "--archive",
            str(archive),
            "--out",
            str(out),
            "--no-progress",
            *args,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        assert process.stderr is not None
        raise SystemExit(f"export {' '.join(args)} failed: {process.stderr.read().decode()}")
    size = sum(path.stat().st_size for path in out.rglob("*") if path.is_file())
    return seconds, usage.ru_maxrss / 1024, size


def main() -> None:
    """Build the archives, run every export, print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000, help="a second, smaller archive (0: none)")
    parser.add_argument("--keep", type=Path, help="build the archives here and keep them")
    options = parser.parse_args()
    workdir = options.keep or Path(tempfile.mkdtemp(prefix="dvscrape-bench-export-"))
    workdir.mkdir(parents=True, exist_ok=True)
    sizes = [size for size in (options.small, options.articles) if size]
    try:
        print(f"{'articles':>9}  {'export':<22} {'seconds':>8} {'rows/s':>8} {'peak MB':>8} {'output MB':>9}")
        print(f"{0:>9}  {'(imports only)':<22} {'':>8} {'':>8} {baseline_peak_mb():>8.0f}", flush=True)
        for size in sizes:
            archive = workdir / f"archive-{size}"
            if not (archive / "archive.sqlite").exists():
                seconds = build_archive(archive, size)
                print(f"{size:>9}  {'(build archive)':<22} {seconds:>8.1f}", flush=True)
            Archive.open(archive).close()  # a kept archive gets the migrations added since it was built
            for name, args in FORMATS:
                out = workdir / f"out-{size}-{name.replace(' ', '')}"
                shutil.rmtree(out, ignore_errors=True)
                seconds, peak, written = run_export(archive, out, args)
                print(
                    f"{size:>9}  {name:<22} {seconds:>8.1f} {size / seconds:>8.0f} {peak:>8.0f} {written / 1e6:>9.1f}",
                    flush=True,
                )
                shutil.rmtree(out, ignore_errors=True)
    finally:
        if options.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
