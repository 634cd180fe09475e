"""The egg Scrapyd runs: the installed dvscrape package zipped with the metadata Scrapyd reads.

Scrapyd activates an uploaded egg and finds the project's settings module through the egg's `scrapy` entry point.
The egg is built from the installed package's files (so what is deployed is exactly what this machine runs); its
version is dvscrape's version plus a digest of those files, so a changed installation is deployed again.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import dvscrape

_SKIPPED_DIRS = {"__pycache__"}
_SKIPPED_SUFFIXES = (".pyc", ".pyo")
# A fixed timestamp makes the egg's bytes depend on the files alone.
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Egg:
    """A built egg: its version string and bytes."""

    version: str
    data: bytes


def package_files(package_dir: Path) -> list[Path]:
    """Every file of the package that belongs in the egg, in a stable order."""
    return [
        path
        for path in sorted(package_dir.rglob("*"))
        if path.is_file()
        and not path.name.endswith(_SKIPPED_SUFFIXES)
        and not _SKIPPED_DIRS.intersection(path.relative_to(package_dir).parts)
    ]


def build_egg(package_dir: Path | None = None) -> Egg:
    """Zip the dvscrape package at *package_dir* (the installed one by default) into a Scrapyd egg."""
    root = package_dir or Path(dvscrape.__file__).resolve().parent
    files = package_files(root)
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    version = f"{dvscrape.__version__}+{digest.hexdigest()[:12]}"
    metadata = {
        "EGG-INFO/PKG-INFO": f"Metadata-Version: 2.1\nName: dvscrape\nVersion: {version}\n",
        "EGG-INFO/entry_points.txt": "[scrapy]\nsettings = dvscrape.settings\n",
        "EGG-INFO/top_level.txt": "dvscrape\n",
        "EGG-INFO/zip-safe": "\n",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as egg:
        for path in files:
            name = "dvscrape/" + path.relative_to(root).as_posix()
            egg.writestr(zipfile.ZipInfo(name, _ZIP_TIME), path.read_bytes(), zipfile.ZIP_DEFLATED)
        for name, text in metadata.items():
            egg.writestr(zipfile.ZipInfo(name, _ZIP_TIME), text, zipfile.ZIP_DEFLATED)
    return Egg(version, buffer.getvalue())
