"""What the capture station or a client may send wrong: each gets a clear 4xx that
names the field, and nothing is written (no enrolment, no audit entry, no move)."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.models import User
from apps.audit.models import AuditEntry
from apps.biometrics.models import Enrolment, Finger
from apps.biometrics.tests.conftest import at_appointment, face, finger, the_rest_missing
from apps.registrations.models import CaseState
from conftest import client_for

pytestmark = pytest.mark.django_db


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def good(**extra: Any) -> dict[str, Any]:
    """A photo, and every finger not sent in `extra` recorded as missing."""
    taken = [int(n.removeprefix("finger_")) for n in extra if n.removeprefix("finger_").isdigit()]
    return {"photo": upload("face.png", face("astronaut")), **the_rest_missing(*taken), **extra}


CASES = {
    "photo not an image": (
        lambda: good(photo=upload("face.png", b"GIF89a not really")),
        422,
        "photo",
    ),
    "finger not an image": (
        lambda: good(finger_2=upload("f.png", b"%PDF-1.4 hello")),
        422,
        "finger_2",
    ),
    "empty photo": (
        lambda: good(photo=upload("face.png", b""), finger_2=upload("f.png", finger(101))),
        422,
        "photo",
    ),
    "no files at all": (lambda: {}, 422, "photo"),
    "unknown finger position": (
        lambda: good(finger_11=upload("f.png", finger(101))),
        422,
        "fingers",
    ),
    "unknown field": (lambda: good(thumb=upload("f.png", finger(101))), 422, "fingers"),
    "too many fingers": (
        lambda: good(**{f"finger_{i}": upload("f.png", b"x") for i in range(1, 12)}),
        422,
        "fingers",
    ),
    "unknown exception": (lambda: good(exception_3="lost"), 422, "exception_3"),
    "image and exception": (
        lambda: good(finger_2=upload("f.png", finger(101)), exception_2="injured"),
        422,
        "finger_2",
    ),
    # What the station once accepted: 4 fingers taken, 6 left blank with no reason.
    "six blank fingers, no reason": (
        lambda: {
            "photo": upload("face.png", face("astronaut")),
            **{f"finger_{p}": upload("f.png", finger(100 + p)) for p in (1, 2, 6, 7)},
        },
        422,
        "exception_3",
    ),
    "a blank finger among reasons": (
        lambda: {k: v for k, v in good().items() if k != "exception_10"},
        422,
        "exception_10",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_capture_is_refused_and_writes_nothing(name: str, amal: User, olu: User) -> None:
    make, status, field = CASES[name]
    case = at_appointment(amal, olu)
    before = AuditEntry.objects.count()
    response = client_for(olu).post(f"/api/v1/biometrics/cases/{case.case_number}/capture", make())
    assert response.status_code == status, response.content
    body = response.json()
    assert body["message"]
    assert field in body.get("fields", {}), body
    assert not Enrolment.objects.exists()
    assert not Finger.objects.exists()
    assert AuditEntry.objects.count() == before
    case.refresh_from_db()
    assert case.state == CaseState.BIOMETRICS_SCHEDULED


def test_json_is_not_a_capture(amal: User, olu: User) -> None:
    case = at_appointment(amal, olu)
    response = client_for(olu).post(
        f"/api/v1/biometrics/cases/{case.case_number}/capture", {}, content_type="application/json"
    )
    assert response.status_code == 422
    assert not Enrolment.objects.exists()


def test_a_case_not_at_its_appointment_is_refused(amal: User, olu: User) -> None:
    from apps.registrations import services as registrations
    from conftest import VALID_FORM

    case, _ = registrations.file_registration(
        amal, program_slug="us-2025", for_child=False, data=VALID_FORM, language="en",
        idempotency_key=None,
    )  # fmt: skip
    response = client_for(olu).post(
        f"/api/v1/biometrics/cases/{case.case_number}/capture",
        {"photo": upload("face.png", face("astronaut")), **the_rest_missing()},
    )
    assert response.status_code == 409
    assert not Enrolment.objects.exists()


def test_bad_verification_input(amal: User, olu: User) -> None:
    case = at_appointment(amal, olu)
    client = client_for(olu)
    path = f"/api/v1/biometrics/cases/{case.case_number}/verify"
    assert client.post(path, {}).status_code == 422
    missing_position = client.post(path, {"finger": upload("f.png", finger(101))})
    assert missing_position.status_code == 422
    assert "finger_position" in missing_position.json()["fields"]
    no_image = client.post(path, {"photo": upload("p.png", b"nope")})
    assert no_image.status_code == 422
    nothing_on_file = client.post(path, {"photo": upload("p.png", face("astronaut"))})
    assert nothing_on_file.status_code == 409
    assert not AuditEntry.objects.filter(object_type="biometric_verify").exists()


def test_the_station_names_each_finger_left_blank(amal: User, olu: User) -> None:
    case = at_appointment(amal, olu)
    posted = {
        "photo": upload("face.png", face("astronaut")),
        **{f"finger_{p}": upload("f.png", finger(100 + p)) for p in (1, 2, 6, 7)},
    }
    body = client_for(olu).post(f"/api/v1/biometrics/cases/{case.case_number}/capture", posted)
    fields = body.json()["fields"]
    blank = [3, 4, 5, 8, 9, 10]
    assert sorted(int(n.removeprefix("exception_")) for n in fields if "exception_" in n) == blank
    assert "Fingers 3, 4, 5, 8, 9, 10 have neither an image nor a reason" in fields["fingers"][0]


def test_a_child_filed_by_a_guardian_gives_a_photo_and_no_prints(gabriela: User, olu: User) -> None:
    """Children register their fingerprints at 14, in person: now, a photo is enough."""
    from apps.registrations import casework
    from apps.registrations import services as registrations
    from conftest import CHILD_FORM

    case, _ = registrations.file_registration(
        gabriela, program_slug="us-2025", for_child=True, data=CHILD_FORM, language="en",
        idempotency_key=None,
    )  # fmt: skip
    casework.schedule_biometrics(olu, case, office_code="PAT", reason="booked")
    response = client_for(olu).post(
        f"/api/v1/biometrics/cases/{case.case_number}/capture",
        {"photo": upload("face.png", face("astronaut"))},
    )
    assert response.status_code == 201, response.content
    assert not Finger.objects.exists()
