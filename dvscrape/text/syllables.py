"""Vietnamese syllable structure: split a written syllable into onset, vowels and coda, and say if it is well formed.

Used to decide which words are Vietnamese (tone placement leaves other words alone) and whether a legacy-encoded
reading of a word makes sense.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from dvscrape.text.letters import ACUTE, DOT_BELOW, split_tone

_VOWELS = frozenset("aăâeêioôơuưy")
_FRONT_VOWELS = frozenset("ieêy")
_STOP_CODAS = frozenset(("c", "ch", "p", "t"))
_CODAS = frozenset(("", "c", "ch", "m", "n", "ng", "nh", "p", "t"))
# Longest first, so that "ngh" wins over "ng" and "ng" over "n".
_ONSETS = (
    "ngh",
    "ch",
    "gh",
    "gi",
    "kh",
    "ng",
    "nh",
    "ph",
    "qu",
    "th",
    "tr",
    "b",
    "c",
    "d",
    "đ",
    "g",
    "h",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "x",
)

_RHYMES_TEXT = """
a ac ach ai am an ang anh ao ap at au ay
ăc ăm ăn ăng ăp ăt
âc âm ân âng âp ât âu ây
e ec em en eng eo ep et
ê êch êm ên ênh êp êt êu
i ich im in inh ip it iu ia iêc iêm iên iêng iêp iêt iêu
y yêm yên yêng yêt yêu
o oc oi om on ong op ot oa oac oach oai oam oan oang oanh oao oap oat oay
oăc oăm oăn oăng oăt oe oen oeo oet ooc oong
ô ôc ôi ôm ôn ông ôp ôt
ơ ơi ơm ơn ơp ơt
u uc ui um un ung up ut ua uân uâng uât uây uê uêch uênh uy uych uyn uynh uyt uya uyên uyêt uyu
uôc uôi uôm uôn uông uôt uơ
ư ưc ưi ưm ưn ưng ưt ưu ưa ươc ươi ươm ươn ương ươp ươt ươu
"""


@cache
def rhymes() -> frozenset[str]:
    """Every written rhyme (vowels and coda, without tone) of Vietnamese."""
    return frozenset(_RHYMES_TEXT.split())


@dataclass(frozen=True)
class Syllable:
    """A tone-less, lower-case syllable split into its written parts: 'nghiêng' → ('ngh', 'iê', 'ng')."""

    onset: str
    vowels: str
    coda: str


@lru_cache(maxsize=32768)
def parse_syllable(bare: str) -> Syllable | None:
    """Split a lower-case syllable written without tone mark (shape marks kept) into onset, vowels and coda.

    Returns None when the string is not a well-formed Vietnamese syllable. 'qu' and 'gi' are onsets when a vowel
    follows them ('quá', 'giữ'); 'gì', 'gìn' read as g + i.
    """
    for onset in _ONSETS:
        if bare.startswith(onset) and len(bare) > len(onset) and bare[len(onset)] in _VOWELS:
            break
    else:
        onset = ""
        if not bare or bare[0] not in _VOWELS:
            return None
    rest = bare[len(onset) :]
    split_at = 0
    while split_at < len(rest) and rest[split_at] in _VOWELS:
        split_at += 1
    vowels, coda = rest[:split_at], rest[split_at:]
    if coda not in _CODAS:
        return None
    known = rhymes()
    rhyme = vowels + coda
    if onset == "qu":
        if rhyme not in known and "u" + rhyme not in known or vowels[0] in "uư":
            return None
    elif onset == "gi":
        if rhyme not in known and "i" + rhyme not in known:
            return None
    elif rhyme not in known:
        return None
    first = vowels[0]
    if onset in ("k", "gh", "ngh") and first not in _FRONT_VOWELS:
        return None
    if onset in ("c", "ng") and first in _FRONT_VOWELS:
        return None
    if onset == "g" and first in "eêy":
        return None
    return Syllable(onset, vowels, coda)


def split_word(word: str) -> tuple[str, str, list[str]] | None:
    """('Việt' → ('viêt', DOT_BELOW, ['V', 'i', 'ê', 't'])): lower-case bare form, its single tone, bare letters.

    The bare letters keep the word's case. Returns None when a character is not a Vietnamese letter or when the word
    carries more than one tone mark.
    """
    tone = ""
    bare_letters: list[str] = []
    for char in word:
        parts = split_tone(char)
        if parts is None:
            if "a" <= char.lower() <= "z":
                bare_letters.append(char)
                continue
            return None
        letter, mark = parts
        if mark:
            if tone:
                return None
            tone = mark
        bare_letters.append(letter)
    return "".join(bare_letters).lower(), tone, bare_letters


@lru_cache(maxsize=65536)
def is_vietnamese_syllable(word: str) -> bool:
    """True when word (NFC) is one well-formed Vietnamese syllable with a possible tone ('Nguyễn', 'khuỷu', 'quốc').

    A syllable ending in c, ch, p or t must carry the sắc or nặng tone. Case does not matter.
    """
    split = split_word(word)
    if split is None:
        return False
    bare, tone, _ = split
    syllable = parse_syllable(bare)
    if syllable is None:
        return False
    return syllable.coda not in _STOP_CODAS or tone in (ACUTE, DOT_BELOW)
