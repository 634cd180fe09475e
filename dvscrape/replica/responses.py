"""What the replica's app hands its server: a complete response, or one whose body is produced while it is sent."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Response:
    """A complete HTTP response; ``body`` is already encoded (and compressed when the client allowed it)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass(frozen=True)
class StreamedResponse:
    """A response too large to hold in memory: ``chunks()`` yields exactly ``length`` bytes as they are sent.

    Used by the hostile pages (decompression bombs, the 30 MB page); faults that need the whole body (a reset
    mid-body, a short body, a slow drip) are not applied to it.
    """

    status: int
    headers: tuple[tuple[str, str], ...]
    length: int
    chunks: Callable[[], Iterable[bytes]]


AnyResponse = Response | StreamedResponse
