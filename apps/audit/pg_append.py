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
from typing import Any, NamedTuple

import psycopg
from django.db import connection
from django.utils import timezone

from apps.audit.hashing import (
    GENESIS_HASH,
    canonical_bytes,
    canonical_parts,
    encode_json,
    iso_utc,
    join_canonical,
)
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
    fields = entry_fields(
        Row(chain, actor_id, actor_role, action, subject_id, about), timezone.now()
    )
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
    return _saved(AuditEntry(pk=pk, seq=seq, prev_hash=prev_hash, hash=digest, **fields))


def binding_cursor() -> "psycopg.Cursor[Any]":
    """A cursor on the transaction's connection that sends parameters apart from the SQL
    (server-side binding). Django's own cursor quotes every value into the statement
    text, which for a few hundred array items costs more than the insert itself. (The
    one-entry append keeps Django's cursor: its statement reuses a parameter as two
    types, which server-side binding refuses.)"""
    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


class Row(NamedTuple):
    chain: str
    actor_id: int | None
    actor_role: str
    action: str
    subject_id: uuid.UUID | None
    about: dict[str, Any]


def entry_fields(row: Row, at: Any) -> dict[str, Any]:
    """An entry's columns but its chain position (seq, prev_hash) and hash."""
    about = row.about
    return {
        "chain": row.chain,
        "at": at,
        "actor_id": row.actor_id,
        "actor_role": row.actor_role,
        "action": row.action,
        "subject_id": row.subject_id,
        "object_type": about.get("object_type", ""),
        "object_id": about.get("object_id", ""),
        "purpose": about.get("purpose", ""),
        "legal_basis": about.get("legal_basis", ""),
        "reference": about.get("reference", ""),
        "detail": about.get("detail") or {},
    }


def _saved(entry: AuditEntry) -> AuditEntry:
    entry._state.adding = False
    entry._state.db = connection.alias
    return entry


# Lock every chain head the batch touches, creating the missing ones at seq 0, in chain
# order (so two batches never wait for each other in a circle). ON CONFLICT DO UPDATE
# locks every conflicting row even where its WHERE is false, so an existing head is
# locked without writing a new version of it; a second statement (a fresh snapshot,
# which sees what the writers this one waited for committed) reads the heads.
_LOCK_HEADS = """
    INSERT INTO audit_auditchainhead AS c (chain, seq, prev_hash, head_hash)
    SELECT chain, 0, '', %s FROM unnest(%b::varchar[]) AS chain
    ON CONFLICT (chain) DO UPDATE SET seq = c.seq WHERE false"""
_READ_HEADS = """
    SELECT chain, seq, head_hash FROM audit_auditchainhead WHERE chain = ANY(%b::varchar[])"""
# Move the heads and insert the entries: one statement. The rows travel as one JSON
# text that PostgreSQL unpacks (json_to_recordset): one parameter, where arrays would
# have psycopg adapt every item in Python.
_MOVE_AND_INSERT = """
    WITH moved AS (
        UPDATE audit_auditchainhead c
        SET seq = v.seq, prev_hash = v.prev_hash, head_hash = v.head_hash
        FROM json_to_recordset(%s::json)
            AS v(chain varchar, seq bigint, prev_hash varchar, head_hash varchar)
        WHERE c.chain = v.chain
    )
    INSERT INTO audit_auditentry (chain, seq, at, actor_id, actor_role, action, subject_id,
        object_type, object_id, purpose, legal_basis, reference, detail, prev_hash, hash)
    SELECT chain, seq, %s, actor_id, actor_role, action, subject_id, object_type, object_id,
        purpose, legal_basis, reference, detail, prev_hash, hash
    FROM json_to_recordset(%s::json)
        AS v(chain varchar, seq bigint, actor_id bigint, actor_role varchar, action varchar,
             subject_id uuid, object_type varchar, object_id varchar, purpose varchar,
             legal_basis varchar, reference varchar, detail jsonb, prev_hash varchar,
             hash varchar)
    RETURNING id, chain, seq"""


def append_many(rows: list[Row]) -> list[int]:
    """Append `rows` in order: lock their chains' heads, hash the entries here (each
    chain continuing from its locked head), then move the heads and insert every entry
    in one statement. Returns the new entries' ids, in order."""
    if not rows:
        return []
    chains = sorted({row.chain for row in rows})
    with binding_cursor() as cursor:
        cursor.execute(_LOCK_HEADS, [GENESIS_HASH, chains])
        cursor.execute(_READ_HEADS, [chains])
        last = {chain: (seq, head_hash) for chain, seq, head_hash in cursor.fetchall()}
    at = timezone.now()
    at_text = iso_utc(at)  # formatted once for the batch
    entries: list[dict[str, Any]] = []
    tails: dict[str, dict[str, Any]] = {}
    for row in rows:
        seq, prev_hash = last[row.chain]
        fields = entry_fields(row, at_text)
        if row.subject_id:
            fields["subject_id"] = str(row.subject_id)
        digest = sha256(canonical_bytes(seq=seq + 1, prev_hash=prev_hash, **fields)).hexdigest()
        last[row.chain] = (seq + 1, digest)
        del fields["at"]
        fields.update(seq=seq + 1, prev_hash=prev_hash, hash=digest)
        entries.append(fields)
        tails[row.chain] = {"chain": row.chain, "seq": seq + 1, "prev_hash": prev_hash}
        tails[row.chain]["head_hash"] = digest
    with binding_cursor() as cursor:
        cursor.execute(
            _MOVE_AND_INSERT, [encode_json(list(tails.values())), at, encode_json(entries)]
        )
        ids = {(chain, seq): pk for pk, chain, seq in cursor.fetchall()}
    return [ids[entry["chain"], entry["seq"]] for entry in entries]
