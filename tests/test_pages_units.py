"""Focused tests of the page objects' parts: decoding, units, captions and signatures, dates, page kinds."""

from __future__ import annotations

import unicodedata
from urllib.parse import urljoin

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dvscrape.errors import ExtractionError
from dvscrape.pages import Article, NotArticle, PageContext, extract_page
from dvscrape.pages.assemble import assemble
from dvscrape.pages.dom import decode_document, join_url
from dvscrape.pages.units import UnitWalker
from dvscrape.sites import get_profile
from dvscrape.text import lead_date, read_date

PAGE = "https://tanbinh.hochiminhcity.gov.vn/web/neoportal/-/bai-viet"


def _assemble(body_html: str):  # type: ignore[no-untyped-def]
    body = lxml.html.fragment_fromstring(body_html, create_parent="div")
    return assemble(UnitWalker(PAGE).walk(body), get_profile("tanbinh").boilerplate)


def test_caption_over_two_lines_is_one_caption() -> None:
    result = _assemble(
        '<p>Đoạn một.</p><p style="text-align:center"><img src="/documents/1/2/a.jpg/u"/></p>'
        '<p style="text-align:center"><em>Đồng chí A,<br/>Phó Bí thư phát biểu</em></p><p>Đoạn hai.</p>'
    )
    assert [b.text for b in result.blocks] == ["Đoạn một.", "Đoạn hai."]
    assert result.figures[0].caption == "Đồng chí A, Phó Bí thư phát biểu"
    assert result.figures[0].image_url == "https://tanbinh.hochiminhcity.gov.vn/documents/1/2/a.jpg/u"


def test_photo_without_caption_does_not_swallow_next_paragraph() -> None:
    result = _assemble(
        '<p style="text-align:center"><img src="/a.jpg"/></p>'
        '<p style="text-align: justify;"><em>Xem thêm: <a href="/web/neoportal/-/x">Bài khác</a></em></p>'
        '<p style="text-align:right"><strong>PHÒNG NỘI VỤ</strong></p>'
    )
    assert result.figures[0].caption == ""
    assert [b.text for b in result.blocks] == []  # a navigation line: dropped, not taken as the caption
    assert "navigation-dropped:Xem thêm: Bài khác" in result.flags
    assert result.signature == "PHÒNG NỘI VỤ"
    assert "figure-without-caption" in result.flags


@pytest.mark.parametrize(
    "line",
    [
        '<p>Tin liên quan: <a href="/web/neoportal/-/a">Xem chi tiết</a></p>',
        '<p><em>Xem thêm: <a href="/web/neoportal/-/b">Quận tổ chức hội nghị tổng kết công tác dân vận</a></em></p>',
        '<p>Tải về: <a href="/documents/20182/0/ke-hoach.pdf/u">Kế hoạch số 666/KH-UBND</a></p>',
        '<div>- File đính kèm: <a href="/documents/1/2/qd.docx/u"><strong>Quyết định 15</strong></a></div>',
    ],
)
def test_navigation_lines_leave_the_body(line: str) -> None:
    result = _assemble(f"<p>Đoạn một.</p>{line}<p>Đoạn hai.</p>")
    assert [b.text for b in result.blocks] == ["Đoạn một.", "Đoạn hai."]
    assert any(flag.startswith("navigation-dropped:") for flag in result.flags)


@pytest.mark.parametrize(
    "line",
    [
        "<p>Xem thêm: quận đã tổ chức 12 buổi đối thoại với người dân trong năm.</p>",  # prose, no link
        '<p>Tải về: người dân có thể xem <a href="/a">hướng dẫn</a> tại bộ phận một cửa của phường.</p>',
    ],
)
def test_prose_that_starts_like_navigation_stays(line: str) -> None:
    result = _assemble(f"<p>Đoạn một.</p>{line}")
    assert len(result.blocks) == 2


