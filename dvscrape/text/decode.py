"""Bytes of an HTML page → text, surviving missing and wrong charset declarations."""

from __future__ import annotations

import codecs
import re
from functools import cache

from dvscrape.text.legacy import decode_legacy_runs, from_legacy, may_hold_eight_bit
from dvscrape.text.syllables import is_vietnamese_syllable
from dvscrape.text.tones import tone_in_place
from dvscrape.text.unicode import to_nfc

_SNIFF_BYTES = 2048  # as far as Beautiful Soup looked for a <meta> charset (browsers: 1024)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([^\s"';,]+)""", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# The declarations a page may make of its charset: an XML declaration at its very start (XHTML), else the first
# <meta> tag naming a charset (`<meta charset=…>` or `<meta http-equiv=… content="…; charset=…">`).
_XML_DECLARED = re.compile(rb"""\A\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"'>]*)["']""", re.IGNORECASE)
_META_DECLARED = re.compile(rb"""<\s*meta\b[^>]*?charset\s*=\s*["']?([^\s"'/;>]*)""", re.IGNORECASE)
# Browsers read these labels as windows-1252 (WHATWG Encoding Standard); so do we.
_AS_WINDOWS_1252 = frozenset(("iso8859-1", "latin-1", "ascii", "cp1252"))
# A mostly-UTF-8 page with a few broken bytes is still UTF-8: at least this many good multi-byte letters per bad byte.
_UTF8_GOOD_PER_BAD = 4


def header_charset(content_type: str | None) -> str | None:
    """The charset parameter of an HTTP Content-Type value (``text/html; charset="windows-1258"``), or None: the
    label decode_html weighs first. Every reader of a page takes it from here, the crawl and the rebuild alike."""
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def sniff_charset(data: bytes) -> str | None:
    """The charset the page declares in its first 2 KiB, or None: an XML declaration's encoding (XHTML pages), or a
    `<meta charset>` or `<meta http-equiv="Content-Type" content="…; charset=…">` tag (tests check it against
    Beautiful Soup's EncodingDetector). Which declaration is believed, and what is done when it is wrong, is decided
    by decode_html."""
    head = data[:_SNIFF_BYTES]
    found = _XML_DECLARED.search(head) or _META_DECLARED.search(head)
    label = found.group(1).decode("ascii", "replace").strip().lower() if found else ""
    return label or None


def _codec_name(label: str | None) -> str | None:
    """Python's codec name for a charset label, or None for a label Python does not know."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'").lower()).name
    except LookupError:
        return None
    return "cp1252" if name in _AS_WINDOWS_1252 else name


def _utf8_quality(data: bytes) -> tuple[int, int]:
    """(multi-byte characters, undecodable bytes) when data is read as UTF-8."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    good = sum(1 for char in text if ord(char) > 0x7F and char != "\ufffd")
    return good, bad


def _vietnamese_words(text: str) -> int:
    """Words of text that are Vietnamese syllables with the tone where Vietnamese puts it: windows-1258 bytes read
    as windows-1252 make syllables too, but with the tone on the wrong vowel ('Phố' → 'Phôì')."""
    return sum(
        1
        for word in re.findall(r"[^\W\d_]+", text)
        if not word.isascii() and is_vietnamese_syllable(word) and tone_in_place(word)
    )


@cache
def _windows_table(codec: str) -> dict[int, str]:
    """Latin-1 character → the windows code page's character for the same byte; bytes the code page leaves undefined
    keep their C1 control, as browsers do (WHATWG), so no byte is lost."""
    table: dict[int, str] = {}
    for code in range(0x80, 0x100):
        try:
            table[code] = bytes([code]).decode(codec)
        except UnicodeDecodeError:
            continue
    return table


def _decode_single_byte(data: bytes, codec: str) -> str:
    if codec in ("cp1252", "cp1258"):
        text = data.decode("latin-1").translate(_windows_table(codec))
        return to_nfc(text) if codec == "cp1258" else text
    return data.decode(codec, errors="replace")


