"""`dvscrape extract`: run the page object on one saved page (a file, or a site path read from the archive)."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import click

from dvscrape.cli.options import archive_option
from dvscrape.errors import DvscrapeError
from dvscrape.sites import available_sites, get_profile
from dvscrape.sites.profile import SiteProfile


@click.command("extract")
@click.argument("source", metavar="FILE_OR_URL_PATH")
@click.option("--url", "page_url", help="The URL the page was fetched from (default: the archive's, or the file's).")
@click.option("--site", type=click.Choice(available_sites()), default="tanbinh", show_default=True)
@click.option("--encoding", help="Charset declared by the HTTP headers, when the file came without them.")
@archive_option
def extract_command(source: str, page_url: str | None, site: str, encoding: str | None, archive_dir: Path) -> None:
    """Print the article of one page as JSON (a saved HTML file, or a site path such as /web/neoportal/-/xyz).

    A page that is not an article prints {"article": false, ...} and exits 0; input that cannot be read exits 1.
    """
    from dvscrape.pages import PageContext, extract_page

    try:
        profile = get_profile(site)
        path = Path(source)
        if path.is_file():
            try:
                html = path.read_bytes()
            except OSError as error:
                raise click.ClickException(f"cannot read {source}: {error.strerror}") from error
            url = page_url or path.resolve().as_uri()
        elif _is_site_path(source, profile):
            url = page_url or profile.url(source)
            html, declared = _from_archive(archive_dir, url, profile)
            encoding = encoding or declared
        else:
            raise click.ClickException(f"{source}: no such file, and not a path of site {site}")
        result = extract_page(url, html, profile, PageContext(declared_encoding=encoding))
    except DvscrapeError as error:
        raise click.ClickException(str(error)) from error
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))


def _is_site_path(source: str, profile: SiteProfile) -> bool:
    prefixes = [profile.urls.site_path] + [f"/{p}{profile.urls.site_path}" for p in profile.urls.locale_prefixes]
    return any(source == prefix or source.startswith(prefix + "/") for prefix in prefixes)


def _from_archive(archive_dir: Path, url: str, profile: SiteProfile) -> tuple[bytes, str | None]:
    """The newest archived 200 response for *url* (compared in canonical form), and its declared charset."""
    from dvscrape.archive.db import WARC_FOLDER
    from dvscrape.archive.warc_read import iter_records
    from dvscrape.sites.urls import canonicalize

    warc_dir = archive_dir / WARC_FOLDER
    if not warc_dir.is_dir():
        raise click.ClickException(f"no archive at {archive_dir} (no {WARC_FOLDER}/ folder)")
    wanted = canonicalize(url, profile) or url
    found = None
    for warc_path in sorted(warc_dir.glob("*.warc*")):
        for record in iter_records(warc_path, check_digests=False):
            if record.record_type != "response" or record.http_status != 200:
                continue
            if (canonicalize(record.target_uri, profile) or record.target_uri) == wanted:
                found = record  # later records are newer
    if found is None:
        raise click.ClickException(f"{url} is not in the archive at {archive_dir}")
    payload = _decode_content(found.payload, (found.http_header("Content-Encoding") or "").strip().lower())
    content_type = found.http_header("Content-Type") or ""
    charset = content_type.partition("charset=")[2].split(";")[0].strip().strip('"') or None
    return payload, charset


def _decode_content(payload: bytes, content_encoding: str) -> bytes:
    if content_encoding in ("", "identity"):
        return payload
    if content_encoding in ("gzip", "x-gzip", "deflate"):
        # 47: gzip or zlib header, detected; -15: raw deflate (some servers send it for "deflate")
        for wbits in (47, -15):
            try:
                return zlib.decompress(payload, wbits)
            except zlib.error as error:
                last_error = error
        raise click.ClickException(f"archived payload is not valid {content_encoding}: {last_error}")
    raise click.ClickException(f"archived payload uses unsupported Content-Encoding {content_encoding!r}")
