"""Real text nobody here wrote, from packages that ship it: the independent oracles of the text tests and bench.

- Vietnamese: the VLSP 2013 test sentences underthesea ships as its POS tagger's test output (a word per line, a
  blank line between sentences), put back together as running text.
- Other languages: Babel's CLDR locale data (names of countries, languages, scripts, currencies, months, days),
  joined into list-like lines so that a word is seen among its neighbours.
- Debian's translation catalogs (/usr/share/locale/<lang>/LC_MESSAGES/*.mo): translated program messages, in
  Vietnamese and some 60 other languages, read with gettext; what a machine has depends on its Debian packages.
- Faker's locale providers: person names, cities, streets and companies of vi_VN and other locales.
"""

from __future__ import annotations

import gettext
import importlib
import re
import subprocess
import unicodedata
from functools import cache
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

_TONES = "\u0300\u0301\u0303\u0309\u0323"
_VLSP_TEST = "underthesea/pipeline/pos_tag/models/pos_crf_vlsp2013_20230303/test_output.txt"
# Latin-script languages whose letters include Latin-1 ones (the ones legacy detectors could mistake), then others.
OTHER_LANGUAGES = tuple(
    [
        "sv",
        "de",
        "fr",
        "is",
        "fo",
        "sq",
        "ro",
        "pl",
        "cs",
        "hu",
        "tr",
        "es",
        "pt",
        "it",
        "nl",
        "da",
        "nb",
        "fi",
        "et",
        "lt",
        "lv",
        "hr",
        "sl",
        "sk",
        "ca",
        "ga",
        "cy",
        "eu",
        "gl",
        "af",
        "mt",
        "lb",
        "br",
        "fa",
        "ml",
        "si",
        "km",
        "he",
        "ar",
        "hi",
        "ru",
        "el",
        "th",
        "ja",
        "yo",
        "ha",
        "az",
    ]
)


def _vlsp_path() -> Path | None:
    try:
        path = Path(str(distribution("underthesea").locate_file(_VLSP_TEST)))
    except PackageNotFoundError:
        return None
    return path if path.exists() else None


def _detokenize(tokens: list[str]) -> str:
    text = " ".join(tokens)
    text = re.sub(r" ([,.;:!?)\]…%])", r"\1", text)
    return re.sub(r"([(\[“]) ", r"\1", text)


@cache
def vietnamese_sentences() -> tuple[str, ...]:
    """The VLSP 2013 test sentences shipped with underthesea (NFC), or () when underthesea is not installed."""
    path = _vlsp_path()
    if path is None:
        return ()
    sentences: list[str] = []
    tokens: list[str] = []
    for line in [*path.read_text(encoding="utf-8").split("\n"), ""]:
        if line.strip():
            tokens.append(line.split("\t")[0])
        elif tokens:
            sentences.append(unicodedata.normalize("NFC", _detokenize(tokens)))
            tokens = []
    return tuple(sentences)


def typed_for_vntime(text: str) -> str:
    """text as a .VnTime typist typed it: TCVN3 (VN3) has no capital with a tone, so those are typed small; in a
    heading set in capitals the font's capitals (.VnTimeH) or the context show them as capitals."""
    return "".join(
        char.lower() if char.isupper() and set(unicodedata.normalize("NFD", char)) & set(_TONES) else char
        for char in text
    )


def iconv(text: str, encoding: str) -> bytes | None:
    """text encoded by glibc's iconv program, or None when iconv cannot encode it."""
    done = subprocess.run(["iconv", "-f", "UTF-8", "-t", encoding], input=text.encode(), capture_output=True)
    return done.stdout if done.returncode == 0 else None


def iconv_many(texts: list[str], encoding: str) -> list[bytes | None]:
    """Each text encoded by iconv: one process for all, each text on its own line; a line iconv cannot encode is
    None (those are encoded one by one to find them)."""
    done = subprocess.run(
        ["iconv", "-f", "UTF-8", "-t", encoding], input="\n".join(texts).encode(), capture_output=True
    )
    if done.returncode == 0:
        lines = done.stdout.split(b"\n")
        if len(lines) == len(texts):
            return list(lines)
    return [iconv(text, encoding) for text in texts]


@cache
def other_language_lines(code: str) -> tuple[str, ...]:
    """Babel's CLDR names in one language: each name alone, and lines of eight and of twelve names."""
    from babel import Locale

    locale = Locale.parse(code)
    names: list[str] = []
    for table in (locale.territories, locale.languages, locale.scripts, locale.currencies):
        names += [str(name) for name in table.values()]
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            names += [str(name) for name in locale.months[context][width].values()]
            names += [str(name) for name in locale.days[context][width].values()]
    names = [unicodedata.normalize("NFC", name) for name in dict.fromkeys(names)]
    lines = [", ".join(names[i : i + 12]) for i in range(0, len(names), 12)]
    lines += [" ".join(names[i : i + 8]) for i in range(0, len(names), 8)]
    return tuple(names + lines)


_LOCALE_DIR = Path("/usr/share/locale")


@cache
def debian_catalog(language: str, limit: int = 6000) -> tuple[str, ...]:
    """The translated messages (msgstr) of Debian's .mo catalogs for a language directory name ('sv', 'pt_BR'), in
    a stable order, at most limit of them; () when the machine has none."""
    messages: dict[str, None] = {}
    for path in sorted((_LOCALE_DIR / language / "LC_MESSAGES").glob("*.mo")):
        try:
            with path.open("rb") as file:
                catalog = gettext.GNUTranslations(file)
        except (OSError, ValueError, IndexError):
            continue
        for original, translated in catalog._catalog.items():  # type: ignore[attr-defined]
            if original and isinstance(translated, str) and translated.strip():
                messages.setdefault(translated)
    return tuple(messages)[:limit]


def _strings(value: object, found: list[str]) -> None:
    if isinstance(value, str):
        found.append(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _strings(key, found)
            _strings(item, found)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _strings(item, found)


@cache
def faker_strings(locale: str, providers: tuple[str, ...] = ("person", "address", "company")) -> tuple[str, ...]:
    """The words and names in Faker's providers for a locale ('vi_VN'): the lists its person, address and company
    providers draw from (formats and templates left out); () when Faker is not installed."""
    found: list[str] = []
    for provider in providers:
        try:
            module = importlib.import_module(f"faker.providers.{provider}.{locale}")
        except ModuleNotFoundError:
            continue
        for name, value in vars(module.Provider).items():
            if not name.startswith("_") and "format" not in name and not callable(value):
                _strings(value, found)
    names = (unicodedata.normalize("NFC", text) for text in found if text.strip())
    return tuple(dict.fromkeys(text for text in names if "{{" not in text and "#" not in text and "?" not in text))
