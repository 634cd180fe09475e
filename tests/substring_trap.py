"""`dvscrape` with the trap path rule as it was before it matched whole segments of pages only: a profile's rule
("/calendar") matched anywhere in any URL's path, page requisites included, so the calendar portlet's icon
`/html/icons/calendar.png`, on every page, was never archived. The defect QA must catch, put back for a test:

    python -m tests.substring_trap crawl --base-url URL --archive DIR ...
"""

from __future__ import annotations

from typing import Any

import dvscrape.sites.urls as urls

_segment_rule = urls._trap_reason


def _substring_rule(path: str, params: list[tuple[str, str]], profile: Any, *, page: bool = True) -> str:
    for part in profile.urls.trap_path_parts:
        if part in path.lower():
            return f"path contains {part!r}"
    return _segment_rule(path, params, profile, page=page)


urls._trap_reason = _substring_rule

if __name__ == "__main__":  # the extraction workers import this module too: they must not run the command
    from dvscrape.cli import main

    main()
