"""``datapackage.json``: a Frictionless Data Package describing an export's files and fields.

Written by hand (no frictionless dependency): one tabular resource, its data file(s), the field schema of
schema.FIELDS, each file's size and SHA-256, and a ``dvscrape`` section with the options, sources and counts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from dvscrape.export.schema import ARTICLES, Table, frictionless_fields
from dvscrape.export.source import ExportSummary
from dvscrape.export.writers import DataFile

DATAPACKAGE_FILENAME = "datapackage.json"
PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
LICENSE_NOTE = (
    "The articles are published by a Vietnamese government portal; their reuse is governed by the portal's terms and "
    "Vietnamese law, not by this export. Check them before redistributing the text."
)


def _resource(files: Sequence[DataFile], summary: ExportSummary, table: Table) -> dict[str, object]:
    first = files[0]
    resource: dict[str, object] = {
        "name": table.name,
        "type": "table",
        "title": table.name.capitalize(),
        "description": f"One row per {table.row}"
        + (" version" if summary.options.get("include_versions") else "")
        + " archived by dvscrape.",
        "path": first.path if len(files) == 1 else [file.path for file in files],
        "format": first.format,
        "mediatype": first.mediatype,
    }
    if first.encoding:
        resource["encoding"] = first.encoding
    # frictionless-py does not count the bytes of Parquet files it reads (it reports a byte-count error), so their
    # sizes and hashes are given in dvscrape:files only.
    if len(files) == 1 and first.format != "parquet":
        resource["bytes"] = first.bytes
        resource["hash"] = f"sha256:{first.sha256}"
    if first.format == "csv":
        resource["dialect"] = {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "header": True}
    resource["schema"] = {"fields": frictionless_fields(table.fields), "missingValues": [""]}
    resource["dvscrape:files"] = [
        {"path": file.path, "rows": file.rows, "bytes": file.bytes, "hash": f"sha256:{file.sha256}"} for file in files
    ]
    return resource


def datapackage(
    files: Sequence[DataFile], summary: ExportSummary, *, extra_files: Sequence[DataFile] = (), table: Table = ARTICLES
) -> dict[str, object]:
    """The Data Package descriptor of an export of *table*."""
    sources = [{"title": f"{source.site} ({source.base_url})", "path": source.base_url} for source in summary.sources]
    package: dict[str, object] = {
        "$schema": PROFILE,
        "name": f"dvscrape-{table.name}",
        "title": table.title,
        "description": (
            f"{summary.rows} rows exported from a dvscrape archive of "
            f"{', '.join(source.site for source in summary.sources) or 'no recorded crawl'}; "
            "text normalised, with links back to the WARC records they were extracted from."
        ),
        "version": "1.0.0",
        "keywords": ["Vietnamese", "government", "news", "web archive", "WARC"],
        "licenses": [{"name": "other", "title": LICENSE_NOTE}],
        "sources": sources,
        "contributors": [{"title": "dvscrape", "roles": ["creator"]}],
    }
    if summary.created:
        package["created"] = summary.created
    package["resources"] = [_resource(files, summary, table)] + [
        {
            "name": file.path.replace("/", "-").replace(".", "-").lower(),
            "path": file.path,
            "format": file.format,
            "mediatype": file.mediatype,
            "bytes": file.bytes,
            "hash": f"sha256:{file.sha256}",
        }
        for file in extra_files
    ]
    package["dvscrape"] = {
        "version": summary.dvscrape_version,
        "options": summary.options,
        "rows": summary.rows,
        "rows_read": summary.read_rows,
        "duplicate_rows": summary.duplicate_rows,
        "rows_in_duplicate_groups": summary.grouped_rows,
        "published": [_iso(summary.first_published), _iso(summary.last_published)],
        "fetched": [summary.first_fetched, summary.last_fetched],
        "crawls": [asdict(source) for source in summary.sources],  # site, base_url, crawls, first_started, …
    }
    return package


def _iso(value: object) -> str | None:
    return None if value is None else str(value)


def write_datapackage(
    folder: Path,
    files: Sequence[DataFile],
    summary: ExportSummary,
    *,
    extra_files: Sequence[DataFile] = (),
    table: Table = ARTICLES,
) -> Path:
    """Write ``datapackage.json`` into *folder* (UTF-8, indented, stable key order); return its path."""
    path = folder / DATAPACKAGE_FILENAME
    text = json.dumps(datapackage(files, summary, extra_files=extra_files, table=table), ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")
    return path
