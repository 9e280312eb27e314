"""What the registry publishes to verifiers: the JWKS at /.well-known/jwks.json (RFC
8037 keys, retired ones marked) and each signed status list at a stable URL with its
own expiry, cacheable offline."""

import json

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.proofs import keys, services, statuslist, trust, verify
from apps.proofs.models import StatusList
from apps.registrations.models import Registration
from apps.vault.models import SigningKey

pytestmark = pytest.mark.django_db


def test_the_jwks_lists_okp_ed25519_keys_with_kid() -> None:
    response = Client().get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "max-age" in response["Cache-Control"]
    document = response.json()
    purposes = sorted(k["registry_purpose"] for k in document["keys"])
    assert purposes == ["proof", "proof-status"]
    for key in document["keys"]:
        assert key["kty"] == "OKP"
        assert key["crv"] == "Ed25519"
        assert key["alg"] == "EdDSA"
        assert len(trust.b64url_decode(key["x"])) == 32
        assert len(key["kid"]) == 16
        assert key["registry_status"] == "active"
    assert document["issuer"] == keys.issuer()


def test_private_keys_are_stored_wrapped_never_in_the_clear() -> None:
    keys.jwks()
    for key in SigningKey.objects.filter(purpose__in=keys.PURPOSES):
        wrapped = bytes(key.wrapped_private_key)
        assert len(wrapped) > 32
        from cryptography.hazmat.primitives import serialization

        from apps.vault import signing

        raw = signing.private_key(key).private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        assert raw not in wrapped


def test_the_status_list_is_served_signed_and_cacheable(
    amal: User, amal_registered: Registration
) -> None:
    issued = services.current_proof(amal, amal_registered)
    list_id = issued.proof.status_list_id
    response = Client().get(f"/proofs/status/{list_id}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/statuslist+cwt"
    assert "public, max-age=" in response["Cache-Control"]
    assert "Expires" in response
    trusted = trust.from_jwks(Client().get("/.well-known/jwks.json").json())
    view = statuslist.read_token(response.content, trusted)
    assert view.uri.endswith(f"/proofs/status/{list_id}")
    assert view.status(issued.proof.status_index) == 0
    assert view.expires_at is not None
    assert view.ttl == 3600
    # The same bytes until a bit changes (the token is cached)...
    assert Client().get(f"/proofs/status/{list_id}").content == response.content
    services.reissue(amal, amal_registered, purpose="self-access")
    # ... then a newly signed list shows the revocation.
    fresh = statuslist.read_token(Client().get(f"/proofs/status/{list_id}").content, trusted)
    assert fresh.status(issued.proof.status_index) == 1
    verdict = verify.verify(issued.text, trusted, {fresh.uri: fresh}, fresh.issued_at)
    assert verdict.outcome is verify.Outcome.REVOKED


def test_an_unknown_status_list_is_404() -> None:
    assert Client().get("/proofs/status/999").status_code == 404


def test_indexes_are_random_and_never_reused(amal: User, amal_registered: Registration) -> None:
    seen = set()
    for _ in range(5):
        seen.add(services.reissue(amal, amal_registered, purpose="self-access").proof.status_index)
    assert len(seen) == 5
    assert StatusList.objects.count() == 1
    assert json.dumps(sorted(seen)) != json.dumps(list(range(5)))
