"""Property tests: any changed byte, claim or header makes verification fail with a
reason a verifier can read, and the decoder never crashes on hostile input. Pure."""

import base45
import cbor2
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.proofs import credential, verify
from apps.proofs.tests.keys_for_tests import NOW, Issuer

ISSUER = Issuer()
TRUST = ISSUER.trust_list()
VIEWS = ISSUER.views()
TEXT = ISSUER.proof()
COSE = base45.b45decode(TEXT[4:])


def check(text: str) -> verify.Verdict:
    verdict = verify.verify(text, TRUST, VIEWS, NOW)
    assert verdict.reason in verify.REASONS  # always a reason a person can read
    return verdict


def test_the_untouched_proof_is_valid() -> None:
    assert check(TEXT).valid


@given(st.integers(min_value=0, max_value=len(COSE) - 1), st.integers(min_value=1, max_value=255))
@settings(max_examples=400)
def test_any_changed_byte_fails(position: int, delta: int) -> None:
    changed = bytearray(COSE)
    changed[position] = (changed[position] + delta) % 256
    verdict = check(credential.encode_text(bytes(changed)))
    assert not verdict.valid
    assert verdict.outcome in {
        verify.Outcome.TAMPERED,
        verify.Outcome.UNREADABLE,
        verify.Outcome.UNKNOWN_ISSUER,
    }


@given(
    st.integers(min_value=4, max_value=len(TEXT) - 1),
    st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"),
)
@settings(max_examples=300)
def test_any_changed_character_of_the_text_fails(position: int, character: str) -> None:
    if TEXT[position] == character:
        return
    assert not check(TEXT[:position] + character + TEXT[position + 1 :]).valid


CLAIM_CHANGES = st.sampled_from(
    [
        (credential.EXP, NOW + 20 * 365 * 86400),
        (credential.NBF, 0),
        (credential.ISS, "registry.evil.example"),
        (credential.REGISTRATION, "US2025-ZZZZ-ZZZZZ"),
        (credential.PROGRAM, "tps-example"),
        (credential.BINDING, {"card": "0000AAAAA"}),
        (
            credential.STATUS,
            {"status_list": {"idx": 1, "uri": "https://registry.example.gov/proofs/status/12"}},
        ),
        (credential.CTI, b"\x00" * 8),
    ]
)


@given(CLAIM_CHANGES)
def test_a_changed_claim_breaks_the_signature(change: tuple[object, object]) -> None:
    key, value = change
    message = cbor2.loads(COSE)
    protected, unprotected, payload, signature = message.value
    claims = cbor2.loads(payload)
    claims[key] = value
    forged = cbor2.dumps(
        cbor2.CBORTag(18, [protected, unprotected, cbor2.dumps(claims), signature])
    )
    verdict = check(credential.encode_text(forged))
    assert (verdict.outcome, verdict.reason) == (verify.Outcome.TAMPERED, "signature")


@given(CLAIM_CHANGES)
def test_a_changed_claim_signed_by_someone_else_is_an_unknown_issuer(
    change: tuple[object, object],
) -> None:
    key, value = change
    mallory = Issuer()
    claims = {**ISSUER.claims().as_cbor_map(), key: value}
    for kid in (bytes.fromhex(mallory.kid), bytes.fromhex(ISSUER.kid)):
        forged = credential.sign_cose(mallory.proof_key, kid, claims)
        verdict = check(credential.encode_text(forged))
        assert not verdict.valid
        assert verdict.reason in {"unknown_key", "signature"}


HEADER_CHANGES = st.sampled_from(
    [
        {1: -7, 4: None},  # ES256 claimed
        {1: -8, 4: b"\x00" * 8},  # another kid
        {1: -8},  # no kid
        {1: -8, 4: None, 16: "application/statuslist+cwt"},
    ]
)


@given(HEADER_CHANGES)
def test_a_changed_protected_header_fails(header: dict[int, object]) -> None:
    message = cbor2.loads(COSE)
    protected, unprotected, payload, signature = message.value
    original = cbor2.loads(protected)
    new = {k: (original[k] if v is None else v) for k, v in header.items()}
    forged = cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps(new), unprotected, payload, signature]))
    assert not check(credential.encode_text(forged)).valid


def test_anything_in_the_unprotected_header_fails() -> None:
    protected, _unprotected, payload, signature = cbor2.loads(COSE).value
    forged = cbor2.dumps(cbor2.CBORTag(18, [protected, {4: b"x"}, payload, signature]))
    assert check(credential.encode_text(forged)).reason == "header"


@given(st.text(max_size=600))
@settings(max_examples=500)
def test_random_text_never_crashes_the_decoder(text: str) -> None:
    assert not check(text).valid
    assert not check("RG1:" + text).valid


@given(st.binary(max_size=800))
@settings(max_examples=500)
def test_random_bytes_never_crash_the_decoder(data: bytes) -> None:
    assert not check(credential.encode_text(data)).valid


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.binary(max_size=20) | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.integers() | st.text(max_size=5), children, max_size=4)
        ),
        max_leaves=20,
    )
)
@settings(max_examples=300)
def test_well_formed_cbor_of_any_shape_never_crashes(shape: object) -> None:
    for wrapped in (
        shape,
        cbor2.CBORTag(18, shape),
        cbor2.CBORTag(18, [b"\xa1\x01\x27", {}, cbor2.dumps(shape), b"s" * 64]),
    ):
        assert not check(credential.encode_text(cbor2.dumps(wrapped))).valid


def test_time_and_status_outcomes() -> None:
    expired = ISSUER.proof(expires_at=NOW - 3600)
    assert check(expired).outcome is verify.Outcome.EXPIRED
    future = ISSUER.proof(not_before=NOW + 86400)
    assert check(future).outcome is verify.Outcome.NOT_YET_VALID
    revoked_views = ISSUER.views(revoked=(4242,))
    verdict = verify.verify(TEXT, TRUST, revoked_views, NOW)
    assert (verdict.outcome, verdict.reason) == (verify.Outcome.REVOKED, "revoked")
    beyond = ISSUER.proof(status_index=10**7)
    assert check(beyond).reason == "status_index"
    unchecked = verify.verify(TEXT, TRUST, {}, NOW)
    assert unchecked.valid
    assert unchecked.warnings == ("status_unchecked",)


def test_a_trust_list_of_another_issuer_name_refuses_the_proof() -> None:
    document = ISSUER.jwks()
    document["issuer"] = "registry.other.gov"
    from apps.proofs import trust

    verdict = verify.verify(TEXT, trust.from_jwks(document), VIEWS, NOW)
    assert (verdict.outcome, verdict.reason) == (verify.Outcome.UNKNOWN_ISSUER, "issuer")


def test_a_status_key_cannot_sign_proofs() -> None:
    forged = credential.issue(ISSUER.status_key, bytes.fromhex(ISSUER.status_kid), ISSUER.claims())
    assert check(forged).reason == "unknown_key"
