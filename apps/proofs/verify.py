"""Verifying a proof of registration: QR text in, a verdict out. Pure: no Django, no
database, no network, so the verifier page, the offline CLI (`registry-verify`) and the
benchmark run the very same checks.

The checks, in order: prefix and base45 → COSE_Sign1 structure → EdDSA in the
protected header → key id in the trust list → signature → claims → issuer → key not
retired before the proof was signed → not before / expiry → status list. The first
that fails decides the verdict; its reason is a code with an English explanation in
REASONS (pages translate the codes themselves).
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, NamedTuple

import cbor2
from cryptography.exceptions import InvalidSignature

from apps.proofs import credential
from apps.proofs.statuslist import StatusListView
from apps.proofs.trust import PROOF, TrustList

LEEWAY_SECONDS = 300  # clocks of handheld verifiers drift; five minutes is tolerated


class Outcome(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    REVOKED = "revoked"
    UNKNOWN_ISSUER = "unknown_issuer"
    TAMPERED = "tampered"
    UNREADABLE = "unreadable"


REASONS = {
    "ok": "The proof is genuine, valid and not revoked.",
    "prefix": "This is not a proof of registration (the text must start with RG1:).",
    "base45": "The QR text is damaged: it is not valid base45.",
    "cbor": "The QR text is damaged: its content cannot be decoded.",
    "structure": "The content is not a signed proof (COSE_Sign1).",
    "header": "The signature header was changed or is not EdDSA.",
    "unknown_key": "The proof was signed with a key that is not in the trust list.",
    "issuer": "The proof names an issuer other than the trust list's.",
    "signature": "The signature does not match: the proof was changed after signing.",
    "claims": "The proof's contents are incomplete or malformed.",
    "signed_after_retirement": "The proof was signed with a key after it was retired.",
    "not_yet_valid": "The proof is not valid yet.",
    "expired": "The proof has expired.",
    "revoked": "The proof was revoked (replaced or withdrawn).",
    "status_index": "The proof's status entry is outside its status list.",
}
WARNINGS = {
    "status_unchecked": "No status list for this proof was available: revocation not checked.",
    "status_list_expired": "The status list has expired: the proof may have been revoked since.",
    "key_retired": "Signed with a key that has since been retired (still valid until expiry).",
}


class Verdict(NamedTuple):
    outcome: Outcome
    reason: str
    claims: credential.Claims | None = None
    kid: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return self.outcome is Outcome.VALID

    @property
    def explanation(self) -> str:
        return REASONS[self.reason]


def _fail(outcome: Outcome, reason: str, **extra: Any) -> Verdict:
    return Verdict(outcome=outcome, reason=reason, **extra)


# Protected headers already decoded: a verifier meets only as many distinct ones as the
# issuer has keys, so decoding each once saves a CBOR parse per check.
_HEADERS: dict[bytes, Any] = {}
_HEADERS_MAX = 256


def _header(protected: bytes) -> Any:
    header = _HEADERS.get(protected)
    if header is None:
        header = cbor2.loads(protected)
        if (
            len(_HEADERS) < _HEADERS_MAX
            and isinstance(header, dict)
            and header.get(credential.HEADER_ALG) == credential.ALG_EDDSA
            and isinstance(header.get(credential.HEADER_KID), bytes)
        ):
            _HEADERS[protected] = header
    return header


def verify(  # noqa: PLR0911 - one return per verdict reads best
    text: str,
    trust: TrustList,
    status_lists: Mapping[str, StatusListView],
    now: int,
) -> Verdict:
    """The verdict on QR `text` at time `now` (seconds since the epoch). Never raises
    for any input text: a damaged or hostile one gets UNREADABLE or TAMPERED."""
    text = text.strip()
    if not text.startswith(credential.PREFIX):
        return _fail(Outcome.UNREADABLE, "prefix")
    try:
        raw = credential.b45decode(text[len(credential.PREFIX) :])
    except ValueError:
        return _fail(Outcome.UNREADABLE, "base45")
    try:
        message = cbor2.loads(raw)
    except Exception:  # cbor2 raises several types on hostile input
        return _fail(Outcome.UNREADABLE, "cbor")
    if not (isinstance(message, cbor2.CBORTag) and message.tag == credential.COSE_SIGN1_TAG):
        return _fail(Outcome.UNREADABLE, "structure")
    parts = message.value
    if not (
        isinstance(parts, list)
        and len(parts) == 4
        and isinstance(parts[0], bytes)
        and isinstance(parts[1], dict)
        and isinstance(parts[2], bytes)
        and isinstance(parts[3], bytes)
    ):
        return _fail(Outcome.UNREADABLE, "structure")
    protected, unprotected, payload, signature = parts
    try:
        header = _header(protected)
    except Exception:  # a header that does not decode was changed
        return _fail(Outcome.TAMPERED, "header")
    if (
        not isinstance(header, dict)
        or header.get(credential.HEADER_ALG) != credential.ALG_EDDSA
        or unprotected
    ):
        return _fail(Outcome.TAMPERED, "header")
    kid = header.get(credential.HEADER_KID)
    key = trust.key(kid, PROOF) if isinstance(kid, bytes) else None
    if key is None:
        return _fail(Outcome.UNKNOWN_ISSUER, "unknown_key")
    try:
        key.public_key.verify(signature, credential.sig_structure(protected, payload))
    except InvalidSignature:
        return _fail(Outcome.TAMPERED, "signature", kid=key.kid)
    claims = _claims(payload)
    if claims is None:
        return _fail(Outcome.TAMPERED, "claims", kid=key.kid)
    return _check(
        claims, key.kid, retired_at=key.retired_at, trust=trust, status_lists=status_lists, now=now
    )


def _check(  # noqa: PLR0911 - one return per verdict reads best
    claims: credential.Claims,
    kid: str,
    *,
    retired_at: int | None,
    trust: TrustList,
    status_lists: Mapping[str, StatusListView],
    now: int,
) -> Verdict:
    seen: dict[str, Any] = {"claims": claims, "kid": kid}
    if trust.issuer and claims.issuer != trust.issuer:
        return _fail(Outcome.UNKNOWN_ISSUER, "issuer", **seen)
    warnings: list[str] = []
    if retired_at is not None:
        if claims.issued_at > retired_at + LEEWAY_SECONDS:
            return _fail(Outcome.TAMPERED, "signed_after_retirement", **seen)
        warnings.append("key_retired")
    if now + LEEWAY_SECONDS < claims.not_before:
        return _fail(Outcome.NOT_YET_VALID, "not_yet_valid", **seen)
    if now - LEEWAY_SECONDS >= claims.expires_at:
        return _fail(Outcome.EXPIRED, "expired", **seen)
    status_list = status_lists.get(claims.status_uri)
    if status_list is None:
        warnings.append("status_unchecked")
    else:
        status = status_list.status(claims.status_index)
        if status is None:
            return _fail(Outcome.TAMPERED, "status_index", **seen)
        if status != 0:
            return _fail(Outcome.REVOKED, "revoked", **seen)
        if status_list.expires_at is not None and status_list.expires_at < now:
            warnings.append("status_list_expired")
    return Verdict(Outcome.VALID, "ok", claims, kid, tuple(warnings))


def _claims(payload: bytes) -> credential.Claims | None:
    """The claims of a signed payload, or None when one is missing or of a wrong type."""
    try:
        data = cbor2.loads(payload)
        binding = data[credential.BINDING]
        status = data[credential.STATUS]["status_list"]
        claims = credential.Claims(
            data[credential.ISS],
            data[credential.IAT],
            data[credential.NBF],
            data[credential.EXP],
            data[credential.CTI],
            data[credential.REGISTRATION],
            data[credential.PROGRAM],
            status["uri"],
            status["idx"],
            binding.get("card", ""),
            binding.get("face", b""),
        )
    except Exception:  # any shape error means "malformed claims"
        return None
    # `type(...) is`, not isinstance: a bool is not a time, and this runs on every check.
    well_typed = (
        type(claims.issuer) is str
        and type(claims.issued_at) is int
        and type(claims.not_before) is int
        and type(claims.expires_at) is int
        and type(claims.token_id) is bytes
        and type(claims.registration_number) is str
        and type(claims.program) is str
        and type(claims.status_uri) is str
        and type(claims.status_index) is int
        and type(claims.card) is str
        and type(claims.face) is bytes
    )
    if not well_typed or bool(claims.card) == bool(claims.face):
        return None  # exactly one holder binding
    return claims
