"""Styled units → body blocks, figures (photo + caption) and the signature line.

Rules, in the order they apply:
- a unit with images makes one figure per image; the caption is the unit's own text when it has some (a photo and
  its caption in one centred paragraph), otherwise the unit right after it when that unit looks like a caption:
  marked by the markup (<figcaption>, a cell of a photo table), italic, or centred. A caption written over several
  lines (<br>) or several consecutive paragraphs of the same caption style is one caption.
- a short paragraph with no style at all (not even justified) right after a photo is taken as its caption, flagged;
- the last text unit is the signature when it is short and bold, right-aligned, all upper case, or a source line;
- a short paragraph all in bold, without a closing full stop, is a heading;
- lines that are boilerplate whatever their markup (the back link, share bars, counters) are dropped and flagged;
- navigation lines inside the content ('Tin liên quan: Xem chi tiết', 'Xem thêm: <linked title>', 'Tải về:
  <document name>': a lead and a link) are dropped and flagged: the link is recorded as a related link or an
  attachment, and the body keeps the prose.
"""

from __future__ import annotations

from dataclasses import dataclass

from dvscrape.pages._text import clean_line
from dvscrape.pages.article import Block, Figure
from dvscrape.pages.finish import quoting_flag
from dvscrape.pages.units import Unit
from dvscrape.sites.profile import Boilerplate
from dvscrape.text import normalize

CAPTION_MAX_WORDS = 80
PLAIN_CAPTION_MAX_WORDS = 15
SIGNATURE_MAX_WORDS = 15
OWN_TEXT_CAPTION_MAX_WORDS = 60
HEADING_MAX_WORDS = 30
SHORT_LINE_WORDS = 8  # a counter or share-bar line is short; a paragraph that merely starts alike is kept
_SENTENCE_END = (".", "!", "?", ":", ";", "…")


@dataclass(frozen=True)
class Assembled:
    """The body of an article once captions and signature are set apart."""

    blocks: tuple[Block, ...]
    figures: tuple[Figure, ...]
    signature: str
    flags: tuple[str, ...]


def is_boilerplate_line(text: str, boilerplate: Boilerplate) -> bool:
    """True when *text* is a line that never belongs to an article (back link, banner, portlet title, counter)."""
    line = text.strip().lstrip("«»‹› ").strip()
    if not line:
        return False
    if line in boilerplate.drop_lines or line in boilerplate.boilerplate_portlet_titles:
        return True
    if line.startswith(boilerplate.banner_prefixes):
        return True
    return line.startswith(boilerplate.drop_line_prefixes) and len(line.split()) <= SHORT_LINE_WORDS


NAVIGATION_LINK_SHARE = 0.8  # of the characters after the lead: the rest of a navigation line is its link


def is_navigation_line(unit: Unit, boilerplate: Boilerplate) -> bool:
    """A paragraph that is only a navigation lead ('Xem thêm:', 'Tải về:', …) and a link."""
    if unit.kind != "paragraph" or unit.images or not unit.link_chars:
        return False
    text = unit.text.strip().lstrip("«»‹›-–•> ").strip()
    if not text.isascii() or ":" in text[:40]:  # a lead typed in TCVN3, VNI or VIQR ('T¶i vÒ:') reads as one
        text = normalize(text[:60])
    lead = next((lead for lead in boilerplate.navigation_leads if text.lower().startswith(lead.lower())), None)
    if lead is None:
        return False
    lead_chars = len(lead) - lead.count(" ")
    return unit.link_chars >= NAVIGATION_LINK_SHARE * max(unit.chars - lead_chars, 1)


def _caption_style(unit: Unit) -> bool:
    """Marked as a caption by markup, centred, or italic without being a justified/left body paragraph."""
    return unit.caption_hint or unit.align == "center" or (unit.italic and unit.align not in ("justify", "left"))


def _is_heading(unit: Unit) -> bool:
    """A short paragraph written all in bold (CKEditor users' subheading) without a closing full stop."""
    return unit.bold and unit.at_most(HEADING_MAX_WORDS) and not unit.text.rstrip().endswith(_SENTENCE_END)


