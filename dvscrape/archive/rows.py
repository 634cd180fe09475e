"""Turning Articles and Captures into the column values of the archive's tables, and a query's rows into dicts."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote_plus, urlsplit

from dvscrape.pages.article import Article, Attachment

# Media types of the documents government portals attach, by file extension.
_ATTACHMENT_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "pdf": "application/pdf",
        "doc": "application/msword",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls": "application/vnd.ms-excel",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt": "application/vnd.ms-powerpoint",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt": "application/vnd.oasis.opendocument.text",
        "ods": "application/vnd.oasis.opendocument.spreadsheet",
        "rtf": "application/rtf",
        "txt": "text/plain",
        "zip": "application/zip",
        "rar": "application/vnd.rar",
        "7z": "application/x-7z-compressed",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "png": "image/png",
        "gif": "image/gif",
        "mp3": "audio/mpeg",
        "mp4": "video/mp4",
    }
)
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,5})$")


def to_json(values: Iterable[str]) -> str:
    """A JSON array of *values*, non-ASCII kept readable."""
    return json.dumps(list(values), ensure_ascii=False)


def to_json_object(values: Mapping[str, object]) -> str:
    """A JSON object of *values* with sorted keys; values JSON cannot hold (paths, dates) become strings."""
    return json.dumps(dict(values), ensure_ascii=False, sort_keys=True, default=str)


def counts_from_json(text: str | None) -> dict[str, int]:
    """The integer counts of a crawl's JSON `counts` column ({} when it holds none)."""
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    return {str(name): value for name, value in data.items() if isinstance(value, int)}


def _normalised(text: str) -> str:
    """*text* in Unicode NFC with runs of whitespace collapsed to single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def content_hash(article: Article) -> str:
    """SHA-256 (hex) of the article's normalised title and body, to tell a changed article from a re-fetch.

    Normalisation is NFC plus whitespace collapsing, so re-encoding or re-indenting a page does not count as a change.
    """
    text = _normalised(article.title) + "\n" + _normalised(article.body)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document_file_name(url: str) -> str:
    """A document's file name from its URL, as `attachments` and `documents` both store it: Liferay's document URLs
    (``/documents/<group>/<folder>/<name>/<uuid>``) name it in their fourth segment, with or without an extension;
    elsewhere it is the last segment with an extension, else the last segment."""
    segments = [unquote_plus(segment) for segment in urlsplit(url).path.split("/") if segment]
    if len(segments) >= 5 and segments[0] == "documents":
        return segments[3]
    for segment in reversed(segments):
        if _EXTENSION.search(segment):
            return segment
    return segments[-1] if segments else ""


def attachment_content_type(attachment: Attachment, file_name: str) -> str:
    """The media type the attachment's file type (an extension such as "pdf") or file name suggests, or ""."""
    extensions = [attachment.file_type.lstrip(".").lower()]
    match = _EXTENSION.search(file_name)
    if match:
        extensions.append(match.group(1).lower())
    for extension in extensions:
        if extension in _ATTACHMENT_TYPES:
            return _ATTACHMENT_TYPES[extension]
    return ""


def article_columns(article: Article, *, content_digest: str) -> tuple[object, ...]:
    """The article's own column values, in the order of ARTICLE_COLUMNS."""
    return (article.url, article.fetched_url, article.locale, article.title, article.html_title, article.published,
            article.published_source, int(article.published_inferred), article.modified, article.category,
            to_json(article.categories), article.body, article.signature, article.word_count, to_json(article.tags),
            to_json(article.flags), article.template, content_digest)  # fmt: skip


ARTICLE_COLUMNS: tuple[str, ...] = (
    "url", "fetched_url", "locale", "title", "html_title", "published_date", "published_source", "published_inferred",
    "modified_date", "category", "categories", "body", "signature", "word_count", "tags", "flags", "template",
    "content_hash",
)  # fmt: skip


def figure_rows(article_id: int, article: Article) -> list[tuple[object, ...]]:
    """(article_id, position, image_url, alt, caption) for each figure."""
    return [
        (article_id, position, figure.image_url, figure.alt, figure.caption)
        for position, figure in enumerate(article.figures)
    ]


def attachment_rows(article_id: int, article: Article) -> list[tuple[object, ...]]:
    """(article_id, position, url, file_name, file_type, content_type, text) for each attachment."""
    rows: list[tuple[object, ...]] = []
    for position, attachment in enumerate(article.attachments):
        file_name = document_file_name(attachment.url)
        content_type = attachment_content_type(attachment, file_name)
        rows.append(
            (article_id, position, attachment.url, file_name, attachment.file_type, content_type, attachment.text)
        )
    return rows


def tag_rows(article_id: int, article: Article) -> list[tuple[object, ...]]:
    """(article_id, position, tag) for each tag."""
    return [(article_id, position, tag) for position, tag in enumerate(article.tags)]


def related_rows(article_id: int, article: Article) -> list[tuple[object, ...]]:
    """(article_id, position, url) for each related link."""
    return [(article_id, position, url) for position, url in enumerate(article.related)]


def dict_rows(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    """The rows *cursor* gives, each as a dict keyed by column name."""
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]
