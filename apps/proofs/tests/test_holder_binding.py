"""The program decides the holder binding. us-2025 binds the printed card's number
(the card carries the photo); a program with "qr_thumbnail" puts a small face inside
the QR, and re-issues the proof when the portrait changes. Without a portrait (or
without the biometrics app's reader) the QR binds the card number instead."""

from typing import Any

import pytest
import segno
from django.test import Client

from apps.accounts.models import User
from apps.proofs import photos, services, verifier
from apps.proofs.models import Proof
from apps.proofs.tests.portraits import astronaut_jpeg
from apps.registrations.models import Registration

pytestmark = pytest.mark.django_db


def test_card_photo_binding_keeps_the_qr_at_version_12(
    amal: User, amal_registered: Registration
) -> None:
    issued = services.current_proof(amal, amal_registered)
    assert issued.proof.binding == "card_photo"
    assert issued.thumbnail is None
    assert segno.make(issued.text, error="m", micro=False, boost_error=False).version <= 12
    checked = verifier.check(issued.text, "en")
    assert checked.card_number == services.card_number_display(issued.proof.card_number)
    assert checked.thumbnail_data_uri == ""


def test_a_thumbnail_program_puts_the_face_in_the_qr(
    amal: User,
    amal_registered: Registration,
    amal_client: Client,
    thumbnail_program: None,
    with_portrait: None,
) -> None:
    issued = services.current_proof(amal, amal_registered)
    assert issued.proof.binding == "qr_thumbnail"
    assert issued.thumbnail == photos.thumbnail(astronaut_jpeg())
    checked = verifier.check(issued.text, "en")
    assert checked.verdict.valid
    assert checked.thumbnail_data_uri.startswith("data:image/jpeg;base64,")
    assert checked.card_number == ""
    version = segno.make(issued.text, error="m", micro=False, boost_error=False).version
    assert version <= 27
    page = Client().post("/verify/", {"text": issued.text}).content.decode()
    assert 'src="data:image/jpeg;base64,' in page


def test_a_changed_portrait_reissues_the_proof(
    amal: User,
    amal_registered: Registration,
    thumbnail_program: None,
    with_portrait: None,
    settings: Any,
) -> None:
    first = services.current_proof(amal, amal_registered)
    settings.PROOF_PORTRAIT_READER = "apps.proofs.tests.test_holder_binding.another_face"
    second = services.current_proof(amal, amal_registered)
    assert second.proof.pk != first.proof.pk
    first.proof.refresh_from_db()
    assert first.proof.revoked_reason == "photo_changed"


def another_face(actor: Any, person: Any, *, purpose: str) -> bytes:
    import io

    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(astronaut_jpeg())) as image:
        mirrored = ImageOps.mirror(image)
    out = io.BytesIO()
    mirrored.save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.usefixtures("thumbnail_program")
@pytest.mark.parametrize("reader", ["without_portrait_reader", "no_portrait"])
def test_without_a_portrait_the_qr_binds_the_card_number(
    amal: User,
    amal_registered: Registration,
    settings: Any,
    reader: str,
    request: pytest.FixtureRequest,
) -> None:
    if reader == "no_portrait":
        settings.PROOF_PORTRAIT_READER = "apps.proofs.tests.portraits.no_portrait"
    else:
        request.getfixturevalue(reader)
    issued = services.current_proof(amal, amal_registered)
    assert issued.thumbnail is None
    assert verifier.check(issued.text, "en").card_number
    assert Proof.objects.get().thumbnail_digest == ""
