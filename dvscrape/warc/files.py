"""Where an archive's WARC files are: the one place that knows their names."""

from __future__ import annotations

from pathlib import Path

WRITTEN_SUFFIX = ".warc.gz"
"""The suffix of the files dvscrape's own writer produces (one gzip member per record)."""

READABLE_SUFFIXES = (".warc.gz", ".warc")
"""Every suffix a reader of the archive accepts (imported files may be uncompressed)."""


def warc_files(warc_dir: Path) -> list[Path]:
    """Every WARC file of *warc_dir* (``*.warc.gz`` and ``*.warc``), sorted by name."""
    if not warc_dir.is_dir():
        return []
    return sorted(path for path in warc_dir.iterdir() if path.is_file() and path.name.endswith(READABLE_SUFFIXES))


IMPORTED_PREFIX = "imported-"
"""Files `dvscrape import` keeps are named imported-<sha256>-…: never written to, never cut by crash repair."""


def written_warc_files(warc_dir: Path) -> list[Path]:
    """The files of *warc_dir* in the writer's own format (``*.warc.gz``, not imported): the only ones crash repair
    may cut."""
    return [
        path
        for path in warc_files(warc_dir)
        if path.name.endswith(WRITTEN_SUFFIX) and not path.name.startswith(IMPORTED_PREFIX)
    ]
