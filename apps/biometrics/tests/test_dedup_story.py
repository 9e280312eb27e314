"""Amal and Bo are enrolled at their appointments. Weeks later "Amira" files and comes
to an appointment: it is Amal again (another photo, other impressions of the same
fingers). The search puts the pair in the adjudication queue; nobody is refused by the
machine. Olu looks at both records and decides "same person"; Sam, a supervisor,
confirms; only then does Olu reject the second case, as a duplicate, with a reason.
When the officer finds two different people instead, the case goes on."""

import numpy as np
import pytest

from apps.accounts.models import User
from apps.audit.models import Action, AuditEntry
from apps.audit.services import verify
from apps.biometrics import access, dedup, indexes, services
from apps.biometrics.models import Candidate, Enrolment
from apps.biometrics.tests.conftest import (
    AMAL_FINGERS,
    BO_FINGERS,
    Committed,
    at_appointment,
    capture_of,
)
from apps.registrations import casework
from apps.registrations.access import StatedPurpose
from apps.registrations.models import CaseState
from apps.registrations.reasons import Decision
from registry.errors import Conflict, NotAllowed

pytestmark = pytest.mark.django_db

PURPOSE = StatedPurpose("duplicate-resolution")


def enrol_three(amal: User, bo: User, amira: User, olu: User, committed: Committed) -> Candidate:
    with committed():
        first = services.capture(
            olu, at_appointment(amal, olu), capture_of("astronaut", AMAL_FINGERS)
        )
    with committed():
        services.capture(olu, at_appointment(bo, olu), capture_of("grace_hopper", BO_FINGERS))
    assert not Candidate.objects.exists()  # two different people: nothing to decide
    with committed():
        again = services.capture(
            olu,
            at_appointment(amira, olu),
            capture_of("astronaut", AMAL_FINGERS, impression=2, variation="jpeg_q60"),
        )
    candidate = Candidate.objects.get()
    assert candidate.probe_id == again.pk
    assert candidate.match_id == first.pk
    return candidate


def test_a_second_registration_of_amal_goes_to_people_who_decide(
    amal: User, bo: User, amira: User, *, olu: User, sam: User, committed: Committed
) -> None:
    candidate = enrol_three(amal, bo, amira, olu, committed)
    assert candidate.face_distance is not None
    assert candidate.face_distance < 0.6
    assert candidate.best_finger_score is not None
    assert candidate.best_finger_score >= 40
    case = candidate.probe.registration
    case.refresh_from_db()
    assert case.state == CaseState.BIOMETRICS_CAPTURED  # never refused by the machine

    with pytest.raises(Conflict, match="possible duplicate"):
        casework.decide(olu, case, decision=Decision.REGISTER)
    with pytest.raises(Conflict, match="Open both records"):
        dedup.decide(olu, candidate, same_person=True, reason="face-and-prints-agree")

    probe_side, match_side = access.open_for_adjudication(olu, candidate, PURPOSE)
    assert probe_side.portrait
    assert match_side.portrait
    assert probe_side.positions == [2, 7]
    dedup.decide(olu, candidate, same_person=True, reason="face-and-prints-agree")
    with pytest.raises(Conflict):  # still waiting for a supervisor
        casework.decide(olu, case, decision=Decision.REGISTER)
    with pytest.raises(NotAllowed):  # nobody reviews their own decision
        dedup.review(olu, candidate, confirm=True, reason="confirmed")

    access.open_for_adjudication(sam, candidate, PURPOSE)
    with committed():
        dedup.review(sam, candidate, confirm=True, reason="confirmed")
    candidate.refresh_from_db()
    assert candidate.state == Candidate.State.SAME_CONFIRMED
    with pytest.raises(Conflict, match="duplicate-registration"):
        casework.decide(olu, case, decision=Decision.REGISTER)
    casework.decide(olu, case, decision=Decision.REJECT, reason_code="duplicate-registration")
    case.refresh_from_db()
    assert case.state == CaseState.REJECTED

    # The duplicate was merged away: its templates are gone and it is out of the index.
    probe = Enrolment.objects.get(pk=candidate.probe_id)
    assert probe.state == Enrolment.State.REMOVED
    assert probe.face_sealed is None
    hits = dict(indexes.search_face(np.ones(128, dtype=np.float32) * 0.0, 10))
    assert probe.pk not in hits
    assert candidate.match_id in hits

    kinds = set(AuditEntry.objects.values_list("action", "object_type"))
    assert {
        (Action.CREATE, "biometric_enrolment"),
        (Action.SEARCH, "biometric_search"),
        (Action.READ, "biometric_match"),
        (Action.DECIDE, "biometric_match"),
        (Action.DECIDE, "biometric_review"),
    } <= kinds
    # Amal's own log shows that her record was matched by a search.
    assert (
        AuditEntry.objects.filter(
            subject_id=candidate.match.person_id,
            action=Action.SEARCH,
            object_type="biometric_search",
        ).count()
        == 2
    )  # her own search, and being found as a candidate
    assert verify().ok


def test_different_people_release_the_case(
    amal: User, bo: User, amira: User, olu: User, committed: Committed
) -> None:
    candidate = enrol_three(amal, bo, amira, olu, committed)
    access.open_for_adjudication(olu, candidate, PURPOSE)
    dedup.decide(olu, candidate, same_person=False, reason="documents-differ")
    case = casework.decide(olu, candidate.probe.registration, decision=Decision.REGISTER)
    assert case.state == CaseState.REGISTERED
    entry = AuditEntry.objects.get(action=Action.DECIDE, object_type="biometric_match")
    assert entry.detail == {"outcome": "different_people", "reason": "documents-differ"}


def test_a_supervisor_may_send_a_decision_back(
    amal: User, bo: User, amira: User, *, olu: User, sam: User, committed: Committed
) -> None:
    candidate = enrol_three(amal, bo, amira, olu, committed)
    access.open_for_adjudication(olu, candidate, PURPOSE)
    dedup.decide(olu, candidate, same_person=True, reason="face-and-prints-agree")
    access.open_for_adjudication(sam, candidate, PURPOSE)
    dedup.review(sam, candidate, confirm=False, reason="evidence-insufficient")
    candidate.refresh_from_db()
    assert candidate.state == Candidate.State.OPEN
    assert candidate.decided_by is None
    with pytest.raises(Conflict):
        casework.decide(olu, candidate.probe.registration, decision=Decision.REGISTER)


def test_the_search_runs_once(amal: User, olu: User, committed: Committed) -> None:
    with committed():
        enrolment = services.capture(
            olu, at_appointment(amal, olu), capture_of("astronaut", AMAL_FINGERS)
        )
    assert dedup.search(enrolment.pk) == []  # a retry of the task changes nothing
    assert AuditEntry.objects.filter(object_type="biometric_search").count() == 1
