"""Test certificate authorities made with OpenSSL, and a time-stamping authority on loopback that answers with
`openssl ts -reply`: the TSA side of WACZ signing, since no public TSA is reachable from the tests.

`make_pki(folder)` writes a root CA, a TLS certificate for a domain (ECDSA P-256, the WACZ signing spec's kind) and a
TSA certificate (RSA, extended key usage time-stamping) under it; `Tsa(pki)` serves RFC 3161 on 127.0.0.1.
"""

from __future__ import annotations

import http.server
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

DOMAIN = "archive.dvscrape.test"

_TSA_CONFIG = """\
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
serial = {folder}/tsa-serial
crypto_device = builtin
signer_cert = {folder}/tsa.pem
certs = {folder}/root.pem
signer_key = {folder}/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
other_policies = 1.3.6.1.4.1.99999.2
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


@dataclass(frozen=True)
class Pki:
    """The files make_pki wrote."""

    folder: Path
    root: Path  # the root CA certificate, the one root both chains lead to
    domain_chain: Path  # the domain's certificate, then the root
    domain_key: Path
    tsa_config: Path


def openssl_available() -> bool:
    """Whether the `openssl` command is there."""
    return shutil.which("openssl") is not None


def _openssl(*args: str, stdin: bytes | None = None) -> bytes:
    result = subprocess.run(["openssl", *args], input=stdin, capture_output=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)}: {result.stderr.decode(errors='replace')}")
    return result.stdout


def make_pki(folder: Path) -> Pki:
    """A root CA with a domain certificate and a TSA certificate under it, as files in *folder*."""
    folder.mkdir(parents=True, exist_ok=True)
    root_key, root = folder / "root.key", folder / "root.pem"
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", str(root_key))
    _openssl(
        "req", "-x509", "-new", "-key", str(root_key), "-out", str(root), "-days", "30", "-subj",
        "/CN=dvscrape test root CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    domain_key = folder / "domain.key"
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", str(domain_key))
    domain_key.chmod(0o600)
    domain = _issue(folder, "domain", domain_key, f"/CN={DOMAIN}", [
        f"subjectAltName=DNS:{DOMAIN}", "extendedKeyUsage=serverAuth", "keyUsage=critical,digitalSignature",
    ])  # fmt: skip
    domain_chain = folder / "domain-chain.pem"
    domain_chain.write_bytes(domain.read_bytes() + root.read_bytes())
    tsa_key = folder / "tsa.key"
    _openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", str(tsa_key))
    _issue(folder, "tsa", tsa_key, "/CN=dvscrape test TSA", [
        "extendedKeyUsage=critical,timeStamping", "keyUsage=critical,digitalSignature",
    ])  # fmt: skip
    (folder / "tsa-serial").write_text("01\n")
    tsa_config = folder / "tsa.cnf"
    tsa_config.write_text(_TSA_CONFIG.format(folder=folder))
    return Pki(folder, root, domain_chain, domain_key, tsa_config)


def _issue(folder: Path, name: str, key: Path, subject: str, extensions: list[str]) -> Path:
    """A certificate for *key* signed by the root in *folder*."""
    request, certificate, extfile = folder / f"{name}.csr", folder / f"{name}.pem", folder / f"{name}.ext"
    _openssl("req", "-new", "-key", str(key), "-out", str(request), "-subj", subject)
    base = ["basicConstraints=critical,CA:FALSE", "subjectKeyIdentifier=hash", "authorityKeyIdentifier=keyid"]
    extfile.write_text("\n".join(base + extensions) + "\n")
    _openssl(
        "x509", "-req", "-in", str(request), "-CA", str(folder / "root.pem"), "-CAkey", str(folder / "root.key"),
        "-CAcreateserial", "-days", "20", "-extfile", str(extfile),
        "-out", str(certificate),
    )  # fmt: skip
    return certificate


class Tsa:
    """An RFC 3161 time-stamping authority on 127.0.0.1: each POSTed TimeStampReq is answered by `openssl ts
    -reply` with the test TSA certificate. Use as a context manager; `url` is where it listens."""

    def __init__(self, pki: Pki) -> None:
        config = pki.tsa_config
        self.requests = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(handler) -> None:  # noqa: N805 (the handler's own self)
                query = handler.rfile.read(int(handler.headers.get("Content-Length", "0")))
                with tempfile.TemporaryDirectory() as scratch:
                    query_file, reply_file = Path(scratch) / "query.tsq", Path(scratch) / "reply.tsr"
                    query_file.write_bytes(query)
                    result = subprocess.run(
                        ["openssl", "ts", "-reply", "-config", str(config), "-queryfile", str(query_file),
                         "-out", str(reply_file)],
                        capture_output=True, timeout=60,
                    )  # fmt: skip
                    reply = reply_file.read_bytes() if result.returncode == 0 else b""
                self.requests += 1
                handler.send_response(200 if reply else 500)
                handler.send_header("Content-Type", "application/timestamp-reply")
                handler.send_header("Content-Length", str(len(reply)))
                handler.end_headers()
                handler.wfile.write(reply)

            def log_message(handler, *args: object) -> None:  # noqa: N805
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/tsr"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Tsa:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
