"""`dvscrape extract`: run the page object on one saved page (a file, or a site path read from the archive)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dvscrape.cli.options import BAD_INPUT, CommandError, archive_option
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

    A document (PDF, DOC, DOCX, ODT, XLS, XLSX, RTF, image; a file, or a /documents/... path read from the archive)
    prints its text, pages, how it was read and its heading fields: {"document": true, ...}.

    A page that is not an article prints {"article": false, ...} and exits 0; input that cannot be read exits 2,
    a missing archive 7.
    """
    from dvscrape.pages import PageContext, extract_page

    content_type = f"text/html; charset={encoding}" if encoding else None  # the user's word over the archive's
    profile = get_profile(site)
    path = Path(source)
    if path.is_file():
        try:
            html = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {source}: {error.strerror}", BAD_INPUT) from error
        url = page_url or path.resolve().as_uri()
        if _is_document(html, path.name):
            _print_document(html, path.name)
            return
    elif source.startswith("/documents/"):
        url = page_url or profile.url(source)
        data, _ = _from_archive(archive_dir, url)
        _print_document(data, source.rstrip("/").split("/")[-2] if source.count("/") >= 5 else source)
        return
    elif _is_site_path(source, profile):
        url = page_url or profile.url(source)
        html, archived_type = _from_archive(archive_dir, url)
        content_type = content_type or archived_type
    else:
        raise CommandError(f"{source}: no such file, and not a path of site {site}", BAD_INPUT)
    result = extract_page(url, html, profile, PageContext(content_type=content_type))
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))


def _is_document(data: bytes, name: str) -> bool:
    from dvscrape.documents.sniff import sniff

    return sniff(data, name) not in ("unknown", "text", "zip", "ole")


def _print_document(data: bytes, name: str) -> None:
    """A document (PDF, DOCX, scan…): read in a subprocess with limits, printed as JSON with its heading fields;
    exit 1 when it could not be read (the JSON says why)."""
    from dvscrape.documents.sandbox import read_isolated

    result = read_isolated(data, name)
    click.echo(json.dumps({"document": True, **result.to_dict()}, ensure_ascii=False, indent=2))
    if result.status == "failed":
        raise SystemExit(1)


def _is_site_path(source: str, profile: SiteProfile) -> bool:
    prefixes = [profile.urls.site_path] + [f"/{p}{profile.urls.site_path}" for p in profile.urls.locale_prefixes]
    return any(source == prefix or source.startswith(prefix + "/") for prefix in prefixes)


def _from_archive(archive_dir: Path, url: str) -> tuple[bytes, str | None]:
    """The newest archived 200 response for *url* (any variant of it), its Content-Encoding undone, and the
    Content-Type it came with."""
    from dvscrape.archive.lookup import newest_response
    from dvscrape.cli.archive_access import opened_archive
    from dvscrape.warc.payload import decoded_payload

    with opened_archive(archive_dir) as archive:
        record = newest_response(archive, url)
    return decoded_payload(record), record.http_header("Content-Type")
