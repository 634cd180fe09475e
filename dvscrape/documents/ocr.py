"""OCR with the tesseract command and its Vietnamese model, on pages straightened first (small skew by projection
profiles; quarter turns by tesseract's orientation detection when the first reading is poor)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from functools import cache, partial
from typing import Any

from dvscrape.documents.limits import Limits
from dvscrape.documents.textpass import clean_text
from dvscrape.lifeline import die_with

DPI = 300
LANGUAGE = "vie"
# A first reading with a mean word confidence below this is retried after orientation detection.
RETRY_CONFIDENCE = 60.0


def tesseract_command() -> str:
    """The tesseract program: DVSCRAPE_TESSERACT (a name or a path; "none" switches OCR off), else "tesseract"."""
    return os.environ.get("DVSCRAPE_TESSERACT", "").strip() or "tesseract"


def missing_reason(language: str = LANGUAGE) -> str:
    """What is missing for OCR (tesseract, or its model for *language*), or "" when it is installed."""
    return _missing_reason(tesseract_command(), language)


@cache
def _missing_reason(tesseract: str, language: str) -> str:
    if tesseract.lower() == "none":
        return "OCR is switched off (DVSCRAPE_TESSERACT=none)"
    binary = shutil.which(tesseract)
    if binary is None:
        return "tesseract is not installed"
    try:
        listed = subprocess.run(
            [binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        ).stdout.split()
    except (OSError, subprocess.SubprocessError) as error:
        return f"tesseract does not run: {error}"
    return f"tesseract has no '{language}' model" if language not in listed else ""


def deskew_angle(image: Any, span: float = 6.0, step: float = 0.25) -> float:
    """The rotation (degrees, counter-clockwise) that makes the text lines of a greyscale page horizontal: the angle
    whose row profile of dark pixels is the most peaked."""
    import numpy as np
    from PIL import Image

    small = image.convert("L")
    scale = 1000 / max(small.size)
    if scale < 1:
        small = small.resize((int(small.width * scale), int(small.height * scale)), Image.Resampling.BILINEAR)
    pixels = np.asarray(small, dtype=np.uint8)
    threshold = min(int(pixels.mean()) - 30, 160)
    ink = Image.fromarray(((pixels < threshold) * 255).astype(np.uint8))

    def score(angle: float) -> float:
        rotated = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST, expand=False), dtype=np.float32)
        rows = rotated.sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    best = max((step * k for k in range(int(-span / step), int(span / step) + 1)), key=score)
    fine = max((best + step / 5 * k for k in range(-4, 5)), key=score)
    return round(fine, 2)


class OcrEngine:
    """Reads page images with tesseract (one process per page, bounded by a timeout, one thread, killed with the
    process that runs it)."""

    def __init__(self, limits: Limits, tesseract: str | None = None, language: str = LANGUAGE) -> None:
        self.limits = limits
        tesseract = tesseract or tesseract_command()
        self.tesseract = shutil.which(tesseract) or tesseract
        self.language = language

    def _tesseract(self, image: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
        # One thread: when other work shares the cores, tesseract's OpenMP threads spin (a page measured here took
        # 5-9 times the wall clock and 5-8 times the CPU with two); the pool runs one worker per core instead.
        return subprocess.run(
            [self.tesseract, "stdin", "stdout", *args],
            input=image,
            capture_output=True,
            timeout=self.limits.ocr_page_seconds,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            preexec_fn=partial(die_with, os.getpid()),  # noqa: PLW1509 - it only sets the parent-death signal
            check=False,
        )

    def _run(self, image: bytes, *args: str) -> str:
        completed = self._tesseract(image, "-l", self.language, *args)
        if completed.returncode != 0:
            raise RuntimeError(completed.stderr.decode("utf-8", "replace").strip()[:300] or "tesseract failed")
        return completed.stdout.decode("utf-8", "replace")

    def _orientation(self, image: bytes) -> int:
        """Degrees to rotate counter-clockwise, by tesseract's orientation detection (0 when unsure)."""
        try:
            out = self._tesseract(image, "--psm", "0", "-l", "osd").stdout.decode("utf-8", "replace")
        except (OSError, subprocess.SubprocessError):
            return 0
        rotate = confidence = 0.0
        for line in out.splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "Rotate":
                rotate = float(value)
            elif key.strip() == "Orientation confidence":
                confidence = float(value)
        return int(rotate) if confidence >= 2.0 else 0

    def read_image(self, image: Any) -> tuple[str, float | None]:
        """The text of a page image and the mean confidence (0-100) of its words."""
        from PIL import Image

        page = image.convert("L")
        angle = deskew_angle(page)
        if abs(angle) >= 0.2:
            page = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
        pixels = _pgm(page)
        text, confidence = parse_tsv(self._run(pixels, "--psm", "3", "tsv"))
        if confidence is None or confidence < RETRY_CONFIDENCE:
            turn = self._orientation(pixels)
            if turn:
                turned = page.rotate(-turn, expand=True, fillcolor=255)
                second = parse_tsv(self._run(_pgm(turned), "--psm", "3", "tsv"))
                if (second[1] or 0) > (confidence or 0):
                    text, confidence = second
        return clean_text(text), confidence

    def read_page_safely(self, image: Any, number: int, warnings: list[str]) -> tuple[str, float | None]:
        """read_image, with a page over its time limit or refused by tesseract noted in *warnings* (text "")."""
        try:
            return self.read_image(image)
        except subprocess.TimeoutExpired:
            warnings.append(f"page {number}: OCR took more than {self.limits.ocr_page_seconds} s (limit), skipped")
        except (RuntimeError, OSError) as error:
            warnings.append(f"page {number}: OCR failed ({error})")
        return "", None

    def render_pdf_page(self, page: Any) -> Any:
        """A PDF page rendered at 300 dpi (less for huge pages), greyscale."""
        width, height = page.get_size()
        scale = DPI / 72
        if width * height * scale * scale > self.limits.max_pixels:
            scale = (self.limits.max_pixels / (width * height)) ** 0.5
        return page.render(scale=scale, grayscale=True).to_pil()


def _pgm(image: Any) -> bytes:
    """A greyscale page as uncompressed PGM: 70 times quicker to make than a PNG, and the same pixels to tesseract."""
    buffer = io.BytesIO()
    image.save(buffer, format="PPM")
    return buffer.getvalue()


def parse_tsv(tsv: str) -> tuple[str, float | None]:
    """tesseract's TSV output → text (lines joined by line ends, blocks by blank lines) and mean word confidence."""
    lines: dict[tuple[int, int, int], list[str]] = {}
    confidences: list[float] = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5":
            continue
        word = cells[11].strip()
        if not word:
            continue
        key = (int(cells[2]), int(cells[3]), int(cells[4]))
        lines.setdefault(key, []).append(word)
        confidence = float(cells[10])
        if confidence >= 0:
            confidences.append(confidence)
    out: list[str] = []
    previous_block: tuple[int, int] | None = None
    for (block, paragraph, _line), words in lines.items():
        if previous_block is not None and (block, paragraph) != previous_block:
            out.append("")
        out.append(" ".join(words))
        previous_block = (block, paragraph)
    mean = round(sum(confidences) / len(confidences), 2) if confidences else None
    return "\n".join(out), mean
