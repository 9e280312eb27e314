"""Appending an entry on PostgreSQL in one statement.

The chain's head row is upserted (locked by the UPDATE itself), PostgreSQL splices the
new `seq` and the previous hash into the canonical bytes Python prepared
(`hashing.canonical_parts`), hashes them, moves the head and inserts the entry: one round
trip instead of three, with the same row lock ordering the writers of a chain. Python
then recomputes the hash from the returned seq and prev_hash and refuses any difference,
so the canonical form stays defined in one place (hashing.py).
"""

import json
import uuid
from hashlib import sha256
from typing import Any

from django.db import connection
from django.utils import timezone

from apps.audit.hashing import GENESIS_HASH, canonical_parts, join_canonical
from apps.audit.models import AuditEntry

_HASH = (
    "encode(sha256(convert_to("
    "%(head)s || {seq} || %(middle)s || '\"' || {prev} || '\"]', 'UTF8')), 'hex')"
)
_NEW = _HASH.format(seq="'1'", prev="%(genesis)s")
_NEXT = _HASH.format(seq="(c.seq + 1)::text", prev="c.head_hash")
_INSERT_HEAD = f"""
    INSERT INTO audit_auditchainhead AS c (chain, seq, prev_hash, head_hash)
    VALUES (%(chain)s, 1, %(genesis)s, {_NEW})"""  # noqa: S608 - constant SQL
_UPSERT_HEAD = f"""{_INSERT_HEAD}
    ON CONFLICT (chain) DO UPDATE
    SET seq = c.seq + 1, prev_hash = c.head_hash, head_hash = {_NEXT}"""  # noqa: S608
_ENTRY = """
    INSERT INTO audit_auditentry (chain, seq, at, actor_id, actor_role, action, subject_id,
        object_type, object_id, purpose, legal_basis, reference, detail, prev_hash, hash)
    SELECT %(chain)s, h.seq, %(at)s, %(actor_id)s, %(actor_role)s, %(action)s,
        %(subject_id)s, %(object_type)s, %(object_id)s, %(purpose)s, %(legal_basis)s,
        %(reference)s, %(detail)s::jsonb, h.prev_hash, h.head_hash
    FROM h RETURNING id, seq, prev_hash, hash"""
APPEND = f"WITH h AS ({_UPSERT_HEAD} RETURNING seq, prev_hash, head_hash) {_ENTRY}"
# A subject created in this transaction: no upsert, so a wrong claim hits the primary key.
APPEND_NEW = f"WITH h AS ({_INSERT_HEAD} RETURNING seq, prev_hash, head_hash) {_ENTRY}"


def append(  # noqa: PLR0917 - one call site, in services.record
    chain: str,
    actor_id: int | None,
    actor_role: str,
    action: str,
    subject_id: uuid.UUID | None,
    about: dict[str, Any],
    *,
    new_subject: bool,
) -> AuditEntry:
    fields: dict[str, Any] = {
        "chain": chain,
        "at": timezone.now(),
        "actor_id": actor_id,
        "actor_role": actor_role,
        "action": action,
        "subject_id": subject_id,
        "object_type": about.get("object_type", ""),
        "object_id": about.get("object_id", ""),
        "purpose": about.get("purpose", ""),
        "legal_basis": about.get("legal_basis", ""),
        "reference": about.get("reference", ""),
        "detail": about.get("detail") or {},
    }
    head, middle = canonical_parts(**fields)
    params = {
        **fields,
        "detail": json.dumps(fields["detail"]),
        "head": head,
        "middle": middle,
        "genesis": GENESIS_HASH,
    }
    with connection.cursor() as cursor:
        cursor.execute(APPEND_NEW if new_subject else APPEND, params)
        pk, seq, prev_hash, digest = cursor.fetchone()
    if sha256(join_canonical(head, seq, middle, prev_hash)).hexdigest() != digest:
        raise RuntimeError(f"PostgreSQL hashed audit chain {chain}#{seq} differently")
    entry = AuditEntry(pk=pk, seq=seq, prev_hash=prev_hash, hash=digest, **fields)
    entry._state.adding = False
    entry._state.db = connection.alias
    return entry
