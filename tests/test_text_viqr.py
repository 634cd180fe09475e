"""VIQR against an encoder written from RFC 1456 (tests/viqr_rfc1456.py), not from dvscrape's tables: real Vietnamese
sentences (VLSP 2013, shipped with underthesea) typed with RFC 1456's escapes, unescaped as most typists wrote, and
with '*' for the horn, decoded back; the full stop that reads like a dot-below tone; text that is not VIQR left as
it is."""

from __future__ import annotations

import re

import pytest

from dvscrape.text import normalize
from dvscrape.text.legacy import decode_legacy_runs
from tests.corpora import vietnamese_sentences
from tests.viqr_rfc1456 import VIQR_STYLES, ViqrStyle, encode_viqr

needs_underthesea = pytest.mark.skipif(not vietnamese_sentences(), reason="underthesea (test extra) not installed")


def test_the_independent_encoder_follows_rfc_1456() -> None:
    text = "Người được hưởng lợi ích. Ủy ban họp hôm qua? Đúng."
    assert encode_viqr(text, "rfc") == "Ngu+o+`i ddu+o+.c hu+o+?ng lo+.i i'ch. U?y ban ho.p ho^m qua\\? DDu'ng."
    assert encode_viqr(text, "plain") == "Ngu+o+`i ddu+o+.c hu+o+?ng lo+.i i'ch. U?y ban ho.p ho^m qua? DDu'ng."
    assert encode_viqr(text, "star") == "Ngu*o*`i ddu*o*.c hu*o*?ng lo*.i i'ch. U?y ban ho.p ho^m qua? DDu'ng."
    assert encode_viqr("Genève, São Paulo, 3.5", "rfc") == "Gene`ve, Sa~o Paulo, 3.5"
    assert encode_viqr("Hà Nội.", "rfc") == "Ha` No^.i\\."  # a mark after a vowel's own marks is escaped too


def _paragraphs() -> list[str]:
    sentences = list(vietnamese_sentences())
    return [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]


@needs_underthesea
@pytest.mark.parametrize("style", VIQR_STYLES)
def test_real_paragraphs_typed_in_viqr_decode_back(style: ViqrStyle) -> None:
    paragraphs = _paragraphs()
    assert len(paragraphs) > 500
    wrong = [text for text in paragraphs if normalize(encode_viqr(text, style)) != text]
    # What is left: a final '.' or '?' before a capital where the rarer reading was meant and nothing in the text
    # tells ('cư? Trung Quốc' read 'cư?', 'độc gia? T.N.'), a name ('Cư. Linh'), an apostrophe after a consonant
    # ('Mon'tkio+'), a sentence that ends without a full stop ('hình sự').
    assert len(wrong) <= 0.01 * len(paragraphs), wrong[:5]


@needs_underthesea
@pytest.mark.parametrize("style", VIQR_STYLES)
def test_a_viqr_sentence_inside_unicode_text_decodes_back(style: ViqrStyle) -> None:
    wrong = []
    for number, text in enumerate(_paragraphs()):
        sentences = re.split(r"(?<=[.?!]) ", text)
        index = number % len(sentences)
        sentences[index] = encode_viqr(sentences[index], style)  # with its full stop
        if normalize(" ".join(sentences)) != text:
            wrong.append(text)
    assert len(wrong) <= 0.01 * len(_paragraphs()), wrong[:5]


