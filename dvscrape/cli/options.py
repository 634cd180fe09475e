"""Options shared by several commands."""

from __future__ import annotations

from pathlib import Path

import click

from dvscrape.errors import DvscrapeError

archive_option = click.option(
    "--archive",
    "archive_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("archive"),
    show_default=True,
    help="Archive folder (WARC files, archive.sqlite, crawl state).",
)

extraction_workers_option = click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(0, 64),
    help="Pages extracted at once, each by a sandboxed worker process with the documents' limits "
    "(1: one at a time in this process; 0: one per core).",
)


BAD_INPUT = 2  # ExitCode.BAD_CONFIGURATION: an option, file, query or URL the command cannot use


class CommandError(click.ClickException):
    """A user-facing error: one line on stderr and the given exit code (see dvscrape.runs.exitcodes)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click declares exit_code on the class


def command_error(error: DvscrapeError) -> CommandError:
    """*error* as one line on stderr with the exit code of its cause (the one `runs/outcome.py` gives every run)."""
    from dvscrape.runs.outcome import outcome_of_error

    return CommandError(str(error), int(outcome_of_error(error).exit_code))


def missing_folders(folder: Path) -> list[Path]:
    """*folder* and those of its parents that do not exist yet, outermost first: what writing a file into *folder*
    creates. Commands that write an output file (export --out, wacz) create them and say so."""
    missing: list[Path] = []
    current = folder.absolute()
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    return missing[::-1]


several_archives_option = click.option(
    "--archive",
    "archive_dirs",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Archive folder (default: archive); repeat it to read several sites' archives at once.",
)
fleet_file_option = click.option(
    "--fleet",
    "fleet_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read the archives of every site of this fleet file (see `dvscrape fleet`).",
)


def archives_to_read(archive_dirs: tuple[Path, ...], fleet_file: Path | None) -> tuple[list[Path], list[str] | None]:
    """The archives a command reads (the --archive folders, or the fleet file's sites, or ./archive) and, for a
    fleet, the site names its file gives them."""
    if fleet_file is None:
        return list(archive_dirs) or [Path("archive")], None
    if archive_dirs:
        raise click.UsageError("give either --archive or --fleet")
    from dvscrape.runs.fleet.config import load_fleet

    sites = load_fleet(fleet_file).sites
    return [site.archive for site in sites], [site.name for site in sites]