def _same_caption_style(first: Unit, other: Unit) -> bool:
    return (first.caption_hint, first.italic, first.align) == (other.caption_hint, other.italic, other.align)


def _is_signature(unit: Unit, boilerplate: Boilerplate) -> bool:
    if unit.kind != "paragraph" or unit.images or not unit.text or not unit.at_most(SIGNATURE_MAX_WORDS):
        return False
    if unit.text.startswith(boilerplate.source_line_prefixes):
        return True
    letters = [ch for ch in unit.text if ch.isalpha()]
    upper = bool(letters) and all(ch.isupper() for ch in letters)
    return unit.bold or unit.align == "right" or upper


def assemble(units: list[Unit], boilerplate: Boilerplate) -> Assembled:
    """Split *units* into body blocks, figures and signature; every judgement call is recorded in flags."""
    flags: list[str] = []
    kept: list[Unit] = []
    for unit in units:
        if unit.text and not unit.images and is_boilerplate_line(unit.text, boilerplate):
            flags.append(quoting_flag("boilerplate-dropped", unit.text))
        elif is_navigation_line(unit, boilerplate):
            flags.append(quoting_flag("navigation-dropped", unit.text))
        else:
            kept.append(unit)

    signature_index = _signature_index(kept, boilerplate)
    blocks: list[Block] = []
    figures: list[Figure] = []
    index = 0
    while index < len(kept):
        unit = kept[index]
        index += 1
        if index - 1 == signature_index:
            continue
        if not unit.images:
            kind = "heading" if unit.kind == "paragraph" and _is_heading(unit) else unit.kind
            blocks.append(Block(kind, unit.text))
            continue
        caption = ""
        if unit.text and (unit.at_most(OWN_TEXT_CAPTION_MAX_WORDS) or _caption_style(unit)):
            caption = clean_line(unit.text)
        elif unit.text:
            blocks.append(Block(unit.kind, unit.text))
            flags.append("image-inside-paragraph")
        else:
            caption, index = _caption_after(kept, index, signature_index, flags)
        for position, image in enumerate(unit.images):
            last = position == len(unit.images) - 1
            figures.append(Figure(image.src, image.alt, caption if last else ""))
        if not caption:
            flags.append("figure-without-caption")

    signature = clean_line(kept[signature_index].text) if signature_index is not None else ""
    return Assembled(tuple(blocks), tuple(figures), signature, tuple(dict.fromkeys(flags)))


def _caption_after(units: list[Unit], index: int, signature_index: int | None, flags: list[str]) -> tuple[str, int]:
    """The caption that follows a photo starting at units[index], and the index after it."""
    if index >= len(units) or index == signature_index:
        return "", index
    first = units[index]
    if first.images or first.kind != "paragraph" or not first.text:
        return "", index
    if _caption_style(first) and first.at_most(CAPTION_MAX_WORDS):
        parts = [first.text]
        index += 1
        while (
            index < len(units)
            and index != signature_index
            and not units[index].images
            and units[index].kind == "paragraph"
            and _same_caption_style(first, units[index])
            and not parts[-1].rstrip().endswith(_SENTENCE_END)
            and units[index].at_most(CAPTION_MAX_WORDS - sum(len(p.split()) for p in parts))
        ):
            parts.append(units[index].text)
            index += 1
        return clean_line(" ".join(parts)), index
    unstyled = not (first.align or first.italic or first.bold)
    if unstyled and first.at_most(PLAIN_CAPTION_MAX_WORDS) and not first.text.rstrip().endswith(_SENTENCE_END):
        flags.append("caption-unstyled")
        return clean_line(first.text), index + 1
    return "", index


def _signature_index(units: list[Unit], boilerplate: Boilerplate) -> int | None:
    """Index of the signature unit: the last text unit, when it looks like one."""
    for position in range(len(units) - 1, -1, -1):
        unit = units[position]
        if unit.images:
            continue
        if position > 0 and units[position - 1].images and _caption_style(unit) and not unit.bold:
            return None  # the last text is a photo caption, not a signature
        return position if _is_signature(unit, boilerplate) else None
    return None
