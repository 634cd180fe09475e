"""First guard of dvscrape.text: the public API imports and the seed article passes normalize unchanged."""

from pathlib import Path

import dvscrape.text as text

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_0082a50cf85ccdec.txt"


def test_public_api_is_exported() -> None:
    for name in text.__all__:
        assert hasattr(text, name), name


def test_normalize_keeps_clean_unicode_vietnamese() -> None:
    paragraph = "Ngày 23/3, Ban Dân vận Quận ủy phối hợp với Ủy ban nhân dân quận Tân Bình tổ chức hội nghị."
    assert text.normalize(paragraph) == paragraph
