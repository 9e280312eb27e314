"""Olu at the capture station with Amal: a photo that is not good enough is refused with
reasons that say what to change, a poor finger asks for a recapture, a missing finger
is recorded and never blocks her; what is kept is sealed under her key."""

import uuid
from collections.abc import Callable

import numpy as np
import pytest

from apps.accounts.models import User
from apps.audit.models import Action, AuditEntry
from apps.biometrics import access, services
from apps.biometrics.models import Enrolment, Finger
from apps.biometrics.tests.conftest import (
    AMAL_FINGERS,
    Committed,
    at_appointment,
    capture_of,
    face,
    finger,
    poor_finger,
)
from apps.registrations.models import CaseState
from apps.vault import services as vault
from registry.errors import Conflict, FormInvalid

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("variation", "reason"),
    [("blurred_3", "blurred"), ("dark_0.25", "too_dark"), ("rotated_+20", "eyes_not_level")],
)
def test_a_poor_photo_is_refused_with_what_to_change(
    amal: User, olu: User, variation: str, reason: str
) -> None:
    case = at_appointment(amal, olu)
    with pytest.raises(FormInvalid) as refused:
        services.capture(olu, case, capture_of("astronaut", AMAL_FINGERS, variation=variation))
    assert refused.value.code == "face_quality"
    assert str(services.FACE_REASONS[reason]) in refused.value.fields["photo"]
    assert not Enrolment.objects.exists()
    case.refresh_from_db()
    assert case.state == CaseState.BIOMETRICS_SCHEDULED


def test_a_photo_without_a_face_is_refused(amal: User, olu: User) -> None:
    from apps.biometrics.face import samples

    data = capture_of("astronaut", AMAL_FINGERS)
    data.photo = samples.png(samples.no_face())
    with pytest.raises(FormInvalid, match="No face"):
        services.capture(olu, at_appointment(amal, olu), data)


def test_a_poor_finger_asks_for_a_recapture(
    amal: User, olu: User, program_with: Callable[..., None]
) -> None:
    program_with(nfiq2_minimum=50)
    data = capture_of("astronaut", AMAL_FINGERS)
    data.fingers[3] = poor_finger(103)
    del data.exceptions[3]  # taken after all, not missing
    with pytest.raises(FormInvalid) as refused:
        services.capture(olu, at_appointment(amal, olu), data)
    assert list(refused.value.fields) == ["finger_3"]
    assert "recapture" in refused.value.fields["finger_3"][0]
    assert not Enrolment.objects.exists()


def test_a_missing_finger_is_recorded_and_does_not_block(
    amal: User, olu: User, committed: Committed
) -> None:
    data = capture_of("astronaut", AMAL_FINGERS, exceptions={1: "missing", 6: "injured"})
    with committed():
        enrolment = services.capture(olu, at_appointment(amal, olu), data)
    enrolment.refresh_from_db()
    assert enrolment.state == Enrolment.State.SEARCHED
    recorded = dict(Finger.objects.filter(exception__gt="").values_list("position", "exception"))
    assert recorded == {p: "injured" if p == 6 else "missing" for p in (1, 3, 4, 5, 6, 8, 9, 10)}
    assert enrolment.registration.state == CaseState.BIOMETRICS_CAPTURED
    entry = AuditEntry.objects.get(action=Action.CREATE, object_type="biometric_enrolment")
    assert entry.detail == {
        "face": True,
        "fingers": 2,
        "exceptions": ["injured"] + ["missing"] * 7,
        "portrait_kept": True,
    }


def test_what_is_kept_is_sealed_and_raw_prints_are_not_kept(
    amal: User, olu: User, committed: Committed
) -> None:
    with committed():
        enrolment = services.capture(
            olu, at_appointment(amal, olu), capture_of("astronaut", AMAL_FINGERS)
        )
    templates = access.open_templates(enrolment)
    assert templates.face is not None
    assert templates.face.shape == (128,)
    assert enrolment.face_sealed is not None
    assert templates.face.tobytes() not in bytes(enrolment.face_sealed)
    fingers = list(enrolment.fingers.filter(exception=""))  # the two taken
    assert len(fingers) == 2
    assert all(f.image_sealed is None for f in fingers)  # keep_fingerprint_images = false
    assert all(f.template_sealed is not None for f in fingers)
    assert all((f.nfiq2 or 0) >= 30 for f in fingers)
    # Another person's key cannot open them.
    with pytest.raises(vault.crypto.SealedValueError):
        vault.open_json(_other_person(), "biometrics.face", enrolment.face_sealed)


def _other_person() -> uuid.UUID:
    from apps.registrations.models import Person

    person = Person.objects.create(program="us-2025")
    vault.create_subject_key(person.id)
    return person.id


def test_the_program_may_keep_finger_images_and_no_photo(
    amal: User, olu: User, program_with: Callable[..., None]
) -> None:
    program_with(keep_photo=False, keep_fingerprint_images=True)
    enrolment = services.capture(
        olu, at_appointment(amal, olu), capture_of("astronaut", AMAL_FINGERS)
    )
    assert enrolment.portrait_sealed is None
    assert access.read_portrait(olu, enrolment.person, purpose="case-processing") is None
    assert all(f.image_sealed is not None for f in enrolment.fingers.filter(exception=""))


def test_a_case_is_captured_once_and_only_at_its_appointment(amal: User, olu: User) -> None:
    case = at_appointment(amal, olu)
    services.capture(olu, case, capture_of("astronaut", AMAL_FINGERS))
    with pytest.raises(Conflict, match="already captured"):
        services.capture(olu, case, capture_of("astronaut", AMAL_FINGERS))


def test_jpeg_fingers_are_read_too(amal: User, olu: User) -> None:
    from apps.biometrics.fingerprints import synthetic

    data = services.CaptureInput(
        photo=face("astronaut"),
        fingers={2: synthetic.jpeg_bytes(synthetic.impression(synthetic.master_finger(101), 3))},
        exceptions={p: "injured" for p in range(1, 11) if p != 2},
    )
    enrolment = services.capture(olu, at_appointment(amal, olu), data)
    assert enrolment.fingers.get(position=2).minutiae
    assert np.isfinite(enrolment.fingers.get(position=2).nfiq2 or 0)
    assert finger(101)  # the cached PNG of the same master still decodes
