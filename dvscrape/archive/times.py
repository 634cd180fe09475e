"""The one format of every time the archive stores: UTC, ISO 8601, to the microsecond, with a ``Z``.

``2024-03-01T08:01:00.000000Z``: one width for every value, so that ordering and comparing the stored strings
(``ORDER BY fetched_at``, ``max(fetched_at)``) is ordering the times. Microseconds keep a capture's time equal to
the WARC-Date of its record (a revisit record refers to that date). Archive methods pass every time they are given
through :func:`stored_time`; migration m0010 rewrites times stored in other forms into this one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from dvscrape.warc.model import parse_time

STORED_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def day_of(text: object) -> date | None:
    """The calendar day an ISO date or time (stored, or as a page printed it) starts with; None when there is none."""
    if not text:
        return None
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def stored_time(moment: datetime | str) -> str:
    """*moment* (an aware datetime, or an ISO 8601 text as parse_time reads it) in the stored format."""
    if isinstance(moment, str):
        moment = parse_time(moment)
    elif moment.tzinfo is None:
        raise ValueError(f"a stored time needs a timezone-aware datetime, got naive {moment!r}")
    return moment.astimezone(UTC).strftime(STORED_TIME_FORMAT)


def now_stored() -> str:
    """The current time in the stored format."""
    return stored_time(datetime.now(UTC))


def restored_or_unchanged(text: str | None) -> str | None:
    """*text* in the stored format when it is a time or date, else unchanged (for rewriting old rows)."""
    if text is None:
        return None
    try:
        return stored_time(str(text))
    except ValueError:
        return text
