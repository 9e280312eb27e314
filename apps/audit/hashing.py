"""The canonical form of an entry and its hash. Changing anything here breaks every
existing chain, so the format carries a version."""

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

HASH_FORMAT = "v1"
GENESIS_HASH = "0" * 64


def entry_hash(
    *,
    chain: str,
    seq: int,
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
    prev_hash: str,
) -> str:
    body = [
        HASH_FORMAT,
        chain,
        seq,
        at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
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
    encoded = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()