@pytest.mark.parametrize(
    ("viqr", "unicode"),
    [
        # A '.' before a capital: the tone when the toned word is the more frequent ('vụ' over 'vu') ...
        ("Ban Thu+o+`ng vu. Quo^'c ho^.i ho.p ho^m qua.", "Ban Thường vụ Quốc hội họp hôm qua."),
        ("Ca'c o^ng dda^`y ddu? nghi~a vu. Tha`nh vie^n WTO.", "Các ông đầy đủ nghĩa vụ Thành viên WTO."),
        ("Ho^.i nghi. Bo^. tru+o+?ng ho.p ta.i Hue^'.", "Hội nghị Bộ trưởng họp tại Huế."),
        # ... and a full stop when the plain word is ('qua' over 'quạ', 'nhau' over 'nhạu').
        ("Ho. ho.p ho^m qua. Sau ddo' ho. ve^` nha`.", "Họ họp hôm qua. Sau đó họ về nhà."),
        ("Ho. gia'p ma(.t nhau. Ho^m nay tro+`i mu+a.", "Họ giáp mặt nhau. Hôm nay trời mưa."),
        # Inside a sentence it is the tone; at the end of the text a full stop; '?' the same way.
        ("Cu. the^? la` ca'c vu. a'n lo+'n.", "Cụ thể là các vụ án lớn."),
        ("Ba.n ddi dda^u? To^i o+? nha`.", "Bạn đi đâu? Tôi ở nhà."),
        ("U?y ban nha^n da^n qua^.n ho.p. U?y vie^n co' ma(.t.", "Ủy ban nhân dân quận họp. Ủy viên có mặt."),
        # A single letter before a capital is an initial or a numeral.
        ("I. To^?ng quan. A. Tocqueville vie^'t ve^` Hoa Ky`.", "I. Tổng quan. A. Tocqueville viết về Hoa Kỳ."),
        # Quotes, ellipses, a tone and a full stop, RFC 1456's escapes at a word's end.
        ("Ve^` “di.ch vu.” va` “thu+o+ng ma.i”.", "Về “dịch vụ” và “thương mại”."),
        ("Ca'c to^n gia'o... va` hi`nh su+.. Ho^.i nghi....", "Các tôn giáo... và hình sự. Hội nghị..."),
        ("To^' ca'o\\... va` qua\\. Xong chu+a\\?", "Tố cáo... và qua. Xong chưa?"),
        # A capitalised word that opens sentences ('Theo', 'Các', 'Tôi') follows a full stop, not a tone ...
        ("Ho. vi pha.m ha`nh vi. Theo quy ddi.nh, ho. bi. pha.t.", "Họ vi phạm hành vi. Theo quy định, họ bị phạt."),
        ("Ca'c gia?i pha'p kha? thi. Ca'c phu+o+`ng dde^`u la`m.", "Các giải pháp khả thi. Các phường đều làm."),
        # ... and so does an item of a list.
        ("Lua^.t pha'p nu+o+'c ta. g) Mo^.t so^' vie^.c.", "Luật pháp nước ta. g) Một số việc."),
        # Where nothing after it tells, the text's own spelling of the two syllables does ('đầu tư' elsewhere).
        ("Kha'i nie^.m dda^`u tu+. Lua^.t DDa^`u tu+ quy ddi.nh.", "Khái niệm đầu tư. Luật Đầu tư quy định."),
        ("Nga`nh hi`nh su+. Bo^. lua^.t hi`nh su+. mo+'i.", "Ngành hình sự Bộ luật hình sự mới."),
        # A word quoted alone is a term: its mark is the tone.
        ("Chu+~ “tu+?” ddu+o+.c du`ng.", "Chữ “tử” được dùng."),
        # The list marker 'đ.' (a, b, c, d, đ) does not end the run.
        ("Ca'c vie^.c sau: dd. Su+. la~nh dda.o cu?a DDa?ng.", "Các việc sau: đ. Sự lãnh đạo của Đảng."),
        # Transliterated names in a VIQR run.
        ("Ho. dde^'n Gene`ve, Honddurat va` Bo^lo^via.", "Họ đến Genève, Honđurat và Bôlôvia."),
        ("Ngu*o*`i da^n ddu*o*.c hu*o*?ng lo*.i. Ta^'t ca? dde^`u vui.", "Người dân được hưởng lợi. Tất cả đều vui."),
    ],
)
def test_viqr_full_stops_that_read_like_tones(viqr: str, unicode: str) -> None:
    assert normalize(viqr) == unicode


def test_the_sentence_before_an_escaped_viqr_sentence_keeps_its_full_stop() -> None:
    # RFC 1456 text writes a literal full stop after a vowel as '\\.': an unescaped one is the tone, but only inside
    # the VIQR, not at the end of the Unicode sentence before it.
    text = "Luật này áp dụng ở nước ta. Ca'c co+ quan pha?i thu+.c hie^.n ho^m nay\\."
    assert normalize(text) == "Luật này áp dụng ở nước ta. Các cơ quan phải thực hiện hôm nay."


@pytest.mark.parametrize(
    "text",
    [
        "Don't? It's. We're here, you've seen it; I'd go. Is it a? Call me. Then go to Ma'am O'Neil.",
        "Buddha, Eddie and Addis Ababa. See http://example.com/a.b?c=d and vu.quoc@example.vn now.",
        "Run a.b.c? x?y: it's `re` or ``os.path``; use re.sub(r'a\\.', '', s) and ~/x.y.",
        "Người dân được hưởng lợi ích. Ban Thường vụ Quốc hội họp hôm qua. Sau đó?",
    ],
)
def test_text_that_is_not_viqr_is_left_alone(text: str) -> None:
    assert normalize(text) == text
    assert decode_legacy_runs(text) == text
