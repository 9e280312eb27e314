"""Per-person envelope encryption.

Every service that stores personal data calls `seal_json` with the person's id, and
every reader goes through `open_json`. Neither logs: logging is the job of the
calling domain service (e.g. `registrations.services.read_person`), which knows who is
reading and why. `vault` depends on nothing but Django and `cryptography`.
"""

import json
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.vault import crypto
from apps.vault.keyprovider import key_provider
from apps.vault.models import SubjectKey


class KeyDestroyed(Exception):
    """The person's key was destroyed: their personal data no longer exists."""


def _wrap_context(subject_id: uuid.UUID) -> bytes:
    return b"registry-subject-key\x00" + subject_id.bytes


def new_subject_key(subject_id: uuid.UUID) -> tuple[SubjectKey, bytes]:
    """A new random data key for a new person: the unsaved row holding it wrapped, and
    the key itself, so the caller can seal the person's first values without reading
    it back. The caller saves the row in the same transaction."""
    provider = key_provider()
    data_key = crypto.new_data_key()
    wrapped = provider.wrap(data_key, _wrap_context(subject_id))
    row = SubjectKey(subject_id=subject_id, wrapped_key=wrapped, master_key_id=provider.key_id)
    return row, data_key


def create_subject_key(subject_id: uuid.UUID) -> bytes:
    """Create and store a new data key for a new person; return the key."""
    row, data_key = new_subject_key(subject_id)
    row.save(force_insert=True)
    return data_key


def _data_key(subject_id: uuid.UUID) -> bytes:
    row = SubjectKey.objects.filter(subject_id=subject_id).values_list("wrapped_key").first()
    if row is None or row[0] is None:
        raise KeyDestroyed(f"The data key of subject {subject_id} does not exist.")
    return key_provider().unwrap(bytes(row[0]), _wrap_context(subject_id))


def seal_json(
    subject_id: uuid.UUID, label: str, value: Any, *, data_key: bytes | None = None
) -> bytes:
    """Encrypt a JSON-serialisable value for one person and one field label.
    `data_key` is for a person created in this transaction (see create_subject_key)."""
    plaintext = json.dumps(value, separators=(",", ":"), sort_keys=True).encode()
    return crypto.seal(data_key or _data_key(subject_id), subject_id, label, plaintext)


def open_json(subject_id: uuid.UUID, label: str, sealed: bytes | memoryview | None) -> Any:
    """Decrypt a value sealed by `seal_json`. Raises KeyDestroyed after shredding and
    SealedValueError when the bytes belong to another person or field."""
    if sealed is None:
        raise crypto.SealedValueError("there is no sealed value")
    return json.loads(crypto.open_sealed(_data_key(subject_id), subject_id, label, bytes(sealed)))


@transaction.atomic
def destroy_subject_key(subject_id: uuid.UUID) -> bool:
    """Crypto-shred: delete the person's wrapped data key for good.

    Returns False when it was already destroyed (idempotent). Callers must also remove
    derived data that is not encrypted under this key (blind indexes, caches).
    """
    updated = SubjectKey.objects.filter(subject_id=subject_id, wrapped_key__isnull=False).update(
        wrapped_key=None, destroyed_at=timezone.now()
    )
    return updated == 1
