"""Signing a WACZ package as WACZ Signing and Verification 0.1.0 describes: the ``signedData`` that
``datapackage-digest.json`` carries, a signature of the SHA-256 ``hash`` of ``datapackage.json`` (the string, as
``sha256:…``) with the package's ``created`` time and the signing software.

Two kinds, as the spec names them:

- anonymous: the operator's own ECDSA P-384 key, as ArchiveWeb.page signs: the signature in IEEE P1363 form (r‖s),
  which is what ReplayWeb.page's WebCrypto check reads, and the public key (SubjectPublicKeyInfo, base64). It proves
  that the holder of that key signed the package; who that is must be known from elsewhere.
- domain: the private key of a TLS certificate for a domain (ECDSA; the signature in DER, as authsign writes it), the
  certificate chain, and an RFC 3161 timestamp of the signature from a time-stamping authority (``warc/timestamp``).

Keys are secrets. The operator's key is made on first use with owner-only permissions (the file 0600, its folder
0700); a private key that group or others may read is refused, as ssh refuses one; nothing here writes a private key
anywhere but its own file.
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

from dvscrape import __version__
from dvscrape.errors import ConfigurationError, SigningError
from dvscrape.warc.model import parse_time
from dvscrape.warc.timestamp import request_timestamp

SPEC_VERSION = "0.1.0"
SOFTWARE = f"dvscrape {__version__}"
KEY_FILENAME = "signing-key.pem"
STAMP_WINDOW = timedelta(minutes=10)
"""How long after the package's creation its timestamp may be (the spec's 10 minutes)."""
STAMP_GRACE = timedelta(seconds=1)
"""How much earlier than the creation a timestamp may be: times are written in whole seconds."""
CERT_FRESHNESS = timedelta(days=7)
"""authsign and wacz-signing refuse a signature made more than this long after its certificate was issued."""

Signer = Callable[[str, str], dict[str, str]]
"""(hash of datapackage.json, created) → the signedData of datapackage-digest.json."""


def default_key_path() -> Path:
    """Where the operator's key lives unless told: dvscrape/signing-key.pem in the user's configuration folder
    ($XDG_CONFIG_HOME, else ~/.config)."""
    configured = os.environ.get("XDG_CONFIG_HOME", "")
    base = Path(configured) if configured and Path(configured).is_absolute() else Path.home() / ".config"
    return base / "dvscrape" / KEY_FILENAME


def operator_key(path: Path | None) -> tuple[ec.EllipticCurvePrivateKey, Path, bool]:
    """The operator's key for anonymous signing, its file and whether it was made now: the key in *path*, which must
    exist, or (no path given) the one at default_key_path(), made on first use.

    Raises ConfigurationError when the key is missing (a named one), unreadable, open to other users, or not an
    ECDSA P-384 key.
    """
    created = False
    if path is None:
        path = default_key_path()
        created = _create_key(path)
    key = load_private_key(path, "the signing key")
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP384R1):
        raise ConfigurationError(
            f"the signing key {path} is not an ECDSA P-384 key (the curve ReplayWeb.page checks anonymous signatures "
            "with); make one with: openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384"
        )
    return key, path, created


def _create_key(path: Path) -> bool:
    """Make a new P-384 key at *path* unless one is there; True when made. The file appears whole or not at all."""
    if path.exists():
        return False
    folder = path.parent
    try:
        if not folder.exists():
            folder.mkdir(mode=0o700, parents=True)
            folder.chmod(0o700)
        pem = ec.generate_private_key(ec.SECP384R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        partial = folder / f".{path.name}.{os.getpid()}.tmp"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(pem)
            os.link(partial, path)
        except FileExistsError:
            return False  # another dvscrape made it meanwhile: use that one
        finally:
            partial.unlink(missing_ok=True)
    except OSError as error:
        raise ConfigurationError(f"cannot make the signing key {path}: {error.strerror}") from error
    return True


def load_private_key(path: Path, what: str) -> PrivateKeyTypes:
    """The unencrypted PEM private key in *path* (*what* names it in errors). Raises ConfigurationError when the
    file is missing, unreadable, readable or writable by group or others, or not a key."""
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            raise ConfigurationError(f"{what} {path} is not a file")
        if mode & 0o077:
            permissions = f"{stat.S_IMODE(mode):o}"
            raise ConfigurationError(f"{what} {path} is open to other users (mode {permissions}): chmod 600 {path}")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigurationError(f"{what} {path} does not exist") from None
    except OSError as error:
        raise ConfigurationError(f"{what} {path} cannot be read: {error.strerror}") from error
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise ConfigurationError(
            f"{what} {path} is encrypted; dvscrape reads unencrypted keys kept owner-only"
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise ConfigurationError(f"{what} {path} is not a PEM private key") from None
    return key


def key_fingerprint(public_key: ec.EllipticCurvePublicKey) -> str:
    """'sha256:' and the hex SHA-256 of the key's SubjectPublicKeyInfo: how a signer's key is named to people."""
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return "sha256:" + hashlib.sha256(der).hexdigest()


def stamp_window_problem(created: datetime, stamped: datetime) -> str | None:
    """Why a timestamp at *stamped* does not attest a package created at *created*, or None when it does."""
    if stamped < created - STAMP_GRACE:
        return f"the timestamp ({stamped:%Y-%m-%dT%H:%M:%SZ}) is earlier than the package's creation time"
    if stamped > created + STAMP_WINDOW:
        return f"the timestamp ({stamped:%Y-%m-%dT%H:%M:%SZ}) is more than 10 minutes after the package's creation time"
    return None


def _base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _pem_chain(certificates: tuple[x509.Certificate, ...]) -> str:
    # one blank line between certificates: ReplayWeb.page splits a chain on it
    return "\n".join(c.public_bytes(serialization.Encoding.PEM).decode("ascii") for c in certificates)


def _signed_data(digest: str, created: str, signature: str) -> dict[str, str]:
    return {"hash": digest, "created": created, "software": SOFTWARE, "version": SPEC_VERSION, "signature": signature}


@dataclass(frozen=True)
class AnonymousSigner:
    """Signs with the operator's key alone."""

    key: ec.EllipticCurvePrivateKey

    def __call__(self, digest: str, created: str) -> dict[str, str]:
        """The anonymous signedData for *digest* (datapackage.json's 'sha256:…') made at *created*."""
        r, s = decode_dss_signature(self.key.sign(digest.encode("ascii"), ec.ECDSA(hashes.SHA256())))
        size = (self.key.curve.key_size + 7) // 8
        public = self.key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        signed = _signed_data(digest, created, _base64(r.to_bytes(size, "big") + s.to_bytes(size, "big")))
        signed["publicKey"] = _base64(public)
        return signed


