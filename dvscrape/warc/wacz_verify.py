"""Verifying a WACZ package: that every file is the one ``datapackage.json`` lists, that ``datapackage-digest.json``
holds the hash of ``datapackage.json``, and that its ``signedData`` (WACZ Signing and Verification 0.1.0) is a valid
signature of that hash by a signer the verifier trusts, timestamped when a domain certificate signed it.

Trust: the certificates (roots) and public keys of a file the user names, else the system's CA certificates. A
domain certificate must lead to a trusted root as a TLS server certificate for its domain at the package's creation
time; a TSA's certificate must be for time-stamping and lead to a trusted root at the time it stamped. An anonymous
signature proves only that the holder of its key signed: it is trusted when the key is one of the trusted keys, and
otherwise verified with a warning that names the key. Revocation is not checked.

The result is a report of problems and warnings, never an exception for a damaged package.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import ssl
import warnings
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.verification import Criticality, ExtensionPolicy, PolicyBuilder, Store, VerificationError

from dvscrape.errors import ConfigurationError, SigningError
from dvscrape.warc.model import parse_time
from dvscrape.warc.signing import certificate_domain, key_fingerprint, stamp_window_problem
from dvscrape.warc.timestamp import check_timestamp
from dvscrape.warc.verify import Finding

DATAPACKAGE = "datapackage.json"
DIGEST_FILE = "datapackage-digest.json"
_CHUNK = 1 << 20
_DIGESTS = frozenset({"md5", "sha1", "sha256", "sha384", "sha512"})
_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z ]+)-----.+?-----END \1-----", re.DOTALL)


@dataclass(frozen=True)
class Trust:
    """Whom a verification trusts: root certificates and public keys (SubjectPublicKeyInfo DER), and where from."""

    roots: tuple[x509.Certificate, ...]
    keys: tuple[bytes, ...]
    source: str


def load_trust(path: Path | None) -> Trust:
    """The certificates and public keys in the PEM file *path*, or (None) the system's CA certificates.
    Raises ConfigurationError when *path* cannot be read or holds neither."""
    if path is None:
        found = ssl.get_default_verify_paths()
        bundle = next(
            (Path(name) for name in (found.cafile, found.openssl_cafile) if name and Path(name).is_file()), None
        )
        roots, _ = _pem_items(bundle.read_bytes()) if bundle else ((), ())
        return Trust(roots, (), "the system's CA certificates")
    try:
        roots, keys = _pem_items(path.read_bytes())
    except OSError as error:
        raise ConfigurationError(f"the trust file {path} cannot be read: {error.strerror}") from error
    if not roots and not keys:
        raise ConfigurationError(f"the trust file {path} holds no PEM certificate or public key")
    return Trust(roots, keys, f"the trust file {path}")


def _pem_items(data: bytes) -> tuple[tuple[x509.Certificate, ...], tuple[bytes, ...]]:
    """The certificates and public keys (SPKI DER) of PEM *data*; blocks that do not parse are left out."""
    roots: list[x509.Certificate] = []
    keys: list[bytes] = []
    spki = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # system bundles hold a few certificates cryptography warns about
        for block in _PEM_BLOCK.finditer(data):
            try:
                if block.group(1) == b"CERTIFICATE":
                    roots.append(x509.load_pem_x509_certificate(block.group(0)))
                elif block.group(1) == b"PUBLIC KEY":
                    keys.append(serialization.load_pem_public_key(block.group(0)).public_bytes(*spki))
            except ValueError:
                continue
    return tuple(roots), tuple(keys)


@dataclass
class PackageReport:
    """What verify_package checked and found."""

    path: Path
    files: int = 0
    signature: str = "none"
    signer: str = ""
    created: str = ""
    timestamp: str = ""
    problems: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem was found (warnings allowed)."""
        return not self.problems

    def problem(self, where: str, message: str) -> None:
        """Record a problem."""
        self.problems.append(Finding(where, message))

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict."""
        data = asdict(self)
        return {"ok": self.ok, "package": str(data.pop("path")), **data}


def verify_package(path: Path, trust: Trust) -> PackageReport:
    """Verify the WACZ file *path*: every file's digest, datapackage-digest.json, and the signature, its signer and
    timestamp against *trust*."""
    report = PackageReport(path)
    try:
        with zipfile.ZipFile(path) as package:
            datapackage_bytes = _check_files(package, report)
            if datapackage_bytes is not None:
                _check_digest_file(package, datapackage_bytes, report, trust)
    except (zipfile.BadZipFile, OSError) as error:
        report.problem(path.name, f"cannot be read as a ZIP file: {error}")
    return report


def _check_files(package: zipfile.ZipFile, report: PackageReport) -> bytes | None:
    """Check every file datapackage.json lists; return datapackage.json's bytes (None when it cannot be read)."""
    try:
        datapackage_bytes = package.read(DATAPACKAGE)
        datapackage = json.loads(datapackage_bytes)
    except KeyError:
        report.problem(DATAPACKAGE, "missing")
        return None
    except (ValueError, zipfile.BadZipFile) as error:
        report.problem(DATAPACKAGE, f"cannot be read: {error}")
        return None
    resources = datapackage.get("resources") if isinstance(datapackage, dict) else None
    if not isinstance(resources, list):
        report.problem(DATAPACKAGE, "lists no resources")
        return None
    report.created = str(datapackage.get("created", ""))
    listed = set()
    for resource in resources:
        if not isinstance(resource, dict):
            report.problem(DATAPACKAGE, f"a resource is not an object: {resource!r}")
            continue
        name = str(resource.get("path", ""))
        listed.add(name)
        algorithm, _, expected = str(resource.get("hash", "")).partition(":")
        if algorithm not in _DIGESTS:
            report.problem(
                name, f"datapackage.json gives it the hash {resource.get('hash')!r}, which cannot be checked"
            )
            continue
        try:
            digest = hashlib.new(algorithm)
            size = 0
            with package.open(name) as member:
                while chunk := member.read(_CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
        except KeyError:
            report.problem(name, "listed in datapackage.json but not in the package")
            continue
        except (zipfile.BadZipFile, OSError) as error:
            report.problem(name, f"cannot be read ({error}): the file was changed")
            continue
        report.files += 1
        if digest.hexdigest() != expected:
            report.problem(name, f"its {algorithm.upper()} is not the one datapackage.json lists: the file was changed")
        elif resource.get("bytes") not in (None, size):
            report.problem(name, f"{size} bytes, datapackage.json lists {resource.get('bytes')}")
    for name in package.namelist():
        if name not in listed and name not in (DATAPACKAGE, DIGEST_FILE) and not name.endswith("/"):
            report.problem(name, "in the package but not listed in datapackage.json")
    return datapackage_bytes


def _check_digest_file(package: zipfile.ZipFile, datapackage_bytes: bytes, report: PackageReport, trust: Trust) -> None:
    actual = "sha256:" + hashlib.sha256(datapackage_bytes).hexdigest()
    try:
        digest = json.loads(package.read(DIGEST_FILE))
    except KeyError:
        report.problem(DIGEST_FILE, "missing: the package is not signed")
        return
    except (ValueError, zipfile.BadZipFile) as error:
        report.problem(DIGEST_FILE, f"cannot be read: {error}")
        return
    if not isinstance(digest, dict):
        report.problem(DIGEST_FILE, "is not a JSON object")
        return
    if digest.get("path") != DATAPACKAGE or digest.get("hash") != actual:
        report.problem(DIGEST_FILE, f"does not hold the hash of {DATAPACKAGE} ({actual}): one of them was changed")
    signed = digest.get("signedData")
    if not isinstance(signed, dict):
        report.problem(DIGEST_FILE, "no signedData: the package is not signed")
        return
    if signed.get("hash") != actual:
        report.problem(DIGEST_FILE, f"the signed hash is not the hash of {DATAPACKAGE}: one of them was changed")
    if signed.get("created") != report.created:
        report.problem(DIGEST_FILE, f"signed as created {signed.get('created')}, {DATAPACKAGE} says {report.created}")
    try:
        if signed.get("publicKey"):
            _check_anonymous(signed, report, trust)
        elif signed.get("domainCert"):
            _check_domain(signed, report, trust)
        else:
            report.problem(DIGEST_FILE, "signedData has neither a publicKey nor a domainCert")
    except (ValueError, TypeError, KeyError, AttributeError, SigningError) as error:
        report.problem(DIGEST_FILE, f"the signature cannot be checked: {error}")


def _verify_signature(key: object, signature: bytes, data: bytes) -> bool:
    """An ECDSA (DER, or r‖s as WebCrypto makes it) or RSA PKCS#1 v1.5 signature with SHA-256 of *data* by *key*."""
    if isinstance(key, ec.EllipticCurvePublicKey):
        half = (key.curve.key_size + 7) // 8
        forms = [signature]
        if len(signature) == 2 * half:
            forms.insert(0, encode_dss_signature(int.from_bytes(signature[:half]), int.from_bytes(signature[half:])))
        return any(_ecdsa_verifies(key, form, data) for form in forms)
    if isinstance(key, rsa.RSAPublicKey):
        try:
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            return False
        return True
    return False


def _ecdsa_verifies(key: ec.EllipticCurvePublicKey, signature: bytes, data: bytes) -> bool:
    try:
        key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def _check_anonymous(signed: dict[str, str], report: PackageReport, trust: Trust) -> None:
    report.signature = "anonymous"
    der = base64.b64decode(signed["publicKey"], validate=True)
    key = serialization.load_der_public_key(der)
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise ValueError("its publicKey is not an ECDSA key")
    report.signer = f"key {key_fingerprint(key)}"
    signature = base64.b64decode(signed.get("signature", ""), validate=True)
    if not _verify_signature(key, signature, str(signed["hash"]).encode("ascii")):
        report.problem(DIGEST_FILE, "the signature does not verify with the package's public key")
    elif der in trust.keys:
        report.signer += " (trusted)"
    elif trust.keys:
        report.problem(DIGEST_FILE, f"signed by {report.signer}, which is not among the keys of {trust.source}")
    else:
        report.warnings.append(
            Finding(
                DIGEST_FILE,
                f"signed anonymously by {report.signer}: only its holder could sign, but who that is must be known "
                "from elsewhere (give the signer's public key with --trust)",
            )
        )


def _check_domain(signed: dict[str, str], report: PackageReport, trust: Trust) -> None:
    report.signature = "domain"
    chain = x509.load_pem_x509_certificates(signed["domainCert"].encode("ascii"))
    domain = str(signed.get("domain", ""))
    report.signer = domain
    created = parse_time(str(signed["created"]))
    signature = str(signed["signature"])
    if not _verify_signature(
        chain[0].public_key(), base64.b64decode(signature, validate=True), signed["hash"].encode()
    ):
        report.problem(DIGEST_FILE, "the signature does not verify with the domain certificate's key")
    if certificate_domain(chain[0]) != domain:
        report.problem(DIGEST_FILE, f"the domain certificate is for {certificate_domain(chain[0])!r}, not {domain!r}")
    problem = _chain_problem(chain, trust, created, x509.DNSName(domain))
    if problem:
        report.problem(DIGEST_FILE, f"the domain certificate {problem}")
    stamp_chain = x509.load_pem_x509_certificates(signed["timestampCert"].encode("ascii"))
    stamp = check_timestamp(
        base64.b64decode(signed["timeSignature"], validate=True), signature.encode("ascii"), chain=stamp_chain
    )
    report.timestamp = f"{stamp.time:%Y-%m-%dT%H:%M:%SZ}"
    problem = stamp_window_problem(created, stamp.time)
    if problem:
        report.problem(DIGEST_FILE, problem)
    problem = _chain_problem(stamp_chain, trust, stamp.time, None)
    if problem:
        report.problem(DIGEST_FILE, f"the timestamp authority's certificate {problem}")


def _time_stamping(policy: object, certificate: x509.Certificate, usage: x509.ExtendedKeyUsage) -> None:
    if ExtendedKeyUsageOID.TIME_STAMPING not in usage:
        raise ValueError("its extended key usage is not time-stamping")


def _chain_problem(
    chain: list[x509.Certificate], trust: Trust, moment: datetime, server: x509.DNSName | None
) -> str | None:
    """Why *chain* does not lead to a root of *trust* at *moment* (as a TLS server certificate for *server*, or
    with None as a time-stamping certificate), or None when it does."""
    if not trust.roots:
        return f"cannot be trusted: there is no root certificate in {trust.source}"
    builder = PolicyBuilder().store(Store(list(trust.roots))).time(moment)
    try:
        if server is not None:
            builder.build_server_verifier(server).verify(chain[0], chain[1:])
        else:
            stamping = ExtensionPolicy.permit_all().require_present(
                x509.ExtendedKeyUsage, Criticality.AGNOSTIC, _time_stamping
            )
            builder = builder.extension_policies(ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=stamping)
            builder.build_client_verifier().verify(chain[0], chain[1:])
    except VerificationError as error:
        return f"does not lead to a trusted root of {trust.source} ({error})"
    return None
