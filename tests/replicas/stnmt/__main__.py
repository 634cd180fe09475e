"""``python -m tests.replicas.stnmt --port 0``: serve the department portal until SIGTERM."""

from __future__ import annotations

import argparse
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType

from tests.replicas.stnmt.site import TRAPS, Site


class Handler(BaseHTTPRequestHandler):
    """GET only, HTTP/1.1 keep-alive, quiet."""

    protocol_version = "HTTP/1.1"
    server: Server

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        """Answer from the site."""
        host = f"http://{self.headers.get('Host') or '127.0.0.1'}"
        answer = self.server.site.answer(self.path, host)
        self.send_response(answer.status)
        for name, value in answer.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's name)
        """No access log."""


class Server(ThreadingHTTPServer):
    """A threading server holding the site."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], site: Site) -> None:
        self.site = site
        super().__init__(address, Handler)


def main() -> None:
    """Parse the options, print the URL, serve until SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser(prog="python -m tests.replicas.stnmt", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--articles", type=int, default=80)
    parser.add_argument("--traps", default="", help=f"comma-separated: {', '.join(TRAPS)}")
    args = parser.parse_args()
    traps = frozenset(name for name in args.traps.split(",") if name)
    if not traps <= set(TRAPS):
        parser.error(f"unknown trap in {args.traps!r}; known: {', '.join(TRAPS)}")
    server = Server((args.host, args.port), Site.build(args.articles, traps))

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"stnmt portal at http://{args.host}:{server.server_address[1]}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    sys.exit(0)


if __name__ == "__main__":
    main()
