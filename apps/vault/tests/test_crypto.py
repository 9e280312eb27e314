"""A sealed value opens only for its own person and field, and any tampering fails."""

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.vault import crypto

KEY = crypto.new_data_key()


@given(plaintext=st.binary(max_size=2048), label=st.text(max_size=40))
def test_seal_then_open_returns_the_plaintext(plaintext: bytes, label: str) -> None:
    subject = uuid.uuid4()
    assert (
        crypto.open_sealed(KEY, subject, label, crypto.seal(KEY, subject, label, plaintext))
        == plaintext
    )


@given(plaintext=st.binary(min_size=1, max_size=256))
def test_a_ciphertext_moved_to_another_person_does_not_open(plaintext: bytes) -> None:
    sealed = crypto.seal(KEY, uuid.uuid4(), "form", plaintext)
    with pytest.raises(crypto.SealedValueError):
        crypto.open_sealed(KEY, uuid.uuid4(), "form", sealed)


def test_a_ciphertext_moved_to_another_field_does_not_open() -> None:
    subject = uuid.uuid4()
    sealed = crypto.seal(KEY, subject, "form", b"secret")
    with pytest.raises(crypto.SealedValueError):
        crypto.open_sealed(KEY, subject, "address", sealed)


@given(position=st.integers(min_value=0), flip=st.integers(min_value=1, max_value=255))
def test_any_flipped_byte_is_detected(position: int, flip: int) -> None:
    subject = uuid.uuid4()
    sealed = bytearray(crypto.seal(KEY, subject, "form", b"Amal Haddad"))
    sealed[position % len(sealed)] ^= flip
    with pytest.raises(crypto.SealedValueError):
        crypto.open_sealed(KEY, subject, "form", bytes(sealed))


@given(garbage=st.binary(max_size=64))
def test_garbage_is_refused_not_crashed_on(garbage: bytes) -> None:
    with pytest.raises(crypto.SealedValueError):
        crypto.open_sealed(KEY, uuid.uuid4(), "form", garbage)


def test_the_same_value_seals_differently_each_time() -> None:
    subject = uuid.uuid4()
    assert crypto.seal(KEY, subject, "f", b"x") != crypto.seal(KEY, subject, "f", b"x")
