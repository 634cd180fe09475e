"""`dvscrape index` (CDXJ) and `dvscrape wacz` (a WACZ package for pywb and ReplayWeb.page)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from dvscrape.archive.lookup import crawl_span
from dvscrape.archive.times import parse_time
from dvscrape.cli.archive_access import opened_archive
from dvscrape.cli.options import archive_option, missing_folders
from dvscrape.errors import DvscrapeError, SigningError
from dvscrape.serving.replay import replay_pages
from dvscrape.warc.files import warc_files
from dvscrape.warc.index_store import folder_index, write_index
from dvscrape.warc.signing import AnonymousSigner, Signer, domain_signer, key_fingerprint, operator_key
from dvscrape.warc.wacz import Page, write_wacz

INDEX_FILENAME = "index.cdxj"
KEY_VARIABLE = "DVSCRAPE_SIGNING_KEY"


@click.command("index")
@archive_option
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Where to write the index (default: {INDEX_FILENAME} in the archive folder).",
)
def index_command(archive_dir: Path, output: Path | None) -> None:
    """Write a CDXJ index of every response and revisit record of the archive's WARC files."""
    with opened_archive(archive_dir) as archive:
        files = warc_files(archive.warc_dir)
        if not files:
            raise click.ClickException(f"archive {archive_dir} has no WARC files to index")
        target = output or archive_dir / INDEX_FILENAME
        try:
            with folder_index(archive.warc_dir) as store:
                count = write_index(store, target)
        except OSError as error:
            raise click.ClickException(f"cannot write {target}: {error.strerror}") from error
    click.echo(f"{count} record(s) from {len(files)} WARC file(s) indexed in {target}")


@click.command("wacz")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@archive_option
@click.option("--title", help="Title of the package (default: the archive's site and crawl dates).")
@click.option("--overwrite", is_flag=True, help="Replace OUTPUT if it exists.")
@click.option(
    "--sign",
    is_flag=True,
    help=f"Sign the package (WACZ Signing and Verification 0.1.0): anonymously with the operator's key (the file "
    f"{KEY_VARIABLE} names, else signing-key.pem in $XDG_CONFIG_HOME/dvscrape, made on first use), or with "
    "--domain-cert, --domain-key and --tsa.",
)
@click.option(
    "--domain-cert",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --sign: the PEM certificate chain of a domain (its certificate first) to sign as.",
)
@click.option(
    "--domain-key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --sign: the ECDSA private key of --domain-cert (PEM, unencrypted, owner-only).",
)
@click.option("--tsa", "tsa_url", help="With --sign: the URL of the RFC 3161 time-stamping authority.")
def wacz_command(
    output: Path,
    archive_dir: Path,
    title: str | None,
    overwrite: bool,
    sign: bool,
    domain_cert: Path | None,
    domain_key: Path | None,
    tsa_url: str | None,
) -> None:
    """Package the archive's WARC files, CDXJ index and page list as OUTPUT.wacz (WACZ 1.1.1). A missing folder of
    OUTPUT is created; an existing OUTPUT is replaced only with --overwrite. Exit codes: 2 a bad option or signing
    key, 6 the time-stamping authority cannot be reached or refuses."""
    if output.suffix.lower() != ".wacz":
        raise click.BadParameter("the output file name must end in .wacz", param_hint="OUTPUT")
    if output.exists() and not overwrite:
        raise click.ClickException(f"{output} already exists; pass --overwrite to replace it")
    signer = _signer(sign, domain_cert, domain_key, tsa_url)
    created = missing_folders(output.parent)
    with opened_archive(archive_dir) as archive:
        files = warc_files(archive.warc_dir)
        if not files:
            raise click.ClickException(f"archive {archive_dir} has no WARC files to package")
        conn = archive.db.conn
        pages = (Page(page.url, parse_time(page.fetched_at), page.title) for page in replay_pages(archive))
        if created:
            output.parent.mkdir(parents=True, exist_ok=True)
            click.echo(f"created the missing folder {created[0]}")
        if title is None:
            site, base_url, first, last = crawl_span(conn)
            title = f"dvscrape {site or 'archive'} {base_url} {first[:10]}–{last[:10]}"
        try:
            with folder_index(archive.warc_dir) as store:
                result = write_wacz(output, store, pages, title=" ".join(title.split()), sign=signer)
        except OSError as error:
            raise click.ClickException(f"cannot write {output}: {error.strerror}") from error
        except SigningError:
            raise  # its own exit code (cli.LazyGroup), not a damaged archive's message
        except DvscrapeError as error:
            raise click.ClickException(f"{error} (run `dvscrape verify`)") from error
    click.echo(
        f"{result.path}: {result.warc_files} WARC file(s), {result.index_lines} index line(s), "
        f"{result.pages} page(s), {result.bytes} bytes"
    )


def _signer(sign: bool, domain_cert: Path | None, domain_key: Path | None, tsa_url: str | None) -> Signer | None:
    """The signer the options ask for (None: no signing), its key loaded before anything is packaged."""
    domain_options = (domain_cert, domain_key, tsa_url)
    if not sign:
        if any(option is not None for option in domain_options):
            raise click.UsageError("--domain-cert, --domain-key and --tsa go with --sign")
        return None
    if any(option is not None for option in domain_options):
        if domain_cert is None or domain_key is None or tsa_url is None:
            raise click.UsageError("signing with a domain certificate needs --domain-cert, --domain-key and --tsa")
        signer = domain_signer(domain_cert, domain_key, tsa_url)
        for warning in signer.warnings:
            click.echo(f"warning: {warning}", err=True)
        click.echo(f"signing as {signer.domain}, timestamped by {tsa_url}")
        return signer
    named = os.environ.get(KEY_VARIABLE)
    key, path, created = operator_key(Path(named) if named else None)
    if created:
        click.echo(f"made the signing key {path} (owner-only: keep it secret, keep a copy)")
    click.echo(f"signing anonymously with the key {key_fingerprint(key.public_key())} ({path})")
    return AnonymousSigner(key)
