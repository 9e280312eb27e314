"""At the counter Olu checks that the person in front of him is Amal, by her face and
one finger; Bo's face is no match. The proof of registration prints Amal's portrait:
every read of it is logged with its purpose, and she sees it in her access log."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.accounts.models import User
from apps.audit.models import Action, AuditEntry
from apps.biometrics import access, services, verification
from apps.biometrics.tests.conftest import (
    AMAL_FINGERS,
    Committed,
    at_appointment,
    capture_of,
    face,
    finger,
)
from apps.registrations.access import access_log_for, erase_person
from conftest import client_for

pytestmark = pytest.mark.django_db


def test_olu_verifies_amal_at_the_counter(
    amal: User, bo: User, olu: User, committed: Committed
) -> None:
    case = at_appointment(amal, olu)
    with committed():
        services.capture(olu, case, capture_of("astronaut", AMAL_FINGERS))
    same = verification.verify(
        olu, case, photo=face("astronaut", "rotated_-3"), finger=(2, finger(101, 4))
    )
    assert same.matched
    assert same.face_match
    assert same.finger_match
    other = verification.verify(olu, case, photo=face("grace_hopper"))
    assert not other.matched
    assert other.face_distance is not None
    assert other.face_distance > 0.6
    wrong_finger = verification.verify(olu, case, finger=(2, finger(201)))
    assert wrong_finger.finger_match is False

    entries = AuditEntry.objects.filter(action=Action.SEARCH, object_type="biometric_verify")
    assert [e.detail for e in entries.order_by("seq")] == [
        {"face": "match", "finger": "match"},
        {"face": "no_match", "finger": "not_checked"},
        {"face": "not_checked", "finger": "no_match"},
    ]
    assert {e.purpose for e in entries} == {"identity-verification"}
    assert all(e.legal_basis for e in entries)


def test_the_counter_page_and_api(amal: User, olu: User, committed: Committed) -> None:
    case = at_appointment(amal, olu)
    with committed():
        services.capture(olu, case, capture_of("astronaut", AMAL_FINGERS))
    client = client_for(olu)
    photo = SimpleUploadedFile("p.jpg", face("astronaut", "jpeg_q60"))
    page = client.post(f"/biometrics/cases/{case.case_number}/verify/", {"photo": photo})
    assert page.status_code == 200
    assert 'data-matched="yes"' in page.content.decode()
    api = client.post(
        f"/api/v1/biometrics/cases/{case.case_number}/verify",
        {"finger": SimpleUploadedFile("f.png", finger(102, 2)), "finger_position": "7"},
    )
    assert api.status_code == 200
    assert api.json()["matched"] is True
    assert api.json()["finger_score"] >= 40


def test_the_portrait_for_the_card_is_read_with_a_purpose(
    amal: User, olu: User, priya: User, committed: Committed
) -> None:
    case = at_appointment(amal, olu)
    assert access.read_portrait(olu, case.person, purpose="case-processing") is None
    with committed():
        services.capture(olu, case, capture_of("astronaut", AMAL_FINGERS))
    portrait = access.read_portrait(olu, case.person, purpose="case-processing")
    assert portrait is not None
    with Image.open(__import__("io").BytesIO(portrait)) as image:
        assert image.format == "JPEG"
        assert 150 <= image.width <= 300
    entry = AuditEntry.objects.get(action=Action.READ, object_type="biometric_portrait")
    assert entry.purpose == "case-processing"
    assert entry.legal_basis
    assert entry in access_log_for(amal)  # Amal sees who looked at her photo

    with committed():
        erase_person(priya, case.person_id, reason="naturalisation")
    assert access.read_portrait(olu, case.person, purpose="case-processing") is None
