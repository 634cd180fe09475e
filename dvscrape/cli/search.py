"""`dvscrape search` and `dvscrape reindex`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dvscrape.archive.document_search import DocumentHit, search_documents
from dvscrape.archive.search import MAX_LIMIT, SearchHit, SearchOptions, index_is_current, reindex, search
from dvscrape.cli.archive_access import opened_archive, parse_date_option
from dvscrape.cli.options import archive_option, archives_to_read, fleet_file_option, several_archives_option


def print_document_hits(hits: list[DocumentHit]) -> None:
    """Documents found (`dvscrape documents` reads them), each with the articles it is attached to."""
    if not hits:
        return
    click.echo(f"\ndocuments ({len(hits)}):")
    for rank, hit in enumerate(hits, 1):
        meta = "  ".join(part for part in (hit.document_type, hit.number, hit.issued_date or "") if part)
        click.echo(f"d{rank}. {hit.file_name}  {meta}")
        for article in hit.articles or [{"title": "(no article links it)", "url": ""}]:
            click.echo(f"    in: {article['title']}  {article['url']}")
        click.echo(f"    {hit.snippet}")


def _rebuild(archive_dir: Path) -> None:
    with opened_archive(archive_dir, readonly=False, lock=True) as archive:
        result = reindex(archive.db.conn)
    click.echo(
        f"search indexes rebuilt for {result.articles} article(s); {result.versions_backfilled} version(s) backfilled",
        err=True,
    )


@click.command("search")
@click.argument("words", nargs=-1, metavar="QUERY")
@several_archives_option
@fleet_file_option
@click.option("--exact", is_flag=True, help="Match diacritics exactly ('dân' does not find 'dẫn').")
@click.option("--since", metavar="DATE", help="Only articles published on or after DATE (YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="Only articles published on or before DATE (YYYY-MM-DD).")
@click.option("--category", metavar="C", help="Only articles of category C (accents, case and punctuation ignored).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, MAX_LIMIT), help="Most hits shown.")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as a JSON array.")
@click.option("--rebuild", is_flag=True, help="Rebuild the search indexes first (same as `dvscrape reindex`).")
def search_command(
    words: tuple[str, ...],
    archive_dirs: tuple[Path, ...],
    fleet_file: Path | None,
    exact: bool,
    since: str | None,
    until: str | None,
    category: str | None,
    limit: int,
    as_json: bool,
    rebuild: bool,
) -> None:
    """Full-text search of article titles and bodies, best matches first.

    Accents are ignored by default ('dan van' finds 'Dân vận', 'dong' finds 'Đông'); --exact keeps them. Words
    must all match; "quoted words" match as a phrase; word* matches a prefix; OR between terms matches either;
    -word excludes. The QUERY may be one quoted argument or several words (put `--` before a first -word).
    With several archives, each hit names its site and the best matches of all come first.
    """
    query = " ".join(words) or None
    folders, names = archives_to_read(archive_dirs, fleet_file)
    sites = dict(zip(names or [str(folder) for folder in folders], folders, strict=True))
    if rebuild:
        for archive_dir in sites.values():
            _rebuild(archive_dir)
    if query is None:
        if rebuild:
            return
        raise click.UsageError("give a QUERY to search for")
    options = SearchOptions(
        query=query,
        exact=exact,
        since=parse_date_option(since, "--since"),
        until=parse_date_option(until, "--until"),
        category=category,
        limit=limit,
    )
    found: list[tuple[str, SearchHit]] = []
    document_hits: list[DocumentHit] = []
    current = True
    for site, archive_dir in sites.items():
        with opened_archive(archive_dir) as archive:
            found.extend((site, hit) for hit in search(archive.db.conn, options))
            document_hits.extend(search_documents(archive.db.conn, options))
            current = current and index_is_current(archive.db.conn)
    if len(sites) > 1:
        found = sorted(found, key=lambda pair: pair[1].score)[:limit]
    hits = [hit for _, hit in found]
    named = len(sites) > 1
    if not current:
        click.echo("warning: the search index is out of date; run `dvscrape reindex`", err=True)
    if as_json:
        documents = [{"document": hit.to_dict()} for hit in document_hits]
        articles = [{**hit.to_dict(), "site": site} if named else hit.to_dict() for site, hit in found]
        click.echo(json.dumps(articles + documents, ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo("no articles found")
        print_document_hits(document_hits)
        return
    for rank, (site, hit) in enumerate(found, 1):
        meta = "  ".join(part for part in (hit.published_date or "undated", hit.category) if part)
        click.echo(f"{rank}. {f'[{site}] ' if named else ''}{hit.title_highlighted}")
        click.echo(f"   {meta}  {hit.url}")
        if hit.snippet:
            click.echo(f"   {hit.snippet}")
    print_document_hits(document_hits)


@click.command("reindex")
@archive_option
def reindex_command(archive_dir: Path) -> None:
    """Rebuild the full-text search indexes (exact and accent-folded) and the statistics search ranks with from the
    articles table."""
    _rebuild(archive_dir)
