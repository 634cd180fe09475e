"""The replica portal's HTTP server: stdlib ``ThreadingHTTPServer``, HTTP/1.1 keep-alive, one write per response.

In-process use::

    with start_replica(articles=200) as replica:
        crawl(replica.url)
        assert replica.stats()["traps"] == 0

From a shell: ``dvscrape replica --port 0`` prints ``Replica portal serving at http://127.0.0.1:<port>/``.
"""

from __future__ import annotations

import signal
import sys
import threading
import traceback
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TextIO

from dvscrape.replica.app import ReplicaApp
from dvscrape.replica.content import build_corpus
from dvscrape.replica.documents import document_maker
from dvscrape.replica.faults import FaultInjector, FaultSpec, deliver_faulty
from dvscrape.replica.hostile import HostileConfig
from dvscrape.replica.model import Corpus
from dvscrape.replica.responses import AnyResponse, Response, StreamedResponse

READY_LINE = "Replica portal serving at {url}"
# Articles in edition 1 unless told otherwise: the same for `dvscrape replica`, `dvscrape demo` and start_replica.
DEFAULT_ARTICLES = 60


@dataclass(frozen=True)
class ReplicaConfig:
    """Everything that decides what the replica serves and where."""

    host: str = "127.0.0.1"
    port: int = 0
    seed: int = 2023
    articles: int = DEFAULT_ARTICLES
    edition: int = 1
    slow_delay: float = 1.5
    access_log: bool = False
    faults: FaultSpec | None = None
    """Fault injection (:mod:`dvscrape.replica.faults`); None or an empty spec: none."""
    hostile: HostileConfig | None = None
    """Hostile pages (:mod:`dvscrape.replica.hostile`); None: none."""
    robots_disallow: tuple[str, ...] = ()
    """Path prefixes robots.txt disallows (Liferay's default disallows nothing)."""
    portal_pages: bool = False
    """Serve about 20 static pages linked from the footer, and a footer link that answers 404 (issue 14)."""
    documents: str = ""
    """A module whose ``document_bytes(media)`` makes each attached document (:mod:`dvscrape.replica.documents`);
    empty: the committed document of each file type."""
    portal: str = "tanbinh"
    """Which portal the corpus is served as: "tanbinh" (Liferay 6.2, site neoportal) or "city7" (a Liferay 7/DXP
    city-style portal, site guest: dvscrape/replica/city7.py)."""


class ReplicaHTTPServer(ThreadingHTTPServer):
    """A threading server that knows its app and whether to log requests."""

    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True

    def __init__(
        self, address: tuple[str, int], app: ReplicaApp, access_log: bool, faults: FaultInjector | None = None
    ) -> None:
        self.app = app
        self.access_log = access_log
        self.faults = faults
        super().__init__(address, ReplicaRequestHandler)

    @property
    def url(self) -> str:
        """The base URL clients use, with a trailing slash."""
        host, port = self.server_address[:2]
        text = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{text}]" if ":" in text else text
        return f"http://{shown}:{port}/"


