"""AES-GCM for personal fields.

A sealed value is `version || nonce || ciphertext+tag`. The associated data binds the
ciphertext to its person and to the field it belongs to, so a ciphertext copied into
another person's row, or into another column, fails to decrypt instead of leaking.
"""

import os
import uuid

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT_VERSION = b"\x01"
NONCE_BYTES = 12
DATA_KEY_BYTES = 32


class SealedValueError(ValueError):
    """The sealed bytes are malformed, or belong to another person or field."""


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=DATA_KEY_BYTES * 8)


def associated_data(subject_id: uuid.UUID, label: str) -> bytes:
    return subject_id.bytes + label.encode()


def seal(data_key: bytes, subject_id: uuid.UUID, label: str, plaintext: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(data_key).encrypt(nonce, plaintext, associated_data(subject_id, label))
    return FORMAT_VERSION + nonce + ciphertext


def open_sealed(data_key: bytes, subject_id: uuid.UUID, label: str, sealed: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag

    if len(sealed) < 1 + NONCE_BYTES + 16 or sealed[:1] != FORMAT_VERSION:
        raise SealedValueError("not a sealed value of a known format")
    nonce, body = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
    try:
        return AESGCM(data_key).decrypt(nonce, body, associated_data(subject_id, label))
    except InvalidTag as exc:
        raise SealedValueError("ciphertext does not belong to this person and field") from exc
