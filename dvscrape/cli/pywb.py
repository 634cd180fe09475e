"""`dvscrape replay`: browse the archive as it was served, in pywb."""

from __future__ import annotations

import signal
from pathlib import Path
from types import FrameType

import click

from dvscrape.cli.archive_access import opened_archive
from dvscrape.cli.options import archive_option
from dvscrape.serving.replay import (
    COLLECTION,
    DEFAULT_PORT,
    build_collection,
    free_port,
    replay_pages,
    replay_url,
    start_pywb,
    wait_until_serving,
)


def replay_base(host: str, port: int) -> str:
    """The base URL of a pywb started by `dvscrape replay` on *host*:*port*."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


@click.command("replay")
@archive_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True, help="Port (0: a free one)."
)
@click.option("--no-serve", is_flag=True, help="Only build or refresh the pywb collection, then exit.")
def replay_command(archive_dir: Path, host: str, port: int, no_serve: bool) -> None:
    """Serve the archive for browsing with pywb: index what is new, start pywb, print the newest home-page capture.

    The pywb collection is kept in the archive folder (replay/): links to the WARC files and dvscrape's CDXJ index,
    rebuilt only when the WARC files changed. Stop with Ctrl-C.
    """
    with opened_archive(archive_dir) as archive:
        collection = build_collection(archive)
        home = next((page for page in replay_pages(archive) if page.kind == "home"), None)
    state = "indexed" if collection.reindexed else "index up to date"
    click.echo(f"collection {collection.root / 'collections' / COLLECTION}: {collection.index_lines} captures {state}")
    if no_serve:
        return
    port = port or free_port(host)
    process = start_pywb(collection.root, host=host, port=port)
    wait_until_serving(collection.root, host, port, process)
    base = replay_base(host, port)
    click.echo(f"pywb serving {base}/{COLLECTION}/ (log: {collection.root / 'pywb.log'})")
    if home is not None:
        click.echo(f"home page, newest capture: {replay_url(base, home.timestamp, home.url)}")
    click.echo("press Ctrl-C to stop")

    def stop(signum: int, frame: FrameType | None) -> None:
        process.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        process.wait()
    except KeyboardInterrupt:
        process.terminate()
        process.wait(timeout=10)
