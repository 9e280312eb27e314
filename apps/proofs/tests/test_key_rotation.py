"""Ada rotates the signing keys: new proofs are signed with the new key, proofs signed
with the old one stay valid until they expire, and the JWKS lists the old key as
retired. A proof signed with a retired key after its retirement is refused."""

import datetime as dt
import io
import json
from contextlib import redirect_stdout

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEntry
from apps.proofs import credential, keys, lists, services, verify
from apps.proofs.models import Proof
from apps.registrations.models import Registration
from apps.vault import signing
from apps.vault.models import SigningKey

pytestmark = pytest.mark.django_db


def check(text: str) -> verify.Verdict:
    return verify.verify(
        text, keys.trust_list(), lists.current_views(), int(timezone.now().timestamp())
    )


def test_old_proofs_stay_valid_after_a_rotation(amal: User, amal_registered: Registration) -> None:
    old = services.current_proof(amal, amal_registered)
    out = io.StringIO()
    with redirect_stdout(out):
        call_command("proof", "rotate-key", stdout=out)
    assert out.getvalue().count("new ") == 2
    assert AuditEntry.objects.filter(object_type="signing_key", action="create").count() == 2
    verdict = check(old.text)
    assert verdict.valid
    assert verdict.warnings == ("key_retired",)
    # The same proof renders identically with its (now retired) key.
    assert services.current_proof(amal, amal_registered).text == old.text
    new = services.reissue(amal, amal_registered, purpose="self-access")
    assert new.proof.kid != old.proof.kid
    assert check(new.text).valid
    assert check(new.text).warnings == ()
    document = keys.jwks()
    retired = [k for k in document["keys"] if k["registry_status"] == "retired"]
    assert {k["kid"] for k in retired} >= {old.proof.kid}
    assert all(isinstance(k["retired_at"], int) for k in retired)


def test_a_retired_key_signing_after_its_retirement_is_refused(
    amal: User, amal_registered: Registration
) -> None:
    services.current_proof(amal, amal_registered)
    retired = signing.active_key("proof")
    keys.rotate(amal)
    retired.refresh_from_db()
    proof = Proof.objects.get()
    later = timezone.now() + dt.timedelta(hours=2)
    claims = services._claims(proof, None)
    forged = claims._replace(issued_at=int(later.timestamp()), not_before=0)
    text = credential.issue(signing.private_key(retired), credential.kid_bytes(retired.kid), forged)
    verdict = verify.verify(text, keys.trust_list(), {}, int(later.timestamp()))
    assert verdict.reason == "signed_after_retirement"


def test_the_jwks_command_prints_what_the_url_serves() -> None:
    out = io.StringIO()
    call_command("proof", "jwks", stdout=out)
    document = json.loads(out.getvalue())
    assert {k["kid"] for k in document["keys"]} == set(
        SigningKey.objects.filter(purpose__in=keys.PURPOSES).values_list("kid", flat=True)
    )
