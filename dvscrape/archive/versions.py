"""Article versions: one row in ``article_versions`` per distinct content of an article, numbered 1..n.

Archive.save_article writes version 1 when an article is new and version n+1 when its content hash changed; a
sighting with the same content writes nothing. Each version keeps the fields an archivist cites (title, body, date,
category, signature, figures), the capture it was extracted from, and which of those fields changed since the
previous version.
"""

from __future__ import annotations

import difflib
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

from dvscrape.archive.rows import dict_rows
from dvscrape.pages.article import Article

# Fields compared between versions, in the order changed_fields lists them.
VERSIONED_FIELDS: tuple[str, ...] = ("title", "body", "published_date", "category", "signature", "figures")

_INSERT_VERSION = """
INSERT INTO article_versions (
    article_id, version, capture_id, content_hash, title, body, published_date, category, signature, figures,
    changed_fields, seen_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_VERSION_COLUMNS = (
    "id, article_id, version, capture_id, content_hash, coalesce(title, '') AS title, coalesce(body, '') AS body, "
    "published_date, coalesce(category, '') AS category, coalesce(signature, '') AS signature, figures, "
    "changed_fields, seen_at, coalesce(reason, '') AS reason, supersedes"
)


@dataclass(frozen=True)
class ArticleVersion:
    """One stored version of an article."""

    id: int
    article_id: int
    version: int
    capture_id: int | None
    content_hash: str
    title: str
    body: str
    published_date: str | None
    category: str
    signature: str
    figures: tuple[Mapping[str, str], ...]
    changed_fields: tuple[str, ...]
    seen_at: str
    reason: str = ""  # why the version was appended when it is not the site's content as captured (rereading)
    supersedes: int | None = None  # the version whose capture this one reads again

    def to_dict(self) -> dict[str, object]:
        """The version as `dvscrape history --json` and `show --version` print it (no row ids)."""
        names = ("version", "seen_at", "capture_id", "content_hash", "title", "published_date", "category")
        data: dict[str, object] = {name: getattr(self, name) for name in names}
        data.update(
            signature=self.signature,
            figures=list(self.figures),
            changed_fields=list(self.changed_fields),
            reason=self.reason,
            supersedes=self.supersedes,
            body=self.body,
        )
        return data


def figures_json(article: Article) -> str:
    """The article's figures as a JSON array of {image_url, alt, caption}."""
    return json.dumps(
        [{"image_url": f.image_url, "alt": f.alt, "caption": f.caption} for f in article.figures],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _fields_of_article(article: Article) -> dict[str, object]:
    return {
        "title": article.title,
        "body": article.body,
        "published_date": article.published,
        "category": article.category,
        "signature": article.signature,
        "figures": figures_json(article),
    }


def record_version(
    conn: sqlite3.Connection,
    article_id: int,
    article: Article,
    *,
    capture_id: int | None,
    content_hash: str,
    seen_at: str,
) -> int:
    """Append the next version of *article_id* holding *article*; return its version number.

    Runs inside the caller's transaction. changed_fields lists the VERSIONED_FIELDS that differ from the previous
    version (empty for version 1).
    """
    previous = conn.execute(
        "SELECT version, title, body, published_date, category, signature, figures FROM article_versions "
        "WHERE article_id = ? ORDER BY version DESC LIMIT 1",
        (article_id,),
    ).fetchone()
    fields = _fields_of_article(article)
    if previous is None:
        number, changed = 1, []
    else:
        number = int(previous[0]) + 1
        before = dict(zip(VERSIONED_FIELDS, previous[1:], strict=True))
        changed = changed_fields(before, fields)
    values = (article_id, number, capture_id, content_hash, *(fields[name] for name in VERSIONED_FIELDS))
    conn.execute(_INSERT_VERSION, (*values, json.dumps(changed), seen_at))
    return number


def changed_fields(before: Mapping[str, object], after: Mapping[str, object]) -> list[str]:
    """The VERSIONED_FIELDS whose values differ between two versions' stored fields (figures compared parsed)."""
    return [
        name for name in VERSIONED_FIELDS if comparable(name, before.get(name)) != comparable(name, after.get(name))
    ]


def comparable(name: str, value: object) -> object:
    """A field's value for comparison: figures parsed from JSON, None as ""."""
    return json.loads(str(value or "[]")) if name == "figures" else value or ""


def backfill_versions(conn: sqlite3.Connection) -> int:
    """Write version 1 for every article that has no version yet, from its current row; return how many.

    Used when an archive made before versions existed is upgraded: the version holds the article's latest stored
    content, dated by its first_seen (earlier contents were not kept).
    """
    cursor = conn.execute(
        """
        INSERT INTO article_versions (
            article_id, version, capture_id, content_hash, title, body, published_date, category, signature,
            figures, changed_fields, seen_at
        )
        SELECT
            a.id, 1, a.capture_id, a.content_hash, a.title, COALESCE(a.body, ''), a.published_date,
            COALESCE(a.category, ''), COALESCE(a.signature, ''),
            COALESCE(
                (SELECT json_group_array(json_object('image_url', f.image_url, 'alt', COALESCE(f.alt, ''),
                                                     'caption', COALESCE(f.caption, '')))
                 FROM (SELECT * FROM figures WHERE figures.article_id = a.id ORDER BY position) AS f),
                '[]'),
            '[]', a.first_seen
        FROM articles AS a
        WHERE NOT EXISTS (SELECT 1 FROM article_versions AS v WHERE v.article_id = a.id)
        """
    )
    return cursor.rowcount


def versions_of(conn: sqlite3.Connection, article_id: int) -> list[ArticleVersion]:
    """Every version of *article_id*, oldest first."""
    found = conn.execute(
        f"SELECT {_VERSION_COLUMNS} FROM article_versions WHERE article_id = ? ORDER BY version", (article_id,)
    )
    return [
        ArticleVersion(**row | {name: tuple(json.loads(row[name] or "[]")) for name in ("figures", "changed_fields")})
        for row in dict_rows(found)
    ]


def _field_lines(version: ArticleVersion, name: str) -> list[str]:
    """A field as lines to diff: body paragraphs, one line per figure, or the single value."""
    if name == "body":
        return [paragraph for paragraph in version.body.split("\n\n") if paragraph]
    if name == "figures":
        return [
            " — ".join(part for part in (str(f.get("image_url", "")), str(f.get("caption", ""))) if part)
            for f in version.figures
        ]
    value = getattr(version, name)
    return [str(value)] if value not in (None, "") else []


def version_diff(old: ArticleVersion, new: ArticleVersion, *, context: int = 1) -> list[str]:
    """A readable diff from *old* to *new*: for each changed field a header, then '-'/'+' lines (body paragraphs
    in unified-diff hunks with *context* unchanged paragraphs around each change)."""
    lines: list[str] = []
    for name in VERSIONED_FIELDS:
        before, after = _field_lines(old, name), _field_lines(new, name)
        if before == after:
            continue
        lines.append(f"{name}:")
        diff = difflib.unified_diff(before, after, lineterm="", n=context)
        for line in diff:
            if line.startswith(("---", "+++")):
                continue
            lines.append("  …" if line.startswith("@@") else f"  {line[:1] or ' '} {line[1:]}")
    return lines
