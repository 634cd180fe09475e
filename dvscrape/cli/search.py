"""`dvscrape search` and `dvscrape reindex`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dvscrape.archive.search import (
    MAX_LIMIT,
    RANK_LIMIT,
    SearchOptions,
    count_matches,
    index_is_current,
    reindex,
    search,
)
from dvscrape.cli.archive_access import opened_archive, parse_date_option
from dvscrape.cli.options import archive_option
from dvscrape.documents.search import DocumentHit, search_documents


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
@click.argument("query", required=False)
@archive_option
@click.option("--exact", is_flag=True, help="Match diacritics exactly ('dân' does not find 'dẫn').")
@click.option("--since", metavar="DATE", help="Only articles published on or after DATE (YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="Only articles published on or before DATE (YYYY-MM-DD).")
@click.option("--category", metavar="C", help="Only articles of category C (accents and case ignored).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, MAX_LIMIT), help="Most hits shown.")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as a JSON array.")
@click.option("--rebuild", is_flag=True, help="Rebuild the search indexes first (same as `dvscrape reindex`).")
def search_command(
    query: str | None,
    archive_dir: Path,
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
    -word excludes.
    """
    if rebuild:
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
    with opened_archive(archive_dir) as archive:
        hits = search(archive.db.conn, options)
        document_hits = search_documents(archive.db.conn, options)
        matches = count_matches(archive.db.conn, options)
        current = index_is_current(archive.db.conn)
    if matches > RANK_LIMIT:
        click.echo(
            f"note: the query matches {matches} articles, too many to rank; the most recently archived are "
            "listed first (add words or filters to rank)",
            err=True,
        )
    if not current:
        click.echo("warning: the search index is out of date; run `dvscrape reindex`", err=True)
    if as_json:
        documents = [{"document": hit.to_dict()} for hit in document_hits]
        click.echo(json.dumps([hit.to_dict() for hit in hits] + documents, ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo("no articles found")
        print_document_hits(document_hits)
        return
    for rank, hit in enumerate(hits, 1):
        meta = "  ".join(part for part in (hit.published_date or "undated", hit.category) if part)
        click.echo(f"{rank}. {hit.title_highlighted}")
        click.echo(f"   {meta}  {hit.url}")
        if hit.snippet:
            click.echo(f"   {hit.snippet}")
    print_document_hits(document_hits)


@click.command("reindex")
@archive_option
def reindex_command(archive_dir: Path) -> None:
    """Rebuild the full-text search indexes (exact and accent-folded) from the articles table."""
    _rebuild(archive_dir)