@pytest.mark.parametrize(
    "signature_html",
    [
        '<p style="text-align: right;"><strong>BAN DÂN VẬN QUẬN ỦY.</strong></p>',
        '<p style="text-align: right;">Thanh Tâm</p>',
        "<p>UBND PHƯỜNG 5</p>",
        "<p><b>PHÒNG TƯ PHÁP</b></p>",
    ],
)
def test_signature_styles(signature_html: str) -> None:
    result = _assemble(f"<p>Nội dung bài viết dài.</p><p>&nbsp;</p>{signature_html}")
    assert result.signature
    assert [b.text for b in result.blocks] == ["Nội dung bài viết dài."]


def test_last_plain_paragraph_is_not_a_signature() -> None:
    result = _assemble("<p>Nội dung bài viết.</p><p>Đoạn cuối của bài viết.</p>")
    assert result.signature == ""
    assert len(result.blocks) == 2


def test_headings_lists_and_tables() -> None:
    result = _assemble(
        "<p><strong>Kết quả đạt được</strong></p><ul><li>Một</li><li>Hai</li></ul>"
        "<h3>Giải pháp</h3><table><tr><th>STT</th><th>Nội dung</th></tr><tr><td>1</td><td>Xong</td></tr></table>"
        "<p>Kết thúc bài.</p>"
    )
    assert [(b.kind, b.text) for b in result.blocks] == [
        ("heading", "Kết quả đạt được"),
        ("list", "Một\nHai"),
        ("heading", "Giải pháp"),
        ("table", "STT | Nội dung\n1 | Xong"),
        ("paragraph", "Kết thúc bài."),
    ]


def test_caption_in_table_cell_and_figcaption() -> None:
    result = _assemble(
        '<table><tr><td><img src="/a.jpg"/></td></tr><tr><td style="text-align:center">Toàn cảnh</td></tr></table>'
        '<figure><img src="/b.jpg" alt="b"/><figcaption>Quang cảnh</figcaption></figure><p>Văn bản.</p>'
    )
    assert [(f.alt, f.caption) for f in result.figures] == [("", "Toàn cảnh"), ("b", "Quang cảnh")]
    assert [b.text for b in result.blocks] == ["Văn bản."]


def test_boilerplate_lines_are_dropped_and_flagged() -> None:
    result = _assemble("<p>Quay lại</p><p>Nội dung.</p><p>Lượt xem: 1234</p>")
    assert [b.text for b in result.blocks] == ["Nội dung."]
    assert any(flag.startswith("boilerplate-dropped") for flag in result.flags)


def test_decoding_windows_1258_and_nfd() -> None:
    text = "Tân Bình"
    cp1258 = "Tân Bi\u0300nh".encode("cp1258")  # cp1258 writes tones as combining marks
    decoded = decode_document(b'<meta charset="windows-1258"><p>' + cp1258 + b"</p>")
    assert text in decoded.text
    assert decode_document(unicodedata.normalize("NFD", text)).text == text


def test_empty_input_is_an_error() -> None:
    with pytest.raises(ExtractionError):
        extract_page(PAGE, b"   ", get_profile("tanbinh"))


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("23/03/2023", "vi", "2023-03-23"),
        ("3/23/23", "en_US", "2023-03-23"),
        ("23/03/2023 09:12", "vi_VN", "2023-03-23T09:12"),
        ("2023-03-24T09:12:00+07:00", "vi", "2023-03-24T09:12"),
        ("ngày 14 tháng 4 năm 2022", "vi", "2022-04-14"),
    ],
)
def test_display_dates(text: str, locale: str, expected: str) -> None:
    found = read_date(text, locale)
    assert found is not None and found.value == expected


def test_body_date_takes_year_from_context() -> None:
    assert lead_date("Ngày 23/3, Ban Dân vận …", "2023-03-24") is not None
    found = lead_date("Ngày 30/12, hội nghị …", "2024-01-02")
    assert found is not None and found.value == "2023-12-30"
    assert lead_date("Ngày 23/3, Ban Dân vận …", None) is None
    assert lead_date("Vừa qua, Ban Dân vận …", "2023-03-24") is None


