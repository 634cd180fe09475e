"""`dvscrape verify`: an archive, or with --wacz a WACZ package and its signature."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NoReturn

import click

from dvscrape.archive.integrity import verify
from dvscrape.cli.archive_access import opened_archive
from dvscrape.cli.options import archive_option
from dvscrape.runs.exitcodes import ExitCode
from dvscrape.warc.verify import VerifyReport
from dvscrape.warc.wacz_verify import PackageReport, load_trust, verify_package


@click.command("verify")
@archive_option
@click.option(
    "--wacz",
    "package",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Verify this WACZ package instead of the archive: every file's digest, datapackage-digest.json, the "
    "signature, its signer and its timestamp.",
)
@click.option(
    "--trust",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --wacz: a PEM file of the root certificates and signers' public keys to trust (default: the "
    "system's CA certificates).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def verify_command(archive_dir: Path, package: Path | None, trust: Path | None, as_json: bool) -> None:
    """Read every WARC file end to end (gzip, digests, headers) and check every capture, revisit and article
    against them; with --wacz FILE, check that package instead. Exit code 0 when all is well, 7 on any problem (for
    a package: also when it is not signed or its signer is not trusted), 2 for an unusable --trust file."""
    if package is not None:
        found = verify_package(package, load_trust(trust))
        signed = f"signed ({found.signature}) by {found.signer}" if found.signer else "not signed"
        stamped = f", timestamped {found.timestamp}" if found.timestamp else ""
        _report(
            found, as_json, f"{package.name}: {found.files} file(s) checked, created {found.created}, {signed}{stamped}"
        )
    if trust is not None:
        raise click.UsageError("--trust goes with --wacz")
    with opened_archive(archive_dir) as archive:
        report = verify(archive)
    _report(
        report,
        as_json,
        f"{report.files} WARC file(s), {report.records} record(s), {report.captures} capture(s) checked",
    )


def _report(report: VerifyReport | PackageReport, as_json: bool, summary: str) -> NoReturn:
    """Print *report* (its findings and a summary line, or JSON) and exit 0 when it is ok, 7 otherwise."""
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        for finding in report.problems:
            click.echo(f"PROBLEM {finding}")
        for finding in report.warnings:
            click.echo(f"warning {finding}")
        verdict = "OK" if report.ok else f"{len(report.problems)} problem(s)"
        click.echo(f"{verdict}: {summary}, {len(report.warnings)} warning(s)")
    sys.exit(int(ExitCode.SUCCESS if report.ok else ExitCode.ARCHIVE_ERROR))
