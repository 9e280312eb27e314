"""The credential's format: what it holds (and does not), its size in a QR code, and a
round trip through the verifier. Pure: no database."""

import io

import base45
import cbor2
import segno
from hypothesis import given
from hypothesis import strategies as st

from apps.proofs import credential, photos, verify
from apps.proofs.tests.keys_for_tests import NOW, Issuer
from apps.proofs.tests.portraits import astronaut_jpeg

ISSUER = Issuer()


def test_a_proof_verifies_as_valid_with_the_status_list() -> None:
    verdict = verify.verify(ISSUER.proof(), ISSUER.trust_list(), ISSUER.views(), NOW)
    assert verdict.outcome is verify.Outcome.VALID
    assert verdict.claims is not None
    assert verdict.claims.card == "7KQ29XHM4"
    assert verdict.warnings == ()


def test_the_proof_is_a_tagged_cose_sign1_with_kid_in_the_protected_header() -> None:
    text = ISSUER.proof()
    assert text.startswith("RG1:")
    message = cbor2.loads(base45.b45decode(text[4:]))
    assert message.tag == 18
    protected, unprotected, payload, signature = message.value
    assert cbor2.loads(protected) == {1: -8, 4: bytes.fromhex(ISSUER.kid)}
    assert unprotected == {}
    assert len(signature) == 64
    claims = cbor2.loads(payload)
    assert {1, 4, 5, 6, 7, 65535, "rn", "pg", "hb"} == set(claims)
    assert claims[65535] == {
        "status_list": {"idx": 4242, "uri": "https://registry.example.gov/proofs/status/12"}
    }


def test_it_carries_no_nationality_address_or_birthplace() -> None:
    payload = cbor2.loads(cbor2.loads(base45.b45decode(ISSUER.proof()[4:])).value[2])
    flat = repr(payload)
    for absent in ("LB", "Beirut", "Elm Street", "Paterson", "Haddad", "1990"):
        assert absent not in flat


def test_without_a_thumbnail_it_fits_a_version_12_qr_at_level_m() -> None:
    # The longest issuer that fits (24 characters, docs/proofs.md), with the largest list
    # number, index and expiry a deployment will see for decades.
    issuer = "registry.agency-name.gov"
    assert len(issuer) == 24
    text = ISSUER.proof(
        issuer=issuer,
        status_uri=f"https://{issuer}/proofs/status/9999",
        status_index=131071,
        expires_at=2**32 - 1,
    )
    qr = segno.make(text, error="m", micro=False, boost_error=False)
    assert qr.mode == "alphanumeric"
    assert qr.version <= 12, (len(text), qr.version)


def test_with_a_thumbnail_it_needs_a_larger_qr() -> None:
    face = photos.thumbnail(astronaut_jpeg())
    assert len(face) < 1000
    text = ISSUER.proof(card="", face=face)
    qr = segno.make(text, error="m", micro=False, boost_error=False)
    assert 20 <= qr.version <= 27, (len(face), len(text), qr.version)
    verdict = verify.verify(text, ISSUER.trust_list(), ISSUER.views(), NOW)
    assert verdict.valid
    assert verdict.claims is not None
    assert verdict.claims.face == face


def test_a_proof_with_both_or_neither_binding_is_malformed() -> None:
    for binding in ({"card": "7KQ29XHM4", "face": b"\xff\xd8"}, {}):
        claims = {**ISSUER.claims().as_cbor_map(), credential.BINDING: binding}
        cose = credential.sign_cose(ISSUER.proof_key, bytes.fromhex(ISSUER.kid), claims)
        verdict = verify.verify(credential.encode_text(cose), ISSUER.trust_list(), {}, NOW)
        assert (verdict.outcome, verdict.reason) == (verify.Outcome.TAMPERED, "claims")


@given(st.binary(max_size=600))
def test_our_base45_decoder_agrees_with_the_base45_package(data: bytes) -> None:
    text = base45.b45encode(data).decode()
    assert credential.b45decode(text) == data


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:ab\xe9", max_size=40))
def test_our_base45_decoder_refuses_what_the_package_refuses(text: str) -> None:
    try:
        expected: bytes | None = base45.b45decode(text)
    except ValueError:
        expected = None
    try:
        ours: bytes | None = credential.b45decode(text)
    except ValueError:
        ours = None
    assert ours == expected


def test_thumbnails_are_reproducible() -> None:
    assert photos.thumbnail(astronaut_jpeg()) == photos.thumbnail(astronaut_jpeg())
    from PIL import Image

    with Image.open(io.BytesIO(photos.thumbnail(astronaut_jpeg()))) as image:
        assert image.size == photos.THUMBNAIL_SIZE
        assert image.mode == "L"
