"""A second, independent COSE implementation (pycose) agrees with ours: it verifies
our proofs, and our verifier accepts a proof that pycose signed with our key. Pure."""

import cbor2
from cryptography.hazmat.primitives import serialization
from pycose.algorithms import EdDSA
from pycose.headers import KID, Algorithm
from pycose.keys import OKPKey
from pycose.keys.curves import Ed25519
from pycose.messages import Sign1Message

from apps.proofs import credential, statuslist, verify
from apps.proofs.tests.keys_for_tests import NOW, Issuer, raw_public

ISSUER = Issuer()


def cose_key(issuer: Issuer, *, private: bool) -> OKPKey:
    d = (
        issuer.proof_key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        if private
        else b""
    )
    return OKPKey(crv=Ed25519, x=raw_public(issuer.proof_key), d=d)


def test_pycose_verifies_our_proof() -> None:
    text = ISSUER.proof()
    message = Sign1Message.decode(credential.b45decode(text[4:]))
    message.key = cose_key(ISSUER, private=False)
    assert message.verify_signature()
    assert message.phdr[Algorithm] is EdDSA
    assert message.phdr[KID] == bytes.fromhex(ISSUER.kid)
    claims = cbor2.loads(message.payload)
    assert claims["rn"] == "US2025-ABCD-EFGHJ"


def test_pycose_refuses_a_changed_proof_too() -> None:
    cose = bytearray(credential.b45decode(ISSUER.proof()[4:]))
    cose[-70] ^= 0x01  # inside the payload
    message = Sign1Message.decode(bytes(cose))
    message.key = cose_key(ISSUER, private=False)
    assert not message.verify_signature()


def test_our_verifier_accepts_a_proof_that_pycose_signed_with_our_key() -> None:
    message = Sign1Message(
        phdr={Algorithm: EdDSA, KID: bytes.fromhex(ISSUER.kid)},
        payload=cbor2.dumps(ISSUER.claims(registration_number="US2025-PYCO-SE000").as_cbor_map()),
    )
    message.key = cose_key(ISSUER, private=True)
    text = credential.encode_text(message.encode(tag=True))
    verdict = verify.verify(text, ISSUER.trust_list(), ISSUER.views(), NOW)
    assert verdict.outcome is verify.Outcome.VALID, verdict
    assert verdict.claims is not None
    assert verdict.claims.registration_number == "US2025-PYCO-SE000"


def test_pycose_verifies_our_status_list_token() -> None:
    token = ISSUER.status_list(revoked=(3,))
    message = Sign1Message.decode(token)
    message.key = OKPKey(crv=Ed25519, x=raw_public(ISSUER.status_key))
    assert message.verify_signature()
    assert cbor2.loads(cbor2.loads(token).value[0])[16] == "application/statuslist+cwt"
    view = statuslist.read_token(token, ISSUER.trust_list())
    assert view.status(3) == 1
    assert view.status(4) == 0
