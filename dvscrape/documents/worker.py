"""Child process of dvscrape.documents.sandbox: reads a JSON request on stdin, prints the DocumentResult as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from dvscrape.documents.limits import Limits
from dvscrape.documents.model import failed
from dvscrape.documents.reader import read_document
from dvscrape.documents.sniff import extension_kind


def main() -> int:
    request = json.loads(sys.stdin.read())
    limits = Limits(**request["limits"])
    data = Path(request["path"]).read_bytes()
    try:
        result = read_document(data, request["filename"], request["content_type"], ocr=request["ocr"], limits=limits)
    except MemoryError:
        result = failed(extension_kind(request["filename"]) or "unknown", "too large: out of memory (limit)")
    except RecursionError:
        result = failed(extension_kind(request["filename"]) or "unknown", "damaged: nesting too deep to read")
    except OSError as error:
        kind = extension_kind(request["filename"]) or "unknown"
        if error.errno == 12 or "failed to map" in str(error) or "Cannot allocate" in str(error):
            result = failed(kind, f"too large: out of memory within the {limits.memory_bytes >> 20} MB limit")
        else:
            result = failed(kind, f"damaged: {type(error).__name__}: {str(error)[:300]}")
    except Exception as error:  # any reader bug or malformed input: recorded, never fatal
        kind = extension_kind(request["filename"]) or "unknown"
        result = failed(kind, f"damaged: {type(error).__name__}: {str(error)[:300]}")
    sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
