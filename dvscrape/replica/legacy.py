"""Articles typed in a legacy Vietnamese encoding: an editor pasted text from a TCVN3 (.VnTime), VNI or VIQR
document, so every field of the article — title, body, captions, signature, document names — shows the legacy
characters (in a page that is UTF-8 like every other), and a reader of the page sees Vietnamese only through the
old fonts. The ground truth stays the Unicode text, as far as the encoding can carry it: TCVN3's .VnTime fonts
have no capital with a tone mark, so such a capital was typed, and is read, small.

One article of the corpus per encoding is typed so (chosen without drawing from the corpus's random streams, so no
other article changes): the oldest article with captioned photos, a signature and an attached document, else the
oldest with captioned photos and a signature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from dvscrape.replica import editor
from dvscrape.replica.model import Article, Bullets, Element, FileLink, Heading, Paragraph, Photo, SeeAlso
from dvscrape.text.legacy_tables import tcvn3_encoding, viqr_encoding, vni_encoding

LEGACY_ENCODINGS = ("tcvn3", "vni", "viqr")
_VIQR_MARKS = "(^+`'?~."
_VOWELS = "aeiouyAEIOUY"


def typed(text: str, encoding: str) -> str:
    """text as typed in encoding (each legacy byte shown as the Latin-1 character of the same code). VIQR follows
    RFC 1456: a full stop, question mark or other mark character that follows a vowel is escaped with a backslash."""
    if encoding in ("tcvn3", "vni"):
        table = tcvn3_encoding() if encoding == "tcvn3" else vni_encoding()
        return "".join(table.get(char, char) for char in text)
    table = viqr_encoding()
    out: list[str] = []
    for char in text:
        after_vowel = bool(out) and out[-1][-1:] in _VOWELS + _VIQR_MARKS and out[-1][:1] in _VOWELS
        out.append("\\" + char if char in _VIQR_MARKS and after_vowel else table.get(char, char))
    return "".join(out)


def readable(text: str, encoding: str) -> str:
    """What text typed in encoding can say: in TCVN3, a capital with a tone mark inside a word that is not all
    capitals is its small letter (.VnTime has none); a word all in capitals was typed in .VnTimeH, which has them."""
    if encoding != "tcvn3":
        return text
    table = tcvn3_encoding()
    return " ".join(
        word
        if word.upper() == word
        else "".join(
            char.lower() if char in table and char != char.lower() and table[char] == table.get(char.lower()) else char
            for char in word
        )
        for word in text.split(" ")
    )


def _element_text(element: Element, convert: Callable[[str], str]) -> Element:
    """element with every text it shows passed through convert."""
    if isinstance(element, Paragraph | Heading):
        return replace(element, text=convert(element.text))
    if isinstance(element, Bullets):
        return Bullets(tuple(convert(item) for item in element.items))
    if isinstance(element, Photo):
        return replace(element, caption_lines=tuple(convert(line) for line in element.caption_lines))
    if isinstance(element, FileLink | SeeAlso):
        return replace(element, lead=convert(element.lead), label=convert(element.label))
    return element


def typed_article(article: Article, encoding: str) -> Article:
    """The article as an editor typing in encoding published it: its HTML in legacy characters, its ground truth
    what that encoding can say."""
    truth = tuple(_element_text(element, lambda text: readable(text, encoding)) for element in article.elements)
    blocks, figures, attachments = editor.transcribe(truth)
    shown = tuple(_element_text(element, lambda text: typed(text, encoding)) for element in article.elements)
    return replace(
        article,
        title=readable(article.title, encoding),
        blocks=blocks,
        figures=figures,
        signature=readable(article.signature, encoding),
        attachments=attachments,
        elements=truth,
        body_html=editor.body_html(shown, typed(article.signature, encoding), article.style),
        legacy=encoding,
        typed_title=typed(article.title, encoding),
    )


def _fit(article: Article, need_attachment: bool) -> bool:
    return (
        bool(article.signature)
        and any(figure.caption for figure in article.figures)
        and (bool(article.attachments) or not need_attachment)
    )


def choose(articles: list[Article], protected: set[str]) -> dict[str, str]:
    """urlTitle → encoding for the articles to type in each legacy encoding (see the module docstring)."""
    oldest_first = sorted(articles, key=lambda article: (article.published, article.asset_entry_id))
    candidates = [article for article in oldest_first if article.url_title not in protected]
    chosen: dict[str, str] = {}
    for encoding in LEGACY_ENCODINGS:
        for need_attachment in (True, False):
            found = next((a for a in candidates if a.url_title not in chosen and _fit(a, need_attachment)), None)
            if found is not None:
                chosen[found.url_title] = encoding
                break
    return chosen
