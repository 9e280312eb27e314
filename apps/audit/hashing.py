"""The canonical form of an entry and its hash. Changing anything here breaks every
existing chain, so the format carries a version.

This module uses the standard library only: the offline verifier
(`apps.audit.offline`) imports it without Django.
"""

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

HASH_FORMAT = "v1"
GENESIS_HASH = "0" * 64

# The same output as json.dumps(..., sort_keys=True, separators=(",", ":"),
# ensure_ascii=False), without building an encoder for every entry.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
encode_json = _ENCODER.encode


def iso_utc(at: dt.datetime) -> str:
    """The time as the canonical form writes it: UTC, always with microseconds."""
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical_parts(
    *,
    chain: str,
    at: dt.datetime,
    actor_id: int | None,
    actor_role: str,
    action: str,
    subject_id: uuid.UUID | str | None,
    object_type: str,
    object_id: str,
    purpose: str,
    legal_basis: str,
    reference: str,
    detail: dict[str, Any],
) -> tuple[str, str]:
    """The canonical form without its chain position: `head` comes before `seq` and
    `middle` between `seq` and the quoted `prev_hash`, so that

        canonical = head + str(seq) + middle + '"' + prev_hash + '"]'

    (a list's JSON is its items' JSON joined by commas). PostgreSQL appends with this in
    one statement: it knows seq and prev_hash only once the chain's head row is locked."""
    head = encode_json([HASH_FORMAT, chain])[:-1] + ","
    rest = [
        iso_utc(at),
        actor_id,
        actor_role,
        action,
        str(subject_id) if subject_id else None,
        object_type,
        object_id,
        purpose,
        legal_basis,
        reference,
        detail,
    ]
    return head, "," + encode_json(rest)[1:-1] + ","


def join_canonical(head: str, seq: int, middle: str, prev_hash: str) -> bytes:
    return f'{head}{seq}{middle}"{prev_hash}"]'.encode()


def canonical_bytes(
    *,
    chain: str,
    seq: int,
    at: dt.datetime | str,
    actor_id: int | None,
    actor_role: str,
    action: str,
    subject_id: uuid.UUID | str | None,
    object_type: str,
    object_id: str,
    purpose: str,
    legal_basis: str,
    reference: str,
    detail: dict[str, Any],
    prev_hash: str,
) -> bytes:
    """The bytes that the entry's hash and its Merkle leaf hash are computed over: a
    JSON array (UTF-8, sorted keys, no spaces) that never contains a newline:
    ["v1", chain, seq, at, actor_id, actor_role, action, subject_id, object_type,
    object_id, purpose, legal_basis, reference, detail, prev_hash]. `at` may come
    already written by iso_utc (a batch of entries shares one time)."""
    body = [
        HASH_FORMAT,
        chain,
        seq,
        at if isinstance(at, str) else iso_utc(at),
        actor_id,
        actor_role,
        action,
        str(subject_id) if subject_id else None,
        object_type,
        object_id,
        purpose,
        legal_basis,
        reference,
        detail,
        prev_hash,
    ]
    return encode_json(body).encode()


def entry_hash(**fields: Any) -> str:
    """SHA-256 (hex) of the entry's canonical bytes; the chain links these."""
    return hashlib.sha256(canonical_bytes(**fields)).hexdigest()
