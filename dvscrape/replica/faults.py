"""Fault injection for the replica: broken server behaviour at chosen rates, deterministic and repeatable.

A fault spec names rates per kind, e.g. ``500=0.1,503-retry-after=0.05,429=0.05,reset=0.05,short=0.05``. Whether a
request meets a fault is decided by hashing (seed, request target, attempt number), where the attempt number counts
the requests for that exact target so far: the same crawl against the same replica meets the same faults, and a
transient fault on one URL clears on a later attempt (a target can be struck only on its first
``transient_attempts`` attempts). URLs matching a persistent substring fail on every attempt; robots.txt has its own
mode. The injector also watches the client: whether it came back no sooner than a Retry-After asked, and when each
attempt at a failing URL arrived (to see back-off).

Kinds:

``500`` ``502`` ``503`` ``504``
    That status with a small HTML body.
``503-retry-after`` ``429``
    That status with ``Retry-After: <seconds>``.
``reset``
    Headers announcing the whole body, half the body, then a TCP reset.
``short``
    Headers announcing the whole body, half the body, then a clean close (body shorter than Content-Length).
``slow-drip``
    The whole response, dripped in small pieces over ``drip_seconds``.
``timeout``
    Nothing at all for ``hang_seconds``, then the connection is closed.
``drop``
    The connection is closed at once, before any byte of a response.
``garbage``
    A 200 whose body is random bytes (only as a robots.txt mode).
"""

from __future__ import annotations

import contextlib
import hashlib
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from dvscrape.replica.responses import Response

STATUS_KINDS: dict[str, int] = {"500": 500, "502": 502, "503": 503, "504": 504, "503-retry-after": 503, "429": 429}
CONNECTION_KINDS: tuple[str, ...] = ("reset", "short", "slow-drip", "timeout", "drop")
FAULT_KINDS: tuple[str, ...] = (*STATUS_KINDS, *CONNECTION_KINDS)
RETRY_AFTER_KINDS = frozenset({"503-retry-after", "429"})
ROBOTS_MODES: dict[str, str] = {"500": "500", "timeout": "timeout", "broken": "drop", "garbage": "garbage"}
EXEMPT_PREFIXES = ("/__replica__/",)
ROBOTS_PATH = "/robots.txt"
RETRY_AFTER_TOLERANCE = 0.05  # seconds of clock slack when judging whether a client waited long enough
WATCHED_TARGETS = 200  # failing targets whose attempt times are kept for the stats
DRIP_PIECES = 40


class FaultSpecError(ValueError):
    """A fault spec that cannot be read (raised by :meth:`FaultSpec.parse`)."""


@dataclass(frozen=True)
class FaultSpec:
    """Which faults the replica injects, how often, and the timings they use."""

    rates: tuple[tuple[str, float], ...] = ()
    persistent: tuple[tuple[str, str], ...] = ()
    """(kind, target substring): every request whose target contains the substring fails with that kind."""
    robots: str = ""
    """"" (robots.txt served normally), or one of :data:`ROBOTS_MODES`: the robots.txt fault on every attempt."""
    seed: int = 2023
    transient_attempts: int = 1
    retry_after: int = 1
    drip_seconds: float = 3.0
    hang_seconds: float = 30.0

    @classmethod
    def parse(cls, rates: str = "", persistent: tuple[str, ...] = (), robots: str = "", **options: object) -> FaultSpec:
        """Read ``KIND=RATE,…``, persistent ``[KIND=]SUBSTRING`` entries (kind 500 by default) and a robots mode."""
        parsed: list[tuple[str, float]] = []
        for item in filter(None, (part.strip() for part in rates.split(","))):
            kind, sep, value = item.partition("=")
            if not sep or kind not in FAULT_KINDS:
                raise FaultSpecError(f"expected KIND=RATE with KIND one of {', '.join(FAULT_KINDS)}; got {item!r}")
            try:
                rate = float(value)
            except ValueError as error:
                raise FaultSpecError(f"rate of {kind} is not a number: {value!r}") from error
            if not 0 <= rate <= 1:
                raise FaultSpecError(f"rate of {kind} must be between 0 and 1, got {rate}")
            parsed.append((kind, rate))
        if sum(rate for _, rate in parsed) > 1:
            raise FaultSpecError("fault rates add up to more than 1")
        kept: list[tuple[str, str]] = []
        for entry in persistent:
            kind, sep, substring = entry.partition("=")
            if not sep or kind not in FAULT_KINDS:
                kind, substring = "500", entry
            if not substring:
                raise FaultSpecError(f"empty substring in persistent fault {entry!r}")
            kept.append((kind, substring))
        if robots and robots not in ROBOTS_MODES:
            raise FaultSpecError(f"robots mode must be one of {', '.join(ROBOTS_MODES)}; got {robots!r}")
        return cls(rates=tuple(parsed), persistent=tuple(kept), robots=robots, **options)  # type: ignore[arg-type]

    @property
    def enabled(self) -> bool:
        """Whether any fault can happen at all."""
        return bool(self.persistent or self.robots or any(rate for _, rate in self.rates))


@dataclass(frozen=True)
class Fault:
    """The fault one request meets."""

    kind: str
    target: str
    attempt: int
    persistent: bool = False

    @property
    def status(self) -> int | None:
        """The HTTP status this fault answers with, or None for a connection-level fault."""
        return STATUS_KINDS.get(self.kind)


