"""dvscrape.text against more text nobody here wrote: Debian's translation catalogs (program messages in some 60
languages, Vietnamese among them) and Faker's locale data (names, cities, streets, companies).

Other languages: normalize changes no visible character of a message, and keeps the zero-width joiners, non-joiners
and spaces and the bidi marks that are part of a script's spelling. Vietnamese: clean messages and names stay as they
are, and short ones (a name, a two-word title, in title case and capitals) come back exactly from Python's cp1258
codec, glibc's iconv (TCVN3 where VN3 can say it) and UTF-8 read as windows-1252 once and twice.
"""

from __future__ import annotations

import datetime
import re
import shutil
import unicodedata

import pytest

from dvscrape.replica.charsets import windows_1258 as cp1258
from dvscrape.text import decode_html, find_legacy_runs, normalize
from dvscrape.text.legacy_tables import vni_encoding
from tests.corpora import debian_catalog, faker_strings, iconv_many, typed_for_vntime

# Latin-script languages with Latin-1 letters (the ones legacy detectors could mistake), then other scripts.
CATALOG_LANGUAGES = (
    *("sv", "de", "fr", "is", "fo", "sq", "ro", "pt", "pt_BR", "es", "it", "nl", "da", "nb", "fi", "et", "hu"),
    *("pl", "cs", "sk", "sl", "hr", "tr", "ga", "ca", "gl", "eu", "af", "cy", "lt", "lv", "az", "id"),
    *("fa", "ar", "he", "km", "ml", "si", "hi", "ru", "uk", "el", "ka", "th", "ja"),
)
JOINING_SCRIPTS = ("fa", "ar", "he", "km", "ml", "si")
FAKER_LOCALES = (
    *("sv_SE", "de_DE", "fr_FR", "is_IS", "ro_RO", "pt_PT", "pt_BR", "es_ES", "it_IT", "nl_NL", "da_DK"),
    *("no_NO", "fi_FI", "et_EE", "hu_HU", "pl_PL", "cs_CZ", "sk_SK", "hr_HR", "tr_TR", "ga_IE", "az_AZ"),
    *("fa_IR", "he_IL", "ar_AA", "si_LK", "ru_RU", "el_GR", "hy_AM", "ka_GE", "th_TH"),
)
# Format characters: invisible, and removed where they are noise (see strip_invisible, clean_whitespace).
_FORMAT = "\u00ad\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\ufeff"

needs_faker = pytest.mark.skipif(not faker_strings("vi_VN"), reason="faker (test extra) not installed")
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _visible(text: str) -> str:
    """The visible characters of text, composed: what a reader sees, whitespace and format characters aside."""
    return "".join(char for char in unicodedata.normalize("NFC", text) if not char.isspace() and char not in _FORMAT)


def _python_repair(text: str) -> str:
    """text with each run of non-ASCII characters that Python's codecs read back as UTF-8 (mojibake: 'geÃ¯nstalleerd')
    so read: Debian's catalogs hold a few, and repairing them is right."""

    def repair(match: re.Match[str]) -> str:
        try:
            return match.group().encode("cp1252").decode("utf-8")
        except UnicodeError:
            return match.group()

    return re.sub("[\u0080-\u02ff\u2010-\u2122]{2,}", repair, text)


def _catalog(language: str) -> tuple[str, ...]:
    messages = debian_catalog(language)
    if not messages:
        pytest.skip(f"no Debian translation catalogs for {language} on this machine")
    return messages


_LATIN_LETTER = "A-Za-z\u00c0-\u024f"
_CYRILLIC_OR_GREEK = "\u0370-\u03ff\u0400-\u052f"
# A word of Latin and Cyrillic or Greek letters ('Рixbuf' with a Cyrillic Р in ka): not valid text of any language,
# it is what fold_confusables repairs. ('%sНет', '%liс': a printf conversion before a word, are not such words.)
_MIXED_SCRIPT_WORD = re.compile(
    f"(?<![%\\\\\\w])[{_LATIN_LETTER}][{_LATIN_LETTER}{_CYRILLIC_OR_GREEK}]*[{_CYRILLIC_OR_GREEK}]"
    f"|(?<![%\\\\\\w])[{_CYRILLIC_OR_GREEK}][{_LATIN_LETTER}{_CYRILLIC_OR_GREEK}]*[{_LATIN_LETTER}]"
)


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_debian_messages_in_other_languages_keep_every_letter(language: str) -> None:
    messages = [message for message in _catalog(language) if not _MIXED_SCRIPT_WORD.search(message)]
    changed = []
    for message in messages:
        seen = _visible(normalize(message))
        if seen not in (_visible(message), _visible(_python_repair(message))):
            changed.append((message, normalize(message)))
    assert changed == []
    # As one document (pages.finish judges an article's encoding from all its text): no legacy run.
    chunks = ["\n".join(messages[i : i + 100]) for i in range(0, len(messages), 100)]
    runs = [(chunk, run) for chunk in chunks for run in find_legacy_runs(chunk)]
    assert [chunk[run.start : run.end] for chunk, run in runs] == []


