"""``dvscrape replica``: serve the replica portal (the offline copy of the Tân Bình portal) until interrupted."""

from __future__ import annotations

import click

from dvscrape.errors import DvscrapeError


@click.command("replica")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", type=int, default=0, show_default=True, help="Port to listen on; 0 picks a free one.")
@click.option("--articles", type=click.IntRange(min=5), default=400, show_default=True, help="Articles in edition 1.")
@click.option("--seed", type=int, default=2023, show_default=True, help="Seed of the generated corpus.")
@click.option(
    "--edition",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Site edition: each one after the first adds, edits and removes a few articles.",
)
@click.option(
    "--slow-delay", type=click.FloatRange(min=0), default=1.5, show_default=True, help="Seconds the slow page takes."
)
@click.option("--access-log", is_flag=True, help="Log every request to stderr.")
def replica_command(
    host: str, port: int, articles: int, seed: int, edition: int, slow_delay: float, access_log: bool
) -> None:
    """Serve the replica portal; prints 'Replica portal serving at <url>' and runs until Ctrl-C or SIGTERM."""
    from dvscrape.replica.server import ReplicaConfig, serve_until_signalled

    config = ReplicaConfig(
        host=host,
        port=port,
        seed=seed,
        articles=articles,
        edition=edition,
        slow_delay=slow_delay,
        access_log=access_log,
    )
    try:
        serve_until_signalled(config)
    except OSError as error:
        raise click.ClickException(f"cannot serve on {host}:{port}: {error.strerror or error}") from error
    except DvscrapeError as error:
        raise click.ClickException(str(error)) from error
