"""Publication dates a page does not show: inferred from the listing entry or the lede, recorded as inferred
(published_source says where from; articles.published_inferred, migration m0013)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from dvscrape.archive.db import Archive
from dvscrape.archive.migrations import apply_migrations
from dvscrape.pages import Article, PageContext, extract_page
from dvscrape.sites import get_profile

URL = "https://tanbinh.hochiminhcity.gov.vn/web/neoportal/-/hoi-nghi-so-ket"


def _page(lead: str, date_span: str = "") -> str:
    meta = f'<span class="metadata-publish-date">{date_span}</span>' if date_span else ""
    words = " ".join(["chữ"] * 80)
    return (
        "<html><head><title>Hội nghị sơ kết</title></head><body><div id='main-content'>"
        '<div class="portlet-boundary" id="p_p_id_56_INSTANCE_x_">'
        f'{meta}<div class="journal-content-article"><p>{lead} {words}.</p><p>Đồng chí Phó Chủ tịch chủ trì.</p>'
        "</div></div></div></body></html>"
    )


def _extract(lead: str, context: PageContext, date_span: str = "") -> Article:
    article = extract_page(URL, _page(lead, date_span), get_profile("tanbinh"), context)
    assert isinstance(article, Article)
    return article


@pytest.mark.parametrize(
    ("lead", "context", "published", "source"),
    [
        # the listing entry that linked the article comes first
        ("Ngày 8/2, UBND quận tổ chức hội nghị.", PageContext(listing_date="2024-02-09"), "2024-02-09", "listing"),
        # the lede, its year from the sitemap's lastmod
        (
            "Sáng 23/9, UBND quận tổ chức hội nghị.",
            PageContext(sitemap_lastmod="2024-10-01"),
            "2024-09-23",
            "body+sitemap-year",
        ),
        (
            "Chiều 9/2, UBND quận tổ chức hội nghị.",
            PageContext(sitemap_lastmod="2024-03-01T10:00:00Z"),
            "2024-02-09",
            "body+sitemap-year",
        ),
        (
            "Tối 5/6, UBND quận tổ chức hội nghị.",
            PageContext(sitemap_lastmod="2024-01-15"),
            "2023-06-05",
            "body+sitemap-year",
        ),
        # the lede with its own year
        ("Ngày 14/4/2022, UBND quận tổ chức hội nghị.", PageContext(), "2022-04-14", "body"),
    ],
)
def test_a_date_the_page_does_not_show_is_inferred(
    lead: str, context: PageContext, published: str, source: str
) -> None:
    article = _extract(lead, context)
    assert (article.published, article.published_source, article.published_inferred) == (published, source, True)


def test_a_lede_without_year_and_no_context_gives_no_date() -> None:
    article = _extract("Ngày 8/2, UBND quận tổ chức hội nghị.", PageContext())
    assert article.published is None and not article.published_inferred
    assert "body-date-without-year" in article.flags


def test_a_tcvn3_lede_is_read_too() -> None:
    lead = "Ngµy 8/2, UBND quËn tæ chøc héi nghÞ s¬ kÕt c«ng t¸c d©n vËn."
    article = _extract(lead, PageContext(sitemap_lastmod="2024-03-01"))
    assert (article.published, article.published_source) == ("2024-02-08", "body+sitemap-year")


def test_the_archive_records_the_flag(tmp_path: Path) -> None:
    shown = _extract("Ngày 8/2, UBND quận tổ chức hội nghị.", PageContext(), date_span="09/02/2024")
    assert (shown.published, shown.published_source, shown.published_inferred) == ("2024-02-09", "metadata", False)
    inferred = _extract("Ngày 8/2, UBND quận tổ chức hội nghị.", PageContext(sitemap_lastmod="2024-03-01"))
    with Archive.open(tmp_path / "archive") as archive:
        archive.save_article(shown, capture_id=None, seen_at="2024-03-02T00:00:00Z")
        archive.save_article(
            Article(**{**inferred.__dict__, "url": URL + "-2"}), capture_id=None, seen_at="2024-03-02T00:00:00Z"
        )
        rows = list(archive.db.query("SELECT url, published_source, published_inferred FROM articles ORDER BY url"))
    assert [(row["published_source"], row["published_inferred"]) for row in rows] == [
        ("metadata", 0),
        ("body+sitemap-year", 1),
    ]


def test_the_migration_sets_the_flag_of_older_rows(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    db = Database(folder / "archive.sqlite")
    apply_migrations(db, stop_before="m0013_published_inferred")
    for url, source, date in (
        ("https://x/a", "metadata", "2024-01-01"),
        ("https://x/b", "listing", "2024-01-02"),
        ("https://x/c", "body+listing-year", "2024-01-03"),
        ("https://x/d", "", None),
    ):
        db.execute(
            "INSERT INTO articles (url, title, content_hash, first_seen, last_seen, published_source, published_date) "
            "VALUES (?, 't', 'h', '2024-01-01', '2024-01-01', ?, ?)",
            [url, source, date],
        )
    db.conn.commit()
    db.close()
    with Archive.open(folder) as archive:
        flags = {row["url"]: row["published_inferred"] for row in archive.db.query("SELECT * FROM articles")}
    assert flags == {"https://x/a": 0, "https://x/b": 1, "https://x/c": 1, "https://x/d": 0}
