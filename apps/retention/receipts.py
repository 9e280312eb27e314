"""Signed expungement receipts: what was expunged, on what ground, when, signed with the
registry's "receipt" key (apps.vault.signing), verifiable by anyone who has the public
key (`manage.py retention verify-receipt`).

The signed message is the receipt's fields as canonical JSON (sorted keys, no spaces,
UTF-8), prefixed with a domain tag, so a receipt signature can never be confused with a
signature of another purpose. The person is named by their id: a random uuid, never
derived from personal data, that opens nothing once the key is destroyed (see
docs/operations.md, "Backups and expungement", for why it is not hashed).
"""

import base64
import binascii
import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from apps.vault import signing

PURPOSE = "receipt"
VERSION = 1
_DOMAIN = b"registry-expungement-receipt\x00"


class ReceiptInvalid(ValueError):
    """The text is not a receipt of the known format."""


@dataclass(frozen=True)
class ExpungementReceipt:
    receipt_id: uuid.UUID
    person_id: uuid.UUID
    ground: str
    at: dt.datetime
    kid: str
    signature: str  # base64 of the Ed25519 signature
    version: int = VERSION

    def signed_fields(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "receipt_id": str(self.receipt_id),
            "person_id": str(self.person_id),
            "ground": self.ground,
            "at": self.at.isoformat(),
        }

    def message(self) -> bytes:
        return message_for(self.signed_fields())

    def as_dict(self) -> dict[str, Any]:
        return {**self.signed_fields(), "kid": self.kid, "signature": self.signature}

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))

    def verify(self) -> bool:
        """True when the signature is good and made by a known "receipt" key."""
        try:
            raw = base64.b64decode(self.signature, validate=True)
        except (binascii.Error, ValueError):
            return False
        return signing.verify(PURPOSE, self.kid, self.message(), raw)


def message_for(fields: dict[str, Any]) -> bytes:
    return _DOMAIN + json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def sign_receipt(person_id: uuid.UUID, ground: str, at: dt.datetime) -> ExpungementReceipt:
    """A new receipt, signed with the active "receipt" key. The time is kept to the
    second, so that every JSON encoder writes it the way it was signed."""
    at = at.replace(microsecond=0)
    unsigned = ExpungementReceipt(uuid.uuid4(), person_id, ground, at, kid="", signature="")
    signature = signing.sign(PURPOSE, unsigned.message())
    return ExpungementReceipt(
        receipt_id=unsigned.receipt_id,
        person_id=person_id,
        ground=ground,
        at=at,
        kid=signature.kid,
        signature=base64.b64encode(signature.signature).decode(),
    )


def parse(text: str | dict[str, Any]) -> ExpungementReceipt:
    """A receipt from its JSON (or the decoded dict). Raises ReceiptInvalid on anything
    but the exact format: a field missing, added or of the wrong type."""
    try:
        data = json.loads(text) if isinstance(text, str) else text
    except json.JSONDecodeError as exc:
        raise ReceiptInvalid(f"not JSON: {exc.msg}") from exc
    expected = {"version", "receipt_id", "person_id", "ground", "at", "kid", "signature"}
    if not isinstance(data, dict) or set(data) != expected:
        got = sorted(data) if isinstance(data, dict) else type(data).__name__
        raise ReceiptInvalid(f"a receipt has exactly the fields {sorted(expected)}; got {got}")
    if data["version"] != VERSION or not all(
        isinstance(data[k], str) for k in expected - {"version"}
    ):
        raise ReceiptInvalid(f"unknown receipt version or field types (version {VERSION})")
    try:
        at = dt.datetime.fromisoformat(data["at"])
        receipt = ExpungementReceipt(
            receipt_id=uuid.UUID(data["receipt_id"]),
            person_id=uuid.UUID(data["person_id"]),
            ground=data["ground"],
            at=at,
            kid=data["kid"],
            signature=data["signature"],
        )
    except ValueError as exc:
        raise ReceiptInvalid(f"malformed field: {exc}") from exc
    if at.tzinfo is None:
        raise ReceiptInvalid("the time must carry its time zone")
    return receipt
