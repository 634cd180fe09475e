"""ReplayWeb.page, the viewer archivists open WACZ packages with, as a test witness: the npm package `replaywebpage`
(.ci/run unpacks it into .replaywebpage/) served on loopback with a package, embedded as its embedding guide says
(``<replay-web-page source=... url=... ts=...>``), in headless Chromium driven over the DevTools protocol.

:func:`replay_session` yields a :class:`ReplayWebPage`; its :meth:`~ReplayWebPage.open` loads one archived page and
waits, as a person would, until the replayed frame shows it (or a deadline passes), then reports what a person would
see missing: the title, images that did not load, stylesheets that did not apply, failed requests, and what
ReplayWeb.page's service worker complained of.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

from dvscrape.serving.browser import CHROMIUM_FLAGS, WINDOW

ROOT = Path(__file__).resolve().parent.parent
DEVTOOLS_FLAGS = (*CHROMIUM_FLAGS, "--remote-debugging-port=0", f"--window-size={WINDOW[0]},{WINDOW[1]}")
PACKAGE_PATH = "/package.wacz"
_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")
_CONTENT_TYPES = {".js": "application/javascript", ".html": "text/html; charset=utf-8", ".wacz": "application/wacz"}

# Run in the replayed frame: what a person sees of the page, and whether it has finished loading.
_LOOK = """(() => {
  const images = [...document.images].map(i => ({src: i.currentSrc || i.src, complete: i.complete,
                                               width: i.naturalWidth}));
  const sheets = [...document.querySelectorAll('link[rel~="stylesheet"]')].map(l => ({href: l.href, ok: !!l.sheet}));
  return {ready: document.readyState, text: document.body ? document.body.innerText : '', images, sheets};
})()"""


def app_folder() -> Path | None:
    """The unpacked `replaywebpage` package (DVSCRAPE_REPLAYWEBPAGE, else .replaywebpage/ of the checkout), or None."""
    folder = Path(os.environ.get("DVSCRAPE_REPLAYWEBPAGE") or ROOT / ".replaywebpage")
    return folder if (folder / "ui.js").is_file() and (folder / "sw.js").is_file() else None


def _host_page(query: dict[str, list[str]]) -> bytes:
    url, ts = (query.get(key, [""])[0] for key in ("url", "ts"))
    attributes = " ".join(
        f'{name}="{_attribute(value)}"'
        for name, value in (("source", PACKAGE_PATH), ("url", url), ("ts", ts), ("replaybase", "/replay/"))
    )
    return (
        '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><script src="/ui.js"></script>'
        "<style>html,body{margin:0;height:100%}</style></head>"
        f'<body><replay-web-page {attributes} embed="replayonly"></replay-web-page></body></html>'
    ).encode()


def _attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


class _Handler(BaseHTTPRequestHandler):
    """The app's files (at / and, for its service worker's scope, at /replay/), the package (with byte ranges, which
    ReplayWeb.page reads it by) and the host page (at /?url=...&ts=...)."""

    def __init__(self, *args: Any, app: Path, package: Path, **kwargs: Any) -> None:
        self.app, self.package = app, package
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's signature
        pass

    def do_HEAD(self) -> None:  # noqa: N802 - the base class's naming
        self._answer(head=True)

    def do_GET(self) -> None:  # noqa: N802 - the base class's naming
        self._answer(head=False)

    def _answer(self, *, head: bool) -> None:
        parts = urllib.parse.urlsplit(self.path)
        if parts.path == "/":
            return self._send(HTTPStatus.OK, _host_page(urllib.parse.parse_qs(parts.query)), ".html", head=head)
        if parts.path == PACKAGE_PATH:
            return self._send_package(head=head)
        relative = parts.path.removeprefix("/replay/").lstrip("/")
        path = (self.app / relative).resolve()
        if not relative or not path.is_file() or not path.is_relative_to(self.app.resolve()):
            return self._send(HTTPStatus.NOT_FOUND, b"not found", ".html", head=head)
        return self._send(HTTPStatus.OK, path.read_bytes(), path.suffix, head=head)

    def _send_package(self, *, head: bool) -> None:
        size = self.package.stat().st_size
        start, end, status = 0, size - 1, HTTPStatus.OK
        match = _RANGE.match(self.headers.get("Range", "").strip())
        if match and (match.group(1) or match.group(2)):
            if match.group(1):
                start, end = int(match.group(1)), min(int(match.group(2) or end), end)
            else:
                start = max(0, size - int(match.group(2)))
            status = HTTPStatus.PARTIAL_CONTENT
        with open(self.package, "rb") as handle:
            handle.seek(start)
            data = handle.read(max(0, end - start + 1))
        extra = {"Content-Range": f"bytes {start}-{end}/{size}"} if status == HTTPStatus.PARTIAL_CONTENT else {}
        self._send(status, data, ".wacz", head=head, headers=extra)

    def _send(
        self, status: HTTPStatus, data: bytes, suffix: str, *, head: bool, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", _CONTENT_TYPES.get(suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Accept-Ranges", "bytes")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(data)


class DevTools:
    """A DevTools protocol connection to a browser: commands (to the browser or to an attached session) answered
    in order, and the events received meanwhile kept in :attr:`events`."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.events: list[dict[str, Any]] = []
        self._next_id = 0

    def call(self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None) -> Any:
        """Send a command and return its result; raises RuntimeError with the browser's error message."""
        self._next_id += 1
        number = self._next_id
        message: dict[str, Any] = {"id": number, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.connection.send(json.dumps(message))
        while True:
            answer = json.loads(self.connection.recv(timeout=60))
            if answer.get("id") == number:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error'].get('message')}")
                return answer.get("result", {})
            self._keep(answer)

    def drain(self, seconds: float) -> None:
        """Keep the events that arrive within *seconds*."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self._keep(json.loads(self.connection.recv(timeout=left)))
            except TimeoutError:
                return

    def _keep(self, message: dict[str, Any]) -> None:
        if "method" not in message:
            return
        self.events.append(message)
        if message["method"] == "Target.attachedToTarget":
            # A service worker or worker the page started: hear its console and exceptions too, then let it run.
            session = message["params"]["sessionId"]
            for method in ("Runtime.enable", "Runtime.runIfWaitingForDebugger"):
                self._send_only(method, session)

    def _send_only(self, method: str, session: str) -> None:
        self._next_id += 1
        self.connection.send(json.dumps({"id": self._next_id, "method": method, "params": {}, "sessionId": session}))


@dataclass
class Replayed:
    """What the replayed frame of one page showed, and what went wrong on the way."""

    url: str
    text: str = ""
    images: list[dict[str, Any]] = field(default_factory=list)
    sheets: list[dict[str, Any]] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    worker_complaints: list[str] = field(default_factory=list)
    waited: str = ""

    def problems(self) -> list[str]:
        """What a person would find wrong with the page besides its text, or nothing."""
        found = [self.waited] if self.waited else []
        found += [f"image did not load: {image['src']}" for image in self.images if not image["width"]]
        found += [f"stylesheet did not apply: {sheet['href']}" for sheet in self.sheets if not sheet["ok"]]
        found += [f"request failed: {failed}" for failed in self.failed_requests]
        found += [f"service worker: {complaint}" for complaint in self.worker_complaints]
        return found


class ReplayWebPage:
    """One headless Chromium with ReplayWeb.page open on a package served on loopback."""

    def __init__(self, devtools: DevTools, base: str) -> None:
        self.devtools, self.base = devtools, base
        target = devtools.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = devtools.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for method in ("Page.enable", "Network.enable", "Runtime.enable"):
            devtools.call(method, session=self.session)
        devtools.call(
            "Target.setAutoAttach",
            {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": True},
            session=self.session,
        )
        self.opened = False

    def open(self, url: str, ts: str, *, shows: Callable[[str], bool], timeout: float) -> Replayed:
        """Show the archived page *url* captured at *ts* (14 digits): the first time by loading the embedding page,
        then by pointing its ``<replay-web-page>`` at the page, as a site that embeds ReplayWeb.page does. Then poll
        the replayed frame until it has loaded, every image is complete and *shows* accepts its text, or *timeout*
        seconds have passed."""
        self.devtools.events.clear()
        first = not self.opened
        query = urllib.parse.urlencode({"url": url, "ts": ts})
        if first:
            self.devtools.call("Page.navigate", {"url": f"{self.base}/?{query}"}, session=self.session)
            self.opened = True
        else:
            point = f"(e => {{ e.ts = {json.dumps(ts)}; e.url = {json.dumps(url)}; }})"
            expression = point + "(document.querySelector('replay-web-page'))"
            self.devtools.call("Runtime.evaluate", {"expression": expression}, session=self.session)
        replayed = Replayed(url)
        deadline = time.monotonic() + timeout
        frame = None
        while True:
            frame, look = self._look(url)
            if look is not None:
                replayed.text, replayed.images, replayed.sheets = look["text"], look["images"], look["sheets"]
                if look["ready"] == "complete" and all(i["complete"] for i in look["images"]) and shows(look["text"]):
                    break
            if first and frame is None and time.monotonic() > deadline - timeout / 2:
                # The app's very first load, as its service worker installs, showed no frame at all on a loaded
                # machine (two CI runs of three); a person reloads once. A package that cannot replay fails again.
                self.devtools.call("Page.reload", {"ignoreCache": True}, session=self.session)
                first = False
            if time.monotonic() > deadline:
                state = f"frame {look['ready']}" if look else "no replayed frame"
                replayed.waited = f"not shown within {timeout:.0f}s ({state})"
                break
            self.devtools.drain(0.05)
        self.devtools.drain(0.1)  # the last responses of the frame
        replayed.failed_requests, replayed.worker_complaints = self._failures(frame)
        return replayed

    def _look(self, url: str) -> tuple[str | None, dict[str, Any] | None]:
        tree = self.devtools.call("Page.getFrameTree", session=self.session)["frameTree"]
        frame = self._replayed_frame(tree, url)
        if frame is None:
            return None, None
        try:
            world = self.devtools.call(
                "Page.createIsolatedWorld", {"frameId": frame, "worldName": "look"}, session=self.session
            )
            result = self.devtools.call(
                "Runtime.evaluate",
                {"expression": _LOOK, "contextId": world["executionContextId"], "returnByValue": True},
                session=self.session,
            )
        except RuntimeError:
            return frame, None  # the frame navigated meanwhile
        value: dict[str, Any] | None = result.get("result", {}).get("value")
        return frame, value

    def _replayed_frame(self, tree: dict[str, Any], url: str) -> str | None:
        if tree["frame"]["url"].partition("mp_/")[2] == url:
            return str(tree["frame"]["id"])
        return next(
            (found for child in tree.get("childFrames", []) if (found := self._replayed_frame(child, url))), None
        )

    def _failures(self, frame: str | None) -> tuple[list[str], list[str]]:
        """The failed requests of the replayed page's frame (an error status or no answer; not those of the app
        around it, whose first load asks the static server for paths its service worker serves once it has
        started), and the warnings and errors the service worker and other workers logged (wabac.js reports there a
        record it could not read)."""
        requests: dict[str, tuple[str, str]] = {}
        failed: list[str] = []
        complaints: list[str] = []
        for event in self.devtools.events:
            method, params = event["method"], event["params"]
            if method == "Network.requestWillBeSent":
                requests[params["requestId"]] = (params.get("frameId", ""), params["request"]["url"])
            mine = requests.get(params.get("requestId", ""), ("", ""))[0] == frame
            if method == "Network.responseReceived" and mine and params["response"]["status"] >= 400:
                failed.append(f"{params['response']['status']} {params['response']['url']}")
            elif method == "Network.loadingFailed" and mine:
                failed.append(f"{params['errorText']} {requests[params['requestId']][1]}")
            elif event.get("sessionId") != self.session and method == "Runtime.consoleAPICalled":
                if params["type"] in ("warning", "error"):
                    complaints.append(" ".join(str(arg.get("value", arg.get("description"))) for arg in params["args"]))
            elif event.get("sessionId") != self.session and method == "Runtime.exceptionThrown":
                complaints.append(str(params["exceptionDetails"].get("text")))
        return failed, complaints


@contextmanager
def replay_session(package: Path, app: Path, browser: str) -> Iterator[ReplayWebPage]:
    """Serve *app* (the unpacked `replaywebpage` package) and *package* on loopback and open a fresh headless
    Chromium (*browser*) on them; both stop on exit."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, app=app, package=package))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with tempfile.TemporaryDirectory() as profile:
        process = subprocess.Popen(
            [browser, *DEVTOOLS_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            with connect(_websocket_url(Path(profile), process), max_size=None, open_timeout=30) as connection:
                yield ReplayWebPage(DevTools(connection), f"http://127.0.0.1:{server.server_address[1]}")
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            server.shutdown()
            server.server_close()


def _websocket_url(profile: Path, process: subprocess.Popen[bytes], timeout: float = 30) -> str:
    """The browser's DevTools address, from the DevToolsActivePort file Chromium writes into its profile."""
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        lines = marker.read_text().splitlines() if marker.exists() else []
        if len(lines) >= 2:
            return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
        time.sleep(0.1)
    raise RuntimeError(f"Chromium gave no DevTools address (exit code {process.poll()})")
