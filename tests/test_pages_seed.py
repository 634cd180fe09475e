"""The seed article (real text of one portal page) rebuilt in Liferay 6.2 markup: every field, exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dvscrape.pages import Article, NotArticle, PageContext, extract_page
from dvscrape.replica.seed import read_seed_text
from dvscrape.sites import get_profile

GOLDEN = Path(__file__).parent / "golden"
PAGES = GOLDEN / "pages"
INDEX = json.loads((PAGES / "index.json").read_text(encoding="utf-8"))
SEED_VARIANTS = sorted(name for name in INDEX if name.startswith("seed_"))
assert SEED_VARIANTS, "no seed_* pages in tests/golden/pages/index.json"


def _seed_lines() -> list[str]:
    """The real page's text as shipped with the package (dvscrape/replica/data/seed_article.txt)."""
    return [line.strip() for line in read_seed_text().split("\n") if line.strip()]


def _extract(name: str) -> Article | NotArticle:
    entry = INDEX[name]
    return extract_page(
        entry["url"],
        (PAGES / f"{name}.html").read_bytes(),
        get_profile("tanbinh"),
        PageContext(**entry.get("context", {})),
    )


@pytest.mark.parametrize("name", SEED_VARIANTS)
def test_seed_article_fields(name: str) -> None:
    lines = _seed_lines()
    article = _extract(name)
    assert isinstance(article, Article)
    assert article.title == lines[4]
    assert [block.text for block in article.blocks] == [lines[5], lines[7], lines[8], lines[11], lines[13]]
    assert [figure.caption for figure in article.figures] == [
        lines[6],
        f"{lines[9]} {lines[10]}",  # one caption split over two lines by <br>
        lines[12],  # nearly repeats the paragraph above it, still a caption
        lines[14],
    ]
    assert article.signature == "BAN DÂN VẬN QUẬN ỦY."
    assert article.url.endswith("/web/neoportal/-/" + INDEX[name]["url"].split("/-/")[1].split("?")[0])
    boilerplate = (lines[0], lines[1], lines[2], lines[3], lines[-1], "Quay lại", "Lượt xem", "Facebook")
    for leaked in boilerplate:
        assert all(leaked not in block.text for block in article.blocks), leaked


@pytest.mark.parametrize("name", [n for n in SEED_VARIANTS if "web_content" not in n])
def test_seed_publish_date(name: str) -> None:
    article = _extract(name)
    assert isinstance(article, Article)
    assert article.published == "2023-03-23"
    expected_source = "body+sitemap-year" if name == "seed_date_in_body_only" else "metadata"
    assert article.published_source == expected_source


def test_web_content_display_without_year_is_not_dated() -> None:
    article = _extract("seed_web_content_display")
    assert isinstance(article, Article)
    assert article.published is None
    assert "body-date-without-year" in article.flags


def test_listing_is_not_an_article() -> None:
    result = _extract("listing_tin_tuc_su_kien")
    assert isinstance(result, NotArticle)
    assert result.kind == "listing"
