"""Article pages whose charset a crawler must work out (hostile group ``charsets``): given only by a ``<meta>`` tag,
only by a byte-order mark, wrongly by the HTTP header, or nowhere at all (UTF-8 with a stray byte, and
windows-1258). Each is the replica's own article page, re-encoded, with a title of its own to check the reading by.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

KINDS = ("meta-only", "bom-only", "wrong-header", "unlabelled-utf8", "unlabelled-1258")
STRAY_MARK = "CHARSETSTRAY"
_META = re.compile(rb"<meta[^>]*charset=[^>]*>", re.IGNORECASE)
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # the tone marks windows-1258 writes as combining bytes


def title(kind: str) -> str:
    """The title of the page of *kind*: Vietnamese in every tone, so that a wrong reading shows."""
    return f"Bảng mã {kind}: Phường Tân Bình đẩy mạnh chỉnh trang đô thị, hỗ trợ người dân ổn định cuộc sống"


def body_html(base: str) -> str:
    """The body of the pages: the base article's, with a mark where the unlabelled UTF-8 page gets a stray byte."""
    return f"<p>Đoạn mở đầu: ngữ cảnh của bảng mã {STRAY_MARK}.</p>\n{base}"


def encoded(kind: str, page: bytes) -> tuple[tuple[tuple[str, str], ...], bytes]:
    """(response headers, body) of the page of *kind*, from the replica's UTF-8 *page* of it."""
    page = page.replace(STRAY_MARK.encode(), b"\x92" if kind == "unlabelled-utf8" else b"")
    unlabelled = (("Content-Type", "text/html"),)
    if kind == "meta-only":
        meta = b'<meta content="text/html; charset=windows-1258" http-equiv="content-type" />'
        return unlabelled, windows_1258(_META.sub(meta, page, count=1).decode("utf-8"), "xmlcharrefreplace")
    if kind == "bom-only":
        return unlabelled, codecs.BOM_UTF16_LE + _META.sub(b"", page).decode("utf-8").encode("utf-16-le")
    if kind == "wrong-header":
        return (("Content-Type", "text/html; charset=ISO-8859-1"),), page
    if kind == "unlabelled-utf8":
        return unlabelled, _META.sub(b"", page)
    return unlabelled, windows_1258(_META.sub(b"", page).decode("utf-8"), "xmlcharrefreplace")


def windows_1258(text: str, errors: str = "strict") -> bytes:
    """*text* as windows-1258 writes it: base letters precomposed (â, ơ, đ…), tone marks as combining bytes; a
    character the code page lacks raises UnicodeEncodeError, or is handled as codecs' *errors* says."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(part for part in parts if part not in _TONES))
        tones = "".join(part for part in parts if part in _TONES)
        out += (base + tones).encode("cp1258", errors=errors)
    return bytes(out)
