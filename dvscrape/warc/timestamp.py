"""RFC 3161 timestamps: asking a time-stamping authority (TSA) to sign the digest of some bytes, and checking the
token it answers with.

A WACZ signed with a domain certificate carries the TSA's whole answer (a DER TimeStampResp, in base64) as
``timeSignature`` and the TSA's certificate chain as ``timestampCert`` (WACZ Signing and Verification 0.1.0). The
ASN.1 is read and written with asn1crypto, signatures are checked with cryptography. Whether the TSA is to be trusted
(its chain, its time-stamping key usage) is decided by the caller (``warc/wacz_verify``), not here.
"""

from __future__ import annotations

import hashlib
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from dvscrape import __version__
from dvscrape.errors import SigningError

TIMEOUT = 30.0
MAX_RESPONSE = 1 << 20
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


@dataclass(frozen=True)
class Timestamp:
    """A token whose signature and digest were checked: the time it states and the certificates it was checked with
    (the TSA's own first, then its issuers as far as they were given)."""

    time: datetime
    certificates: tuple[x509.Certificate, ...]
    response: bytes


def request_timestamp(url: str, data: bytes, *, timeout: float = TIMEOUT) -> Timestamp:
    """Ask the TSA at *url* to timestamp the SHA-256 digest of *data*, with a fresh nonce and its certificates; return
    the checked answer. Raises SigningError when the TSA cannot be reached, refuses, or answers with a token that
    does not check out."""
    nonce = secrets.randbits(63)
    imprint = {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": hashlib.sha256(data).digest()}
    query = tsp.TimeStampReq({"version": "v1", "message_imprint": imprint, "nonce": nonce, "cert_req": True})
    request = urllib.request.Request(
        url,
        data=query.dump(),
        headers={"Content-Type": "application/timestamp-query", "User-Agent": f"dvscrape/{__version__}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            body = answer.read(MAX_RESPONSE + 1)
    except urllib.error.HTTPError as error:
        raise SigningError(f"the time-stamping authority {url} answered HTTP {error.code}") from error
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise SigningError(f"the time-stamping authority {url} cannot be reached: {reason}") from error
    if len(body) > MAX_RESPONSE:
        raise SigningError(f"the time-stamping authority {url} answered with more than {MAX_RESPONSE} bytes")
    try:
        return check_timestamp(body, data, nonce=nonce)
    except SigningError as error:
        raise SigningError(f"the time-stamping authority {url}: {error}") from error


def check_timestamp(
    response: bytes, data: bytes, *, chain: list[x509.Certificate] | None = None, nonce: int | None = None
) -> Timestamp:
    """Check that *response* (a DER TimeStampResp) grants a token over the digest of *data*, with *nonce* when
    given, signed by the first certificate of *chain* (whose certificates are then the only ones the token may carry),
    or without *chain* by the token's own certificate that its signature names.

    Raises SigningError saying what does not hold.
    """
    try:
        answer = tsp.TimeStampResp.load(response)
        status = answer["status"]["status"].native
        token = answer["time_stamp_token"]
        if status not in ("granted", "granted_with_mods") or token.native is None:
            raise SigningError(f"the timestamp request was not granted ({status})")
        signed = token["content"]
        info = signed["encap_content_info"]
        if token["content_type"].native != "signed_data" or info["content_type"].native != "tst_info":
            raise SigningError("the timestamp token is not a signed TSTInfo")
        content = info["content"].contents
        tst_info = info["content"].parsed
        imprint = tst_info["message_imprint"]
        algorithm = imprint["hash_algorithm"]["algorithm"].native
        if algorithm not in _HASHES:
            raise SigningError(f"the timestamp uses the digest {algorithm}, which is not accepted")
        if imprint["hashed_message"].native != hashlib.new(algorithm, data).digest():
            raise SigningError("the timestamp is for other data (its message imprint does not match)")
        if nonce is not None and tst_info["nonce"].native != nonce:
            raise SigningError("the timestamp does not carry the nonce of the request")
        embedded = [item.chosen.dump() for item in signed["certificates"] or [] if item.name == "certificate"]
        certificates = [x509.load_der_x509_certificate(der) for der in embedded]
        if len(signed["signer_infos"]) != 1:
            raise SigningError("the timestamp token does not have exactly one signer")
        signer_info = signed["signer_infos"][0]
        if chain is not None and any(certificate not in chain for certificate in certificates):
            raise SigningError("the timestamp token carries certificates that are not those of its chain")
        signer = chain[0] if chain else _named_certificate(signer_info, certificates)
        if not _names(signer_info, signer):
            raise SigningError("the timestamp token was not signed by the first certificate of its chain")
        _check_signature(signer_info, content, signer)
        time = tst_info["gen_time"].native
    except (ValueError, TypeError, KeyError) as error:
        raise SigningError(f"the timestamp cannot be read: {error}") from error
    return Timestamp(time, tuple(_chain(signer, certificates)), response)


def _named_certificate(signer_info: cms.SignerInfo, certificates: list[x509.Certificate]) -> x509.Certificate:
    for certificate in certificates:
        if _names(signer_info, certificate):
            return certificate
    raise SigningError("the timestamp token does not include its signer's certificate")


def _names(signer_info: cms.SignerInfo, certificate: x509.Certificate) -> bool:
    """Whether the signer identifier of *signer_info* names *certificate*."""
    sid = signer_info["sid"]
    if sid.name == "issuer_and_serial_number":
        issuer = sid.chosen["issuer"].dump()
        return bool(
            issuer == certificate.issuer.public_bytes()
            and sid.chosen["serial_number"].native == certificate.serial_number
        )
    try:
        key_id = certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    except x509.ExtensionNotFound:
        return False
    return bool(sid.chosen.native == key_id)


def _check_signature(signer_info: cms.SignerInfo, content: bytes, signer: x509.Certificate) -> None:
    """The signed attributes name the TSTInfo and its digest, and *signer*'s key signed them."""
    attributes = signer_info["signed_attrs"]
    if not len(attributes):
        raise SigningError("the timestamp token has no signed attributes")
    values = {attribute["type"].native: attribute["values"][0].native for attribute in attributes}
    digest_name = signer_info["digest_algorithm"]["algorithm"].native
    if digest_name not in _HASHES:
        raise SigningError(f"the timestamp token is signed with the digest {digest_name}, which is not accepted")
    if (
        values.get("content_type") != "tst_info"
        or values.get("message_digest") != hashlib.new(digest_name, content).digest()
    ):
        raise SigningError("the timestamp token's signed attributes do not match its content")
    signed_bytes = attributes.untag().dump()
    signature = signer_info["signature"].native
    digest = _HASHES[digest_name]()
    key = signer.public_key()
    scheme = signer_info["signature_algorithm"].signature_algo
    try:
        if isinstance(key, rsa.RSAPublicKey) and scheme == "rsassa_pkcs1v15":
            key.verify(signature, signed_bytes, padding.PKCS1v15(), digest)
        elif isinstance(key, rsa.RSAPublicKey) and scheme == "rsassa_pss":
            salt = signer_info["signature_algorithm"]["parameters"]["salt_length"].native
            key.verify(signature, signed_bytes, padding.PSS(padding.MGF1(digest), salt), digest)
        elif isinstance(key, ec.EllipticCurvePublicKey) and scheme == "ecdsa":
            key.verify(signature, signed_bytes, ec.ECDSA(digest))
        else:
            raise SigningError(f"the timestamp token's signature ({scheme}) is not one this reader checks")
    except InvalidSignature as error:
        raise SigningError("the timestamp token's signature does not verify") from error


def _chain(signer: x509.Certificate, certificates: list[x509.Certificate]) -> list[x509.Certificate]:
    """*signer* followed by its issuers among *certificates*, in order, as far as they go."""
    chain = [signer]
    while chain[-1].issuer != chain[-1].subject:
        issuer = next((c for c in certificates if c.subject == chain[-1].issuer and c not in chain), None)
        if issuer is None:
            break
        chain.append(issuer)
    return chain
