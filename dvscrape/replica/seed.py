"""The one real article of the corpus, rebuilt from the text of the real page shipped in ``data/seed_article.txt``."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from dvscrape.errors import ConfigurationError

SEED_RESOURCE = "seed_article.txt"
SEED_TITLE = (
    "QUẬN TÂN BÌNH: TĂNG CƯỜNG PHỐI HỢP GIỮA BAN DÂN VẬN QUẬN ỦY VÀ ỦY BAN NHÂN DÂN QUẬN TRONG CÔNG TÁC DÂN VẬN "
    "NĂM 2023"
)
SEED_URL_TITLE = (
    "quan-tan-binh-tang-cuong-phoi-hop-giua-ban-dan-van-quan-uy-va-uy-ban-nhan-dan-quan-trong-cong-tac-dan-van-nam-2023"
)
BODY_END_MARKER = "TIN TỨC MEDIA TIN TỨC MEDIA"

# The order of the body lines of the real page: paragraph, caption (one line), caption broken over two lines,
# signature. Each caption follows a photo.
SEED_LAYOUT = ("p", "cap", "p", "p", "cap2", "p", "cap", "p", "cap", "sig")


@dataclass(frozen=True)
class SeedText:
    """The seed page's text split into its parts."""

    banner: str
    title: str
    # ("p", text) for a paragraph, ("cap", line, …) for a caption after a photo
    body: tuple[tuple[str, ...], ...]
    signature: str


def read_seed_text() -> str:
    """The shipped text of the real page, boilerplate included."""
    return resources.files("dvscrape.replica").joinpath("data", SEED_RESOURCE).read_text(encoding="utf-8")


def parse_seed(text: str) -> SeedText:
    """Split the page text into banner, title, body parts and signature, following :data:`SEED_LAYOUT`."""
    lines = tuple(line.strip() for line in text.splitlines() if line.strip())
    try:
        title_at = lines.index(SEED_TITLE)
        end_at = lines.index(BODY_END_MARKER)
    except ValueError as error:
        raise ConfigurationError(f"seed article text is not the expected page: {error}") from error
    body_lines = list(lines[title_at + 1 : end_at])
    parts: list[tuple[str, ...]] = []
    signature = ""
    for kind in SEED_LAYOUT:
        if not body_lines:
            raise ConfigurationError("seed article text is shorter than its layout")
        if kind == "p":
            parts.append(("p", body_lines.pop(0)))
        elif kind == "cap":
            parts.append(("cap", body_lines.pop(0)))
        elif kind == "cap2":
            parts.append(("cap", body_lines.pop(0), body_lines.pop(0)))
        else:
            signature = body_lines.pop(0)
    if body_lines:
        raise ConfigurationError(f"seed article text has {len(body_lines)} lines more than its layout")
    return SeedText(banner=lines[0], title=SEED_TITLE, body=tuple(parts), signature=signature)
