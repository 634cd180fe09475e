"""Word 97-2003 (.doc) documents: the text of the main story read from the piece table (olefile opens the OLE
container; the format is documented in [MS-DOC]). No macro is run: only the WordDocument and table streams are read."""

from __future__ import annotations

import io
import re
import struct

from dvscrape.documents.model import DocumentResult, failed
from dvscrape.documents.textpass import one_page

_FIELD_CODE = re.compile(r"\x13[^\x13\x14\x15]*\x14|\x13[^\x13\x14\x15]*\x15")
_DROP = dict.fromkeys(map(ord, "\x01\x02\x05\x08\x14\x15\x1f"), None)


def _pieces(word: bytes, table: bytes, fc_clx: int, lcb_clx: int) -> list[tuple[int, int, int, bool]]:
    """(cp start, cp end, file offset, compressed) of each piece of the document's text."""
    clx = table[fc_clx : fc_clx + lcb_clx]
    position = 0
    while position < len(clx) and clx[position] == 0x01:  # Prc: property modifiers, skipped
        (size,) = struct.unpack_from("<H", clx, position + 1)
        position += 3 + size
    if position >= len(clx) or clx[position] != 0x02:
        raise ValueError("no piece table")
    (lcb,) = struct.unpack_from("<I", clx, position + 1)
    plc = clx[position + 5 : position + 5 + lcb]
    count = (lcb - 4) // 12
    cps = struct.unpack_from(f"<{count + 1}I", plc, 0)
    pieces = []
    for index in range(count):
        (fc,) = struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * index + 2)
        compressed = bool(fc & 0x40000000)
        offset = (fc & ~0x40000000) // 2 if compressed else fc
        pieces.append((cps[index], cps[index + 1], offset, compressed))
    return pieces


def _text(word: bytes, pieces: list[tuple[int, int, int, bool]], limit: int) -> str:
    out: list[str] = []
    for start, end, offset, compressed in pieces:
        if start >= limit:
            break
        length = min(end, limit) - start
        if compressed:
            out.append(word[offset : offset + length].decode("cp1252", "replace"))
        else:
            out.append(word[offset : offset + 2 * length].decode("utf-16-le", "replace"))
    return "".join(out)


def to_lines(text: str) -> list[str]:
    """Word's special characters made plain: field codes dropped (their results kept), cell marks → tabs, row ends
    and paragraph, line, page and section breaks → line ends."""
    text = _FIELD_CODE.sub("", text)
    text = _FIELD_CODE.sub("", text)  # nested fields
    text = text.replace("\x07\r\x07", "\n").replace("\r\x07", "\n").replace("\x07\x07", "\n").replace("\x07", "\t")
    text = text.replace("\r", "\n").replace("\x0b", "\n").replace("\x0c", "\n").replace("\x0e", "\n")
    text = text.replace("\x1e", "-").replace("\xa0", " ").translate(_DROP)
    return [line.rstrip("\t") for line in text.split("\n")]


def read_doc(data: bytes) -> DocumentResult:
    """The main text of a Word 97-2003 document."""
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except OSError as error:
        return failed("doc", f"damaged: not a readable OLE file ({error})")
    try:
        if not ole.exists("WordDocument"):
            return failed("doc", "unsupported: an OLE file without a WordDocument stream")
        word = ole.openstream("WordDocument").read()
        if len(word) < 0x1AA or struct.unpack_from("<H", word, 0)[0] != 0xA5EC:
            return failed("doc", "unsupported: not a Word 97 or later document (older Word formats are not read)")
        (flags,) = struct.unpack_from("<H", word, 0x0A)
        if flags & 0x0100:
            return failed("doc", "encrypted: the Word document is password-protected")
        table_name = "1Table" if flags & 0x0200 else "0Table"
        if not ole.exists(table_name):
            return failed("doc", f"damaged: the {table_name} stream is missing")
        table = ole.openstream(table_name).read()
        (ccp_text,) = struct.unpack_from("<i", word, 0x4C)
        (fc_clx, lcb_clx) = struct.unpack_from("<II", word, 0x1A2)
        pieces = _pieces(word, table, fc_clx, lcb_clx)
        text = _text(word, pieces, ccp_text)
    except (OSError, ValueError, struct.error) as error:
        return failed("doc", f"damaged: the Word document's structure cannot be read ({error})")
    finally:
        ole.close()
    return one_page("doc", to_lines(text))
