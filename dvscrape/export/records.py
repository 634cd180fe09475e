"""From a stored row to an export record: text normalised in the chosen tone style, the columns of schema.FIELDS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from dvscrape.archive.dataset import SourceRow
from dvscrape.archive.times import day_of
from dvscrape.export.dedup import canonical_text, text_hash

if TYPE_CHECKING:
    from dvscrape.text import ToneOption

Record = dict[str, Any]
PARAGRAPH_BREAK = "\n\n"


@dataclass(frozen=True)
class TextStyle:
    """How the text columns are written: ``normalize(text, tone=tone)`` of dvscrape.text."""

    tone: ToneOption

    def apply(self, text: str | None) -> str:
        """*text* normalised; paragraphs (separated by blank lines) are normalised one by one and kept apart."""
        from dvscrape.text import normalize

        if not text:
            return ""
        paragraphs = (normalize(paragraph, tone=self.tone) for paragraph in text.split(PARAGRAPH_BREAK))
        return PARAGRAPH_BREAK.join(paragraph for paragraph in paragraphs if paragraph)

    def apply_or_none(self, text: str | None) -> str | None:
        """Like apply, but None (and an empty result) stays None."""
        return self.apply(text) or None if text else None


def make_record(
    row: SourceRow, style: TextStyle, duplicate_group: int | None, content_hash: str | None = None, *, site: str
) -> Record:
    """The export record of *row*, its keys in the order of schema.FIELDS. *content_hash*, when the first pass
    already computed it, saves normalising the body a second time."""
    text = style.apply(row.body)
    return {
        "id": row.id,
        "site": site,
        "version": row.version,
        "url": row.url,
        "title": style.apply(row.title),
        "text": text,
        "published_date": day_of(row.published_date),
        "category": style.apply_or_none(row.category),
        "signature": style.apply_or_none(row.signature),
        "language": language_of(row.locale),
        "word_count": len(text.split()),
        "captions": [style.apply(caption) for _, caption in row.figures],
        "image_urls": [image_url for image_url, _ in row.figures],
        "attachment_urls": list(row.attachment_urls),
        "content_hash": content_hash or text_hash(canonical_text(row.body)),
        "duplicate_group": duplicate_group,
        "fetched_at": row.fetched_at,
        "warc_filename": row.warc_filename,
        "warc_offset": row.warc_offset,
        "warc_length": row.warc_length,
        "warc_record_id": row.warc_record_id,
        "version_reason": row.version_reason,
        "supersedes_version": row.supersedes_version,
    }


def plain_value(value: object) -> object:
    """A record value as JSON holds it: dates as ISO strings, everything else as is."""
    return value.isoformat() if isinstance(value, date) else value


def language_of(locale: str | None) -> str | None:
    """The BCP 47 language of a Liferay locale ('vi_VN' → 'vi', 'en_US' → 'en'), or None."""
    if not locale:
        return None
    return locale.replace("-", "_").split("_")[0].lower() or None
