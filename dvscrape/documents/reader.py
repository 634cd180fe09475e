"""Read one document's bytes in this process: the kind sniffed, the right reader, the heading fields. Use
dvscrape.documents.sandbox.read_isolated for untrusted input (a subprocess with memory, CPU and time limits)."""

from __future__ import annotations

import io

from dvscrape.documents.heading import heading_fields
from dvscrape.documents.limits import Limits
from dvscrape.documents.model import DONE, FAILED, OCR, WAITING_OCR, DocumentResult, Page, failed
from dvscrape.documents.ocr import OcrEngine, missing_reason
from dvscrape.documents.sniff import extension_kind, sniff


def read_image(data: bytes, ocr: OcrEngine | None, limits: Limits) -> DocumentResult:
    """An image of a document (each frame of a multi-page TIFF a page), OCR'd."""
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError) as error:
        return failed("image", f"damaged: not a readable image ({error})")
    except Image.DecompressionBombError as error:
        return failed("image", f"too large: {error}")
    if width * height > limits.max_pixels:
        return failed("image", f"too large: {width}x{height} pixels (limit {limits.max_pixels})")
    frames = min(getattr(image, "n_frames", 1), limits.max_pages)
    result = DocumentResult("image", DONE, OCR, page_count=frames)
    if ocr is None:
        result.status = WAITING_OCR
        result.pages = [Page(n + 1, "", OCR) for n in range(frames)]
        return result
    confidences = []
    for frame in range(frames):
        try:
            image.seek(frame)
            image.load()
        except (OSError, ValueError) as error:
            result.warnings.append(f"frame {frame + 1} unreadable: {error}")
            continue
        text, confidence = ocr.read_page_safely(image, frame + 1, result.warnings)
        result.pages.append(Page(frame + 1, text, OCR, confidence))
        if confidence is not None:
            confidences.append(confidence)
    if confidences:
        result.ocr_confidence = round(sum(confidences) / len(confidences), 2)
    return result


def read_document(
    data: bytes, filename: str = "", content_type: str = "", *, ocr: bool = True, limits: Limits | None = None
) -> DocumentResult:
    """The text and heading fields of a document. With ocr=False, or when tesseract is missing, pages that need
    OCR leave the document WAITING_OCR (its reason says how to install tesseract)."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        return failed(extension_kind(filename) or "unknown", f"too large: {len(data)} bytes (limit {limits.max_bytes})")
    if not data:
        return failed(extension_kind(filename) or "unknown", "empty: the file has no bytes")
    kind = sniff(data, filename, content_type)
    engine = None
    if ocr and not missing_reason():
        engine = OcrEngine(limits)
    result = _dispatch(kind, data, filename, engine, limits)
    if result.status == WAITING_OCR:
        why = missing_reason() if ocr else "OCR was switched off"
        from dvscrape.documents.model import OCR_MISSING_MESSAGE

        result.reason = OCR_MISSING_MESSAGE if why and ocr else f"needs OCR ({why})"
    if result.status == DONE:
        text = result.text
        if len(text) > limits.max_text_chars:
            result.warnings.append(f"text cut at {limits.max_text_chars} characters (limit)")
        if not text.strip():
            result.status = FAILED
            timed_out = any("took more than" in warning for warning in result.warnings)
            why = "timeout: OCR ran over its time on every page" if timed_out else "empty: the document holds no text"
            result.reason = result.reason or (why + (f" ({'; '.join(result.warnings)})" if result.warnings else ""))
        result.fields = heading_fields(text)
    return result


def _dispatch(kind: str, data: bytes, filename: str, engine: OcrEngine | None, limits: Limits) -> DocumentResult:
    if kind == "pdf":
        from dvscrape.documents.pdf import read_pdf

        return read_pdf(data, engine, limits)
    if kind == "docx":
        from dvscrape.documents.office import read_docx

        return read_docx(data, limits)
    if kind in ("odt", "ods"):
        from dvscrape.documents.office import read_odf

        return read_odf(data, kind, limits)
    if kind == "xlsx":
        from dvscrape.documents.office import read_xlsx

        return read_xlsx(data, limits)
    if kind == "xls":
        from dvscrape.documents.office import read_xls

        return read_xls(data, limits)
    if kind == "doc":
        from dvscrape.documents.doc import read_doc

        return read_doc(data)
    if kind == "rtf":
        from dvscrape.documents.office import read_rtf

        return read_rtf(data, limits)
    if kind == "text":
        from dvscrape.documents.office import read_plain

        return read_plain(data)
    if kind == "image":
        return read_image(data, engine, limits)
    if kind == "encrypted-ooxml":
        return failed(extension_kind(filename) or "docx", "encrypted: a password-protected Office document")
    promised = extension_kind(filename)
    if promised and promised != "text":
        return failed(promised, f"damaged: the bytes are not a {promised.upper()} file (they look like {kind})")
    return failed(kind, f"unsupported: {kind} is not a document kind dvscrape reads")
