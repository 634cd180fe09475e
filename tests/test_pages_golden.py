"""Golden tests for the page objects: every saved page in tests/golden/pages → its expected JSON.

Expected files are written only when DVSCRAPE_REGEN_GOLDEN=1 is set (then review the diff before committing);
a page without an expected file fails.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from dvscrape.pages import PageContext, extract_page
from dvscrape.sites import get_profile

PAGES = Path(__file__).parent / "golden" / "pages"
INDEX: dict[str, dict[str, Any]] = json.loads((PAGES / "index.json").read_text(encoding="utf-8"))
REGENERATE = os.environ.get("DVSCRAPE_REGEN_GOLDEN") == "1"


def extract_golden(name: str) -> dict[str, Any]:
    """Run the extractor on one saved page as the index describes it."""
    entry = INDEX[name]
    site = get_profile("tanbinh", entry["base_url"]) if entry.get("base_url") else get_profile("tanbinh")
    html = (PAGES / f"{name}.html").read_bytes()
    result = extract_page(entry["url"], html, site, PageContext(**entry.get("context", {})))
    data: dict[str, Any] = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    return data


@pytest.mark.parametrize("name", sorted(INDEX))
def test_golden_page(name: str) -> None:
    actual = extract_golden(name)
    expected_path = PAGES / f"{name}.json"
    if REGENERATE:
        expected_path.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert expected_path.exists(), f"no expected output for {name}; run with DVSCRAPE_REGEN_GOLDEN=1 and review"
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert actual == expected


def test_every_saved_page_is_indexed() -> None:
    saved = {path.stem for path in PAGES.glob("*.html")}
    assert saved == set(INDEX)
