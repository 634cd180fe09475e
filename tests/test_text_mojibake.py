"""fix_mojibake of dvscrape.text: UTF-8 read as windows-1252 or Latin-1."""

from __future__ import annotations

import pytest

from dvscrape.text import fix_mojibake

TEXT = (
    "Ban Dân vận Quận ủy phối hợp với Ủy ban nhân dân quận Tân Bình – “Nhà nước kêu gọi – Nhân dân đồng hành” "
    "… đường Trương Định, Phường 10; giải pháp, thời gian, học tập, điều kiện, người dân."
)


def as_cp1252(text: str) -> str:
    """What a browser shows for UTF-8 declared windows-1252 (undefined bytes shown as C1 controls)."""
    return "".join(
        chr(byte) if 0x80 <= byte <= 0x9F and byte in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([byte]).decode("cp1252")
        for byte in text.encode("utf-8")
    )


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("Viá»‡t Nam", "Việt Nam"),
        ("Ä‘Æ°á»\x9dng", "đường"),
        ("Cá»™ng hÃ²a xÃ£ há»™i chá»§ nghÄ©a Viá»‡t Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
        ("â€œDÃ¢n váº­n khÃ©oâ€\x9d", "“Dân vận khéo”"),
        ("cafÃ©", "café"),
    ],
)
def test_known_mojibake(broken: str, fixed: str) -> None:
    assert fix_mojibake(broken) == fixed


def test_windows_1252_reading_of_a_paragraph() -> None:
    assert fix_mojibake(as_cp1252(TEXT)) == TEXT


def test_latin1_reading_of_a_paragraph() -> None:
    assert fix_mojibake(TEXT.encode("utf-8").decode("latin-1")) == TEXT


def test_twice_mis_decoded() -> None:
    assert fix_mojibake(as_cp1252(as_cp1252(TEXT))) == TEXT


def test_replacement_characters_are_guessed_only_when_one_reading_fits() -> None:
    broken = TEXT.encode("utf-8").decode("cp1252", errors="replace")
    repaired = fix_mojibake(broken)
    assert "Dân vận" in repaired and "“Nhà nước" in repaired and "người dân" in repaired  # ” and ườ: one fit
    assert "đường Trương Định" in repaired
    # 'thá»\ufffdi' could be thời, thọi, thỏi or thối: left as found rather than guessed.
    assert "th\u00e1\u00bb\ufffdi" in repaired


@pytest.mark.parametrize(
    "clean",
    [
        TEXT,
        "“NGÃ” TƯ",
        "XÃ\u00a0PHƯỚC LONG",
        "Chào «bạn»",
        "Price: 5€ · 10£ © ™",
        "plain ASCII",
        "Müller café naïve",
    ],
)
def test_clean_text_is_unchanged(clean: str) -> None:
    assert fix_mojibake(clean) == clean


def _as_windows_1252(data: bytes) -> str:
    return "".join(bytes([b]).decode("cp1252") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else chr(b) for b in data)


@pytest.mark.parametrize(
    "text",
    [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",  # Ộ is E1 BB 98: windows-1252's ˜, mis-decoded twice
        "Ngành y tế, ĐẶNG, ỐNG, Ồ, Ỗ",  # 0x88 (ˆ) and 0x98 in the middle of letters
        "Nhiệt độ ≥ 25°C ♦ tỷ lệ ⅔ dân số → tăng 5 % ✓ 😀",  # symbols, arrows, dingbats, emoji
    ],
)
def test_mojibake_once_and_twice(text: str) -> None:
    once = _as_windows_1252(text.encode("utf-8"))
    twice = _as_windows_1252(once.encode("utf-8"))
    assert fix_mojibake(once) == text
    assert fix_mojibake(twice) == text


def test_text_made_only_of_two_character_sequences() -> None:
    # Each broken letter alone, beside correctly decoded ones: a repair that makes a syllable of its word is taken.
    assert fix_mojibake("CÃ´ng tÃ¡c tÆ° phÃ¡p còn bộc lộ") == "Công tác tư pháp còn bộc lộ"
    assert fix_mojibake("“NGÃ” TƯ") == "“NGÃ” TƯ"  # NGÃ is a syllable as read: left
