"""`dvscrape extract` through click: JSON out, non-articles exit 0, unreadable input one line and exit 1."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from dvscrape.cli import main

PAGES = Path(__file__).parent / "golden" / "pages"
SEED_URL = "https://tanbinh.hochiminhcity.gov.vn/en_US/web/neoportal/-/quan-tan-binh-tang-cuong?redirect=%2Fx"


def test_article_file_prints_unescaped_json() -> None:
    result = CliRunner().invoke(main, ["extract", str(PAGES / "seed_en_us_asset_publisher.html"), "--url", SEED_URL])
    assert result.exit_code == 0, result.output
    assert "BAN DÂN VẬN QUẬN ỦY." in result.output  # UTF-8, not \\u escapes
    data = json.loads(result.output)
    assert data["locale"] == "en_US"
    assert data["signature"] == "BAN DÂN VẬN QUẬN ỦY."
    assert data["url"] == "https://tanbinh.hochiminhcity.gov.vn/web/neoportal/-/quan-tan-binh-tang-cuong"


def test_non_article_prints_why_and_exits_zero() -> None:
    result = CliRunner().invoke(main, ["extract", str(PAGES / "listing_tin_tuc_su_kien.html")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["article"] is False and data["kind"] == "listing"


def test_unreadable_input_is_one_line_and_non_zero(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    cases = {7: ["/web/neoportal/-/x", "--archive", str(tmp_path)], 2: [str(tmp_path / "missing.html")]}
    for code, args in [(2, [str(empty)]), *cases.items()]:
        result = CliRunner().invoke(main, ["extract", *args])
        assert result.exit_code == code, (args, result.output)
        assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
        assert "Traceback" not in result.output
