"""`dvscrape serve`: Datasette on the archive, with dvscrape's metadata and SQL functions."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from dvscrape.archive.db import DB_FILENAME
from dvscrape.cli.archive_access import opened_archive
from dvscrape.cli.options import archive_option


@click.command("serve")
@archive_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on (loopback by default; 0.0.0.0 exposes the archive to the network).",
)
@click.option("--port", default=8001, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option(
    "--metadata",
    "metadata_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Only write dvscrape's Datasette metadata to this JSON file (for `datasette -m`) and exit.",
)
@click.option(
    "--replay-base",
    default="http://127.0.0.1:8090",  # serving.replay.DEFAULT_REPLAY_BASE (not imported: serve starts fast)
    show_default=True,
    help="Base URL of the pywb that `dvscrape replay` serves, for the replay links of articles.",
)
def serve_command(archive_dir: Path, host: str, port: int, metadata_out: Path | None, replay_base: str) -> None:
    """Browse and query the archive in Datasette: described tables, accent-insensitive search on articles, facets
    (category, year, signature) and canned queries (search, article_history, url_captures)."""
    from dvscrape.serving.datasette_metadata import datasette_metadata

    database = Path(DB_FILENAME).stem
    metadata = datasette_metadata(database)
    metadata["plugins"] = {"dvscrape": {"replay_base": replay_base}}
    if metadata_out is not None:
        metadata_out.write_text(json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        click.echo(f"Datasette metadata written to {metadata_out}")
        return
    with opened_archive(archive_dir):
        pass  # a missing or outdated archive is a clear error here, not inside Datasette
    try:
        import uvicorn
        from datasette.app import Datasette
        from datasette.plugins import pm
        from datasette.utils import StartupError
    except ImportError as error:
        raise click.ClickException("Datasette is not installed: pip install datasette") from error
    from dvscrape.serving import datasette_plugin

    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="dvscrape")
    try:
        app = Datasette([str(archive_dir / DB_FILENAME)], metadata=metadata, settings={"sql_time_limit_ms": 5000})
    except StartupError as error:
        raise click.ClickException(str(error.args[0])) from error
    import asyncio

    asyncio.run(app.invoke_startup())
    click.echo(f"Datasette serving {archive_dir / DB_FILENAME} at http://{host}:{port}/", err=True)
    sys.stdout.flush()
    uvicorn.run(app.app(), host=host, port=port, log_level="warning", lifespan="on")
