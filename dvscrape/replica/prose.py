"""Seeded Vietnamese district-news prose: titles, paragraphs, captions and signatures from the word banks."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from dvscrape.replica import words

URL_TITLE_MAX = 150


def url_title_of(title: str) -> str:
    """Liferay's urlTitle: lower case, accents and đ folded to ASCII, runs of other characters to one hyphen."""
    folded = title.lower().replace("đ", "d")
    folded = unicodedata.normalize("NFD", folded)
    folded = "".join(char for char in folded if not unicodedata.combining(char))
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return slug[:URL_TITLE_MAX].rstrip("-")


@dataclass(frozen=True)
class Scene:
    """What one article is about: its event, the people speaking and the place, shared by all its sentences."""

    category_path: str
    event: str
    short: str
    unit: str
    ward: int
    speaker: str
    speaker_role: str
    guests: tuple[tuple[str, str], ...]


def person_name(rng: random.Random) -> str:
    """A plausible Vietnamese full name."""
    return f"{rng.choice(words.SURNAMES)} {rng.choice(words.MIDDLE_NAMES)} {rng.choice(words.GIVEN_NAMES)}"


def _fill(template: str, rng: random.Random, scene: Scene, year: int) -> str:
    category = scene.category_path.rsplit("/", 1)[-1]
    return template.format(
        year=year,
        year_before=year - 1,
        party_years=year - 1930,
        school_year=f"{year - 1} - {year}",
        unit=scene.unit,
        ward=scene.ward,
        short=scene.short,
        person=scene.speaker,
        role=scene.speaker_role,
        achievement=_achievement(rng, category),
        task=rng.choice(words.TASKS),
        task2=rng.choice(words.TASKS),
        topic=words.TOPICS[category],
        count=rng.randint(12, 180),
    )


def _achievement(rng: random.Random, category: str) -> str:
    return rng.choice(words.ACHIEVEMENTS[category]).format(
        percent=rng.choice(("85", "92", "95", "97,5", "98", "99,2")),
        count=rng.randint(6, 140),
        amount=rng.choice(("1,2", "2,5", "3", "4,8", "6")),
    )


def make_scene(rng: random.Random, category_path: str, year: int) -> Scene:
    """Pick the event, unit, ward and people of one article."""
    category = category_path.rsplit("/", 1)[-1]
    event_template, short = rng.choice(words.EVENTS[category])
    ward = rng.randint(1, 15)
    unit = rng.choice((*words.DISTRICT_UNITS, f"Ủy ban nhân dân Phường {ward}"))
    guests = tuple(
        (person_name(rng), role)
        for role in rng.sample(
            (*words.DISTRICT_ROLES, *words.CITY_ROLES, *(t.format(ward=ward) for t in words.WARD_ROLE_TEMPLATES)),
            rng.randint(2, 4),
        )
    )
    speaker, speaker_role = guests[0]
    event = event_template.format(
        year=year, year_before=year - 1, party_years=year - 1930, school_year=f"{year - 1} - {year}"
    )
    return Scene(category_path, event, short, unit, ward, speaker, speaker_role, guests)


def make_title(rng: random.Random, scene: Scene) -> str:
    """A headline: upper-case 'UNIT: VERB EVENT' (as the seed), or sentence case."""
    verb = rng.choice(words.TITLE_VERBS)
    if rng.random() < 0.5:
        place = "QUẬN TÂN BÌNH" if rng.random() < 0.5 else f"PHƯỜNG {scene.ward}"
        return f"{place}: {verb} {scene.event}".upper()
    subject = scene.unit
    return f"{subject[0].upper()}{subject[1:]} {verb} {scene.event}"


def opening_paragraph(rng: random.Random, scene: Scene, published: datetime, with_date: bool) -> str:
    """'Ngày d/m, <unit> tổ chức <event>. Tham dự … có các đồng chí: …' as district reports open."""
    day = published.day if rng.random() < 0.5 or published.day == 1 else published.day - 1
    lead = f"Ngày {day}/{published.month}, " if with_date else "Vừa qua, "
    guests = "; ".join(f"{name}, {role}" for name, role in scene.guests)
    return (
        f"{lead}{scene.unit} {rng.choice(words.TITLE_VERBS)} {scene.event}. "
        f"Tham dự {scene.short} có các đồng chí: {guests}."
    )


def sentence_deck(rng: random.Random) -> list[str]:
    """The middle-sentence templates in a seeded order; an article draws from it so sentences never repeat."""
    return rng.sample(words.MIDDLE_SENTENCES, len(words.MIDDLE_SENTENCES))


def body_paragraph(rng: random.Random, scene: Scene, year: int, deck: list[str]) -> str:
    """Two to four sentences of report prose, drawn from the article's ``deck`` (refilled when empty)."""
    sentences = []
    for _ in range(rng.randint(2, 4)):
        if not deck:
            deck.extend(sentence_deck(rng))
        sentences.append(_fill(deck.pop(), rng, scene, year))
    return " ".join(sentences)


def closing_paragraph(rng: random.Random, scene: Scene, year: int) -> str:
    """The leader's closing instructions or the awards."""
    return _fill(rng.choice(words.CLOSING_SENTENCES), rng, scene, year)


def caption(rng: random.Random, scene: Scene, year: int, previous_paragraph: str) -> tuple[str, ...]:
    """A caption, possibly broken over two lines; sometimes it nearly repeats the paragraph above it."""
    if previous_paragraph and rng.random() < 0.12:
        first_sentence = previous_paragraph.split(". ")[0].rstrip(".")
        return (first_sentence,)
    person, role = rng.choice(scene.guests)
    text = rng.choice(words.CAPTION_TEMPLATES).format(short=scene.short, person=person, role=role)
    if rng.random() < 0.25:
        cut = text.find(" phát biểu")
        if cut > 0:
            return (text[:cut], text[cut + 1 :])
        cut = text.find(", ")
        if cut > 0:
            return (text[: cut + 1], text[cut + 2 :])
    return (text,)


def signature(rng: random.Random, scene: Scene, style: str) -> str:
    """The signature line; unit names in capitals, or a reporter's name."""
    if style == "right" and rng.random() < 0.6:
        return rng.choice(words.SIGNATURE_PEOPLE)
    return rng.choice(words.SIGNATURE_UNITS).format(ward=scene.ward)


def document_title(rng: random.Random) -> str:
    """The title of an attached official document."""
    return rng.choice(words.DOCUMENT_TITLES).format(number=rng.randint(12, 980))