def _best_single_byte(data: bytes, labelled: list[str]) -> str:
    """Read data with the labelled single-byte codecs (windows-1252 when none) or windows-1258, keeping the reading
    with the most Vietnamese words; the first labelled codec wins a tie.

    Vietnamese pages that are not UTF-8 are windows-1258 (base letters + combining tones) or windows-1252 (often
    carrying TCVN3/VNI text shown through a legacy font), and servers often label a windows-1258 page ISO-8859-1.
    The windows-1252 reading is counted as legacy text too (_score).
    """
    candidates = list(dict.fromkeys([*(labelled or ["cp1252"]), "cp1258"]))
    readings = [_decode_single_byte(data, codec) for codec in candidates]
    if len(readings) == 1:
        return readings[0]
    pairs = zip(readings, candidates, strict=True)
    scores = [_score(reading, codec) for reading, codec in pairs]
    return readings[scores.index(max(scores))]


def _score(reading: str, codec: str) -> tuple[int, int]:
    """(Vietnamese words of the reading at its best, Vietnamese words as read). A windows-1252 reading is counted
    at its best as legacy text too: with its TCVN3/VNI runs decoded, or read wholly as TCVN3 or as VNI. Page bytes
    in a legacy font encoding are Vietnamese only that way, and would otherwise lose to the syllables windows-1258
    makes of them by chance; a short page ('MiÒn B¾c', Miền Bắc) holds too few words for run detection. The text
    stays as read: normalize decodes it. On a tie the reading that is Vietnamese as read wins: VNI's dot below is
    windows-1258's, so 'Trọng' in windows-1258 is VNI 'Troòng' too."""
    words = _vietnamese_words(reading)
    if codec != "cp1252" or not may_hold_eight_bit(reading):
        return words, words
    legacy = (decode_legacy_runs(reading), from_legacy(reading, "tcvn3"), from_legacy(reading, "vni"))
    return max(words, *map(_vietnamese_words, legacy)), words


_UNICODE_CODECS = frozenset(("utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"))


def decode_html(data: bytes, declared_encoding: str | None = None) -> str:
    """Decode the bytes of an HTML page to text.

    A byte-order mark decides first. Otherwise the declared encoding (the HTTP header's charset) and the page's own
    `<meta>` charset are used — unless they are wrong: bytes that are valid UTF-8 are read as UTF-8 whatever the
    labels say (a mostly valid UTF-8 page under a UTF-8 label too, its few bad bytes replaced). Other bytes are read
    with the labelled single-byte encoding, or windows-1252 when there is none, or windows-1258, whichever yields
    more Vietnamese words (the header's label wins a tie). windows-1258 text comes out composed (NFC). Latin-1 and
    ASCII labels are read as windows-1252, as browsers do, and bytes windows-1252/1258 leave undefined become the C1
    control of the same number, so fix_mojibake can still repair UTF-8 read this way. Other undecodable bytes become
    U+FFFD; this function never raises on bad data.
    """
    return read_html(data, declared_encoding)[0]


def read_html(data: bytes, declared_encoding: str | None = None) -> tuple[str, bool]:
    """decode_html's text, and whether *data* are that text in UTF-8 as they stand (a parser may take them as
    they are)."""
    for bom, bom_codec in _BOMS:
        if data.startswith(bom):
            return data.decode(bom_codec, errors="replace"), False
    if data.isascii():
        return data.decode("ascii"), True
    labels = [codec for codec in (_codec_name(declared_encoding), _codec_name(sniff_charset(data))) if codec]
    for codec in labels:
        if codec in _UNICODE_CODECS and codec != "utf-8":
            try:
                return data.decode(codec), False
            except UnicodeDecodeError:
                continue
    try:
        return data.decode("utf-8"), True
    except UnicodeDecodeError:
        pass
    good, bad = _utf8_quality(data)
    single_byte = [codec for codec in labels if codec not in _UNICODE_CODECS]
    if good >= _UTF8_GOOD_PER_BAD * bad and (not single_byte or labels[0] == "utf-8"):
        return data.decode("utf-8", errors="replace"), False
    return _best_single_byte(data, single_byte), False
