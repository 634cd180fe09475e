"""`dvscrape verify`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from dvscrape.cli.archive_access import opened_archive
from dvscrape.cli.options import archive_option
from dvscrape.runs.exitcodes import ExitCode
from dvscrape.warc.verify import verify_archive


@click.command("verify")
@archive_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def verify_command(archive_dir: Path, as_json: bool) -> None:
    """Read every WARC file end to end (gzip, digests, headers) and check every capture, revisit and article
    against them. Exit code 0 when all is well, 7 on any problem."""
    with opened_archive(archive_dir) as archive:
        report = verify_archive(archive.db.conn, archive.warc_dir)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        for finding in report.problems:
            click.echo(f"PROBLEM {finding}")
        for finding in report.warnings:
            click.echo(f"warning {finding}")
        verdict = "OK" if report.ok else f"{len(report.problems)} problem(s)"
        click.echo(
            f"{verdict}: {report.files} WARC file(s), {report.records} record(s), {report.captures} "
            f"capture(s) checked, {len(report.warnings)} warning(s)"
        )
    sys.exit(int(ExitCode.SUCCESS if report.ok else ExitCode.ARCHIVE_ERROR))
