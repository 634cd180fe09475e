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


class CommandError(click.ClickException):
    """A user-facing error: one line on stderr and the given exit code (see dvscrape.exitcodes)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click declares exit_code on the class


def missing_folders(folder: Path) -> list[Path]:
    """*folder* and those of its parents that do not exist yet, outermost first: what writing a file into *folder*
    creates. Commands that write an output file (export --out, wacz) create them and say so."""
    missing: list[Path] = []
    current = folder.absolute()
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    return missing[::-1]
