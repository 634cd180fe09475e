"""Where an imported capture came from, said in one line for `history` and `show` (the file or WACZ member, the
tool its warcinfo names, the original capture date; read from the archive by archive.lookup.provenance)."""

from __future__ import annotations

import os


def describe_provenance(origin: dict[str, object] | None) -> str:
    """One line for `history` and `show`: 'imported from FILE (tool T), captured DATE'; "" when not imported."""
    if not origin:
        return ""
    source = f"{origin['source']}!{origin['member']}" if origin.get("member") else str(origin["source"])
    tool = f", written by {origin['tool']}" if origin.get("tool") else ""
    return f"imported from {os.path.basename(source)}{tool}; captured {origin['captured_at']}"
