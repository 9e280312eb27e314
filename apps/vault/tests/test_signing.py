import pytest

from apps.vault import signing
from apps.vault.keyprovider import key_provider

pytestmark = pytest.mark.django_db


def test_a_signature_verifies_with_its_key_and_not_when_changed():
    signed = signing.sign("test", b"message")
    assert signing.verify("test", signed.kid, b"message", signed.signature)
    assert not signing.verify("test", signed.kid, b"messagE", signed.signature)
    assert not signing.verify("other-purpose", signed.kid, b"message", signed.signature)


def test_rotation_retires_the_old_key_which_still_verifies():
    old = signing.sign("test", b"before")
    new_key = signing.rotate("test")
    keys = signing.public_keys("test")
    assert [k.kid for k in keys] == [new_key.kid, old.kid]
    assert keys[0].retired_at is None
    assert keys[1].retired_at is not None
    assert signing.sign("test", b"after").kid == new_key.kid
    assert signing.verify("test", old.kid, b"before", old.signature)


def test_the_private_key_is_stored_wrapped_not_in_the_clear():
    key = signing.active_key("test")
    raw = signing.private_key(key).private_bytes_raw()
    assert raw not in bytes(key.wrapped_private_key)
    assert key.master_key_id == key_provider().key_id
