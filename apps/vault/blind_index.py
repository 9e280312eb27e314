"""Keyed blind indexes: HMAC-SHA-256 of a normalised value under the index key.

The database can answer "is there a person named X born on Y?" without ever holding X
or Y: only someone with the index key can compute the digest to look for. Each kind
has its own domain-separation prefix so a name digest can never equal a document one.
"""

import hashlib
import hmac

from apps.vault.keyprovider import key_provider
from apps.vault.normalize import normalize_date, normalize_document_number, normalize_name

INDEX_LENGTH = 64


def _digest(kind: str, normalized: str) -> str:
    key = key_provider().blind_index_key()
    message = kind.encode() + b"\x00" + normalized.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def name_birth_index(family_name: str, given_names: str, birth_date: str) -> str:
    """One digest for the combination officers search by: full name + birth date."""
    full_name = normalize_name(f"{family_name} {given_names}")
    return _digest("name+birth", f"{full_name}|{normalize_date(birth_date)}")


def family_name_birth_index(family_name: str, birth_date: str) -> str:
    return _digest("family+birth", f"{normalize_name(family_name)}|{normalize_date(birth_date)}")


def document_index(number: str) -> str:
    return _digest("document", normalize_document_number(number))