CYRILLIC_AND_GREEK_CATALOGS = ("uz@cyrillic", "ru", "uk", "bg", "be", "kk", "ky", "tg", "mk", "sr", "el")


@pytest.mark.parametrize("language", CYRILLIC_AND_GREEK_CATALOGS)
def test_a_mixed_word_of_cyrillic_or_greek_text_is_left_alone(language: str) -> None:
    # 'Конверт кahu' (Uzbek): in text written in Cyrillic the Latin letters may be the intruders as well. A look-alike
    # is folded in Latin text, or in a word of another script's text ('Рixbuf' in Georgian).
    messages = [message for message in _catalog(language) if _MIXED_SCRIPT_WORD.search(message)]
    if not messages:
        pytest.skip(f"no word of mixed scripts in this machine's {language} catalogs")
    assert [(text, normalize(text)) for text in messages if _visible(normalize(text)) != _visible(text)] == []


def _joins(text: str) -> list[tuple[str, str, str]]:
    """Each run of format characters between two characters that are not spaces, one of them not Latin (a Persian
    or Malayalam join, a Khmer word break, a Hebrew mark): (before, run, after)."""

    def latin(char: str) -> bool:
        return ord(char) < 0x250 or 0x1E00 <= ord(char) <= 0x1EFF or 0x2000 <= ord(char) <= 0x206F

    found = []
    for match in re.finditer(f"[{_FORMAT}]+", text):
        before, after = text[match.start() - 1 : match.start()], text[match.end() : match.end() + 1]
        spaced = not before or not after or before.isspace() or after.isspace()
        if not spaced and not (latin(before) and latin(after)):
            found.append((before, match.group().replace("\u00ad", ""), after))
    return found


@pytest.mark.parametrize("language", JOINING_SCRIPTS)
def test_scripts_keep_their_joiners_and_marks(language: str) -> None:
    messages = [message for message in _catalog(language) if _joins(message)]
    if not messages:
        pytest.skip(f"no joiner or mark inside a word in this machine's {language} catalogs")
    assert [message for message in messages if _joins(normalize(message)) != _joins(message)] == []


def _marks(text: str) -> list[str]:
    return [char for char in text if char in _FORMAT and char not in "\u00ad\ufeff"]


# Catalogs of a right-to-left script (every message: the English ones a Hebrew catalog wraps in RLE ... PDF, dates
# and numbers marked with RLM, are shown right to left too) and of scripts that break words with zero-width spaces
# (messages with a letter of that script).
RIGHT_TO_LEFT_CATALOGS = ("he", "yi", "ar", "fa", "ps", "ckb")
SPACELESS_CATALOGS = {"km": "\u1780-\u17ff", "my": "\u1000-\u109f", "th": "\u0e00-\u0e7f"}


@pytest.mark.parametrize("language", [*RIGHT_TO_LEFT_CATALOGS, *SPACELESS_CATALOGS])
def test_text_in_a_script_keeps_its_invisible_marks_wherever_they_stand(language: str) -> None:
    # At the start, at the end, beside a space: a bidi control or a Khmer word break there is no noise.
    letters = SPACELESS_CATALOGS.get(language)
    messages = [
        text for text in _catalog(language) if _marks(text) and (not letters or re.search(f"[{letters}]", text))
    ]
    if not messages:
        pytest.skip(f"no bidi control or zero-width space in this machine's {language} catalogs")
    assert [(text, normalize(text)) for text in messages if _marks(normalize(text)) != _marks(text)] == []


