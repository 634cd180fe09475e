"""`dvscrape sites list` and `dvscrape sites probe URL`: the site profiles, and a draft profile for a new portal."""

from __future__ import annotations

from pathlib import Path

import click

from dvscrape.cli.options import CommandError
from dvscrape.errors import ConfigurationError
from dvscrape.runs.exitcodes import ExitCode


@click.group("sites")
def sites_command() -> None:
    """Site profiles: one TOML file per portal (bundled, or in the folder DVSCRAPE_PROFILES_DIR names)."""


@sites_command.command("list")
def list_command() -> None:
    """Show every profile: name, host, Liferay version and the file it is read from. A profile that does not load is
    listed with its error, and the command exits 2."""
    from dvscrape.sites import get_profile, profile_files

    files = profile_files()
    rows: list[tuple[str, str, str, str]] = []
    broken: list[str] = []
    for name, entry in files.items():
        try:
            profile = get_profile(name)
        except ConfigurationError as error:
            rows.append((name, "?", "?", str(entry)))
            broken.append(str(error))
            continue
        rows.append((name, profile.host, profile.liferay, str(entry)))
    width = max((len(row[0]) for row in rows), default=4)
    host_width = max((len(row[1]) for row in rows), default=4)
    click.echo(f"{'name':<{width}}  {'host':<{host_width}}  liferay  file")
    for name, host, liferay, source in rows:
        click.echo(f"{name:<{width}}  {host:<{host_width}}  {liferay:<7}  {source}")
    if broken:
        raise CommandError(broken[0], ExitCode.BAD_CONFIGURATION)


@sites_command.command("probe")
@click.argument("url")
@click.option("--name", help="The profile's name (default: the portal's host name, dots as '-').")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the draft profile here (default: print it): NAME.toml, in the folder DVSCRAPE_PROFILES_DIR names.",
)
def probe_command(url: str, name: str | None, out: Path | None) -> None:
    """Fetch a portal's home page and a few of its pages, recognise Liferay 6.2 or 7, its site path, listings and
    their Asset Publisher portlets, and write a draft profile with comments on what a person must still check."""
    from urllib.parse import urlsplit

    from dvscrape.sites.draft import draft_toml
    from dvscrape.sites.probe import probe

    name = name or (out.stem if out is not None else (urlsplit(url).hostname or "site").replace(".", "-"))
    if out is not None and out.stem != name:
        raise CommandError(
            f"the profile file must be named {name}.toml (a profile's name is its file's)", ExitCode.BAD_CONFIGURATION
        )
    found = probe(url, name)
    text = draft_toml(found)
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise CommandError(f"cannot write {out}: {error.strerror or error}", ExitCode.BAD_CONFIGURATION) from error
    listings = ", ".join(listing.path for listing in found.listings) or "none"
    click.echo(
        f"Liferay {found.liferay or '? (6.2 assumed)'} at {found.site_url}{found.site_path}; listings: {listings}"
    )
    click.echo(f"draft profile written to {out}; check the lines marked CHECK, then: dvscrape crawl {name}")
