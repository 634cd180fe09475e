"""``python -m dvscrape.replica``: serve the replica portal until SIGTERM/SIGINT."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from dvscrape.replica.faults import FAULT_KINDS, ROBOTS_MODES, FaultSpec, FaultSpecError
from dvscrape.replica.hostile import GROUPS, HostileConfig
from dvscrape.replica.server import DEFAULT_ARTICLES, ReplicaConfig, serve_until_signalled


def _parser(prog: str = "python -m dvscrape.replica") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Serve the replica portal.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port, 0 for any free one (default 0)")
    parser.add_argument(
        "--articles",
        type=int,
        default=DEFAULT_ARTICLES,
        help=f"articles in edition 1 (default {DEFAULT_ARTICLES}, as dvscrape demo)",
    )
    parser.add_argument("--seed", type=int, default=2023, help="corpus seed, also the fault seed (default 2023)")
    parser.add_argument("--edition", type=int, default=1, help="site edition: 2 adds, edits and removes a few")
    parser.add_argument(
        "--portal",
        choices=("tanbinh", "city7"),
        default="tanbinh",
        help="the portal served: tanbinh (Liferay 6.2, default) or city7 (a Liferay 7/DXP city-style portal)",
    )
    parser.add_argument("--slow-delay", type=float, default=1.5, help="seconds the slow page takes (default 1.5)")
    parser.add_argument("--access-log", action="store_true", help="log every request to stderr")
    parser.add_argument(
        "--portal-pages",
        action="store_true",
        help="also serve about 20 static pages linked from the footer, and a footer link that answers 404",
    )
    parser.add_argument(
        "--robots-disallow",
        action="append",
        default=[],
        metavar="PREFIX",
        help="a path prefix robots.txt disallows (repeatable; default: nothing disallowed)",
    )
    parser.add_argument(
        "--documents",
        default="",
        metavar="MODULE",
        help="serve the attached documents MODULE.document_bytes(media) makes (tests: tests.replica_documents); "
        "default: the committed document of each file type",
    )
    faults = parser.add_argument_group("fault injection (see dvscrape.replica.faults)")
    faults.add_argument(
        "--faults",
        default="",
        metavar="SPEC",
        help=f"KIND=RATE,… with KIND in {', '.join(FAULT_KINDS)}, e.g. 500=0.1,reset=0.05",
    )
    faults.add_argument(
        "--fault-persistent",
        action="append",
        default=[],
        metavar="[KIND=]SUBSTRING",
        help="requests whose target contains SUBSTRING always fail (kind 500 unless given); repeat",
    )
    faults.add_argument("--robots", default="", choices=sorted(ROBOTS_MODES), help="robots.txt always fails so")
    faults.add_argument(
        "--fault-attempts",
        type=int,
        default=1,
        help="a transient fault can strike a URL only on its first N attempts (default 1)",
    )
    faults.add_argument("--retry-after", type=int, default=1, help="Retry-After seconds of 429/503 (default 1)")
    faults.add_argument("--drip-seconds", type=float, default=3.0, help="how long a slow drip lasts (default 3)")
    faults.add_argument("--hang-seconds", type=float, default=30.0, help="how long a timeout hangs (default 30)")
    hostile = parser.add_argument_group("hostile pages (see dvscrape.replica.hostile)")
    hostile.add_argument(
        "--hostile",
        nargs="?",
        const="all",
        default=None,
        metavar="GROUPS",
        help=f"serve hostile pages linked from the home page: all, or {','.join(sorted(GROUPS))}",
    )
    hostile.add_argument(
        "--offsite-host-url",
        default="http://offsite.invalid",
        help="base URL of another host the hostile pages link and redirect to",
    )
    hostile.add_argument(
        "--offsite-port-url",
        default="http://127.0.0.1:9",
        help="base URL of this host on another port the hostile pages link and redirect to",
    )
    hostile.add_argument("--bomb-bytes", type=int, default=2 << 30, help="decompressed size of the bombs (2 GiB)")
    hostile.add_argument("--huge-page-bytes", type=int, default=30_000_000, help="size of the huge page (30 MB)")
    return parser


def parse_config(argv: Sequence[str] | None = None, *, prog: str = "python -m dvscrape.replica") -> ReplicaConfig:
    """Read the command line into a :class:`ReplicaConfig`; *prog* is the command name usage and errors show."""
    parser = _parser(prog)
    args = parser.parse_args(argv)
    try:
        fault_spec = FaultSpec.parse(
            args.faults,
            tuple(args.fault_persistent),
            args.robots,
            seed=args.seed,
            transient_attempts=args.fault_attempts,
            retry_after=args.retry_after,
            drip_seconds=args.drip_seconds,
            hang_seconds=args.hang_seconds,
        )
        hostile = None
        if args.hostile is not None:
            hostile = HostileConfig(
                groups=HostileConfig.parse_groups(args.hostile),
                offsite_host_url=args.offsite_host_url.rstrip("/"),
                offsite_port_url=args.offsite_port_url.rstrip("/"),
                bomb_bytes=args.bomb_bytes,
                huge_page_bytes=args.huge_page_bytes,
            )
    except (FaultSpecError, ValueError) as error:
        parser.error(str(error))
    return ReplicaConfig(
        host=args.host,
        port=args.port,
        seed=args.seed,
        articles=args.articles,
        edition=args.edition,
        slow_delay=args.slow_delay,
        access_log=args.access_log,
        faults=fault_spec if fault_spec.enabled else None,
        hostile=hostile,
        robots_disallow=tuple(args.robots_disallow),
        portal_pages=args.portal_pages,
        portal=args.portal,
        documents=args.documents,
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of ``python -m dvscrape.replica``."""
    serve_until_signalled(parse_config(argv))


if __name__ == "__main__":
    main()
