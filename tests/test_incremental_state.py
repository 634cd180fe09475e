"""Tests of the archive side of incremental and resumed crawls: migration 6, IncrementalState, RecheckPolicy,
touch_article / mark_gone, unfinished and resumed crawls, and crash recovery."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from dvscrape.archive.db import Archive
from dvscrape.archive.incremental import IncrementalState, RecheckPolicy
from dvscrape.archive.migrations import apply_migrations
from dvscrape.archive.records import ArticleOutcome, Capture
from dvscrape.archive.recovery import recover_after_crash
from dvscrape.errors import ArchiveError
from dvscrape.pages.article import Article, Block
from dvscrape.warc.model import HttpExchange, RevisitProfile, WarcLocation, warc_date
from dvscrape.warc.reader import read_record_at
from dvscrape.warc.walk import iter_records
from dvscrape.warc.writer import WarcWriter

BASE = "https://tanbinh.hochiminhcity.gov.vn"
ARTICLE_URL = f"{BASE}/tin-tuc/-/content/hoi-nghi"
NOW = datetime(2024, 7, 20, 12, 0, tzinfo=UTC)


def make_article(
    url: str = ARTICLE_URL,
    *,
    body: str = "Sáng ngày 5/7, UBND quận Tân Bình tổ chức hội nghị.",
    published: str | None = "2024-07-05T08:30:00+07:00",
) -> Article:
    return Article(
        url=url,
        fetched_url=url,
        locale="vi",
        title="Quận Tân Bình tổ chức Hội nghị sơ kết",
        html_title="Quận Tân Bình tổ chức Hội nghị sơ kết",
        published=published,
        published_source="meta",
        modified=None,
        categories=("Tin tức - Sự kiện",),
        blocks=(Block("paragraph", body),),
        figures=(),
        signature="",
        attachments=(),
        tags=(),
        related=(),
        template="asset_publisher",
        flags=(),
    )


def exchange(
    url: str = ARTICLE_URL,
    *,
    status: int = 200,
    body: bytes = b"<p>T\xc3\xa2n B\xc3\xacnh</p>",
    day: int = 6,
    headers: tuple[tuple[str, str], ...] = (),
) -> HttpExchange:
    return HttpExchange(
        url=url,
        method="GET",
        request_headers=headers,
        request_body=b"",
        protocol="HTTP/1.1",
        status=status,
        reason="OK" if status == 200 else "Not Modified",
        response_headers=(("Content-Type", "text/html"),),
        response_body=body,
        fetched_at=datetime(2024, 7, day, 1, 2, 3, 456789, tzinfo=UTC),
    )


def capture_of(
    crawl_id: int,
    sent: HttpExchange,
    location: WarcLocation | None,
    *,
    kind: str = "article",
    canonical_url: str | None = None,
    **extra: object,
) -> Capture:
    return Capture(
        crawl_id=crawl_id,
        url=sent.url,
        canonical_url=canonical_url or sent.url,
        kind=kind,
        status=sent.status,
        content_type="text/html",
        fetched_at=warc_date(sent.fetched_at),
        content_length=len(sent.response_body),
        location=location,
        etag='"v1"',
        last_modified="Sat, 06 Jul 2024 01:00:00 GMT",
        **extra,  # type: ignore[arg-type]
    )


def failed_capture(crawl_id: int, url: str, *, kind: str = "article") -> Capture:
    return Capture(
        crawl_id=crawl_id,
        url=url,
        canonical_url=url,
        kind=kind,
        status=None,
        content_type="",
        fetched_at="2024-07-06T01:02:03+00:00",
        content_length=None,
        location=None,
        error="timeout",
    )


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive.open(tmp_path / "archive") as opened:
        yield opened


def writer_for(archive: Archive, crawl_id: int) -> WarcWriter:
    return WarcWriter(archive.warc_dir, prefix="tanbinh", warcinfo={"crawl-id": str(crawl_id)})


# -- migration 6 -----------------------------------------------------------------------------------------------------


def test_migration_upgrades_an_archive_from_before_it(tmp_path: Path) -> None:
    db = Database(tmp_path / "archive.sqlite")
    apply_migrations(db, stop_before="m0006_incremental_crawls")
    db.execute("INSERT INTO crawls (id, site, base_url, started, status) VALUES (1, 'tanbinh', 'x', 't', 'done')")
    db.execute(
        "INSERT INTO captures (id, crawl_id, url, canonical_url, kind, status, fetched_at, warc_filename, "
        "warc_offset, warc_length, warc_record_id) VALUES (1, 1, 'u', 'u', 'article', 200, 't', 'f', 0, 10, '<r>')"
    )
    db.execute(
        "INSERT INTO captures (id, crawl_id, url, canonical_url, kind, fetched_at, error) "
        "VALUES (2, 1, 'v', 'v', 'article', 't', 'timeout')"
    )
    db.execute(
        "INSERT INTO articles (url, title, content_hash, capture_id, first_seen, last_seen) "
        "VALUES ('u', 'Tân Bình', 'h', 1, '2024-01-01', '2024-02-01')"
    )
    db.close()

    with Archive.open(tmp_path) as archive:
        captures = list(
            archive.db.query("SELECT id, record_type, revisit_profile, refers_to_capture_id FROM captures ORDER BY id")
        )
        assert captures == [
            {"id": 1, "record_type": "response", "revisit_profile": "", "refers_to_capture_id": None},
            {"id": 2, "record_type": "", "revisit_profile": "", "refers_to_capture_id": None},
        ]
        (article,) = archive.db.query("SELECT gone_since, gone_status, last_checked, last_seen FROM articles")
        assert article == {
            "gone_since": None,
            "gone_status": None,
            "last_checked": "2024-02-01T00:00:00.000000Z",  # dates become times too (m0010)
            "last_seen": "2024-02-01T00:00:00.000000Z",
        }
        archive.finish_crawl(1, "done", {"articles_unchanged": 4, "articles_gone": 1, "revisits": 3, "missing": 2})
        (crawl,) = archive.db.query(
            "SELECT articles_unchanged, articles_gone, revisits, missing, resumed_from, counts FROM crawls"
        )
        assert crawl["articles_unchanged"] == 4 and crawl["articles_gone"] == 1
        assert crawl["revisits"] == 3 and crawl["missing"] == 2 and crawl["resumed_from"] is None
        assert '"revisits": 3' in crawl["counts"]
        # the old rows are usable by the incremental state
        state = IncrementalState.load(archive, resume_crawl_id=None)
        known = state.last_capture("u")
        assert known is not None and known.capture_id == 1 and known.record_id == "<r>"
        assert state.last_capture("v") is None
        assert state.article("u") is not None and state.article("v") is None
        assert state.recheck_candidates(datetime(2024, 3, 5, tzinfo=UTC), RecheckPolicy()) == ["u"]


def test_record_capture_stores_record_types_and_checks_them(archive: Archive) -> None:
    crawl_id = archive.begin_crawl("tanbinh", BASE, {})
    with writer_for(archive, crawl_id) as writer:
        original = exchange()
        location = writer.write_exchange(original)
        original_id = archive.record_capture(capture_of(crawl_id, original, location))
        not_modified = exchange(status=304, body=b"", day=7)
        revisit_location = writer.write_revisit(
            not_modified,
            profile=RevisitProfile.SERVER_NOT_MODIFIED,
            refers_to=IncrementalState.load(archive, resume_crawl_id=None).last_capture(ARTICLE_URL).revisit_target(),  # type: ignore[union-attr]
        )
    revisit_id = archive.record_capture(
        capture_of(
            crawl_id,
            not_modified,
            revisit_location,
            record_type="revisit",
            revisit_profile=RevisitProfile.SERVER_NOT_MODIFIED,
            refers_to_capture_id=original_id,
        )
    )
    failed_id = archive.record_capture(failed_capture(crawl_id, f"{BASE}/x"))
    stored = {
        row["id"]: row
        for row in archive.db.query("SELECT id, record_type, revisit_profile, refers_to_capture_id FROM captures")
    }
    assert stored[original_id]["record_type"] == "response"
    assert stored[revisit_id] == {
        "id": revisit_id,
        "record_type": "revisit",
        "revisit_profile": "server-not-modified",
        "refers_to_capture_id": original_id,
    }
    assert stored[failed_id]["record_type"] == ""

    with pytest.raises(ValueError, match="needs a profile"):
        archive.record_capture(capture_of(crawl_id, not_modified, revisit_location, record_type="revisit"))
    with pytest.raises(ValueError, match="does not fit"):
        archive.record_capture(capture_of(crawl_id, original, None, record_type="response"))
    with pytest.raises(ValueError, match="only a revisit"):
        archive.record_capture(capture_of(crawl_id, original, location, refers_to_capture_id=original_id))
    with pytest.raises(ValueError, match="unknown record type"):
        archive.record_capture(capture_of(crawl_id, original, location, record_type="request"))


# -- KnownCapture ----------------------------------------------------------------------------------------------------


def test_last_capture_follows_revisit_chains_to_the_original_record(archive: Archive) -> None:
    crawl_id = archive.begin_crawl("tanbinh", BASE, {})
    pdf_a, pdf_b = f"{BASE}/documents/a.pdf", f"{BASE}/documents/b.pdf"
    with writer_for(archive, crawl_id) as writer:
        original = exchange(url=ARTICLE_URL + "?redirect=%2F#top")
        location = writer.write_exchange(original)
        original_id = archive.record_capture(capture_of(crawl_id, original, location, canonical_url=ARTICLE_URL))
        known = IncrementalState.load(archive, resume_crawl_id=None).last_capture(ARTICLE_URL)
        assert known is not None

        # run 2: a 304 revisit of the original; run 3: a revisit recorded as referring to run 2's revisit
        first = exchange(url=original.url, status=304, body=b"", day=7)
        first_location = writer.write_revisit(
            first, profile=RevisitProfile.SERVER_NOT_MODIFIED, refers_to=known.revisit_target()
        )
        first_id = archive.record_capture(
            capture_of(
                crawl_id,
                first,
                first_location,
                canonical_url=ARTICLE_URL,
                record_type="revisit",
                revisit_profile="server-not-modified",
                refers_to_capture_id=original_id,
            )
        )
        second = exchange(url=original.url, status=304, body=b"", day=8)
        second_location = writer.write_revisit(
            second, profile=RevisitProfile.SERVER_NOT_MODIFIED, refers_to=known.revisit_target()
        )
        archive.record_capture(
            capture_of(
                crawl_id,
                second,
                second_location,
                canonical_url=ARTICLE_URL,
                record_type="revisit",
                revisit_profile="server-not-modified",
                refers_to_capture_id=first_id,
            )
        )
        # a later 404 and a failed fetch are no content to refer to
        gone = exchange(url=original.url, status=404, body=b"not found", day=9)
        archive.record_capture(capture_of(crawl_id, gone, writer.write_exchange(gone), canonical_url=ARTICLE_URL))
        archive.record_capture(failed_capture(crawl_id, ARTICLE_URL))

        # the same PDF at two URLs: b is an identical-payload revisit of a
        body = b"%PDF-1.4 quyet dinh"
        pdf = exchange(url=pdf_a, body=body)
        pdf_id = archive.record_capture(capture_of(crawl_id, pdf, writer.write_exchange(pdf), kind="media"))
        pdf_known = IncrementalState.load(archive, resume_crawl_id=None).last_capture(pdf_a)
        assert pdf_known is not None
        copy = exchange(url=pdf_b, body=body)
        copy_location = writer.write_revisit(
            copy, profile=RevisitProfile.IDENTICAL_PAYLOAD_DIGEST, refers_to=pdf_known.revisit_target()
        )
        archive.record_capture(
            capture_of(
                crawl_id,
                copy,
                copy_location,
                kind="media",
                record_type="revisit",
                revisit_profile=RevisitProfile.IDENTICAL_PAYLOAD_DIGEST,
                refers_to_capture_id=pdf_id,
            )
        )
        archive.record_capture(failed_capture(crawl_id, f"{BASE}/only-failed"))

    state = IncrementalState.load(archive, resume_crawl_id=None)
    found = state.last_capture(ARTICLE_URL)
    assert found == known
    assert found.capture_id == original_id and found.record_id == location.record_id
    assert found.url == ARTICLE_URL + "?redirect=%2F"  # the WARC-Target-URI: no fragment
    assert found.warc_date == "2024-07-06T01:02:03.456789Z"
    assert found.payload_digest == location.payload_digest and found.kind == "article"
    assert found.conditional_headers() == (
        ("If-None-Match", '"v1"'),
        ("If-Modified-Since", "Sat, 06 Jul 2024 01:00:00 GMT"),
    )
    target = found.revisit_target()
    assert target.date == original.fetched_at and target.record_id == location.record_id

    # the revisit records written from it point at the original record
    revisit = read_record_at(archive.path_of(first_location), first_location.offset, first_location.length)
    assert revisit.header("WARC-Refers-To") == location.record_id
    assert revisit.header("WARC-Refers-To-Date") == found.warc_date
    assert revisit.header("WARC-Refers-To-Target-URI") == found.url

    copy_known = state.last_capture(pdf_b)
    assert copy_known is not None and copy_known.capture_id == pdf_id and copy_known.url == pdf_a
    assert copy_known.canonical_url == pdf_b
    assert state.last_capture(f"{BASE}/only-failed") is None
    assert state.last_capture(f"{BASE}/never-seen") is None

    # a new full response supersedes the original
    with writer_for(archive, crawl_id) as writer:
        changed = exchange(url=original.url, body=b"<p>new</p>", day=10)
        changed_id = archive.record_capture(
            capture_of(crawl_id, changed, writer.write_exchange(changed), canonical_url=ARTICLE_URL)
        )
    latest = IncrementalState.load(archive, resume_crawl_id=None).last_capture(ARTICLE_URL)
    assert latest is not None and latest.capture_id == changed_id


# -- RecheckPolicy and is_due ----------------------------------------------------------------------------------------


def _article_row(archive: Archive, url: str, *, published: str | None, checked: datetime, gone: bool = False) -> None:
    archive.db.execute(
        "INSERT INTO articles (url, title, content_hash, first_seen, last_seen, last_checked, published_date, "
        "gone_since) VALUES (?, 't', 'h', '2024-01-01T00:00:00Z', ?, ?, ?, ?)",
        [url, checked.isoformat(), checked.isoformat(), published, "2024-06-01" if gone else None],
    )
    archive.db.conn.commit()


def test_is_due_follows_the_policy_with_a_fixed_now(archive: Archive) -> None:
    cases = {
        # url: (published, checked before NOW, gone), due with the default policy
        "recent-just-checked": (("2024-07-18T09:00:00+07:00", timedelta(minutes=5), False), True),
        "recent-day-7": (("2024-07-13", timedelta(hours=1), False), True),
        "month-checked-1-day-ago": (("2024-06-20", timedelta(days=1), False), False),
        "month-checked-3-days-ago": (("2024-06-20", timedelta(days=3), False), True),
        "day-60-checked-2-days-ago": (("2024-05-21", timedelta(days=2), False), False),
        "old-checked-10-days-ago": (("2023-01-01", timedelta(days=10), False), False),
        "old-checked-31-days-ago": (("2023-01-01", timedelta(days=31), False), True),
        "undated-checked-2-days-ago": ((None, timedelta(days=2), False), False),
        "undated-checked-4-days-ago": ((None, timedelta(days=4), False), True),
        "gone-recent-checked-1-day-ago": (("2024-07-18", timedelta(days=1), True), False),
        "gone-checked-30-days-ago": (("2024-07-18", timedelta(days=30), True), True),
    }
    for name, ((published, age, gone), _) in cases.items():
        _article_row(archive, f"{BASE}/{name}", published=published, checked=NOW - age, gone=gone)
    state = IncrementalState.load(archive, resume_crawl_id=None)
    policy = RecheckPolicy()
    due = {name: state.is_due(f"{BASE}/{name}", NOW, policy) for name in cases}
    assert due == {name: expected for name, (_, expected) in cases.items()}
    assert state.is_due(f"{BASE}/not-held", NOW, policy) is True
    candidates = state.recheck_candidates(NOW, policy)  # every article due, and the old one checked lately is not
    assert {f"{BASE}/{name}" for name, (_, expected) in cases.items() if expected} < set(candidates)
    assert f"{BASE}/old-checked-10-days-ago" not in candidates

    every_six_hours = RecheckPolicy(recent_interval_hours=6)
    assert state.is_due(f"{BASE}/recent-just-checked", NOW, every_six_hours) is False
    assert state.is_due(f"{BASE}/recent-just-checked", NOW + timedelta(hours=6), every_six_hours) is True
    with pytest.raises(ValueError, match="timezone-aware"):
        state.is_due(f"{BASE}/recent-day-7", NOW.replace(tzinfo=None), policy)


def test_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        RecheckPolicy(old_interval_days=-1)
    with pytest.raises(ValueError, match="less than recent_days"):
        RecheckPolicy(recent_days=10, month_days=5)
    with pytest.raises(ValueError, match="stop_after_known"):
        RecheckPolicy(stop_after_known=0)


# -- touch_article and mark_gone -------------------------------------------------------------------------------------


def test_touch_and_mark_gone_keep_the_row_and_its_versions(archive: Archive) -> None:
    crawl_id = archive.begin_crawl("tanbinh", BASE, {})
    with writer_for(archive, crawl_id) as writer:
        original = exchange()
        original_id = archive.record_capture(capture_of(crawl_id, original, writer.write_exchange(original)))
        stored = archive.save_article(make_article(), capture_id=original_id, seen_at="2024-07-06T01:02:04Z")
        assert stored.outcome is ArticleOutcome.NEW
        not_modified = exchange(status=304, body=b"", day=7)
        revisit_id = archive.record_capture(
            capture_of(
                crawl_id,
                not_modified,
                writer.write_exchange(not_modified),
                record_type="revisit",
                revisit_profile="server-not-modified",
                refers_to_capture_id=original_id,
            )
        )
        same = exchange(day=8)
        same_id = archive.record_capture(capture_of(crawl_id, same, writer.write_exchange(same)))

    def article_row() -> dict[str, object]:
        (row,) = archive.db.query(
            "SELECT id, capture_id, first_seen, last_seen, last_checked, gone_since, gone_status, title "
            "FROM articles WHERE url = ?",
            [ARTICLE_URL],
        )
        return row

    def versions() -> int:
        return int(archive.db.execute("SELECT count(*) FROM article_versions").fetchone()[0])

    assert article_row()["last_checked"] == "2024-07-06T01:02:04.000000Z"
    assert (
        archive.touch_article(ARTICLE_URL, seen_at="2024-07-07T01:00:00Z", capture_id=revisit_id) == stored.article_id
    )
    row = article_row()
    assert row["capture_id"] == original_id  # a revisit holds no content: provenance stays on the original
    assert row["last_seen"] == row["last_checked"] == "2024-07-07T01:00:00.000000Z"
    assert row["first_seen"] == "2024-07-06T01:02:04.000000Z"
    archive.touch_article(ARTICLE_URL, seen_at="2024-07-08T01:00:00Z", capture_id=same_id)
    assert article_row()["capture_id"] == same_id
    assert versions() == 1

    assert archive.mark_gone(ARTICLE_URL, seen_at="2024-07-09T02:00:00Z", status=404) == stored.article_id
    archive.mark_gone(ARTICLE_URL, seen_at="2024-07-12T02:00:00Z", status=410)
    row = article_row()
    assert row["gone_since"] == "2024-07-09" and row["gone_status"] == 404  # the first answer is kept
    assert row["last_checked"] == "2024-07-12T02:00:00.000000Z" and row["last_seen"] == "2024-07-08T01:00:00.000000Z"
    assert row["title"] and versions() == 1
    gone = IncrementalState.load(archive, resume_crawl_id=None).article(ARTICLE_URL)
    assert gone is not None and gone.is_gone and gone.gone_status == 404 and gone.crawl_id == crawl_id

    # the article comes back: save_article clears gone_since
    back = archive.save_article(make_article(body="Nội dung mới."), capture_id=same_id, seen_at="2024-07-15T00:00:00Z")
    assert back.outcome is ArticleOutcome.UPDATED
    row = article_row()
    assert row["gone_since"] is None and row["gone_status"] is None
    assert row["last_checked"] == "2024-07-15T00:00:00.000000Z" and versions() == 2

    assert archive.touch_article(f"{BASE}/none", seen_at="2024-07-15T00:00:00Z", capture_id=None) is None
    assert archive.mark_gone(f"{BASE}/none", seen_at="2024-07-15T00:00:00Z", status=404) is None


# -- unfinished and resumed crawls -----------------------------------------------------------------------------------


def test_unfinished_crawl_is_found_and_resumed(archive: Archive) -> None:
    done = archive.begin_crawl("tanbinh", BASE, {"mode": "full"})
    archive.finish_crawl(done, "finished", {})
    assert archive.unfinished_crawl("tanbinh") is None
    killed = archive.begin_crawl("tanbinh", BASE, {"mode": "incremental"})
    other_site = archive.begin_crawl("other", "https://other", {})
    assert archive.unfinished_crawl("tanbinh") == killed
    assert archive.unfinished_crawl("nowhere") is None

    stored_url, unstored_url, listing_url = f"{BASE}/a/stored", f"{BASE}/a/not-stored", f"{BASE}/tin-tuc"
    with writer_for(archive, killed) as writer:
        for url, kind in ((listing_url, "listing"), (stored_url, "article"), (unstored_url, "article")):
            sent = exchange(url=url)
            capture_id = archive.record_capture(capture_of(killed, sent, writer.write_exchange(sent), kind=kind))
            if url == stored_url:
                archive.save_article(make_article(url), capture_id=capture_id, seen_at="2024-07-06T01:05:00Z")
    archive.record_capture(failed_capture(killed, f"{BASE}/a/failed"))
    # an article held from an earlier crawl, fetched by the killed run but killed before it was touched
    _article_row(archive, unstored_url, published="2024-07-05", checked=datetime(2024, 7, 1, tzinfo=UTC))

    resumed = archive.resume_crawl(killed)
    crawls = {row["id"]: row for row in archive.db.query("SELECT * FROM crawls")}
    assert crawls[killed]["status"] == "interrupted"
    # the later of its start and its last capture (these captures, like imported ones, are dated before the run)
    assert crawls[killed]["finished"] == crawls[killed]["started"]
    assert crawls[resumed]["status"] == "running" and crawls[resumed]["resumed_from"] == killed
    assert crawls[resumed]["site"] == "tanbinh" and crawls[resumed]["options"] == crawls[killed]["options"]
    assert archive.unfinished_crawl("tanbinh") == resumed  # the new run, until it finishes
    assert archive.unfinished_crawl("other") == other_site
    with pytest.raises(ArchiveError, match="not an unfinished crawl"):
        archive.resume_crawl(done)

    policy = RecheckPolicy(recent_interval_hours=0)
    for resume_id in (killed, resumed):  # the interrupted crawl or the run that continues it
        state = IncrementalState.load(archive, resume_crawl_id=resume_id)
        assert killed in state.resumed_crawl_ids
        assert state.is_due(listing_url, NOW, policy) is False
        assert state.is_due(stored_url, NOW, policy) is False
        assert state.fetched_in_resumed_crawl(stored_url)
        assert state.is_due(unstored_url, NOW, policy) is True  # fetched, but its article was never stored
        assert state.is_due(f"{BASE}/a/failed", NOW, policy) is True
    fresh = IncrementalState.load(archive, resume_crawl_id=None)
    assert fresh.is_due(listing_url, NOW, policy) is True and fresh.resumed_crawl_ids == frozenset()


# -- crash recovery --------------------------------------------------------------------------------------------------


def test_recovery_cuts_the_tail_and_deletes_dangling_rows_of_the_unfinished_crawl(archive: Archive) -> None:
    finished = archive.begin_crawl("tanbinh", BASE, {})
    archive.record_capture(
        Capture(
            crawl_id=finished,
            url=f"{BASE}/old",
            canonical_url=f"{BASE}/old",
            kind="page",
            status=200,
            content_type="text/html",
            fetched_at="2024-01-01T00:00:00Z",
            content_length=1,
            location=WarcLocation("tanbinh-gone.warc.gz", 0, 100, "<urn:uuid:old>", "", ""),
        )
    )
    archive.finish_crawl(finished, "finished", {})
    killed = archive.begin_crawl("tanbinh", BASE, {})
    ids: list[int] = []
    locations: list[WarcLocation] = []
    with writer_for(archive, killed) as writer:
        for number in range(3):
            sent = exchange(url=f"{BASE}/a/{number}", body=f"<p>bài {number}</p>".encode() * 50)
            locations.append(writer.write_exchange(sent))
            ids.append(archive.record_capture(capture_of(killed, sent, locations[-1])))
        (filename,) = writer.files
    article_id = archive.save_article(
        make_article(f"{BASE}/a/2"), capture_id=ids[2], seen_at="2024-07-06T02:00Z"
    ).article_id
    # a row whose offset is a record of the file, but not the recorded one (its request record)
    wrong = archive.record_capture(
        capture_of(
            killed,
            exchange(url=f"{BASE}/a/1"),
            WarcLocation(
                filename,
                locations[1].offset + locations[1].length,
                locations[2].offset - locations[1].offset - locations[1].length,
                "<urn:uuid:wrong>",
                "",
                "",
            ),
        )
    )
    # the crash: the file ends in the middle of record 2 (its response), as when a process is killed mid-write
    path = archive.warc_dir / filename
    with open(path, "r+b") as handle:
        handle.truncate(locations[2].offset + locations[2].length // 2)

    with pytest.raises(ArchiveError, match="crawl lock"):
        recover_after_crash(archive)
    archive.acquire_crawl_lock()
    report = recover_after_crash(archive)

    assert report.crawl_ids == (killed,)
    assert report.truncated == {filename: locations[2].length // 2}
    assert path.stat().st_size == locations[2].offset
    assert set(report.deleted_captures) == {ids[2], wrong}
    assert "past the end of the file" in report.deleted_captures[ids[2]]
    assert "not <urn:uuid:wrong>" in report.deleted_captures[wrong]
    assert report.checked_captures == 4 and report.detached == 2  # the article and its version
    assert report.changed and "1 WARC file(s) cut" in report.summary()
    remaining = [row[0] for row in archive.db.execute("SELECT id FROM captures ORDER BY id")]
    assert remaining == [1, ids[0], ids[1]]  # the finished crawl's row (its file is gone) is not touched
    (article,) = archive.db.query("SELECT id, capture_id, title FROM articles")
    assert article["id"] == article_id and article["capture_id"] is None and article["title"]
    assert [record.record_type for record in iter_records(path)] == ["warcinfo"] + ["response", "request"] * 2

    again = recover_after_crash(archive, full_check=True)
    assert not again.changed and again.checked_captures == 2


# -- many articles ------------------------------------------------------------------------------------------------


def test_state_of_many_articles_with_revisits_answers_for_each(archive: Archive) -> None:
    """10,000 articles with 15,000 captures (responses and revisits): every article is in the state, fresh or
    resuming a crawl that holds them all, and its last capture is known; the re-check candidates are the articles
    a re-check may find due."""
    total = 10_000
    crawl_id = archive.begin_crawl("tanbinh", BASE, {})
    conn = archive.db.conn
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO captures (id, crawl_id, url, canonical_url, kind, status, fetched_at, warc_filename, "
        "warc_offset, warc_length, warc_record_id, payload_digest, etag, last_modified, record_type) "
        "VALUES (?, ?, ?, ?, 'article', 200, '2024-07-06T01:02:03Z', 'f.warc.gz', ?, 100, ?, 'sha1:X', '\"e\"', "
        "'', 'response')",
        [(n + 1, crawl_id, f"{BASE}/a/{n}", f"{BASE}/a/{n}", n * 100, f"<urn:uuid:{n}>") for n in range(total)],
    )
    conn.executemany(
        "INSERT INTO captures (crawl_id, url, canonical_url, kind, status, fetched_at, warc_filename, warc_offset, "
        "warc_length, warc_record_id, record_type, revisit_profile, refers_to_capture_id) VALUES "
        "(?, ?, ?, 'article', 304, '2024-07-07T01:02:03Z', 'g.warc.gz', ?, 100, ?, 'revisit', "
        "'server-not-modified', ?)",
        [(crawl_id, f"{BASE}/a/{n}", f"{BASE}/a/{n}", n * 100, f"<urn:uuid:r{n}>", n + 1) for n in range(0, total, 2)],
    )
    conn.executemany(
        "INSERT INTO articles (url, title, content_hash, capture_id, first_seen, last_seen, last_checked, "
        "published_date) VALUES (?, 't', 'h', ?, '2024-07-06T01:02:03Z', '2024-07-07T01:02:03Z', "
        "'2024-07-07T01:02:03Z', ?)",
        [(f"{BASE}/a/{n}", n + 1, f"2024-{1 + n % 7:02d}-15") for n in range(total)],
    )
    conn.execute("COMMIT")

    state = IncrementalState.load(archive, resume_crawl_id=None)
    resumed = IncrementalState.load(archive, resume_crawl_id=crawl_id)  # every URL in the resumed crawl
    urls = [f"{BASE}/a/{n}" for n in range(total)]
    assert all(state.article(url) is not None and resumed.article(url) is not None for url in urls)
    assert all(resumed.fetched_in_resumed_crawl(url) for url in urls)
    assert state.last_capture(f"{BASE}/a/4") is not None
    assert state.last_capture(f"{BASE}/a/4").record_id == "<urn:uuid:4>"  # type: ignore[union-attr]
    # checked 2024-07-07: on 2024-07-20 only those published within 62 days (June, July) may be due; on
    # 2024-08-10 (34 days after the check) every one
    may_be_due = state.recheck_candidates(NOW, RecheckPolicy())
    assert may_be_due == sorted(f"{BASE}/a/{n}" for n in range(total) if 1 + n % 7 >= 6)
    assert state.recheck_candidates(datetime(2024, 8, 10, tzinfo=UTC), RecheckPolicy()) == sorted(urls)


def test_the_state_holds_the_articles_of_before_the_crawl_whenever_it_is_asked(archive: Archive) -> None:
    """The state reads a URL's article when first asked; an article the crawl itself stored before that question
    is not one the archive held (else a listing page showing this run's new articles would stop the pager)."""
    held, new = f"{BASE}/a/held", f"{BASE}/a/new"
    archive.save_article(make_article(held), capture_id=None, seen_at="2024-07-06T01:02:03Z")
    state = IncrementalState.load(archive, resume_crawl_id=None)
    archive.save_article(make_article(new), capture_id=None, seen_at="2024-07-07T01:02:03Z")
    archive.save_article(make_article(held, body="Nội dung sửa."), capture_id=None, seen_at="2024-07-07T01:02:03Z")
    assert state.article(new) is None
    assert state.article(held) is not None
