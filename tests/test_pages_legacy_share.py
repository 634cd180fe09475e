"""When is an article 'typed in a legacy encoding', so that every field of it is read in that encoding however short?
When its legacy text is at least as much as its Unicode Vietnamese. An article typed in Unicode with one pasted TCVN3
paragraph has that paragraph repaired where it is found, and its other fields are not forced through TCVN3 (a Swedish
'på' in a caption would become 'pồ')."""

from __future__ import annotations

import pytest

from dvscrape.pages.article import Article, Block, Figure
from dvscrape.pages.finish import legacy_encoding, normalise_article
from tests.corpora import iconv

UNICODE_PARAGRAPHS = (
    "Sáng ngày 15 tháng 2, Ban Dân vận Quận ủy quận Tân Bình tổ chức hội nghị tổng kết công tác dân vận năm 2023.",
    "Phát biểu tại hội nghị, đồng chí Trưởng ban nhấn mạnh vai trò của công tác dân vận chính quyền trên địa bàn.",
    "Kết quả này được Ủy ban nhân dân quận ghi nhận và biểu dương tại hội nghị sơ kết quý.",
)
PASTED = "Phường đã phối hợp với các đoàn thể vận động người dân giữ gìn vệ sinh môi trường"


def _tcvn3(text: str) -> str:
    data = iconv(text, "TCVN5712-1")
    if data is None:
        pytest.skip("glibc iconv cannot write TCVN5712-1 here")
    return data.decode("latin-1")


def _article(blocks: tuple[str, ...], caption: str, title: str = "Hội nghị tổng kết công tác dân vận") -> Article:
    return Article(
        url="https://example.gov.vn/-/a",
        fetched_url="https://example.gov.vn/-/a",
        locale="vi_VN",
        title=title,
        blocks=tuple(Block("paragraph", text) for text in blocks),
        figures=(Figure("https://example.gov.vn/a.jpg", caption=caption),),
    )


def test_a_unicode_article_with_a_pasted_tcvn3_paragraph_keeps_a_foreign_caption() -> None:
    article = _article((*UNICODE_PARAGRAPHS, _tcvn3(PASTED)), caption="Stockholm på vintern")
    assert legacy_encoding(article) == (None, False)
    done = normalise_article(article)
    assert done.figures[0].caption == "Stockholm på vintern"
    assert [block.text for block in done.blocks] == [*UNICODE_PARAGRAPHS, PASTED]  # the paste is still repaired


def test_an_article_typed_in_tcvn3_reads_every_field_in_it() -> None:
    caption = "Khóm 3"  # one short legacy word: read in TCVN3 only because the article is
    article = _article(
        tuple(_tcvn3(text) for text in (*UNICODE_PARAGRAPHS, PASTED)),
        caption=_tcvn3(caption),
        title=_tcvn3("Hội nghị tổng kết công tác dân vận"),
    )
    assert legacy_encoding(article) == ("tcvn3", False)
    done = normalise_article(article)
    assert done.figures[0].caption == caption
    assert done.title == "Hội nghị tổng kết công tác dân vận"
