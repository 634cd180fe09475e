"""The `dvscrape` command: a thin click layer over the library. Commands load lazily so `--help` is fast."""

from __future__ import annotations

import importlib

import click

# command name -> "module:attribute" of its click command
COMMANDS: dict[str, str] = {
    "crawl": "dvscrape.cli.crawl:crawl_command",
    "demo": "dvscrape.cli.crawl:demo_command",
    "replica": "dvscrape.cli.replica:replica_command",
    "extract": "dvscrape.cli.extract:extract_command",
    "search": "dvscrape.cli.search:search_command",
    "reindex": "dvscrape.cli.search:reindex_command",
    "history": "dvscrape.cli.history:history_command",
    "show": "dvscrape.cli.history:show_command",
    "verify": "dvscrape.cli.verify:verify_command",
    "qa": "dvscrape.cli.qa:qa_command",
    "index": "dvscrape.cli.replay:index_command",
    "wacz": "dvscrape.cli.replay:wacz_command",
    "replay": "dvscrape.cli.pywb:replay_command",
    "reextract": "dvscrape.cli.reextract:reextract_command",
    "serve": "dvscrape.cli.serve:serve_command",
    "export": "dvscrape.cli.export:export_command",
    "documents": "dvscrape.cli.documents:documents_command",
    "import": "dvscrape.cli.importing:import_command",
    "fleet": "dvscrape.cli.fleet:fleet_command",
    "sites": "dvscrape.cli.sites:sites_command",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported only when used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        return command


@click.group(cls=LazyGroup)
@click.version_option(package_name="dvscrape")
def main() -> None:
    """dvscrape: archive Vietnamese government portals to WARC and SQLite."""
