"""Where an imported capture came from, for `history` and `show`: the file (or WACZ member) it was imported from,
the tool its warcinfo names, the original capture date."""

from __future__ import annotations

import os
import sqlite3


def provenance(conn: sqlite3.Connection, capture_id: int | None) -> dict[str, object] | None:
    """Where an imported capture came from (file, package member, tool, original capture date), or None for a
    capture dvscrape fetched itself."""
    if capture_id is None:
        return None
    try:
        found = conn.execute(
            "SELECT f.source, f.member, f.stored_name, f.tool, f.warc_version, f.sha256, c.fetched_at, f.imported_at "
            "FROM captures AS c JOIN imported_files AS f ON f.id = c.imported_file_id WHERE c.id = ?",
            (capture_id,),
        ).fetchone()
    except sqlite3.Error:  # an archive opened read-only before the imports migration
        return None
    if found is None:
        return None
    keys = ("source", "member", "stored_name", "tool", "warc_version", "sha256", "captured_at", "imported_at")
    return dict(zip(keys, found, strict=True))


def describe_provenance(origin: dict[str, object] | None) -> str:
    """One line for `history` and `show`: 'imported from FILE (tool T), captured DATE'; "" when not imported."""
    if not origin:
        return ""
    source = f"{origin['source']}!{origin['member']}" if origin.get("member") else str(origin["source"])
    tool = f", written by {origin['tool']}" if origin.get("tool") else ""
    return f"imported from {os.path.basename(source)}{tool}; captured {origin['captured_at']}"
