"""Normalisation runs once per text field, in the page object."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dvscrape.pages import Article, extract_page
from dvscrape.sites import get_profile


def test_each_text_field_is_normalised_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """extract_page normalises every text field exactly once (pages.finish holds the one list of fields); nothing
    after it normalises again."""
    import dvscrape.pages.finish as finish
    from dvscrape.settings import ITEM_PIPELINES
    from dvscrape.text import normalize

    calls: list[str] = []

    def counting(text: str, tone: str = "keep", legacy: str | None = None) -> str:
        calls.append(text)
        return normalize(text, legacy=legacy)  # type: ignore[arg-type]

    monkeypatch.setattr(finish, "normalize", counting)
    golden = Path(__file__).parent / "golden" / "pages"
    name = next(p.stem for p in sorted(golden.glob("*.html")) if (golden / f"{p.stem}.json").exists())
    index = json.loads((golden / "index.json").read_text(encoding="utf-8"))
    article = extract_page(index[name]["url"], (golden / f"{name}.html").read_bytes(), get_profile("tanbinh"))
    assert isinstance(article, Article)
    fields = (
        2  # title, html_title
        + len(article.categories)
        + len(article.blocks)
        + 2 * len(article.figures)  # alt, caption
        + 1  # signature
        + len(article.attachments)
        + len(article.tags)
    )
    assert len(calls) == fields
    assert not any("normalis" in name.lower() for name in ITEM_PIPELINES)