@pytest.mark.parametrize("locale", ["he", "ar", "fa", "ps", "ur", "ckb", "ug", "yi"])
def test_numbers_and_dates_formatted_for_right_to_left_locales_keep_their_marks(locale: str) -> None:
    babel = pytest.importorskip("babel")
    from babel import dates, numbers

    if babel.localedata.exists(locale) is False:
        pytest.skip(f"Babel has no {locale} locale")
    moment = datetime.datetime(2024, 3, 5, 14, 7, 9)
    texts = [
        *(
            numbers.format_currency(amount, currency, locale=locale)
            for amount in (-1234.5, 99)
            for currency in ["USD", "VND", "ILS"]
        ),
        *(numbers.format_percent(share, locale=locale) for share in (-0.25, 0.5)),
        numbers.format_decimal(-1234567.891, locale=locale),
        *(dates.format_datetime(moment, width, locale=locale) for width in ("short", "medium", "long", "full")),
        *(dates.format_date(moment, width, locale=locale) for width in ("short", "medium", "long", "full")),
    ]
    assert [(text, normalize(text)) for text in texts if _marks(normalize(text)) != _marks(text)] == []


@needs_faker
@pytest.mark.parametrize("locale", FAKER_LOCALES)
def test_names_and_places_of_other_locales_are_never_changed(locale: str) -> None:
    names = [" ".join(name.split()) for name in faker_strings(locale)][:3000]
    assert len(names) > 200
    lines = [" ".join(names[i : i + 8]) for i in range(0, len(names), 8)]
    assert [text for text in names + lines if normalize(text) != text] == []
    # Quoted in a Vietnamese sentence, as portals do.
    quoted = [f"Ông {name} phát biểu tại hội nghị ở Hà Nội." for name in names]
    assert [text for text in quoted if normalize(text) != text] == []


_VIETNAMESE = re.compile("[À-ỹĐđ]")


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _vietnamese_texts() -> list[str]:
    """Faker's vi_VN names and places and Debian's Vietnamese messages: the short ones (one to three words) also in
    title case and in capitals, which were the weak spot; and the fields of an article."""
    messages = [_clean(message) for message in debian_catalog("vi")]
    messages = [text for text in messages if _VIETNAMESE.search(text) and not re.search(r"[%\\_&<>{}=|~]", text)]
    texts = [text for text in faker_strings("vi_VN") if _VIETNAMESE.search(text)] + messages
    short = [text for text in texts if len(text.split()) <= 3]
    fields = ["Minh Tâm (Phường 9)", "Ảnh: Hồng Phúc", "Theo Báo Ấp Bắc", "Tải về: Quyết định số 15/QĐ-UBND"]
    return list(dict.fromkeys([*texts, *(text.title() for text in short), *(text.upper() for text in short), *fields]))


@pytest.fixture(scope="module")
def vietnamese() -> list[str]:
    texts = _vietnamese_texts()
    if len(texts) < 200:
        pytest.skip("neither Faker nor Debian's Vietnamese catalogs are on this machine")
    return texts


def test_clean_vietnamese_is_never_changed(vietnamese: list[str]) -> None:
    assert [text for text in vietnamese if normalize(text) != text] == []


def test_windows_1258_from_pythons_codec(vietnamese: list[str]) -> None:
    wrong = []
    for text in vietnamese:
        try:
            data = cp1258(text)
        except UnicodeEncodeError:
            continue
        if normalize(decode_html(b"<p>" + data + b"</p>", "windows-1258")[3:-4]) != text:
            wrong.append(text)
    assert wrong == []


def test_utf8_read_as_windows_1252_once_and_twice(vietnamese: list[str]) -> None:
    def as_windows_1252(data: bytes) -> str:  # bytes windows-1252 leaves undefined become C1 controls (WHATWG)
        return "".join(bytes([byte]).decode("cp1252", errors="ignore") or chr(byte) for byte in data)

    once = [as_windows_1252(text.encode()) for text in vietnamese]
    twice = [as_windows_1252(text.encode()) for text in once]
    assert [text for text, broken in zip(vietnamese, once, strict=True) if normalize(broken) != text] == []
    assert [text for text, broken in zip(vietnamese, twice, strict=True) if normalize(broken) != text] == []


