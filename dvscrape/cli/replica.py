"""``dvscrape replica``: serve the replica portal (the offline copy of the Tân Bình portal) until interrupted.

The options are those of ``python -m dvscrape.replica`` (one parser, in dvscrape/replica/__main__.py): host, port,
articles, seed, edition, slow page, robots.txt rules, fault injection and hostile pages.
"""

from __future__ import annotations

import click

from dvscrape.cli.options import command_error
from dvscrape.errors import DvscrapeError


@click.command(
    "replica", context_settings={"ignore_unknown_options": True, "help_option_names": []}, add_help_option=False
)
@click.argument("options", nargs=-1, type=click.UNPROCESSED)
def replica_command(options: tuple[str, ...]) -> None:
    """Serve the replica portal; prints 'Replica portal serving at <url>' and runs until Ctrl-C or SIGTERM.

    `dvscrape replica --help` lists the options (--port 0 picks a free port).
    """
    from dvscrape.replica.__main__ import parse_config
    from dvscrape.replica.server import serve_until_signalled

    config = parse_config(list(options), prog="dvscrape replica")
    try:
        serve_until_signalled(config)
    except OSError as error:
        raise click.ClickException(f"cannot serve on {config.host}:{config.port}: {error.strerror or error}") from error
    except DvscrapeError as error:
        raise command_error(error) from error
