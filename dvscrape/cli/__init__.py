"""The `dvscrape` command: a thin click layer over the library. Commands load lazily so `--help` is fast."""

from __future__ import annotations

import importlib

import click

# command name -> ("module:attribute" of its click command, the first sentence of its help). `dvscrape --help` lists
# the commands with these sentences, so that it imports none of them (tests/test_cli_startup.py checks that each is
# its command's own).
COMMANDS: dict[str, tuple[str, str]] = {
    "crawl": (
        "dvscrape.cli.crawl:crawl_command",
        "Crawl SITE (default tanbinh) into the archive: WARC files plus the SQLite archive.",
    ),
    "demo": (
        "dvscrape.cli.crawl:demo_command",
        "Start the bundled replica portal on a free loopback port, crawl it, print the summary and a sample query.",
    ),
    "replica": (
        "dvscrape.cli.replica:replica_command",
        "Serve the replica portal; prints 'Replica portal serving at <url>' and runs until Ctrl-C or SIGTERM.",
    ),
    "extract": (
        "dvscrape.cli.extract:extract_command",
        "Print the article of one page as JSON (a saved HTML file, or a site path such as /web/neoportal/-/xyz).",
    ),
    "search": (
        "dvscrape.cli.search:search_command",
        "Full-text search of article titles and bodies, best matches first.",
    ),
    "reindex": (
        "dvscrape.cli.search:reindex_command",
        "Rebuild the full-text search indexes (exact and accent-folded) and the statistics search ranks with "
        "from the articles table.",
    ),
    "history": (
        "dvscrape.cli.history:history_command",
        "Every version of the article at URL (canonical or any variant), dated, with what changed between them.",
    ),
    "show": (
        "dvscrape.cli.history:show_command",
        "Print the stored article at URL (canonical or any variant) and the WARC record it was extracted from.",
    ),
    "verify": (
        "dvscrape.cli.verify:verify_command",
        "Read every WARC file end to end (gzip, digests, headers) and check every capture, revisit and "
        "article against them; with --wacz FILE, check that package instead.",
    ),
    "qa": (
        "dvscrape.cli.qa:qa_command",
        "Replay every page a crawl archived from the archive's own index, as pywb and ReplayWeb.page would, and "
        "record per page in the `qa` table: whether it resolves to its capture, whether every same-host image, "
        "stylesheet, script and font it references resolves to a 2xx capture, and whether its replayed text is the "
        "stored article's.",
    ),
    "index": (
        "dvscrape.cli.replay:index_command",
        "Write a CDXJ index of every response and revisit record of the archive's WARC files.",
    ),
    "wacz": (
        "dvscrape.cli.replay:wacz_command",
        "Package the archive's WARC files, CDXJ index and page list as OUTPUT.wacz (WACZ 1.1.1).",
    ),
    "replay": (
        "dvscrape.cli.pywb:replay_command",
        "Serve the archive for browsing with pywb: index what is new, start pywb, print the newest home-page capture.",
    ),
    "reextract": (
        "dvscrape.cli.reextract:reextract_command",
        "Rebuild the articles (figures, attachments, tags, links, versions) from the archive's WARC files "
        "alone, with the current extractor; no network.",
    ),
    "serve": (
        "dvscrape.cli.serve:serve_command",
        "Browse and query the archive in Datasette: described tables, accent-insensitive search on articles, "
        "facets (category, year, signature) and canned queries (search, article_history, url_captures).",
    ),
    "export": (
        "dvscrape.cli.export:export_command",
        "Export the archive's articles as a dataset that loads in one line in pandas, Polars, DuckDB, Excel "
        "or Hugging Face datasets, with a datapackage.json describing it.",
    ),
    "documents": (
        "dvscrape.cli.documents:documents_command",
        "Extract the text of archived documents (PDF, DOC, DOCX, ODT, XLS, XLSX, RTF, images) into the archive.",
    ),
    "import": (
        "dvscrape.cli.importing:import_command",
        "Import WARC (.warc, .warc.gz) and WACZ files written by any tool: each file is kept (checksummed, "
        "read-only) in the archive's warc folder, every response, resource and revisit record becomes a "
        "capture, and the articles are re-extracted from every archived page in capture-date order.",
    ),
    "fleet": ("dvscrape.cli.fleet:fleet_command", "Crawl every site of a fleet file on its Scrapyd nodes."),
    "sites": (
        "dvscrape.cli.sites:sites_command",
        "Site profiles: one TOML file per portal (bundled, or in the folder DVSCRAPE_PROFILES_DIR names).",
    ),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported only when used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, attribute = COMMANDS[cmd_name][0].split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list of commands, shortened as click shortens a command's help, without importing them."""
        summaries = [(name, click.Command(name, help=COMMANDS[name][1])) for name in self.list_commands(ctx)]
        limit = formatter.width - 6 - max(len(name) for name, _ in summaries)
        with formatter.section("Commands"):
            formatter.write_dl([(name, summary.get_short_help_str(limit)) for name, summary in summaries])

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; a DvscrapeError it raises becomes one line on stderr with the exit code of its cause
        (options.command_error), so that no command needs its own handler for the library's errors."""
        from dvscrape.cli.options import command_error
        from dvscrape.errors import DvscrapeError

        try:
            return super().invoke(ctx)
        except DvscrapeError as error:
            raise command_error(error) from error


@click.group(cls=LazyGroup)
@click.version_option(package_name="dvscrape")
def main() -> None:
    """dvscrape: archive Vietnamese government portals to WARC and SQLite."""