@dataclass(frozen=True)
class DomainSigner:
    """Signs with a domain certificate's key and has the signature timestamped by a TSA."""

    key: ec.EllipticCurvePrivateKey
    chain: tuple[x509.Certificate, ...]
    domain: str
    tsa_url: str
    warnings: tuple[str, ...] = field(default=())

    def __call__(self, digest: str, created: str) -> dict[str, str]:
        """The domain signedData for *digest* made at *created*. Raises SigningError when the TSA cannot be reached,
        refuses, or stamps a time that does not attest *created*."""
        signature = _base64(self.key.sign(digest.encode("ascii"), ec.ECDSA(hashes.SHA256())))
        stamp = request_timestamp(self.tsa_url, signature.encode("ascii"))
        problem = stamp_window_problem(parse_time(created), stamp.time)
        if problem:
            raise SigningError(f"{problem} (is this machine's clock right?)")
        signed = _signed_data(digest, created, signature)
        signed |= {
            "domain": self.domain,
            "domainCert": _pem_chain(self.chain),
            "timeSignature": _base64(stamp.response),
            "timestampCert": _pem_chain(stamp.certificates),
        }
        return signed


def certificate_domain(certificate: x509.Certificate) -> str:
    """The domain a certificate is for: its subject's common name, else its first DNS name ('' when none)."""
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if names:
        return str(names[0].value)
    try:
        dns = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return ""
    found = dns.get_values_for_type(x509.DNSName)
    return found[0] if found else ""


def domain_signer(cert_path: Path, key_path: Path, tsa_url: str, now: datetime | None = None) -> DomainSigner:
    """A DomainSigner from a PEM certificate chain (the domain's certificate first), its ECDSA private key and the
    URL of an RFC 3161 TSA. Raises ConfigurationError when any of them cannot be used."""
    if urlsplit(tsa_url).scheme not in ("http", "https") or not urlsplit(tsa_url).netloc:
        raise ConfigurationError(f"the time-stamping authority {tsa_url!r} is not an http(s) URL")
    try:
        chain = tuple(x509.load_pem_x509_certificates(cert_path.read_bytes()))
    except OSError as error:
        raise ConfigurationError(f"the domain certificate {cert_path} cannot be read: {error.strerror}") from error
    except ValueError:
        raise ConfigurationError(f"the domain certificate {cert_path} holds no PEM certificate") from None
    key = load_private_key(key_path, "the domain key")
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ConfigurationError(f"the domain key {key_path} is not an ECDSA key (the WACZ signing spec's kind)")
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(serialization.Encoding.DER, public) != chain[0].public_key().public_bytes(
        serialization.Encoding.DER, public
    ):
        raise ConfigurationError(f"the domain key {key_path} is not the key of the certificate in {cert_path}")
    domain = certificate_domain(chain[0])
    if not domain:
        raise ConfigurationError(f"the certificate in {cert_path} names no domain")
    moment = now or datetime.now(UTC)
    leaf = chain[0]
    if not leaf.not_valid_before_utc <= moment <= leaf.not_valid_after_utc:
        raise ConfigurationError(
            f"the certificate in {cert_path} is not valid now (valid from {leaf.not_valid_before_utc:%Y-%m-%d} to "
            f"{leaf.not_valid_after_utc:%Y-%m-%d})"
        )
    warnings: tuple[str, ...] = ()
    if moment - leaf.not_valid_before_utc > CERT_FRESHNESS:
        warnings = (
            f"the certificate in {cert_path} was issued on {leaf.not_valid_before_utc:%Y-%m-%d}, more than 7 days "
            "ago: authsign and wacz-signing accept only signatures made within 7 days of a certificate's issue",
        )
    return DomainSigner(key, chain, domain, tsa_url, warnings)