@pytest.mark.skipif(shutil.which("iconv") is None, reason="glibc iconv not available")
def test_tcvn3_from_iconv_in_a_tcvn3_document(vietnamese: list[str]) -> None:
    # TCVN3 (VN3, the .VnTime fonts) has no capital with a tone: glibc's TCVN5712-1 is VN1, which has them. A typist
    # typed them small, so they come back small, except in a heading set in capitals ('ĐĂNG Ký' is 'ĐĂNG KÝ').
    # Left out: capitals of one or two words, which may as well be title case ('Hµ' is 'Hà' or 'HÀ').
    headings = [text for text in vietnamese if text.isupper() and len(text.split()) >= 3]
    texts = [text for text in vietnamese if typed_for_vntime(text) == text] + headings
    encoded = iconv_many([typed_for_vntime(text) for text in texts], "TCVN5712-1")
    pairs = [(text, data.decode("latin-1")) for text, data in zip(texts, encoded, strict=True) if data is not None]
    assert len(pairs) > 0.9 * len(texts)
    assert sum("\xad" in shown for _, shown in pairs) > 20  # ư, the soft-hyphen code
    assert sum(text != typed_for_vntime(text) for text, _ in pairs) > 100
    # Each a field of an article known to be TCVN3 (pages.finish passes legacy=): back exactly, however short, but
    # a heading whose only word with a tone holds one letter typed in either case ('[V10 Và V32]').
    wrong = [(text, shown) for text, shown in pairs if normalize(shown, legacy="tcvn3") != text]
    assert len(wrong) <= 1, wrong


def test_vni_in_a_vni_document(vietnamese: list[str]) -> None:
    # No independent VNI encoder here: the table's, on text nobody here wrote, with only letters VNI can write.
    table = vni_encoding()
    texts = [text for text in vietnamese if all(char.isascii() or char in table for char in text)]
    wrong = [text for text in texts if normalize("".join(table.get(char, char) for char in text), legacy="vni") != text]
    assert wrong == []


def test_the_top_markup_is_not_viqr() -> None:
    # procps' colour markup ('E~' would read as VIQR 'Ẽ'): a word glued to digits is not VIQR.
    text = "Global: «~1Z~2» couleurs; «~1B~2» gras; «~1E~2»/«~1e~2» résumé/échelle"
    assert normalize(text) == text


@pytest.mark.parametrize(
    "text",
    [
        # From Debian's catalogs, each once changed: Albanian read as TCVN3, Swedish after option names with
        # digits, German guillemets around a placeholder, Russian and Greek with a stray Latin letter or after a
        # printf conversion, Icelandic in capitals, French 'É' before a no-break space read as mojibake.
        "Një instrument që do të shfaqet në vend të etiketës së zakonshme të shpalosësit",
        "Lista e target të suportuar të buffer nga ku të kopjohet apo të kryhet DND",
        "-mfix-loongson2f-jump\tgå runt Loongson2F JUMP-instruktioner\n"
        "-mfix-loongson2f-nop\tgå runt Loongson2F NOP-fel",
        "In der %u. Formatanweisung folgt dem nummerierten Argument kein Komma und keins von »%s«, »%s«, »%s«, »%s«.",
        "%sНет правила для сборки цели «%s»%s",
        "Cервер прокси HTTP не отвечает",
        "selinux-user SEКОР      новая привязка",
        "%liд %liч %liмин %liс",
        "Aν «τα ορθογώνια εστίασης» πρέπει να είναι κρυμμένα",
        "NORÐURLAND EYSTRA",
        "DÉCONSEILLÉ\u00a0: cette clé est obsolète",
        # procps' Swedish help: two abbreviations after colour markup ('vänster/höger') read as TCVN3 'vọ/hử'.
        "Byt sorteringskolumn: ”~1<~2”/”~1>~2” vä/hö\n  R,H,J,C . Växla: ”~1R~2” Sortering",
    ],
)
def test_messages_that_were_changed(text: str) -> None:
    assert _visible(normalize(text)) == _visible(text)


@pytest.mark.skipif(shutil.which("iconv") is None, reason="glibc iconv not available")
@pytest.mark.parametrize(
    "text",
    [
        "Miền Bắc",
        "Các bài viết",
        "Minh Tâm (Phường 9)",
        "Thành phố Hồ Chí Minh",
        # Each once left undecoded (Faker vi_VN and Debian vi strings): one strong word among short or ASCII ones.
        "An Bình",
        "Bắc Giang",
        "Bình Minh",
        "Bản sao",
        "Bảng Tự Do",
        "30 Tháng 4",
        "Alt phải (trong khi bấm)",
        "-W, --ignore-all-space bỏ qua tất cả dấu cách",
    ],
)
def test_short_tcvn3_fields_decode_without_the_documents_hint(text: str) -> None:
    # Two or three words are enough when one of them holds a code that is no letter as read ('Th\xb5nh', 'B\xbec').
    (data,) = iconv_many([text], "TCVN5712-1")
    assert data is not None
    assert normalize(data.decode("latin-1")) == text
    assert normalize(decode_html(data, "windows-1252")) == text
