"""The same story through the console pages: Olu captures at the station (multipart),
finds the capture station from the case page, opens a pair for a purpose before any
photo is shown, and decides; Sam reviews."""

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.models import User
from apps.accounts.permissions import Role
from apps.audit.models import Action, AuditEntry
from apps.biometrics import services
from apps.biometrics.models import Candidate, CaptureProgress, Enrolment
from apps.biometrics.tests.conftest import (
    AMAL_FINGERS,
    Committed,
    at_appointment,
    capture_of,
    face,
    finger,
    the_rest_missing,
)
from conftest import client_for, make_user

pytestmark = pytest.mark.django_db


def test_capture_station_page(amal: User, olu: User, committed: Committed) -> None:
    case = at_appointment(amal, olu)
    client = client_for(olu)
    case_page = client.get(f"/console/cases/{case.case_number}/").content.decode()
    assert f"/biometrics/cases/{case.case_number}/capture/" in case_page
    form = client.get(f"/biometrics/cases/{case.case_number}/capture/").content.decode()
    assert 'enctype="multipart/form-data"' in form
    assert 'name="finger_10"' in form
    # Progress while the analysis runs, from a static script (no inline script).
    token = re.search(r'name="progress_token" value="([0-9a-f-]{36})"', form)
    assert token
    assert f"/capture/progress/{token.group(1)}/" in form
    assert "registry/progress.js" in form
    assert "<script>" not in form

    blurred = client.post(
        f"/biometrics/cases/{case.case_number}/capture/",
        {
            "photo": SimpleUploadedFile("p.png", face("astronaut", "blurred_3")),
            **the_rest_missing(),
        },
    )
    assert blurred.status_code == 422
    assert "blurred" in blurred.content.decode()

    # Four fingers taken, two with a reason, four left blank: refused, each blank finger
    # named on its own row, and the reasons the officer chose are still chosen.
    blank = client.post(
        f"/biometrics/cases/{case.case_number}/capture/",
        {
            "photo": SimpleUploadedFile("p.png", face("astronaut")),
            **{f"finger_{p}": SimpleUploadedFile("f.png", finger(101)) for p in (1, 2, 6, 7)},
            "exception_3": "injured",
            "exception_4": "missing",
        },
    )
    assert blank.status_code == 422
    html = blank.content.decode()
    assert "Fingers 5, 8, 9, 10 have neither an image nor a reason" in html
    for position in (5, 8, 9, 10):
        assert f'id="finger-errors-{position}"' in html
    assert 'id="finger-errors-3"' not in html
    assert '<option value="injured" selected>' in html
    assert not Enrolment.objects.exists()

    with committed():
        done = client.post(
            f"/biometrics/cases/{case.case_number}/capture/",
            {
                "photo": SimpleUploadedFile("p.png", face("astronaut")),
                "finger_2": SimpleUploadedFile("f.png", finger(101)),
                **the_rest_missing(2),
                "exception_3": "injured",
                "progress_token": token.group(1),
            },
        )
    assert done.status_code == 302
    assert done["Location"] == f"/console/cases/{case.case_number}/"
    assert Enrolment.objects.get().state == Enrolment.State.SEARCHED
    assert not CaptureProgress.objects.exists()  # the request's progress went with it


def test_the_station_polls_how_far_the_capture_has_got(amal: User, olu: User) -> None:
    case = at_appointment(amal, olu)
    token = uuid.uuid4()
    url = f"/biometrics/cases/{case.case_number}/capture/progress/{token}/"
    client = client_for(olu)
    assert client.get(url).json() == {
        "done": 0,
        "total": 0,
        "finished": False,
        "label": "Sending…",
    }
    seen: list[dict[str, object]] = []

    def watch(step: str, done: int, total: int) -> None:
        services.progress_writer(olu, case, token)(step, done, total)
        seen.append(client.get(url).json())

    services.capture(olu, case, capture_of("astronaut", AMAL_FINGERS), progress=watch)
    assert [s["label"] for s in seen] == [
        "Checking the photo…",
        "Checking finger 1 of 2…",
        "Checking finger 2 of 2…",
        "Saving the templates…",
    ]
    assert [(s["done"], s["total"]) for s in seen] == [(0, 4), (1, 4), (2, 4), (3, 4)]
    # Another officer cannot read it.
    other = make_user(Role.OFFICER, "oona")
    assert client_for(other).get(url).json()["total"] == 0


def test_adjudication_pages(
    amal: User, amira: User, olu: User, sam: User, committed: Committed
) -> None:
    with committed():
        services.capture(olu, at_appointment(amal, olu), capture_of("astronaut", AMAL_FINGERS))
    with committed():
        services.capture(
            olu,
            at_appointment(amira, olu),
            capture_of("astronaut", AMAL_FINGERS, impression=2, variation="mirrored"),
        )
    pair = Candidate.objects.get()
    officer = client_for(olu)
    queue = officer.get("/biometrics/candidates/").content.decode()
    assert f'data-candidate="{pair.pk}"' in queue
    before = officer.get(f"/biometrics/candidates/{pair.pk}/").content.decode()
    assert "data:image" not in before  # nothing personal before a purpose
    assert "Right index" in before  # which fingers matched, and their scores
    refused = officer.post(f"/biometrics/candidates/{pair.pk}/", {"purpose": "curiosity"})
    assert refused.status_code == 400
    opened = officer.post(f"/biometrics/candidates/{pair.pk}/", {"purpose": "duplicate-resolution"})
    assert opened.status_code == 200
    assert opened.content.decode().count("data:image/jpeg") == 2
    reads = AuditEntry.objects.filter(action=Action.READ, object_type="biometric_match")
    assert {e.subject_id for e in reads} == {pair.probe.person_id, pair.match.person_id}
    assert {e.purpose for e in reads} == {"duplicate-resolution"}

    wrong = officer.post(
        f"/biometrics/candidates/{pair.pk}/decision/",
        {"same_person": "yes", "reason": "prints-differ"},
    )
    assert wrong.status_code == 422
    decided = officer.post(
        f"/biometrics/candidates/{pair.pk}/decision/",
        {"same_person": "yes", "reason": "face-and-prints-agree"},
    )
    assert decided.status_code == 302
    supervisor = client_for(sam)
    supervisor.post(f"/biometrics/candidates/{pair.pk}/", {"purpose": "duplicate-resolution"})
    assert 'id="review"' in supervisor.get(f"/biometrics/candidates/{pair.pk}/").content.decode()
    with committed():
        reviewed = supervisor.post(
            f"/biometrics/candidates/{pair.pk}/review/", {"reason": "confirmed"}
        )
    assert reviewed.status_code == 302
    pair.refresh_from_db()
    assert pair.state == Candidate.State.SAME_CONFIRMED
    assert 'data-index="face"' in supervisor.get("/biometrics/index/").content.decode()