class ReplicaRequestHandler(BaseHTTPRequestHandler):
    """Hands each request to the app and writes status line, headers and body in one go."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "Apache-Coyote/1.1"
    sys_version = ""
    server: ReplicaHTTPServer

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's naming)
        """Answer a GET."""
        self._serve(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        """Answer a HEAD: the GET's headers, no body."""
        self._serve(send_body=False)

    def do_POST(self) -> None:  # noqa: N802
        """Answer a POST like a GET after reading its body (login and search forms post to pages)."""
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._serve(send_body=True)

    def _serve(self, send_body: bool) -> None:
        headers = {name.lower(): value for name, value in self.headers.items()}
        host = "http://" + (headers.get("host") or self.server.url.split("://", 1)[1].rstrip("/"))
        faults = self.server.faults
        fault = faults.decide(self.path) if faults is not None else None
        response: AnyResponse
        try:
            if faults is not None and fault is not None and (fault.status is not None or fault.kind == "garbage"):
                response = faults.status_response(fault)
                fault = None  # answered as a normal response
            else:
                response = self.server.app.respond(self.path, headers, host)
        except Exception:  # a bug in the replica: record it, answer 500, keep serving
            traceback.print_exc(file=sys.stderr)
            response = Response(500, (("Content-Type", "text/plain;charset=UTF-8"),), b"replica error\n")
            self.close_connection = True
        if isinstance(response, StreamedResponse):
            self._send_streamed(response, send_body)
            return
        if faults is not None and fault is not None:
            self.close_connection = True
            head = self._head(response.status, response.headers, len(response.body))
            deliver_faulty(fault, self.connection, head, response.body if send_body else b"", faults.spec)
            return
        head = self._head(response.status, response.headers, len(response.body))
        self.wfile.write(head + response.body if send_body else head)
        if self.server.access_log:
            self.log_request(response.status, len(response.body))

    def _head(self, status: int, headers: tuple[tuple[str, str], ...], length: int) -> bytes:
        lines = [f"HTTP/1.1 {status} {self.responses.get(status, ('',))[0]}"]
        lines.append(f"Date: {self.date_time_string()}")
        lines.append(f"Server: {self.server_version}")
        lines.extend(f"{name}: {value}" for name, value in headers)
        lines.append(f"Content-Length: {length}")
        if self.close_connection:
            lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")

    def _send_streamed(self, response: StreamedResponse, send_body: bool) -> None:
        """Send a response whose body is produced piece by piece; a client that hangs up ends it quietly."""
        try:
            self.wfile.write(self._head(response.status, response.headers, response.length))
            if send_body:
                for chunk in response.chunks():
                    self.wfile.write(chunk)
        except OSError:
            self.close_connection = True
            return
        if self.server.access_log:
            self.log_request(response.status, response.length)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the stdlib's signature)
        """Log only when the access log is on."""
        if self.server.access_log:
            super().log_message(format, *args)


class RunningReplica:
    """A replica serving in a background thread; a context manager that stops it on exit."""

    def __init__(self, server: ReplicaHTTPServer, corpus: Corpus) -> None:
        self.server = server
        self.corpus = corpus
        self._thread = threading.Thread(target=server.serve_forever, name="replica-portal", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:43127/``."""
        return self.server.url

    @property
    def app(self) -> ReplicaApp:
        """The app behind the server (stats, corpus, counters)."""
        return self.server.app

    def stats(self) -> dict[str, object]:
        """The request counters (same as ``GET /__replica__/stats``)."""
        return self.server.app.stats()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> RunningReplica:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_replica(config: ReplicaConfig | None = None, **options: object) -> RunningReplica:
    """Build the corpus and serve it in a background thread.

    Pass a :class:`ReplicaConfig` or its fields as keywords, e.g. ``start_replica(articles=120, edition=2)``.
    """
    if config is None:
        config = ReplicaConfig(**options)  # type: ignore[arg-type]
    corpus = build_corpus(seed=config.seed, n_articles=config.articles, edition=config.edition)
    faults = FaultInjector(config.faults) if config.faults is not None and config.faults.enabled else None
    app_class: type[ReplicaApp] = ReplicaApp
    if config.portal == "city7":
        from dvscrape.replica.city7 import City7App

        app_class = City7App
    elif config.portal != "tanbinh":
        raise ValueError(f"unknown replica portal {config.portal!r} (tanbinh or city7)")
    app = app_class(
        corpus,
        slow_delay=config.slow_delay,
        hostile=config.hostile,
        faults=faults,
        robots_disallow=config.robots_disallow,
        portal_pages=config.portal_pages,
        documents=document_maker(config.documents) if config.documents else None,
    )
    server = ReplicaHTTPServer((config.host, config.port), app, config.access_log, faults)
    return RunningReplica(server, corpus)


def serve_until_signalled(config: ReplicaConfig, out: TextIO = sys.stdout) -> None:
    """Start the replica, print the one ready line, serve until SIGTERM or SIGINT, then stop cleanly."""
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        with start_replica(config) as replica:
            print(READY_LINE.format(url=replica.url), file=out, flush=True)
            while not stop.wait(0.5):
                pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
