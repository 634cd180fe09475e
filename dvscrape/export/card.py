"""The README.md dataset card of a Hugging Face dataset folder: a YAML header the Hub and ``datasets`` read
(language, license, size, configs, features, splits), then what a researcher needs to know in prose.

The YAML is written by hand (scalars quoted as JSON strings, which YAML reads as double-quoted strings), so no YAML
library is needed; every value comes from the archive, the options or the written files, never from the clock.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from dvscrape.export.datapackage import LICENSE_NOTE
from dvscrape.export.schema import FIELDS, hf_features
from dvscrape.export.source import ExportSummary
from dvscrape.export.writers import DataFile

CARD_FILENAME = "README.md"
SPLIT = "train"
_SIZE_CATEGORIES = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
)


def size_category(rows: int) -> str:
    """The Hub's size category for *rows* examples."""
    for limit, name in _SIZE_CATEGORIES:
        if rows < limit:
            return name
    return "10M<n<100M"


def _quoted(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def yaml_header(files: Sequence[DataFile], summary: ExportSummary, *, data_glob: str, arrow_bytes: int) -> str:
    """The YAML front matter, between ``---`` lines."""
    languages = summary.languages or ("vi",)
    lines = ["---", "language:"]
    lines += [f"- {_quoted(language)}" for language in languages]
    lines += [
        "license: other",
        'license_name: "portal-terms"',
        f"license_link: {_quoted(summary.sources[0].base_url) if summary.sources else _quoted('')}",
        'pretty_name: "Articles archived by dvscrape"',
        "size_categories:",
        f"- {_quoted(size_category(summary.rows))}",
        "task_categories:",
        '- "text-generation"',
        '- "text-classification"',
        "tags:",
        '- "vietnamese"',
        '- "government"',
        '- "web-archive"',
        '- "warc"',
        "configs:",
        '- config_name: "default"',
        "  data_files:",
        f"  - split: {_quoted(SPLIT)}",
        f"    path: {_quoted(data_glob)}",
        "dataset_info:",
        "  features:",
    ]
    for feature in hf_features():
        lines.append(f"  - name: {_quoted(feature['name'])}")
        for key, value in feature.items():
            if key != "name":
                lines.append(f"    {key}: {_quoted(value)}")
    lines += [
        "  splits:",
        f"  - name: {_quoted(SPLIT)}",
        f"    num_bytes: {arrow_bytes}",
        f"    num_examples: {summary.rows}",
        f"  download_size: {sum(file.bytes for file in files)}",
        f"  dataset_size: {arrow_bytes}",
        "---",
    ]
    return "\n".join(lines) + "\n"


def _field_table() -> list[str]:
    rows = [f"| `{field.name}` | {field.kind.value} | {field.description.replace('|', '/')} |" for field in FIELDS]
    return ["| column | type | meaning |", "| --- | --- | --- |", *rows]


def card_text(files: Sequence[DataFile], summary: ExportSummary, *, data_glob: str, arrow_bytes: int) -> str:
    """The whole README.md: YAML header and prose."""
    options = summary.options
    sources = summary.sources
    lines = [
        "# Articles archived by dvscrape",
        "",
        f"{summary.rows} {'article versions' if options.get('include_versions') else 'articles'} from "
        + (", ".join(f"{source.site} ({source.base_url})" for source in sources) or "an archive with no recorded crawl")
        + ", archived with dvscrape (WARC + SQLite) and exported as Parquet.",
        "",
        "```python",
        "from datasets import load_dataset",
        'ds = load_dataset("path/to/this/folder", split="train")',
        "import pandas as pd",
        f'df = pd.read_parquet("path/to/this/folder/{data_glob.rsplit("/", 1)[0]}")',
        "```",
        "",
        "## Source",
        "",
    ]
    for source in sources:
        lines.append(
            f"- `{source.site}` from <{source.base_url}>: {source.crawls} crawl(s), "
            f"first started {source.first_started}, last finished {source.last_finished or 'unfinished'}."
        )
    if not sources:
        lines.append("- No crawl is recorded in the archive.")
    lines += [
        f"- Captures of the exported rows were fetched between {summary.first_fetched} and {summary.last_fetched}; "
        f"publication dates range from {summary.first_published} to {summary.last_published}.",
        "",
        "## How it was made",
        "",
        f"- dvscrape {summary.dvscrape_version} crawled the portal, wrote every HTTP exchange to WARC files and "
        "extracted each article (title, date, category, body without boilerplate, photo captions, signature, "
        "attachments) into SQLite.",
        f"- `dvscrape export` options: `{json.dumps(options, ensure_ascii=False, sort_keys=True)}`.",
        f"- Text normalised with `dvscrape.text.normalize` (tone-mark style `{options.get('tone')}`); paragraphs are "
        "joined by blank lines.",
        f"- Deduplication `{options.get('dedup')}`: `content_hash` is the SHA-256 of the canonical text; "
        "`duplicate_group` holds the id of the first row of each group of exact (equal canonical text) or near "
        "(MinHash over 5-word shingles, estimated Jaccard similarity at least 0.7) duplicates. "
        f"{summary.rows_read_note()}",
        "- Every row links to the WARC record it was extracted from (`warc_filename`, `warc_offset`, `warc_length`, "
        "`warc_record_id`), so any text can be checked against the page as it was served.",
        "- The same archive and options always give byte-identical files.",
        "",
        "## Columns",
        "",
        *_field_table(),
        "",
        "## License",
        "",
        LICENSE_NOTE,
        "",
    ]
    return yaml_header(files, summary, data_glob=data_glob, arrow_bytes=arrow_bytes) + "\n" + "\n".join(lines)


def write_card(
    folder: Path, files: Sequence[DataFile], summary: ExportSummary, *, data_glob: str, arrow_bytes: int
) -> Path:
    """Write README.md into *folder*; return its path. *arrow_bytes* is the rows' in-memory Arrow size."""
    path = folder / CARD_FILENAME
    path.write_text(card_text(files, summary, data_glob=data_glob, arrow_bytes=arrow_bytes), encoding="utf-8")
    return path
