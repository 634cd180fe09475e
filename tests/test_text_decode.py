"""decode_html of dvscrape.text: declarations honoured, wrong ones survived, windows-1258 composed."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pytest

from dvscrape.text import decode_html, header_charset, sniff_charset
from dvscrape.text.letters import split_tone

GOLDEN_PAGES = Path(__file__).parent / "golden" / "pages"

BODY = (
    "<p>Ngày 23/3, Ban Dân vận Quận ủy phối hợp với Ủy ban nhân dân quận Tân Bình tổ chức hội nghị; "
    "“Dân vận khéo” – Trường, Đảng, người dân.</p>"
)


def page(meta: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{meta}<title>Tin tức</title></head><body>{BODY}</body></html>"


def windows_1258(text: str) -> bytes:
    """Encode as windows-1258 does: precomposed base letter (â, ơ, đ …) plus a combining tone byte."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = split_tone(char)
            assert parts is not None, char
            out += (parts[0] + parts[1]).encode("cp1258")
    return bytes(out)


def test_utf8_with_correct_declaration() -> None:
    html = page('<meta charset="utf-8">')
    assert decode_html(html.encode("utf-8"), "utf-8") == html
    assert decode_html(html.encode("utf-8")) == html


@pytest.mark.parametrize("wrong", ["iso-8859-1", "windows-1252", "windows-1258", "us-ascii"])
def test_utf8_survives_a_wrong_declaration(wrong: str) -> None:
    html = page(f'<meta http-equiv="Content-Type" content="text/html; charset={wrong}">')
    assert decode_html(html.encode("utf-8"), wrong) == html
    assert decode_html(html.encode("utf-8")) == html


def test_windows_1258_is_composed() -> None:
    html = page('<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">')
    data = windows_1258(html)
    assert b"\xd2" in data or b"\xf2" in data  # combining tone bytes are really there
    decoded = decode_html(data)
    assert decoded == html and unicodedata.is_normalized("NFC", decoded)
    assert decode_html(data, "windows-1258") == html


@pytest.mark.parametrize("declared", [None, "utf-8"])
def test_windows_1258_survives_a_missing_or_wrong_declaration(declared: str | None) -> None:
    html = page()
    assert decode_html(windows_1258(html), declared) == html


def test_windows_1252_page_is_read_as_declared() -> None:
    html = "<html><head><meta charset='iso-8859-1'></head><body>Café – “quote” Müller</body></html>"
    assert decode_html(html.encode("cp1252")) == html


def test_legacy_font_page_keeps_its_characters_for_normalize() -> None:
    html = "<html><body><font face='.VnTime'>Céng hoµ x· héi chñ nghÜa ViÖt Nam</font></body></html>"
    assert decode_html(html.encode("cp1252"), "windows-1252") == html


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_bom_decides(bom: bytes, codec: str) -> None:
    html = page('<meta charset="windows-1258">')
    assert decode_html(bom + html.encode(codec), "iso-8859-1") == html


def test_mostly_utf8_with_a_broken_byte() -> None:
    html = page('<meta charset="utf-8">')
    data = html.encode("utf-8").replace(b"</title>", b"\xff</title>")
    decoded = decode_html(data, "utf-8")
    assert "\ufffd" in decoded and BODY in decoded


def test_unknown_declaration_is_ignored() -> None:
    html = page()
    assert decode_html(html.encode("utf-8"), "x-unknown-charset") == html


@pytest.mark.parametrize(
    ("head", "charset"),
    [
        (b'<meta charset="UTF-8">', "utf-8"),
        (b"<meta charset=windows-1258>", "windows-1258"),
        (b'<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=ISO-8859-1">', "iso-8859-1"),
        (b"<title>no charset</title>", None),
    ],
)
def test_sniff_charset(head: bytes, charset: str | None) -> None:
    assert sniff_charset(b"<html><head>" + head + b"</head></html>") == charset


def test_undefined_windows_1252_bytes_are_kept_so_mojibake_can_be_fixed() -> None:
    from dvscrape.text import fix_mojibake

    html = "<html><head><meta charset='windows-1252'></head><body>Trường, người, thời gian</body></html>"
    decoded = decode_html(html.encode("utf-8")[:-1] + b"\x9d", "windows-1252")  # not UTF-8 any more
    assert "\ufffd" not in decoded and "\x9d" in decoded
    assert fix_mojibake(decoded).startswith(html[:-1])


def test_windows_1258_page_served_as_iso_8859_1() -> None:
    html = page('<meta charset="windows-1258">')
    assert decode_html(windows_1258(html), "iso-8859-1") == html
    assert decode_html(windows_1258(page()), "iso-8859-1") == page()


def test_an_xhtml_page_declaring_its_charset_only_in_the_xml_declaration_is_read_with_it() -> None:
    """Defect fixed: only <meta> tags were read, so an XHTML page whose one declaration is
    <?xml … encoding="windows-1251"?> was decoded as windows-1252 (Beautiful Soup's EncodingDetector reads both)."""
    text = "Добро пожаловать на портал"
    data = f'<?xml version="1.0" encoding="windows-1251"?>\n<html><body><p>{text}</p></body></html>'.encode("cp1251")
    assert sniff_charset(data) == "windows-1251"
    assert text in decode_html(data)


@pytest.mark.parametrize(
    ("content_type", "charset"),
    [
        ("text/html; charset=UTF-8", "UTF-8"),
        ('text/html; charset="windows-1258"', "windows-1258"),
        ("text/html;charset='iso-8859-1'; foo=bar", "iso-8859-1"),
        ("text/html; Charset = x-user_defined", "x-user_defined"),
        ("text/html", None),
        ("", None),
        (None, None),
    ],
)
def test_header_charset(content_type: str | None, charset: str | None) -> None:
    assert header_charset(content_type) == charset


def _declaration_variants() -> list[bytes]:
    """Page starts declaring a charset in the ways pages do (and some they should not), and pages declaring none."""
    heads = []
    for label in (b"UTF-8", b"windows-1258", b"iso-8859-1", b"x-unknown", b""):
        for quote in (b'"', b"'", b""):
            heads += [
                b"<meta charset=" + quote + label + quote + b">",
                b"<META charset = " + quote + label + quote + b" />",
                b'<meta http-equiv="Content-Type" content="text/html; charset=' + label + b'">',
                b'<meta content="text/html;charset=' + label + b'" http-equiv="content-type" />',
                b"<?xml version="
                + quote
                + b"1.0"
                + quote
                + b" encoding="
                + (quote or b'"')
                + label
                + (quote or b'"')
                + b"?>\n<html>",
            ]
    heads += [b"<title>no charset</title>", b'<meta name="viewport" content="width=device-width">', b""]
    return [b"<html><head>" + head + b"</head>" if not head.startswith(b"<?xml") else head for head in heads]


def test_sniff_charset_reads_declarations_as_beautiful_soup_does() -> None:
    """Witness: bs4's EncodingDetector, which this module used before, on every declaration form and on the real
    and replica pages in tests/golden, whole and with the declaration pushed past the first 2 KiB."""
    from bs4.dammit import EncodingDetector

    pages = _declaration_variants() + [path.read_bytes() for path in sorted(GOLDEN_PAGES.glob("*.html"))]
    pages += [b"<html><head>" + b"<!-- padding -->" * 200 + b'<meta charset="windows-1258">' for _ in range(1)]
    assert len(pages) > 80
    for data in pages:
        theirs = EncodingDetector.find_declared_encoding(data[:2048], is_html=True)
        assert sniff_charset(data) == (theirs.strip().strip("\"'").lower() or None if theirs else None), data[:300]