def draw(seed: int, target: str, attempt: int) -> float:
    """A number in [0, 1) fixed by (seed, target, attempt)."""
    digest = hashlib.sha256(f"{seed}\x00{target}\x00{attempt}".encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@dataclass
class _Watch:
    """What the injector remembers about one target that met a fault."""

    times: list[float] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    retry_after_until: float = 0.0
    retry_after_asked: float = 0.0


class FaultInjector:
    """Decides the fault of each request and keeps the evidence; thread-safe."""

    def __init__(self, spec: FaultSpec, clock: Callable[[], float] = time.monotonic) -> None:
        self.spec = spec
        self._clock = clock
        self._lock = threading.Lock()
        self._attempts: Counter[str] = Counter()
        self._injected: Counter[str] = Counter()
        self._watched: dict[str, _Watch] = {}
        self._retry_after_honoured = 0
        self._retry_after_violations: list[dict[str, object]] = []
        self._retry_after_served = 0

    def _kind_for(self, target: str, attempt: int) -> tuple[str, bool] | None:
        path = urlsplit(target).path
        if path.startswith(EXEMPT_PREFIXES):
            return None
        if path == ROBOTS_PATH:
            return (ROBOTS_MODES[self.spec.robots], True) if self.spec.robots else None
        for kind, substring in self.spec.persistent:
            if substring in target:
                return kind, True
        if attempt > self.spec.transient_attempts:
            return None
        value, threshold = draw(self.spec.seed, target, attempt), 0.0
        for kind, rate in self.spec.rates:
            threshold += rate
            if value < threshold:
                return kind, False
        return None

    def decide(self, target: str) -> Fault | None:
        """The fault for this request (None: serve it normally); counts the attempt and checks Retry-After."""
        now = self._clock()
        with self._lock:
            self._attempts[target] += 1
            attempt = self._attempts[target]
            watch = self._watched.get(target)
            if watch is not None:
                watch.times.append(now)
                if watch.retry_after_until:
                    if now + RETRY_AFTER_TOLERANCE >= watch.retry_after_until:
                        self._retry_after_honoured += 1
                    else:
                        waited = now - (watch.retry_after_until - watch.retry_after_asked)
                        self._retry_after_violations.append(
                            {"target": target, "asked": watch.retry_after_asked, "waited": round(waited, 3)}
                        )
                    watch.retry_after_until = 0.0
            found = self._kind_for(target, attempt)
            if found is None:
                return None
            kind, persistent = found
            self._injected[kind] += 1
            if watch is None and len(self._watched) < WATCHED_TARGETS:
                watch = self._watched[target] = _Watch(times=[now])
            if watch is not None:
                watch.kinds.append(kind)
                if kind in RETRY_AFTER_KINDS:
                    self._retry_after_served += 1
                    watch.retry_after_asked = float(self.spec.retry_after)
                    watch.retry_after_until = now + self.spec.retry_after
            return Fault(kind, target, attempt, persistent)

    def stats(self) -> dict[str, object]:
        """Injected faults per kind, Retry-After compliance and the attempt times of failing targets."""
        with self._lock:
            return {
                "injected": dict(sorted(self._injected.items())),
                "retry_after": {
                    "served": self._retry_after_served,
                    "honoured": self._retry_after_honoured,
                    "violations": list(self._retry_after_violations),
                },
                "targets": {
                    target: {
                        "kinds": list(watch.kinds),
                        "attempt_offsets": [round(moment - watch.times[0], 3) for moment in watch.times],
                    }
                    for target, watch in self._watched.items()
                },
            }

    def status_response(self, fault: Fault) -> Response:
        """The HTTP answer of a status fault (500, 503 with Retry-After, 429, …) or of the robots garbage mode."""
        if fault.kind == "garbage":
            noise = b"".join(hashlib.sha256(f"{self.spec.seed}:{n}".encode()).digest() for n in range(64))
            return Response(200, (("Content-Type", "text/plain;charset=UTF-8"),), b"\x00\xff" + noise)
        status = fault.status or 500
        headers: list[tuple[str, str]] = [("Content-Type", "text/html;charset=UTF-8")]
        if fault.kind in RETRY_AFTER_KINDS:
            headers.append(("Retry-After", str(self.spec.retry_after)))
        body = f"<html><body><h1>{status}</h1><p>injected fault: {fault.kind}</p></body></html>\n".encode()
        return Response(status, tuple(headers), body)


def deliver_faulty(
    fault: Fault,
    connection: socket.socket,
    head: bytes,
    body: bytes,
    spec: FaultSpec,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Send (part of) a response the way a connection-level fault dictates, then close the connection.

    ``head`` announces the whole body in Content-Length. The caller must not use the connection afterwards.
    """
    try:
        if fault.kind == "timeout":
            sleep(spec.hang_seconds)
        elif fault.kind in ("reset", "short"):
            connection.sendall(head + body[: max(1, len(body) // 2)])
            if fault.kind == "reset":
                sleep(0.05)  # let the partial body reach the client before the reset
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif fault.kind == "slow-drip":
            data = head + body
            piece = max(1, -(-len(data) // DRIP_PIECES))
            pause = spec.drip_seconds / max(1, -(-len(data) // piece))
            for start in range(0, len(data), piece):
                connection.sendall(data[start : start + piece])
                sleep(pause)
            return  # complete, only slow: the server closes the connection as usual
    except OSError:
        return  # the client went away: nothing left to do
    if fault.kind != "reset":
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)
    connection.close()
