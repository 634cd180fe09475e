"""`dvscrape history URL` and `dvscrape show URL`: an article's versions with diffs, and one stored version or its
archived HTTP response, with the WARC record to cite."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from dvscrape.archive.db import Archive
from dvscrape.archive.lookup import article_span, capture_record, capture_warc_record, find_article_id, stored_article
from dvscrape.archive.provenance import describe_provenance
from dvscrape.archive.versions import version_diff, versions_of
from dvscrape.cli.archive_access import opened_archive
from dvscrape.cli.options import BAD_INPUT, CommandError, archive_option
from dvscrape.errors import ArchiveError, PayloadDecodingError
from dvscrape.serving.replay import DEFAULT_REPLAY_BASE, replay_url
from dvscrape.warc.cdxj import cdx_timestamp
from dvscrape.warc.payload import decoded_payload


def _replay_url(base: str, record: dict[str, object] | None) -> str:
    """The pywb URL replaying the capture *record* (what `show` shows), or "" without a WARC record."""
    if record is None or not record.get("warc_filename"):
        return ""
    return replay_url(base, cdx_timestamp(str(record["fetched_at"])), str(record["fetched_url"]))


def _citation(record: dict[str, object] | None) -> str:
    if record is None or not record.get("warc_filename"):
        return "no WARC record"
    citation = (
        f"WARC {record['warc_filename']} offset {record['warc_offset']} length {record['warc_length']} "
        f"record {record['warc_record_id']}"
    )
    origin = record.get("imported")
    return f"{citation} ({describe_provenance(origin)})" if isinstance(origin, dict) else citation


@click.command("history")
@click.argument("url")
@archive_option
@click.option("--json", "as_json", is_flag=True, help="Print the versions as JSON.")
def history_command(url: str, archive_dir: Path, as_json: bool) -> None:
    """Every version of the article at URL (canonical or any variant), dated, with what changed between them."""
    with opened_archive(archive_dir) as archive:
        conn = archive.db.conn
        article_id = find_article_id(conn, url)
        canonical, first_seen, last_seen = article_span(conn, article_id)
        versions = versions_of(conn, article_id)
        records = {v.version: capture_record(conn, v.capture_id) for v in versions}
    if as_json:
        data = {
            "article_id": article_id,
            "url": canonical,
            "first_seen": first_seen,
            "last_seen": last_seen,
            "versions": [
                {**v.to_dict(), "warc": records[v.version], "diff": version_diff(versions[i - 1], v) if i else []}
                for i, v in enumerate(versions)
            ],
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{canonical}  (article {article_id}; first seen {first_seen}, last seen {last_seen})")
    if not versions:
        click.echo("no versions recorded; run `dvscrape reindex` to backfill them")
    for index, version in enumerate(versions):
        changed = ", ".join(version.changed_fields) or ("first version" if index == 0 else "no field")
        click.echo(f"\nversion {version.version}  seen {version.seen_at}  changed: {changed}")
        if version.reason:
            reread = f" (reads again the capture of version {version.supersedes})" if version.supersedes else ""
            click.echo(f"  {version.reason}{reread}")
        click.echo(f"  title: {version.title}")
        click.echo(f"  published: {version.published_date or 'unknown'}  {_citation(records[version.version])}")
        if index:
            for line in version_diff(versions[index - 1], version):
                click.echo(f"  {line}")


def _print_raw(archive: Archive, record: dict[str, object] | None, *, decode: bool) -> None:
    if record is None or not record.get("warc_filename"):
        raise click.ClickException("this version has no WARC record (it was stored without a capture)")
    try:
        warc = capture_warc_record(archive, record)
    except ArchiveError as error:
        raise click.ClickException(f"cannot read the archived response: {error}") from error
    payload = warc.payload
    if decode:
        try:
            payload = decoded_payload(warc)
        except PayloadDecodingError as error:
            raise click.ClickException(f"cannot undo the response's Content-Encoding: {error}") from error
    head = [warc.http_status_line, *(f"{name}: {value}" for name, value in warc.http_headers), "", ""]
    out = sys.stdout.buffer
    out.write("\r\n".join(head).encode("latin-1", "replace"))
    out.write(payload)
    out.flush()


@click.command("show")
@click.argument("url")
@archive_option
@click.option("--version", "version_number", type=click.IntRange(min=1), help="Show version N instead of the latest.")
@click.option("--raw", is_flag=True, help="Print the archived HTTP response (headers and body) from the WARC file.")
@click.option(
    "--decode", is_flag=True, help="With --raw: undo the body's Content-Encoding (gzip, br…); an error without --raw."
)
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON.")
@click.option(
    "--replay-base",
    default=DEFAULT_REPLAY_BASE,
    show_default=True,
    help="Base URL of the pywb `dvscrape replay` serves, for the replay URL printed.",
)
def show_command(
    url: str, archive_dir: Path, version_number: int | None, raw: bool, decode: bool, as_json: bool, replay_base: str
) -> None:
    """Print the stored article at URL (canonical or any variant) and the WARC record it was extracted from."""
    if decode and not raw:
        raise click.UsageError("--decode only applies to --raw (the archived HTTP response); add --raw")
    with opened_archive(archive_dir) as archive:
        conn = archive.db.conn
        article_id = find_article_id(conn, url)
        if version_number is None:
            data = stored_article(conn, article_id)
        else:
            chosen = [v for v in versions_of(conn, article_id) if v.version == version_number]
            if not chosen:
                raise CommandError(f"article {article_id} has no version {version_number}", BAD_INPUT)
            data = {"id": article_id, "url": article_span(conn, article_id)[0], **chosen[0].to_dict()}
        record = capture_record(conn, data.get("capture_id"))
        if raw:
            _print_raw(archive, record, decode=decode)
            return
    replay = _replay_url(replay_base, record)
    if as_json:
        click.echo(json.dumps({**data, "warc": record, "replay_url": replay}, ensure_ascii=False, indent=2))
        return
    click.echo(data["title"])
    click.echo(data["url"])
    facts = [
        ("published", data.get("published_date")),
        ("category", data.get("category")),
        ("version", data.get("version")),
        ("seen", data.get("seen_at") or data.get("last_seen")),
    ]
    click.echo("  ".join(f"{name}: {value}" for name, value in facts if value))
    click.echo(f"source: {_citation(record)}")
    if replay:
        click.echo(f"replay: {replay}  (dvscrape replay serves it)")
    click.echo("")
    click.echo(data.get("body") or "")
    if data.get("signature"):
        click.echo(f"\n{data['signature']}")
    for figure in data.get("figures", []):
        click.echo(f"[figure] {figure.get('image_url')}  {figure.get('caption') or ''}".rstrip())
    for attachment in data.get("attachments", []):
        click.echo(f"[attachment] {attachment.get('url')}  {attachment.get('text') or ''}".rstrip())
