"""``dvscrape replica``: serve the replica portal (the offline copy of the Tân Bình portal) until interrupted: host,
port, articles, seed, edition, slow page, robots.txt rules, fault injection and hostile pages. Tests and benchmarks
run it as a subprocess (dvscrape/replica/process.py)."""

from __future__ import annotations

import click

from dvscrape.replica.faults import FAULT_KINDS, ROBOTS_MODES
from dvscrape.replica.hostile import GROUPS
from dvscrape.replica.server import DEFAULT_ARTICLES


@click.command("replica")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=0, show_default=True, help="Port; 0 picks a free one.")
@click.option("--articles", default=DEFAULT_ARTICLES, show_default=True, help="Articles in edition 1 (as the demo).")
@click.option("--seed", default=2023, show_default=True, help="Corpus seed, also the fault seed.")
@click.option("--edition", default=1, show_default=True, help="Site edition: 2 adds, edits and removes a few articles.")
@click.option(
    "--portal",
    type=click.Choice(["tanbinh", "city7"]),
    default="tanbinh",
    show_default=True,
    help="The portal served: tanbinh (Liferay 6.2) or city7 (a Liferay 7/DXP city-style portal).",
)
@click.option("--slow-delay", default=1.5, show_default=True, help="Seconds the slow page takes.")
@click.option("--access-log", is_flag=True, help="Log every request to stderr.")
@click.option(
    "--portal-pages", is_flag=True, help="Also serve ~20 static pages linked from the footer, and a dead footer link."
)
@click.option("--robots-disallow", multiple=True, metavar="PREFIX", help="A path prefix robots.txt disallows; repeat.")
@click.option(
    "--documents",
    default="",
    metavar="MODULE",
    help="Serve the attached documents MODULE.document_bytes(media) makes (tests: tests.replica_documents); default: "
    "the committed document of each file type.",
)
@click.option("--faults", default="", metavar="SPEC", help=f"Faults: KIND=RATE,… (KIND: {', '.join(FAULT_KINDS)}).")
@click.option(
    "--fault-persistent",
    multiple=True,
    metavar="[KIND=]SUBSTRING",
    help="Requests whose target contains SUBSTRING always fail (kind 500 unless given); repeat.",
)
@click.option("--robots", type=click.Choice(sorted(ROBOTS_MODES)), help="robots.txt always fails so.")
@click.option("--fault-attempts", default=1, show_default=True, help="Attempts of a URL a transient fault may strike.")
@click.option("--retry-after", default=1, show_default=True, help="Retry-After seconds of 429 and 503.")
@click.option("--drip-seconds", default=3.0, show_default=True, help="How long a slow drip lasts.")
@click.option("--hang-seconds", default=30.0, show_default=True, help="How long a timeout hangs.")
@click.option(
    "--hostile",
    is_flag=False,
    flag_value="all",
    metavar="[GROUPS]",
    help=f"Serve hostile pages linked from the home page: all, or some of {','.join(sorted(GROUPS))}.",
)
@click.option(
    "--offsite-host-url",
    default="http://offsite.invalid",
    show_default=True,
    help="Base URL of another host, which the hostile pages link and redirect to.",
)
@click.option(
    "--offsite-port-url",
    default="http://127.0.0.1:9",
    show_default=True,
    help="Base URL of this host on another port, which the hostile pages link and redirect to.",
)
@click.option("--bomb-bytes", default=2 << 30, show_default=True, help="Decompressed size of the bombs.")
@click.option("--huge-page-bytes", default=30_000_000, show_default=True, help="Size of the huge page.")
def replica_command(
    host: str,
    port: int,
    articles: int,
    seed: int,
    edition: int,
    portal: str,
    slow_delay: float,
    access_log: bool,
    portal_pages: bool,
    robots_disallow: tuple[str, ...],
    documents: str,
    faults: str,
    fault_persistent: tuple[str, ...],
    robots: str | None,
    fault_attempts: int,
    retry_after: int,
    drip_seconds: float,
    hang_seconds: float,
    hostile: str | None,
    offsite_host_url: str,
    offsite_port_url: str,
    bomb_bytes: int,
    huge_page_bytes: int,
) -> None:
    """Serve the replica portal; prints 'Replica portal serving at <url>' and runs until Ctrl-C or SIGTERM."""
    from dvscrape.replica.faults import FaultSpec, FaultSpecError
    from dvscrape.replica.hostile import HostileConfig
    from dvscrape.replica.server import ReplicaConfig, serve_until_signalled

    try:
        fault_spec = FaultSpec.parse(
            faults,
            fault_persistent,
            robots or "",
            seed=seed,
            transient_attempts=fault_attempts,
            retry_after=retry_after,
            drip_seconds=drip_seconds,
            hang_seconds=hang_seconds,
        )
        hostile_pages = None
        if hostile is not None:
            hostile_pages = HostileConfig(
                groups=HostileConfig.parse_groups(hostile),
                offsite_host_url=offsite_host_url.rstrip("/"),
                offsite_port_url=offsite_port_url.rstrip("/"),
                bomb_bytes=bomb_bytes,
                huge_page_bytes=huge_page_bytes,
            )
    except (FaultSpecError, ValueError) as error:
        raise click.UsageError(str(error)) from error
    config = ReplicaConfig(
        host=host,
        port=port,
        seed=seed,
        articles=articles,
        edition=edition,
        slow_delay=slow_delay,
        access_log=access_log,
        faults=fault_spec if fault_spec.enabled else None,
        hostile=hostile_pages,
        robots_disallow=robots_disallow,
        portal_pages=portal_pages,
        portal=portal,
        documents=documents,
    )
    try:
        serve_until_signalled(config)
    except OSError as error:
        raise click.ClickException(f"cannot serve on {host}:{port}: {error.strerror or error}") from error
