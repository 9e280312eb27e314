"""The status list follows the Token Status List draft: bits packed from the least
significant bit, ZLIB-compressed, in a signed CWT that verifiers can keep offline. Pure."""

import zlib

import cbor2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.proofs import statuslist
from apps.proofs.tests.keys_for_tests import NOW, STATUS_URI, Issuer

ISSUER = Issuer()


def test_the_drafts_example_packs_the_same_bytes() -> None:
    # draft-ietf-oauth-status-list § 4.1: statuses 1,0,0,1,1,1,0,1, 1,1,0,0,0,1,0,1
    statuses = bytearray(2)
    for index, value in enumerate([1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]):
        statuslist.set_bit(statuses, index, value)
    assert bytes(statuses) == bytes([0xB9, 0xA3])
    assert zlib.decompress(bytes.fromhex("78dadbb918000217015d")) == bytes(statuses)
    view = statuslist.StatusListView(
        uri="", statuses=bytes(statuses), issued_at=0, expires_at=None, ttl=None
    )
    assert [view.status(i) for i in range(16)] == [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]
    assert view.status(16) is None
    assert view.status(-1) is None


def test_the_token_has_the_drafts_claims_and_header() -> None:
    message = cbor2.loads(ISSUER.status_list(revoked=(7,)))
    assert message.tag == 18
    protected, _unprotected, payload, _signature = message.value
    assert cbor2.loads(protected)[16] == "application/statuslist+cwt"
    claims = cbor2.loads(payload)
    assert claims[2] == STATUS_URI
    assert claims[6] <= NOW < claims[4]
    assert claims[65534] == 3600
    assert claims[65533]["bits"] == 1
    assert zlib.decompress(claims[65533]["lst"])[0] == 0x80


def test_a_changed_or_foreign_list_is_refused() -> None:
    token = bytearray(ISSUER.status_list())
    token[-80] ^= 0x01
    with pytest.raises(statuslist.StatusListInvalid) as refused:
        statuslist.read_token(bytes(token), ISSUER.trust_list())
    assert refused.value.reason in {"signature", "unreadable"}
    with pytest.raises(statuslist.StatusListInvalid) as foreign:
        statuslist.read_token(Issuer().status_list(), ISSUER.trust_list())
    assert foreign.value.reason == "unknown_key"
    with pytest.raises(statuslist.StatusListInvalid):
        statuslist.read_token(b"not cbor at all", ISSUER.trust_list())


def test_a_proof_key_cannot_sign_a_status_list() -> None:
    token = statuslist.sign_token(
        ISSUER.proof_key,
        ISSUER.kid,
        uri=STATUS_URI,
        statuses=bytes(16),
        issued_at=NOW,
        expires_at=NOW + 60,
        ttl=60,
    )
    with pytest.raises(statuslist.StatusListInvalid) as refused:
        statuslist.read_token(token, ISSUER.trust_list())
    assert refused.value.reason == "unknown_key"


def test_an_expired_list_still_revokes_but_warns() -> None:
    from apps.proofs import verify

    token = ISSUER.status_list(revoked=(), expires_in=-60)
    view = statuslist.read_token(token, ISSUER.trust_list())
    verdict = verify.verify(ISSUER.proof(), ISSUER.trust_list(), {view.uri: view}, NOW)
    assert verdict.valid
    assert verdict.warnings == ("status_list_expired",)
    revoked = statuslist.read_token(
        ISSUER.status_list(revoked=(4242,), expires_in=-60), ISSUER.trust_list()
    )
    assert (
        verify.verify(ISSUER.proof(), ISSUER.trust_list(), {revoked.uri: revoked}, NOW).outcome
        == "revoked"
    )


@given(st.sets(st.integers(min_value=0, max_value=(1 << 12) - 1), max_size=200))
def test_any_set_of_revocations_survives_signing_and_reading(revoked: set[int]) -> None:
    statuses = bytearray(1 << 9)
    for index in revoked:
        statuslist.set_bit(statuses, index)
    token = statuslist.sign_token(
        ISSUER.status_key,
        ISSUER.status_kid,
        uri=STATUS_URI,
        statuses=bytes(statuses),
        issued_at=NOW,
        expires_at=NOW + 60,
        ttl=60,
    )
    view = statuslist.read_token(token, ISSUER.trust_list())
    assert {i for i in range(1 << 12) if view.status(i)} == revoked
    for index in revoked:
        statuslist.set_bit(statuses, index, statuslist.VALID)
    assert not any(statuses)


def test_a_zip_bomb_list_is_refused() -> None:
    from apps.proofs import credential

    claims = {
        2: STATUS_URI,
        6: NOW,
        4: NOW + 60,
        65534: 60,
        65533: {"bits": 1, "lst": zlib.compress(bytes(64 * 1024 * 1024), 9)},
    }
    token = credential.sign_cose(
        ISSUER.status_key, bytes.fromhex(ISSUER.status_kid), claims, typ=statuslist.TYP
    )
    with pytest.raises(statuslist.StatusListInvalid) as refused:
        statuslist.read_token(token, ISSUER.trust_list())
    assert refused.value.reason == "claims"
    assert cbor2.loads(token).tag == 18
