"""Reconstructing the HTTP blocks of WARC request and response records from what Scrapy gives us.

Scrapy (through Twisted) hands over headers as a parsed mapping and the body already de-chunked, so the bytes on the
wire cannot be reproduced exactly. We rebuild a block that is valid HTTP and consistent with the stored body, changing
as little as possible, in the way other archiving crawlers do:

* ``Transfer-Encoding`` is renamed ``X-Crawler-Transfer-Encoding`` (the stored body is de-chunked, and a reader that
  saw ``Transfer-Encoding: chunked`` would try to de-chunk it again). When the response had no ``Content-Length``,
  one giving the stored body's length is added.
* A ``Content-Length`` that does not match the stored body (a truncated download, or a body someone decompressed) is
  renamed ``X-Crawler-Content-Length`` and a correct one is added. Responses that carry no body by definition
  (to ``HEAD``, ``1xx``, ``204``, ``304``) keep theirs as sent.
* ``Content-Encoding`` is kept: the body is stored exactly as received, still compressed.
* A request without ``Host`` gets one from the URL (Twisted adds it on the wire, after Scrapy has seen the headers);
  a request body without ``Content-Length`` gets one.
* CR and LF inside a header value would break the record's framing; they are replaced by spaces.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import SplitResult, urlsplit

Header = tuple[str, str]

RENAMED_TRANSFER_ENCODING = "X-Crawler-Transfer-Encoding"
RENAMED_CONTENT_LENGTH = "X-Crawler-Content-Length"

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _clean(headers: Iterable[Header]) -> list[Header]:
    """Headers as a list, with CR/LF in names and values replaced by spaces."""
    cleaned: list[Header] = []
    for name, value in headers:
        if "\r" in value or "\n" in value:
            value = value.replace("\r", " ").replace("\n", " ")
        if "\r" in name or "\n" in name:
            name = name.replace("\r", " ").replace("\n", " ")
        cleaned.append((name, value))
    return cleaned


def response_may_have_body(method: str, status: int) -> bool:
    """False for responses that have no body by definition (RFC 9110 §6.4.1): to HEAD, 1xx, 204 and 304."""
    return not (method.upper() == "HEAD" or 100 <= status < 200 or status in (204, 304))


def response_headers(headers: Iterable[Header], *, body_length: int, method: str, status: int) -> list[Header]:
    """The response headers to store with a body of *body_length* bytes, fixed as the module docstring says."""
    result: list[Header] = []
    had_transfer_encoding = False
    content_lengths: list[str] = []
    for name, value in _clean(headers):
        lowered = name.lower()
        if lowered == "transfer-encoding":
            had_transfer_encoding = True
            result.append((RENAMED_TRANSFER_ENCODING, value))
        else:
            if lowered == "content-length":
                content_lengths.append(value.strip())
            result.append((name, value))

    if not response_may_have_body(method, status):
        return result

    expected = str(body_length)
    if content_lengths and any(value != expected for value in content_lengths):
        result = [
            (RENAMED_CONTENT_LENGTH, value) if name.lower() == "content-length" else (name, value)
            for name, value in result
        ]
        result.append(("Content-Length", expected))
    elif not content_lengths and had_transfer_encoding:
        result.append(("Content-Length", expected))
    return result


def request_headers(headers: Iterable[Header], *, url: str, body_length: int) -> list[Header]:
    """The request headers to store: as given, plus ``Host`` and ``Content-Length`` when they are missing."""
    result = _clean(headers)
    names = {name.lower() for name, _ in result}
    if "host" not in names:
        host = host_header(url)
        if host:
            result.insert(0, ("Host", host))
    if body_length and "content-length" not in names and "transfer-encoding" not in names:
        result.append(("Content-Length", str(body_length)))
    return result


def host_header(url: str) -> str:
    """The Host header a client sends for *url*: the host, and the port unless it is the scheme's default."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host:
        return ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = explicit_port(parts)
    return host if port is None else f"{host}:{port}"


def explicit_port(parts: SplitResult) -> int | None:
    """The port a split URL names unless it is its scheme's default (http 80, https 443) or not a number."""
    try:
        port = parts.port
    except ValueError:
        return None
    return None if port == _DEFAULT_PORTS.get(parts.scheme.lower()) else port


def request_target(url: str) -> str:
    """The request-target of the request line for *url* (origin form: path and query, no fragment)."""
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target = f"{target}?{parts.query}"
    return target
