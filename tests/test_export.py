"""Exports of a small archive (built with the Archive API, duplicates planted on purpose) read back with the tools
researchers use: pandas, pyarrow, Hugging Face datasets (offline, in a subprocess) and frictionless."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dvscrape.errors import ConfigurationError
from dvscrape.export.options import Dedup, ExportOptions, Format
from dvscrape.export.run import ExportResult, export_dataset
from dvscrape.export.schema import ARTICLES
from tests.test_export_fixtures import (
    CATEGORIES,
    EXACT_COPY_OF,
    NEAR_COPY_OF,
    PLAIN_ARTICLES,
    TITLE_OF_FIRST,
    TONE_COPY_OF,
    TOTAL_ARTICLES,
    VERSIONED,
    Planted,
    articles,
    build_archive,
)

PLANTED = Planted()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_archive(tmp_path_factory.mktemp("export") / "archive")


def export(archive: Path, out: Path, format: Format = Format.PARQUET, **options: object) -> ExportResult:
    return export_dataset(archive, out, ExportOptions(format=format, **options))  # type: ignore[arg-type]


def parquet_rows(folder: Path, name: str = "articles.parquet") -> pd.DataFrame:
    return pq.read_table(folder / name).to_pandas()


# -- formats, read back ------------------------------------------------------------------------------------------


def test_jsonl_is_utf8_unescaped_one_object_per_line(archive: Path, tmp_path: Path) -> None:
    result = export(archive, tmp_path / "out", Format.JSONL)
    raw = (tmp_path / "out" / "articles.jsonl").read_text(encoding="utf-8")
    assert TITLE_OF_FIRST in raw and "\\u" not in raw
    lines = raw.splitlines()
    assert len(lines) == result.rows == TOTAL_ARTICLES
    assert tuple(json.loads(lines[0])) == ARTICLES.field_names
    frame = pd.read_json(tmp_path / "out" / "articles.jsonl", lines=True, dtype={"published_date": str})
    assert len(frame) == TOTAL_ARTICLES
    assert frame.loc[0, "title"] == TITLE_OF_FIRST
    assert frame.loc[0, "text"].count("\n\n") == len(articles()[0].blocks) - 1


def test_csv_has_a_bom_and_reads_in_pandas_with_vietnamese_intact(archive: Path, tmp_path: Path) -> None:
    export(archive, tmp_path / "out", Format.CSV)
    data = (tmp_path / "out" / "articles.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,site,version,url,title,text,")
    frame = pd.read_csv(tmp_path / "out" / "articles.csv", parse_dates=["published_date"])
    assert list(frame.columns) == list(ARTICLES.field_names)
    assert len(frame) == TOTAL_ARTICLES
    assert frame.loc[0, "title"] == TITLE_OF_FIRST
    assert frame.loc[0, "text"] == articles()[0].body  # multi-line cells survive quoting
    assert frame["published_date"].dtype.kind == "M"
    assert json.loads(frame.loc[PLANTED.empty_body - 1, "image_urls"])[1].endswith("anh-28-1.jpg")


def test_csv_without_bom(archive: Path, tmp_path: Path) -> None:
    export(archive, tmp_path / "out", Format.CSV, csv_bom=False)
    assert (tmp_path / "out" / "articles.csv").read_bytes().startswith(b"id,site,version,")
    package = json.loads((tmp_path / "out" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["resources"][0]["encoding"] == "utf-8"


def test_parquet_has_an_explicit_typed_schema(archive: Path, tmp_path: Path) -> None:
    export(archive, tmp_path / "out", Format.PARQUET)
    schema = pq.read_schema(tmp_path / "out" / "articles.parquet")
    assert schema.names == list(ARTICLES.field_names)
    assert schema.field("published_date").type == pa.date32()
    assert schema.field("captions").type == pa.list_(pa.string())
    assert schema.field("id").type == pa.int64() and not schema.field("id").nullable
    assert b"description" in schema.field("warc_offset").metadata
    frame = parquet_rows(tmp_path / "out")
    assert len(frame) == TOTAL_ARTICLES
    assert frame.loc[0, "published_date"] == date(2024, 2, 2)
    assert frame.loc[10, "published_date"] is None  # article 11 has no date
    assert frame.loc[0, "language"] == "vi"
    assert frame.loc[0, "warc_record_id"] == "<urn:uuid:00000000-0000-4000-8000-000000000000>"


def test_parquet_row_groups_follow_the_batch_options(archive: Path, tmp_path: Path) -> None:
    export(archive, tmp_path / "small", batch_rows=5, row_group_rows=7)
    export(archive, tmp_path / "default")
    assert pq.ParquetFile(tmp_path / "small" / "articles.parquet").metadata.num_row_groups == 4
    pd.testing.assert_frame_equal(parquet_rows(tmp_path / "small"), parquet_rows(tmp_path / "default"))


def test_hf_folder_has_shards_a_card_and_loads_with_datasets_offline(archive: Path, tmp_path: Path) -> None:
    import datasets  # noqa: F401  (a declared test dependency: a missing one fails, never skips)

    out = tmp_path / "hf"
    result = export(archive, out, Format.HF, shard_rows=10, row_group_rows=4)
    assert [file.path for file in result.files] == [f"data/train-0000{i}-of-00003.parquet" for i in range(3)]
    card = (out / "README.md").read_text(encoding="utf-8")
    header = card.split("---\n")[1]
    assert "license: other" in header and "num_examples: 28" in header and '- "n<1K"' in header
    assert 'dtype: "date32"' in header and 'list: "string"' in header
    code = (
        "import json, sys, datasets\n"
        f"ds = datasets.load_dataset({str(out)!r}, split='train', cache_dir={str(tmp_path / 'cache')!r})\n"
        "print(json.dumps({'rows': ds.num_rows, 'date': str(ds.features['published_date']),\n"
        "  'captions': str(ds.features['captions']), 'title': ds[0]['title'], 'day': str(ds[0]['published_date'])},"
        " ensure_ascii=False))\n"
    )
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf-home")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == {
        "rows": 28,
        "date": "Value('date32')",
        "captions": "List(Value('string'))",
        "title": TITLE_OF_FIRST,
        "day": "2024-02-02",
    }
    assert "Ignoring part of dataset_info" not in done.stderr


def test_datapackage_describes_the_files_and_validates_with_frictionless(archive: Path, tmp_path: Path) -> None:
    import frictionless

    for format in (Format.JSONL, Format.CSV):
        export(archive, tmp_path / format.value, format)
        report = frictionless.validate(str(tmp_path / format.value / "datapackage.json"))
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    for format in (Format.PARQUET, Format.HF):
        export(archive, tmp_path / format.value, format)
        report = frictionless.validate(str(tmp_path / format.value / "datapackage.json"))
        # frictionless-py reads Parquet through pandas: list cells become numpy arrays its "array" type rejects, and
        # nulls in an integer column become NaN. Those artefacts of its reader are the only errors it may report.
        errors = [error for task in report.tasks for error in task.errors]
        assert all(error.type == "type-error" for error in errors)
        assert {error.field_name for error in errors if error.cell != "nan"} <= {
            "captions",
            "image_urls",
            "attachment_urls",
        }
    package = json.loads((tmp_path / "csv" / "datapackage.json").read_text(encoding="utf-8"))
    resource = package["resources"][0]
    assert resource["path"] == "articles.csv" and resource["encoding"] == "utf-8-sig"
    assert [field["name"] for field in resource["schema"]["fields"]] == list(ARTICLES.field_names)
    assert {field["name"]: field["type"] for field in resource["schema"]["fields"]}["published_date"] == "date"
    assert package["created"] == "2024-07-01T00:00:00.000000Z"  # from the archive's crawls, not the clock
    assert package["dvscrape"]["crawls"][0]["crawls"] == 2


def test_frictionless_command_line_validates_the_csv_export(archive: Path, tmp_path: Path) -> None:
    import frictionless  # noqa: F401

    export(archive, tmp_path / "out", Format.CSV)
    command = Path(sys.executable).parent / "frictionless"
    done = subprocess.run(
        [str(command), "validate", str(tmp_path / "out" / "datapackage.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize("format", list(Format))
def test_the_same_archive_and_options_give_byte_identical_exports(
    archive: Path, tmp_path: Path, format: Format
) -> None:
    export(archive, tmp_path / "a", format, dedup=Dedup.NEAR, tone="main")
    export(archive, tmp_path / "b", format, dedup=Dedup.NEAR, tone="main")
    files_a = sorted(path.relative_to(tmp_path / "a") for path in (tmp_path / "a").rglob("*") if path.is_file())
    files_b = sorted(path.relative_to(tmp_path / "b") for path in (tmp_path / "b").rglob("*") if path.is_file())
    assert files_a == files_b
    for relative in files_a:
        assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes(), relative


# -- filters, tones, versions ------------------------------------------------------------------------------------


def test_since_until_and_category_filters(archive: Path, tmp_path: Path) -> None:
    stored = articles()
    export(archive, tmp_path / "dates", since=date(2024, 1, 1), until=date(2024, 6, 1))
    dated = parquet_rows(tmp_path / "dates")
    expected = [
        index
        for index, article in enumerate(stored, 1)
        if article.published and "2024-01-01" <= article.published[:10] <= "2024-06-01"
    ]
    assert dated["id"].tolist() == expected and expected
    export(archive, tmp_path / "category", category=CATEGORIES[1])
    in_category = parquet_rows(tmp_path / "category")
    assert in_category["id"].tolist() == [i for i, a in enumerate(stored, 1) if a.category == CATEGORIES[1]]
    export(archive, tmp_path / "secondary", category="Tin hoạt động")  # the second category of every article
    assert len(parquet_rows(tmp_path / "secondary")) == TOTAL_ARTICLES


def test_an_export_that_matches_nothing_is_still_a_valid_empty_dataset(archive: Path, tmp_path: Path) -> None:
    result = export(archive, tmp_path / "none", category="Không có")
    assert result.rows == 0
    table = pq.read_table(tmp_path / "none" / "articles.parquet")
    assert table.num_rows == 0 and table.schema.field("published_date").type == pa.date32()


def test_tone_styles_change_the_text_not_the_content_hash(archive: Path, tmp_path: Path) -> None:
    export(archive, tmp_path / "keep", tone="keep")
    export(archive, tmp_path / "main", tone="main")
    export(archive, tmp_path / "first", tone="first")
    keep, main, first = (parquet_rows(tmp_path / name).set_index("id") for name in ("keep", "main", "first"))
    assert "Hòa Bình" in keep.loc[TONE_COPY_OF, "text"] and "Hoà Bình" in keep.loc[PLANTED.tone_copy, "text"]
    assert "Hoà Bình" in main.loc[TONE_COPY_OF, "text"] and "Hòa Bình" not in main.loc[PLANTED.tone_copy, "text"]
    assert "Hòa Bình" in first.loc[PLANTED.tone_copy, "text"]
    assert first.loc[PLANTED.tone_copy, "title"].startswith("Văn hóa")
    assert (keep["content_hash"] == main["content_hash"]).all()
    assert (keep["content_hash"] == first["content_hash"]).all()
    assert keep.loc[TONE_COPY_OF, "content_hash"] == keep.loc[PLANTED.tone_copy, "content_hash"]


def test_include_versions_gives_one_row_per_version(archive: Path, tmp_path: Path) -> None:
    export(archive, tmp_path / "latest")
    export(archive, tmp_path / "all", include_versions=True)
    latest, every = parquet_rows(tmp_path / "latest"), parquet_rows(tmp_path / "all")
    assert len(latest) == TOTAL_ARTICLES and len(every) == TOTAL_ARTICLES + 1
    versions = every[every["id"] == VERSIONED]
    assert versions["version"].tolist() == [1, 2]
    first, second = versions["text"].tolist()
    assert not first.endswith("(Đã cập nhật số liệu.)") and second.endswith("(Đã cập nhật số liệu.)")
    assert versions["warc_offset"].tolist() == [(VERSIONED - 1) * 4096, 999 * 4096]
    assert latest.set_index("id").loc[VERSIONED, "version"] == 2
    assert latest.set_index("id").loc[VERSIONED, "text"] == second


# -- deduplication -----------------------------------------------------------------------------------------------


def test_dedup_none_leaves_groups_empty(archive: Path, tmp_path: Path) -> None:
    export(archive, tmp_path / "out")
    assert parquet_rows(tmp_path / "out")["duplicate_group"].isna().all()


def test_exact_dedup_groups_equal_normalised_texts(archive: Path, tmp_path: Path) -> None:
    result = export(archive, tmp_path / "out", dedup=Dedup.EXACT)
    groups = parquet_rows(tmp_path / "out").set_index("id")["duplicate_group"]
    assert groups[PLANTED.exact_copy] == EXACT_COPY_OF
    assert groups[PLANTED.tone_copy] == TONE_COPY_OF  # other tone style, same canonical text
    assert groups[PLANTED.near_copy] == PLANTED.near_copy  # a few words differ: not an exact duplicate
    assert groups[PLANTED.empty_body] == PLANTED.empty_body  # an empty text duplicates nothing
    assert (groups[groups.index <= PLAIN_ARTICLES] == groups.index[groups.index <= PLAIN_ARTICLES]).all()
    assert result.summary.duplicate_rows == 2 and result.summary.grouped_rows == 4


def test_near_dedup_finds_the_edited_copy_and_drop_keeps_the_first(archive: Path, tmp_path: Path) -> None:
    export(archive, tmp_path / "marked", dedup=Dedup.NEAR)
    groups = parquet_rows(tmp_path / "marked").set_index("id")["duplicate_group"]
    assert groups[PLANTED.near_copy] == NEAR_COPY_OF
    assert groups[PLANTED.exact_copy] == EXACT_COPY_OF and groups[PLANTED.tone_copy] == TONE_COPY_OF
    assert (groups == groups.index).sum() == TOTAL_ARTICLES - 3
    result = export(archive, tmp_path / "dropped", dedup=Dedup.NEAR, drop_duplicates=True)
    kept = parquet_rows(tmp_path / "dropped")["id"].tolist()
    assert kept == [
        i for i in range(1, TOTAL_ARTICLES + 1) if i not in (PLANTED.exact_copy, PLANTED.near_copy, PLANTED.tone_copy)
    ]
    assert result.summary.read_rows == TOTAL_ARTICLES and result.rows == TOTAL_ARTICLES - 3


# -- the output folder -------------------------------------------------------------------------------------------


def test_an_existing_folder_is_replaced_only_with_overwrite_and_only_if_it_is_an_export(
    archive: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    export(archive, out, Format.JSONL)
    with pytest.raises(ConfigurationError, match="--overwrite"):
        export(archive, out, Format.CSV)
    export_dataset(archive, out, ExportOptions(format=Format.CSV), overwrite=True)
    assert sorted(path.name for path in out.iterdir()) == ["articles.csv", "datapackage.json"]
    other = tmp_path / "notes"
    other.mkdir()
    (other / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="not a dvscrape export"):
        export_dataset(archive, other, ExportOptions(format=Format.CSV), overwrite=True)
    assert (other / "mine.txt").exists()
    assert not [path for path in tmp_path.iterdir() if ".partial-" in path.name]


def test_inconsistent_options_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="--drop-duplicates"):
        ExportOptions(format=Format.CSV, drop_duplicates=True).checked()
    with pytest.raises(ConfigurationError, match="after"):
        ExportOptions(format=Format.CSV, since=date(2024, 2, 1), until=date(2024, 1, 1)).checked()
    with pytest.raises(ConfigurationError, match="--no-bom"):
        ExportOptions(format=Format.PARQUET, csv_bom=False).checked()
