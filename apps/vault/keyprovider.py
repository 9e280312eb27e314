"""Master keys behind a small interface.

The master key never encrypts personal data itself: it wraps each person's data key.
Development uses a local key file (created on first use under ./var); production points
REGISTRY_KEY_PROVIDER at an HSM or cloud-KMS adapter with the same three methods.
"""

import base64
import contextlib
import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

_WRAP_VERSION = b"\x01"
NONCE_BYTES = 12


class KeyProvider(Protocol):
    key_id: str

    def wrap(self, data_key: bytes, context: bytes) -> bytes: ...

    def unwrap(self, wrapped: bytes, context: bytes) -> bytes: ...

    def blind_index_key(self) -> bytes: ...


class LocalKeyProvider:
    """Master and blind-index keys from REGISTRY_MASTER_KEY or a JSON key file.

    The file holds {"key_id", "master", "index"} as base64. The index key is separate
    from the master key so that an index can be rebuilt under a new key without
    touching wrapped data keys, and vice versa.
    """

    def __init__(self) -> None:
        if settings.MASTER_KEY:
            master = _b64_key(settings.MASTER_KEY, "REGISTRY_MASTER_KEY")
            index = hashlib.sha256(b"registry-blind-index\x00" + master).digest()
            self.key_id = "env-" + hashlib.sha256(master).hexdigest()[:12]
        else:
            master, index, self.key_id = _read_or_create_key_file(Path(settings.MASTER_KEY_FILE))
        self._master = AESGCM(master)
        self._index = index

    def wrap(self, data_key: bytes, context: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return _WRAP_VERSION + nonce + self._master.encrypt(nonce, data_key, context)

    def unwrap(self, wrapped: bytes, context: bytes) -> bytes:
        if wrapped[:1] != _WRAP_VERSION:
            raise ValueError("unknown wrapped-key format")
        nonce, body = wrapped[1 : 1 + NONCE_BYTES], wrapped[1 + NONCE_BYTES :]
        return self._master.decrypt(nonce, body, context)

    def blind_index_key(self) -> bytes:
        return self._index


def generate_key_file(path: Path) -> None:
    """Write a new key file readable only by its owner; refuses to overwrite one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "key_id": "local-" + os.urandom(6).hex(),
        "master": base64.b64encode(os.urandom(32)).decode(),
        "index": base64.b64encode(os.urandom(32)).decode(),
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(body, handle)


def _read_or_create_key_file(path: Path) -> tuple[bytes, bytes, str]:
    if not path.exists():
        if not settings.CREATE_MISSING_MASTER_KEY:
            raise ImproperlyConfigured(f"Master key file {path} does not exist.")
        # Another process may have created it first: then read theirs.
        with contextlib.suppress(FileExistsError):
            generate_key_file(path)
    try:
        body = json.loads(path.read_text())
        return (
            _b64_key(body["master"], f"{path}: master"),
            _b64_key(body["index"], f"{path}: index"),
            str(body["key_id"]),
        )
    except (KeyError, ValueError) as exc:
        raise ImproperlyConfigured(f"Master key file {path} is malformed: {exc}") from exc


def _b64_key(value: str, where: str) -> bytes:
    try:
        key = base64.b64decode(value, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{where} is not valid base64.") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"{where} must be 32 bytes (base64 of 32 random bytes).")
    return key


@functools.cache
def key_provider() -> KeyProvider:
    provider_class = import_string(settings.REGISTRY_KEY_PROVIDER)
    provider: KeyProvider = provider_class()
    return provider
