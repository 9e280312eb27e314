"""`audit export`: the tree's entries and signed heads in one file that an auditor can
check offline with `registry-audit-verify` (apps.audit.offline; docs/audit.md).

The file is UTF-8 text. Line 1 is a JSON header: format, tree size, the "audit-head"
public keys and every signed head. Then one line per leaf, in leaf order:
`<entry id> TAB <the entry's canonical bytes>` (hashing.canonical_bytes, a JSON array
that never contains a tab or a newline). The leaf hash is SHA-256(0x00 || those bytes).
"""

import base64
import json
from typing import IO

from django.db import connection, transaction

from apps.audit.models import AuditEntry, AuditLeaf, AuditTreeHead
from apps.audit.tree import SIGNING_PURPOSE, entry_bytes, sequenced_size

EXPORT_FORMAT = "registry-audit-export"
EXPORT_VERSION = 1
_CHUNK = 5000


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def header(tree_size: int) -> dict[str, object]:
    from apps.vault import signing

    keys = [
        {
            "kid": key.kid,
            "algorithm": "Ed25519",
            "public_key": _b64(bytes(key.public_key)),
            "retired_at": key.retired_at.isoformat() if key.retired_at else None,
        }
        for key in signing.public_keys(SIGNING_PURPOSE)
    ]
    heads = [
        {
            "id": head.pk,
            "tree_size": head.tree_size,
            "root_hash": bytes(head.root_hash).hex(),
            "timestamp_ms": head.timestamp_ms,
            "kid": head.kid,
            "signature": _b64(bytes(head.signature)),
        }
        for head in AuditTreeHead.objects.filter(tree_size__lte=tree_size).order_by(
            "tree_size", "timestamp_ms", "id"
        )
    ]
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "hash_format": "v1",
        "tree_size": tree_size,
        "keys": keys,
        "heads": heads,
    }


def export(out: IO[bytes]) -> int:
    """Write every sequenced entry and every signed head, from one snapshot; returns the
    number of leaves written. Reads codes and hashes only, never personal data."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        # One snapshot, so writers may go on; inside a caller's transaction (tests),
        # that transaction's own view is used.
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        size = sequenced_size()
        out.write(json.dumps(header(size), sort_keys=True).encode() + b"\n")
        for start in range(0, size, _CHUNK):
            leaves = list(
                AuditLeaf.objects.filter(leaf_index__gte=start, leaf_index__lt=start + _CHUNK)
                .order_by("leaf_index")
                .values_list("leaf_index", "entry_id")
            )
            entries = AuditEntry.objects.in_bulk([entry_id for _, entry_id in leaves])
            for index, entry_id in leaves:
                entry = entries.get(entry_id)
                if entry is None:
                    raise LookupError(f"leaf {index}: entry {entry_id} is missing; run verify")
                out.write(f"{entry_id}\t".encode() + entry_bytes(entry) + b"\n")
    return size
