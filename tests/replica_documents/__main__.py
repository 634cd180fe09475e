"""``python -m tests.replica_documents``: write the replica's committed PDF, DOCX and XLSX (run from the repository
root after changing the writers or fixture_spec(); the .doc, .odt and .rtf are LibreOffice's conversions of the
DOCX)."""

from __future__ import annotations

from pathlib import Path

from dvscrape.replica.documents import COMMITTED_NAME
from tests.replica_documents import committed_documents

FOLDER = Path(__file__).resolve().parents[2] / "dvscrape" / "replica" / "data" / "documents"

if __name__ == "__main__":
    for extension, data in committed_documents().items():
        path = FOLDER / f"{COMMITTED_NAME}{extension}"
        path.write_bytes(data)
        print(f"{path}: {len(data)} bytes")
