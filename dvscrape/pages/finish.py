"""The last steps of every extracted article, the same for the crawl, `extract` and `reextract`: its text fields
normalised for the archive (by the page object, once) and the record checked before it is stored. No Scrapy import
here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from dvscrape.pages.article import Article, Attachment, Block, Figure
from dvscrape.text import LegacyEncoding, LegacyRun, detect_legacy, find_legacy_runs, follows_rfc_escapes, normalize
from dvscrape.text.letters import vietnamese_letters
from dvscrape.text.pipeline import is_plain
from dvscrape.text.whitespace import clean_whitespace, needs_spacing

# Flags that quote the page's own text after their kind ('navigation-dropped:Tải về: Quyết định số 308'): the quote is
# a text field like any other, decoded with the article's legacy encoding and then cut to QUOTE_CHARS characters
# (cut after decoding, so that a VNI letter written as two characters is never split).
QUOTING_FLAGS = ("boilerplate-dropped", "navigation-dropped", "unparsed-publish-date")
QUOTE_CHARS = 40


def quoting_flag(kind: str, text: str) -> str:
    """The flag *kind* quoting page text *text* (whole: normalise_article decodes and cuts it)."""
    return f"{kind}:{text}"


def _own_texts(article: Article) -> list[str]:
    """The article's own text, whose legacy encoding is the page's: title, body, captions, signature, attachments."""
    texts = [
        article.title,
        *(block.text for block in article.blocks),
        *(figure.caption for figure in article.figures),
        article.signature,
        *(attachment.text for attachment in article.attachments),
    ]
    return [text for text in texts if text]


def legacy_encoding(article: Article) -> tuple[LegacyEncoding | None, bool]:
    """The legacy encoding (TCVN3, VNI, VIQR) the article's own text is typed in, judged from all of it at once, and
    whether that is VIQR following RFC 1456's escapes."""
    joined = "\n".join(_own_texts(article))
    runs = find_legacy_runs(joined)
    legacy = detect_legacy(joined, runs)
    if legacy is None or _mostly_unicode(joined, legacy, runs):
        return None, False
    return legacy, legacy == "viqr" and follows_rfc_escapes(joined)


def _mostly_unicode(text: str, legacy: LegacyEncoding, runs: list[LegacyRun]) -> bool:
    """Whether *text* holds more words of Unicode Vietnamese outside its *legacy* runs (of *runs*, its
    find_legacy_runs) than words inside them: an article typed in Unicode with a pasted legacy paragraph, whose runs
    are decoded where they are found. Its other fields are then not read in the legacy encoding on that paragraph's
    word alone (a Swedish 'på' in a caption would become 'pồ')."""
    unicode_only = frozenset(letter for letter in vietnamese_letters() if ord(letter) > 0xFF)
    runs = [run for run in runs if run.encoding == legacy]
    legacy_words = sum(len(text[run.start : run.end].split()) for run in runs)
    outside, position = [], 0
    for run in sorted(runs, key=lambda run: run.start):
        outside.append(text[position : run.start])
        position = run.end
    outside.append(text[position:])
    unicode_words = sum(1 for word in "".join(outside).split() if not unicode_only.isdisjoint(word))
    return unicode_words > legacy_words


def text_normaliser(article: Article) -> Callable[[str], str]:
    """The normalisation of any text of *article*'s page: dvscrape.text.normalize with the legacy encoding (and VIQR
    escapes) its own text is typed in, so that a short piece (a lede's date, a title) is read like the body."""
    texts = _own_texts(article)
    if is_plain("\n".join(texts)):  # most pages: no legacy text, and the own text needs its spaces seen to at most
        plain = frozenset(texts)
        return lambda text: (
            normalize(text) if text not in plain else clean_whitespace(text) if needs_spacing(text) else text
        )
    legacy, escaped = legacy_encoding(article)

    def norm(text: str) -> str:
        if not text:
            return text
        return normalize(text, legacy=legacy, viqr_escaped=escaped) if escaped else normalize(text, legacy=legacy)

    return norm


def normalised_flag(flag: str, norm: Callable[[str], str]) -> str:
    """*flag* with the page text it quotes (QUOTING_FLAGS) normalised by *norm* and cut to QUOTE_CHARS."""
    kind, colon, quote = flag.partition(":")
    if not colon or kind not in QUOTING_FLAGS:
        return flag
    return f"{kind}:{norm(quote)[:QUOTE_CHARS]}"


def normalise_article(article: Article, norm: Callable[[str], str] | None = None, **fields: Any) -> Article:
    """The article with every text field normalised (tone kept): title, html_title, categories, body blocks (blocks
    left empty are dropped), figure alt texts and captions, signature, attachment texts, tags and the page text
    that flags quote (QUOTING_FLAGS).

    When the article is typed in a legacy encoding, every field is decoded with it, however short (a TCVN3 title
    or signature of one legacy word). The one list of the text fields of an Article; extract_page applies it to the
    record it builds. *norm*: text_normaliser(article) when the caller has it already; *fields*: other fields set in
    the same copy (flags among them are normalised too)."""
    norm = norm or text_normaliser(article)
    blocks = (_block(block, norm(block.text)) for block in article.blocks)
    flags = fields.pop("flags", article.flags)
    return replace(
        article,
        **fields,
        title=norm(article.title),
        html_title=norm(article.html_title),
        categories=tuple(norm(c) for c in article.categories),
        blocks=tuple(block for block in blocks if block.text),
        figures=tuple(Figure(f.image_url, norm(f.alt), norm(f.caption)) for f in article.figures),
        signature=norm(article.signature),
        attachments=tuple(Attachment(a.url, norm(a.text), a.file_type) for a in article.attachments),
        tags=tuple(norm(t) for t in article.tags),
        flags=tuple(dict.fromkeys(normalised_flag(flag, norm) for flag in flags)),
    )


def _block(block: Block, text: str) -> Block:
    return block if text == block.text else Block(block.kind, text)  # most text is normal already


def validated(article: Article) -> Article | None:
    """None when the article has neither title nor body (not worth an article row: its page stays in WARC);
    otherwise the article, flagged 'missing-title' or 'empty-body' when it lacks one of them."""
    if not article.title and not article.blocks:
        return None
    flags = list(article.flags)
    if not article.title and "missing-title" not in flags:
        flags.append("missing-title")
    if not article.blocks and "empty-body" not in flags:
        flags.append("empty-body")
    return replace(article, flags=tuple(flags)) if len(flags) != len(article.flags) else article