def _page(body: str, title: str = "Trang") -> str:
    return f"<html><head><title>{title}</title></head><body><div id='main-content'>{body}</div></body></html>"


def test_soft_404_is_not_an_article() -> None:
    html = _page(
        '<div class="portlet-boundary" id="p_p_id_3_"><div class="alert alert-error">'
        "The requested resource could not be found.</div></div>"
    )
    result = extract_page(PAGE, html, get_profile("tanbinh"))
    assert isinstance(result, NotArticle) and result.kind == "not-found"


def test_home_page_is_not_an_article() -> None:
    result = extract_page(
        "https://tanbinh.hochiminhcity.gov.vn/web/neoportal/trang-chu", _page("<p>x</p>"), get_profile("tanbinh")
    )
    assert isinstance(result, NotArticle) and result.kind == "home"


def test_generic_fallback_is_flagged() -> None:
    words = " ".join(["chữ"] * 80)
    result = extract_page(
        PAGE, _page(f"<h1>Tiêu đề</h1><div><p>{words}.</p><p>Thêm.</p></div>"), get_profile("tanbinh")
    )
    assert isinstance(result, Article)
    assert result.template == "generic" and "generic-fallback" in result.flags
    assert result.title == "Tiêu đề"


def test_listing_date_is_used_when_the_page_shows_none() -> None:
    words = " ".join(["chữ"] * 80)
    html = _page(
        '<div class="portlet-boundary" id="p_p_id_56_INSTANCE_x_"><div class="journal-content-article">'
        f"<p>Ngày 22/3, {words}.</p></div></div>"
    )
    result = extract_page(PAGE, html, get_profile("tanbinh"), PageContext(listing_date="2023-03-23"))
    assert isinstance(result, Article)
    assert (result.published, result.published_source) == ("2023-03-23", "listing")


def test_listing_entries_carry_their_shown_dates() -> None:
    from pathlib import Path

    from dvscrape.pages import extract_listing

    html = (Path(__file__).parent / "golden" / "pages" / "listing_tin_tuc_su_kien.html").read_bytes()
    listing = extract_listing(
        "https://tanbinh.hochiminhcity.gov.vn/web/neoportal/tin-tuc-su-kien", html, get_profile("tanbinh")
    )
    assert listing.category == "Tin tức sự kiện"
    assert [(e.url.rsplit("/-/", 1)[1], e.published) for e in listing.entries] == [
        (
            "quan-tan-binh-tang-cuong-phoi-hop-giua-ban-dan-van-quan-uy-va-uy-ban-nhan-dan-quan-trong-cong-tac-dan-van-nam-2023",
            "2023-03-23",
        ),
        ("hoi-dong-nghia-vu-phuong-10-to-chuc-hoi-nghi", "2023-03-20"),
    ]


@settings(max_examples=2000, deadline=None)
@given(
    st.sampled_from(["http://h.vn/a/b?c#d", "https://www.x.gov.vn", "http://127.0.0.1:8080/web/x/", "HTTP://H/a",
                     "https://u@h:1/p;q?r", "http://h?x=1", "https://h.vn/./a/../b/", "https://h.vn#f", "http://h\t/x",
                     "http://[::1]:8/x", "http://h x/y", "https://h_1.vn:80"]),
    st.text(alphabet="ab/.?#;=%:&@ 1+~\\\t\n'()*!$,_-ăZ9", max_size=14),
)  # fmt: skip
def test_join_url_joins_as_urljoin_joins(base: str, reference: str) -> None:
    """The short way for plain root-relative references (image sources, links) gives what urljoin gives."""
    for candidate in (reference, "/" + reference, "/" + reference.strip()):
        assert join_url(base, candidate) == urljoin(base, candidate)
