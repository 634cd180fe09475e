"""Normalisation runs once per text field, in the page object."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from dvscrape.pages import Article, extract_page
from dvscrape.pages.finish import QUOTING_FLAGS
from dvscrape.sites import get_profile


def test_each_text_field_is_normalised_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """extract_page normalises every text field exactly once (pages.finish holds the one list of fields); nothing
    after it normalises again."""
    import dvscrape.pages.extract as extract
    from dvscrape.pages.finish import text_normaliser
    from dvscrape.settings import ITEM_PIPELINES

    calls: list[str] = []

    def counting_normaliser(draft: Article) -> Callable[[str], str]:
        norm = text_normaliser(draft)

        def counting(text: str) -> str:
            calls.append(text)
            return norm(text)

        return counting

    monkeypatch.setattr(extract, "text_normaliser", counting_normaliser)
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
        + sum(flag.partition(":")[0] in QUOTING_FLAGS for flag in article.flags)  # the page text flags quote
    )
    assert len(calls) == fields
    assert not any("normalis" in name.lower() for name in ITEM_PIPELINES)


LEGACY_BODY = [
    "Ngày 8/2, Ủy ban nhân dân phường tổ chức hội nghị tổng kết công tác cải cách hành chính năm 2023 với sự tham dự "
    "của lãnh đạo các phòng ban, đoàn thể và đại diện người dân trên địa bàn phường cùng nhiều khách mời.",
    "Hội nghị đánh giá kết quả thực hiện kế hoạch, chỉ ra những hạn chế và đề ra nhiệm vụ trọng tâm cho năm tới, "
    "trong đó có việc đẩy mạnh ứng dụng công nghệ thông tin trong giải quyết thủ tục hành chính cho người dân.",
]
LEGACY_LINE = ("Tải về:", "Kế hoạch số 666/KH-UBND về công tác dân vận")


LEGACY_FIELDS = {
    "title": "Phường 9 tổ chức hội nghị",
    "caption": "Quang cảnh hội nghị tại phường",
    "signature": "Phường 9",
    "tag": "cải cách hành chính",
    "category": "Tin tức sự kiện",
}


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "viqr"])
def test_every_field_of_a_legacy_article_is_decoded_with_its_encoding(encoding: str) -> None:
    """An article typed in TCVN3, VNI or VIQR: title, body, caption, signature, document name, tag, category and the
    page text a flag quotes (a navigation line dropped from the body, cut after decoding) all come out in Unicode."""
    from dvscrape.replica.legacy import readable, typed

    lead, label = LEGACY_LINE
    shown = {name: typed(text, encoding) for name, text in LEGACY_FIELDS.items()}
    paragraphs = "".join(f"<p>{typed(text, encoding)}</p>" for text in LEGACY_BODY)
    html = (
        f"<html><head><title>{shown['title']}</title></head><body><div id='main-content'>"
        '<div class="portlet-boundary" id="p_p_id_101_INSTANCE_x_"><section class="portlet">'
        f'<h1 class="portlet-title"><span class="portlet-title-text">{shown["title"]}</span></h1>'
        '<div class="asset-full-content"><div class="journal-content-article">'
        f'{paragraphs}<p style="text-align:center"><img src="/documents/1/2/a.jpg/u"/></p>'
        f'<p style="text-align:center"><em>{shown["caption"]}</em></p>'
        f'<p>{typed(lead, encoding)} <a href="/documents/1/2/kh.pdf/u">{typed(label, encoding)}</a></p>'
        f'<p style="text-align:right"><strong>{shown["signature"]}</strong></p></div></div>'
        f'<div class="asset-categories"><a href="/c">{shown["category"]}</a></div>'
        f'<div class="asset-tag-summary"><a href="/t">{shown["tag"]}</a></div>'
        "</section></div></div></body></html>"
    )
    article = extract_page(
        "https://tanbinh.hochiminhcity.gov.vn/web/neoportal/-/bai-viet", html, get_profile("tanbinh")
    )
    truth = {name: readable(text, encoding) for name, text in LEGACY_FIELDS.items()}
    assert isinstance(article, Article)
    assert [block.text for block in article.blocks] == [readable(text, encoding) for text in LEGACY_BODY]
    assert (article.title, article.signature) == (truth["title"], truth["signature"])
    assert [figure.caption for figure in article.figures] == [truth["caption"]]
    assert [attachment.text for attachment in article.attachments] == [readable(label, encoding)]
    assert (article.tags, article.categories) == ((truth["tag"],), (truth["category"],))
    quotes = [flag.partition(":")[2] for flag in article.flags if flag.startswith("navigation-dropped:")]
    assert quotes == [readable(f"{lead} {label}", encoding)[:40]]
