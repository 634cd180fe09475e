"""OCR of scans (tesseract's Vietnamese model): character error rate against the text that was rendered. Few and
small: one clean 300 dpi scan, one noisy one, a skewed and a quarter-turned page image, and a page over its time."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from dvscrape.documents.model import DONE, OCR
from dvscrape.documents.ocr import deskew_angle, missing_reason
from dvscrape.documents.quality import character_error_rate
from dvscrape.documents.reader import read_document
from tests.conftest import CLI, kill_when
from tests.replica_documents import spec as specs
from tests.replica_documents import writers

pytestmark = [
    pytest.mark.skipif(bool(missing_reason()), reason=f"OCR unavailable: {missing_reason()}"),
    pytest.mark.skipif(not writers.fonts_available(), reason="DejaVu fonts (fonts-dejavu-core) missing"),
]
CLEAN_TARGET = 0.02
NOISY_BOUND = 0.10


@pytest.fixture(scope="module")
def spec() -> specs.DocumentSpec:
    return specs.spec_for("ocr-test", "Kế hoạch số 109/KH-UBND", (2024, 3, 12))


def test_clean_scan_reaches_the_target_and_its_fields(spec: specs.DocumentSpec) -> None:
    result = read_document(writers.scan_pdf(spec), "scan.pdf")
    assert result.status == DONE and result.method == OCR and result.ocr_confidence and result.ocr_confidence > 80
    rate = character_error_rate("\n".join(writers.scan_lines(spec)), result.text)
    print(f"clean 300 dpi scan: CER {rate:.2%}, confidence {result.ocr_confidence}")
    assert rate <= CLEAN_TARGET
    expected = spec.expected_fields()
    assert {name: result.fields.get(name) for name in expected} == expected


def test_noisy_scan_is_read(spec: specs.DocumentSpec) -> None:
    result = read_document(writers.scan_pdf(spec, noisy=True), "noisy.pdf")
    rate = character_error_rate("\n".join(writers.scan_lines(spec)), result.text)
    print(f"noisy scan: CER {rate:.2%}, confidence {result.ocr_confidence}")
    assert result.status == DONE and rate <= NOISY_BOUND


def test_page_scanned_a_quarter_turn_round_is_turned_back(spec: specs.DocumentSpec) -> None:
    image = writers.scan_image(spec, dpi=200, angle=0.0).rotate(90, expand=True)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    result = read_document(buffer.getvalue(), "xoay.png")
    rate = character_error_rate("\n".join(writers.scan_lines(spec)), result.text)
    print(f"page image turned 90°: CER {rate:.2%}")
    assert result.status == DONE and rate <= 0.05


def test_a_page_over_its_ocr_time_is_recorded(spec: specs.DocumentSpec) -> None:
    from dvscrape.documents.limits import Limits

    result = read_document(writers.scan_pdf(spec), "scan.pdf", limits=Limits(ocr_page_seconds=0))
    assert result.status == "failed" and result.reason.startswith("timeout:") and "page 1" in result.warnings[0]


def test_skewed_page_image_is_straightened(spec: specs.DocumentSpec) -> None:
    image = writers.scan_image(spec, dpi=200, angle=4.0)
    assert abs(deskew_angle(image) + 4.0) <= 0.5
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    result = read_document(buffer.getvalue(), "trang-1.png")
    rate = character_error_rate("\n".join(writers.scan_lines(spec)), result.text)
    print(f"page image skewed 4°: CER {rate:.2%}")
    assert result.status == DONE and rate <= 0.05


def test_a_killed_reader_leaves_no_process_behind(spec: specs.DocumentSpec, tmp_path: Path) -> None:
    image = writers.scan_image(spec)
    scans = tmp_path / "scans.pdf"
    image.save(scans, format="PDF", resolution=300, save_all=True, append_images=[image] * 7)
    extract = subprocess.Popen([*CLI, "extract", str(scans)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # the sandbox worker and its tesseract; eight pages of OCR would take far longer than 5 s
    kill_when(extract, lambda found: any(process.name == "tesseract" for process in found), seconds=5)
