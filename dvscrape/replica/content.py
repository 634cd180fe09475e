"""The replica's deterministic corpus: several hundred district news articles from a seed, the real one among them.

``build_corpus(seed, n_articles, edition)`` always returns the same articles for the same arguments. Edition 2 is
edition 1 plus a few new articles, a few edited ones (body text and modified date changed) and a few removed ones
(they answer 404), for incremental-crawl tests; edition 3 applies another such round on top, and so on.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from dvscrape.errors import ConfigurationError
from dvscrape.replica import editor, legacy, prose, words
from dvscrape.replica.documents import CONTENT_TYPES, EXTENSIONS, variant_of
from dvscrape.replica.media import DOCX, JPEG, PDF, PNG, document_path, journal_image_path
from dvscrape.replica.model import (
    VIETNAM_TZ,
    Article,
    Bullets,
    Category,
    Corpus,
    EditorStyle,
    Element,
    FileLink,
    Heading,
    MediaFile,
    Paragraph,
    Photo,
    SeeAlso,
)
from dvscrape.replica.seed import SEED_TITLE, SEED_URL_TITLE, parse_seed, read_seed_text

__all__ = ["Article", "Category", "Corpus", "build_corpus", "CATEGORIES", "GROUP_ID"]

GROUP_ID = 20182
CATEGORIES: tuple[Category, ...] = (
    Category("/web/neoportal/tin-tuc-su-kien", "Tin tức sự kiện", "u4WITwIcfjPS", "abstracts"),
    Category("/web/neoportal/kinh-te-xa-hoi", "Kinh tế - Xã hội", "Kt7xQm2LpZ0a", "title_list"),
    Category("/web/neoportal/van-hoa-xa-hoi", "Văn hóa - Xã hội", "Vh3RbN8sWc1e", "abstracts"),
    Category("/web/neoportal/cai-cach-hanh-chinh", "Cải cách hành chính", "Cc9HdT4uYf5g", "title_list"),
    Category("/web/neoportal/an-ninh-quoc-phong", "An ninh - Quốc phòng", "An6JkP1vXe7h", "abstracts"),
)
CATEGORY_WEIGHTS = (30, 20, 20, 15, 15)
NEWEST = datetime(2023, 6, 30, 7, 30, tzinfo=VIETNAM_TZ)
SPAN_DAYS = 365
SEED_PUBLISHED = datetime(2023, 3, 24, 9, 12, tzinfo=VIETNAM_TZ)
CHANGES_PER_EDITION = 3
ADDED_PER_EDITION = 5
IMAGE_SIZES = ((800, 533), (700, 466), (640, 427), (1024, 683), (600, 400))


@dataclass(frozen=True)
class _Plan:
    """What is decided about an article before its body is written."""

    index: int
    url_title: str
    title: str
    category: Category
    published: datetime
    scene: prose.Scene | None  # None for the seed article


def _rng(seed: int, *key: object) -> random.Random:
    return random.Random(":".join(["dvscrape-replica", str(seed), *map(str, key)]))


def _unique(url_title: str, used: set[str]) -> str:
    candidate, suffix = url_title, 1
    while candidate in used:
        suffix += 1
        candidate = f"{url_title[: prose.URL_TITLE_MAX - 4]}-{suffix}"
    used.add(candidate)
    return candidate


def _plan(seed: int, index: int, published: datetime, used: set[str]) -> _Plan:
    rng = _rng(seed, index, "plan")
    category = rng.choices(CATEGORIES, weights=CATEGORY_WEIGHTS)[0]
    scene = prose.make_scene(rng, category.path, published.year)
    title = prose.make_title(rng, scene)
    return _Plan(index, _unique(prose.url_title_of(title), used), title, category, published, scene)


def _published(seed: int, index: int, n_articles: int) -> datetime:
    day = NEWEST - timedelta(days=int(index * SPAN_DAYS / n_articles))
    minutes = _rng(seed, index, "time").randint(0, 9 * 60)
    return day.replace(hour=7, minute=0) + timedelta(minutes=minutes)


def _style(rng: random.Random) -> EditorStyle:
    caption = rng.choices(("em", "plain", "figure", "table"), weights=(70, 16, 7, 7))[0]
    signature = rng.choices(("bold_right", "right", "upper"), weights=(70, 18, 12))[0]
    return EditorStyle(caption, signature, nbsp=rng.random() < 0.2, heading_tag=rng.choice(("strong", "h3")))


def _photo(rng: random.Random, plan: _Plan, number: int, caption: tuple[str, ...]) -> tuple[Photo, MediaFile]:
    width, height = rng.choice(IMAGE_SIZES)
    stamp = int(plan.published.timestamp() * 1000) - rng.randint(60_000, 86_400_000)
    content_type = PNG if rng.random() < 0.1 else JPEG
    extension = "png" if content_type == PNG else "jpg"
    if rng.random() < 0.15:
        image_id = 900_000 + plan.index * 10 + number
        media = MediaFile(str(image_id), f"{image_id}.{extension}", content_type, width, height)
        src = journal_image_path(image_id, stamp)
    else:
        filename = rng.choice(
            (
                f"DSC_{rng.randint(1000, 9999)}.{extension.upper()}",
                f"anh {number}.{extension}",
                f"z{rng.randint(4_000_000, 4_400_000)}_{rng.getrandbits(64):016x}.{extension}",
                f"{plan.url_title[:40]}-{number}.{extension}",
            )
        )
        doc_uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        folder = 40_000 + plan.published.year * 12 + plan.published.month
        media = MediaFile(doc_uuid, filename, content_type, width, height)
        src = f"{document_path(GROUP_ID, folder, filename, doc_uuid)}?t={stamp}"
    alt = rng.choices(("", media.filename.rsplit(".", 1)[0], " ".join(caption)), weights=(75, 15, 10))[0]
    return Photo(src, alt, caption, width, height), media


def _attachment(rng: random.Random, plan: _Plan) -> tuple[FileLink, MediaFile]:
    label = prose.document_title(rng)
    is_pdf = rng.random() < 0.7
    filename = prose.url_title_of(label) + (".pdf" if is_pdf else ".docx")
    doc_uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    content_type = PDF if is_pdf else DOCX
    if not is_pdf:  # Word, legacy Word, spreadsheet, OpenDocument or RTF, chosen by the uuid (no draw from rng)
        extension = EXTENSIONS[variant_of(doc_uuid, ".docx")]
        filename = prose.url_title_of(label) + extension
        content_type = CONTENT_TYPES[extension]
    path = document_path(GROUP_ID, 0, filename, doc_uuid)
    lead = rng.choice(("Tải về:", "Xem chi tiết văn bản:", "File đính kèm:"))
    issued = (plan.published - timedelta(days=2)).date()
    media = MediaFile(doc_uuid, filename, content_type, label=label, issued=(issued.year, issued.month, issued.day))
    return FileLink(lead, label, path, filename, content_type), media


def _small_image(plan: _Plan) -> tuple[int, MediaFile]:
    image_id = 800_000 + plan.index
    return image_id, MediaFile(str(image_id), f"{image_id}.jpg", JPEG, 150, 100)


def _finish(
    plan: _Plan,
    rng: random.Random,
    elements: tuple[Element, ...],
    signature: str,
    style: EditorStyle,
    media: tuple[MediaFile, ...],
    show_date: bool,
    related: tuple[str, ...],
) -> Article:
    blocks, figures, attachments = editor.transcribe(elements)
    first = blocks[0].text
    summary = first if len(first) <= 200 else first[:197].rsplit(" ", 1)[0] + "..."
    small_image_id, small_media = _small_image(plan)
    return Article(
        url_title=plan.url_title,
        title=plan.title,
        category_path=plan.category.path,
        category_name=plan.category.name,
        published=plan.published,
        modified=plan.published + timedelta(minutes=rng.randint(5, 180)),
        show_date_in_metadata=show_date,
        summary=summary,
        blocks=blocks,
        figures=figures,
        signature=signature,
        attachments=attachments,
        asset_entry_id=60_000 + plan.index * 7,
        article_id=120_000 + plan.index * 3,
        group_id=GROUP_ID,
        revision=1,
        view_count_base=rng.randint(40, 4000),
        related=related,
        small_image_id=small_image_id,
        media=(*media, small_media),
        style=style,
        elements=elements,
        body_html=editor.body_html(elements, signature, style),
    )


def _seed_article(seed: int, plan: _Plan) -> Article:
    rng = _rng(seed, "seed-article")
    text = parse_seed(read_seed_text())
    elements: list[Element] = []
    media: list[MediaFile] = []
    for number, part in enumerate(text.body, start=1):
        if part[0] == "p":
            elements.append(Paragraph(part[1]))
        else:
            photo, file = _photo(rng, plan, number, part[1:])
            elements.append(replace(photo, alt=""))
            media.append(file)
    return _finish(plan, rng, tuple(elements), text.signature, EditorStyle(), tuple(media), True, ())


def _generated_article(seed: int, plan: _Plan, plans: tuple[_Plan, ...], dead: tuple[str, ...]) -> Article:
    """An article of *plan*; *plans* holds (at least) every plan of its category, in index order."""
    rng = _rng(seed, plan.index, "body")
    scene = plan.scene
    assert scene is not None, "generated articles have a scene"
    style = _style(rng)
    show_date = rng.random() > 0.06
    year = plan.published.year
    dated_opening = not show_date or rng.random() < 0.7
    elements: list[Element] = [Paragraph(prose.opening_paragraph(rng, scene, plan.published, dated_opening))]
    media: list[MediaFile] = []
    deck = prose.sentence_deck(rng)
    n_photos = rng.choices((0, 1, 2, 3, 4), weights=(8, 30, 30, 20, 12))[0]
    n_paragraphs = rng.randint(2, 5)
    for number in range(1, max(n_photos, n_paragraphs) + 1):
        if number <= n_photos:
            previous = next((e.text for e in reversed(elements) if isinstance(e, Paragraph)), "")
            caption = () if rng.random() < 0.08 else prose.caption(rng, scene, year, previous)
            photo, file = _photo(rng, plan, number, caption)
            elements.append(photo)
            media.append(file)
        if number <= n_paragraphs:
            elements.append(Paragraph(prose.body_paragraph(rng, scene, year, deck)))
    if rng.random() < 0.12:
        elements.append(Heading(rng.choice(words.SUBHEADINGS)))
        elements.append(Bullets(tuple(rng.sample(words.LIST_ITEMS, rng.randint(2, 4)))))
    elements.append(Paragraph(prose.closing_paragraph(rng, scene, year)))
    if rng.random() < 0.12:
        link, file = _attachment(rng, plan)
        elements.append(link)
        media.append(file)
    older = [other for other in plans if other.category == plan.category and other.published < plan.published]
    roll = rng.random()
    if roll < 0.05 and older:
        other = rng.choice(older)
        elements.append(SeeAlso("Xem thêm:", other.title, f"/vi/web/neoportal/-/{other.url_title}"))
    elif roll < 0.08 and dead:
        elements.append(SeeAlso("Tin liên quan:", "Xem chi tiết", f"/web/neoportal/-/{rng.choice(dead)}"))
    related = (
        tuple(o.url_title for o in rng.sample(older, min(len(older), rng.randint(1, 3))))
        if (older and rng.random() < 0.3)
        else ()
    )
    signature = prose.signature(rng, scene, style.signature)
    if style.signature == "upper":
        signature = signature.upper()
    return _finish(plan, rng, tuple(elements), signature, style, tuple(media), show_date, related)


def _edited(seed: int, article: Article, edition: int) -> Article:
    rng = _rng(seed, article.url_title, "edit", edition)
    when = NEWEST + timedelta(days=3 * edition + rng.randint(0, 2), hours=rng.randint(1, 8))
    note = Paragraph(
        f"Cập nhật ngày {when.day}/{when.month}/{when.year}: Ban tổ chức đã bổ sung danh sách "
        f"{rng.randint(5, 40)} tập thể, cá nhân được biểu dương tại buổi lễ tổng kết."
    )
    elements = (*article.elements, note)
    blocks = editor.transcribe(elements)[0]
    return replace(
        article,
        elements=elements,
        blocks=blocks,
        body_html=editor.body_html(elements, article.signature, article.style),
        modified=when,
        revision=article.revision + 1,
    )


def build_corpus(seed: int = 2023, n_articles: int = 400, edition: int = 1) -> Corpus:
    """Build the replica's articles for ``seed``: ``n_articles`` in edition 1, the real seed article among them."""
    if n_articles < 5:
        raise ConfigurationError(f"the replica needs at least 5 articles, got {n_articles}")
    if edition < 1:
        raise ConfigurationError(f"editions start at 1, got {edition}")
    used = {SEED_URL_TITLE}
    seed_index = round((NEWEST - SEED_PUBLISHED).days * n_articles / SPAN_DAYS)
    plans = tuple(
        _Plan(index, SEED_URL_TITLE, SEED_TITLE, CATEGORIES[0], SEED_PUBLISHED, None)
        if index == seed_index
        else _plan(seed, index, _published(seed, index, n_articles), used)
        for index in range(n_articles)
    )
    dead = tuple(prose.url_title_of(title) for title in words.DEAD_LINK_TITLES)
    by_category: dict[str, list[_Plan]] = {}
    for plan in plans:
        by_category.setdefault(plan.category.path, []).append(plan)
    same = {path: tuple(group) for path, group in by_category.items()}  # each article's candidates for 'older'
    articles = [
        _seed_article(seed, plan)
        if plan.index == seed_index
        else _generated_article(seed, plan, same[plan.category.path], dead)
        for plan in plans
    ]
    by_date = sorted(articles, key=lambda article: article.published, reverse=True)
    others = [article for article in by_date if article.url_title != SEED_URL_TITLE]
    flaky, slow = others[len(others) // 3].url_title, others[len(others) // 2].url_title
    protected = {SEED_URL_TITLE, flaky, slow}
    typed_in = legacy.choose(articles, protected)  # one article per legacy encoding: never edited or removed
    articles = [legacy.typed_article(a, typed_in[a.url_title]) if a.url_title in typed_in else a for a in articles]
    protected |= set(typed_in)
    removed: list[str] = []
    added: list[str] = []
    edited: list[str] = []
    next_index = n_articles
    for number in range(2, edition + 1):
        rng = _rng(seed, "edition", number)
        candidates = [a.url_title for a in articles if a.url_title not in protected]
        chosen = rng.sample(candidates, min(len(candidates), 2 * CHANGES_PER_EDITION))
        gone, changed = set(chosen[:CHANGES_PER_EDITION]), set(chosen[CHANGES_PER_EDITION:])
        articles = [
            _edited(seed, a, number) if a.url_title in changed else a for a in articles if a.url_title not in gone
        ]
        removed.extend(sorted(gone))
        edited.extend(sorted(changed))
        for offset in range(ADDED_PER_EDITION):
            published = _published(seed, next_index, n_articles).replace(
                year=NEWEST.year, month=7, day=min(28, 3 * (number - 1) + offset + 1)
            )
            plan = _plan(seed, next_index, published, used)
            articles.append(_generated_article(seed, plan, same.get(plan.category.path, ()), dead))
            added.append(plan.url_title)
            next_index += 1
    ordered = tuple(sorted(articles, key=lambda article: (article.published, article.asset_entry_id), reverse=True))
    return Corpus(
        seed=seed,
        edition=edition,
        group_id=GROUP_ID,
        categories=CATEGORIES,
        articles=ordered,
        removed=tuple(removed),
        added=tuple(added),
        edited=tuple(edited),
        dead_url_titles=dead,
        seed_url_title=SEED_URL_TITLE,
        flaky_url_title=flaky,
        slow_url_title=slow,
    )
