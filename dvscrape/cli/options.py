"""Options shared by several commands."""

from __future__ import annotations

from pathlib import Path

import click

archive_option = click.option(
    "--archive",
    "archive_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("archive"),
    show_default=True,
    help="Archive folder (WARC files, archive.sqlite, crawl state).",
)
