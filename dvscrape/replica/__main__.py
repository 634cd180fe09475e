"""``python -m dvscrape.replica``: serve the replica portal until SIGTERM/SIGINT."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from dvscrape.replica.server import ReplicaConfig, serve_until_signalled


def parse_config(argv: Sequence[str] | None = None) -> ReplicaConfig:
    """Read the command line into a :class:`ReplicaConfig`."""
    parser = argparse.ArgumentParser(prog="python -m dvscrape.replica", description="Serve the replica portal.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port, 0 for any free one (default 0)")
    parser.add_argument("--articles", type=int, default=400, help="articles in edition 1 (default 400)")
    parser.add_argument("--seed", type=int, default=2023, help="corpus seed (default 2023)")
    parser.add_argument("--edition", type=int, default=1, help="site edition: 2 adds, edits and removes a few")
    parser.add_argument("--slow-delay", type=float, default=1.5, help="seconds the slow page takes (default 1.5)")
    parser.add_argument("--access-log", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    return ReplicaConfig(
        host=args.host,
        port=args.port,
        seed=args.seed,
        articles=args.articles,
        edition=args.edition,
        slow_delay=args.slow_delay,
        access_log=args.access_log,
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of ``python -m dvscrape.replica``."""
    serve_until_signalled(parse_config(argv))


if __name__ == "__main__":
    main()
