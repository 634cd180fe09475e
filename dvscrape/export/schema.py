"""The columns of an export, declared once: name, kind and meaning.

Every format derives its types from this list: the Arrow schema of the Parquet files, the Frictionless field types of
``datapackage.json``, the ``features`` of the Hugging Face dataset card and the header of the CSV file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa


class Kind(StrEnum):
    """The value kinds a column can have."""

    INTEGER = "integer"
    NUMBER = "number"
    STRING = "string"
    DATE = "date"
    STRING_LIST = "string_list"


@dataclass(frozen=True)
class Field:
    """One export column."""

    name: str
    kind: Kind
    description: str
    required: bool = False


FIELDS: tuple[Field, ...] = (
    Field("id", Kind.INTEGER, "The article's id in the archive (articles.id).", required=True),
    Field(
        "site",
        Kind.STRING,
        "The site the article belongs to: the site profile's name (a fleet's site name when exported with --fleet), "
        "followed by / and the archive folder's name when two archives of the export hold the same profile (two "
        "mirrors of one site); in an export of several archives, (site, id) is the key.",
        required=True,
    ),
    Field(
        "version",
        Kind.INTEGER,
        "The article version this row holds (1 = first seen); empty when the archive records no versions.",
    ),
    Field("url", Kind.STRING, "The article's canonical URL on the portal.", required=True),
    Field("title", Kind.STRING, "The article's title.", required=True),
    Field(
        "text",
        Kind.STRING,
        "The article's body: paragraphs, headings, list items and table rows in reading order, "
        "joined by blank lines. Photo captions and the signature are not part of it.",
    ),
    Field("published_date", Kind.DATE, "The publication date the portal shows (the day, local time)."),
    Field("category", Kind.STRING, "The article's most specific category on the portal."),
    Field("signature", Kind.STRING, "The author or source line printed at the end of the article."),
    Field("language", Kind.STRING, "The language of the page as a BCP 47 tag (vi, en), from its Liferay locale."),
    Field("word_count", Kind.INTEGER, "Whitespace-separated words in text.", required=True),
    Field(
        "captions",
        Kind.STRING_LIST,
        "The captions of the article's photos, in order (empty string when a photo has none).",
    ),
    Field("image_urls", Kind.STRING_LIST, "The URLs of the article's photos, in the order of captions."),
    Field(
        "attachment_urls",
        Kind.STRING_LIST,
        "The URLs of the documents attached to the article (PDF, DOC, ...); "
        "attachments are not versioned, so every version row lists the latest ones.",
    ),
    Field(
        "content_hash",
        Kind.STRING,
        "SHA-256 (hex) of the canonical text (normalised, tone marks placed in one "
        "style, whitespace collapsed): equal hashes mean exact duplicates, whatever the export's tone option.",
        required=True,
    ),
    Field(
        "duplicate_group",
        Kind.INTEGER,
        "The id of the first row (in id order) whose text is a duplicate of this "
        "row's (exact or near, as the export's dedup option says); the row's own id when it has no duplicate; "
        "empty when the export was made with --dedup none.",
    ),
    Field("fetched_at", Kind.STRING, "When the capture this row was extracted from was fetched (UTC, ISO 8601)."),
    Field("warc_filename", Kind.STRING, "The WARC file (in the archive's warc/ folder) holding that capture."),
    Field("warc_offset", Kind.INTEGER, "The byte offset of the capture's response record in the WARC file."),
    Field("warc_length", Kind.INTEGER, "The length in bytes of that (gzip-compressed) record."),
    Field("warc_record_id", Kind.STRING, "The WARC-Record-ID of that record."),
    Field(
        "version_reason",
        Kind.STRING,
        "Why this version was recorded when it is not new content from the portal: the archived capture was read "
        "again (dvscrape reextract, an import) and this is the new reading, e.g. text repaired from a legacy "
        "encoding; empty for content as captured.",
    ),
    Field(
        "supersedes_version",
        Kind.INTEGER,
        "For a version recorded with a reason: the earlier version whose capture it reads again (drop that one, and "
        "the versions after it that are read again too, to keep only the current readings).",
    ),
)


@dataclass(frozen=True)
class Table:
    """What an export's rows are: *name* names its data files and resource (and, after 'dvscrape-', its package),
    *title* the package, *row* what one row is; *fields* its columns."""

    name: str
    title: str
    row: str
    fields: tuple[Field, ...]

    @property
    def field_names(self) -> tuple[str, ...]:
        """The column names, in order."""
        return tuple(field.name for field in self.fields)


ARTICLES = Table("articles", "Articles archived by dvscrape", "article", FIELDS)

_FRICTIONLESS_TYPES: Mapping[Kind, str] = MappingProxyType(
    {
        Kind.INTEGER: "integer",
        Kind.NUMBER: "number",
        Kind.STRING: "string",
        Kind.DATE: "date",
        Kind.STRING_LIST: "array",
    }
)
_HF_DTYPES: Mapping[Kind, str] = MappingProxyType(
    {Kind.INTEGER: "int64", Kind.NUMBER: "float64", Kind.STRING: "string", Kind.DATE: "date32"}
)


def arrow_schema(fields: Sequence[Field] = FIELDS) -> pa.Schema:
    """The Arrow schema of the Parquet files: int64, float64, string, date32 and list<string>, each field described."""
    import pyarrow as pa

    types = {
        Kind.INTEGER: pa.int64(),
        Kind.NUMBER: pa.float64(),
        Kind.STRING: pa.string(),
        Kind.DATE: pa.date32(),
        Kind.STRING_LIST: pa.list_(pa.string()),
    }
    return pa.schema(
        [
            pa.field(
                field.name, types[field.kind], nullable=not field.required, metadata={"description": field.description}
            )
            for field in fields
        ]
    )


def frictionless_fields(fields: Sequence[Field] = FIELDS) -> list[dict[str, object]]:
    """The ``schema.fields`` of a Frictionless tabular resource."""
    result: list[dict[str, object]] = []
    for field in fields:
        descriptor: dict[str, object] = {
            "name": field.name,
            "type": _FRICTIONLESS_TYPES[field.kind],
            "description": field.description,
        }
        if field.kind is Kind.DATE:
            descriptor["format"] = "default"
        if field.required:
            descriptor["constraints"] = {"required": True}
        result.append(descriptor)
    return result


def hf_features() -> list[dict[str, str]]:
    """The ``dataset_info.features`` list of a Hugging Face dataset card, as ``datasets`` writes it."""
    result: list[dict[str, str]] = []
    for field in FIELDS:
        if field.kind is Kind.STRING_LIST:
            result.append({"name": field.name, "list": "string"})
        else:
            result.append({"name": field.name, "dtype": _HF_DTYPES[field.kind]})
    return result
