"""Priya expunges Amal on a ground; the receipt verifies, the log still verifies, a
second call changes nothing, and the case shell keeps nothing that points at Amal."""

import json
import uuid
from pathlib import Path

import pytest

from apps.accounts.models import User
from apps.audit import services as audit
from apps.audit.models import Action, AuditEntry
from apps.registrations import access, casework
from apps.registrations.models import AddressChange, BlindIndexEntry, Person, Registration
from apps.retention import receipts, services
from apps.retention.models import Expungement
from apps.retention.tests.conftest import file_for
from apps.vault.models import SubjectKey

pytestmark = pytest.mark.django_db


def test_priya_expunges_amal_after_naturalisation(
    amal: User, priya: User, journal_file: Path
) -> None:
    case = file_for(amal)
    casework.report_address_change(
        amal,
        case.person,
        address={
            "line1": "1 Oak",
            "city": "Paterson",
            "region": "NJ",
            "postal_code": "07501",
            "country": "US",
        },
        moved_on=case.submitted_at.date(),  # type: ignore[union-attr]
    )

    receipt = services.expunge_person(priya, case.person_id, ground="naturalisation")

    assert receipt.verify()
    assert receipt.person_id == case.person_id
    assert receipt.ground == "naturalisation"
    key = SubjectKey.objects.get(subject_id=case.person_id)
    assert key.wrapped_key is None
    assert key.destroyed_at is not None
    assert not BlindIndexEntry.objects.filter(person_id=case.person_id).exists()
    assert not AddressChange.objects.filter(person_id=case.person_id).exists()
    case.refresh_from_db()
    assert case.request_digest == ""
    assert case.idempotency_key is None
    assert case.case_number  # the shell stays, for the log's references
    person = Person.objects.get(pk=case.person_id)
    assert person.account_id is None
    with pytest.raises(access.PersonErased):
        access.read_own_form(amal, Registration.objects.get(pk=case.pk))
    amal.refresh_from_db()
    assert amal.email.startswith("expunged-")  # no longer amal@example.org
    assert not amal.is_active
    assert not amal.has_usable_password()

    entry = AuditEntry.objects.get(action=Action.EXPUNGE, subject_id=case.person_id)
    assert entry.object_type == "person"
    assert entry.detail == {"ground": "naturalisation", "receipt": str(receipt.receipt_id)}
    assert audit.verify().ok

    lines = journal_file.read_text().splitlines()
    assert [json.loads(line)["receipt_id"] for line in lines] == [str(receipt.receipt_id)]
    assert receipts.parse(lines[0]) == receipt


def test_expunging_twice_returns_the_first_receipt(priya: User) -> None:
    case = file_for()
    first = services.expunge_person(priya, case.person_id, ground="court-order")
    again = services.expunge_person(priya, case.person_id, ground="unlawful-storage")
    assert again == first
    assert Expungement.objects.count() == 1
    assert AuditEntry.objects.filter(action=Action.EXPUNGE).count() == 1


def test_a_ground_the_program_does_not_list_is_refused(priya: User) -> None:
    case = file_for()
    with pytest.raises(services.GroundNotAllowed) as refused:
        services.expunge_person(priya, case.person_id, ground="bored")
    assert "naturalisation" in refused.value.message
    assert SubjectKey.objects.get(subject_id=case.person_id).wrapped_key is not None


def test_an_unknown_person_is_not_found(priya: User) -> None:
    with pytest.raises(services.PersonNotFound):
        services.expunge_person(priya, uuid.uuid4(), ground="court-order")


def test_a_tampered_receipt_does_not_verify(priya: User) -> None:
    receipt = services.expunge_person(priya, file_for().person_id, ground="court-order")
    forged = receipts.parse({**receipt.as_dict(), "ground": "naturalisation"})
    assert not forged.verify()
    assert not receipts.parse({**receipt.as_dict(), "signature": "bm90IGEgc2ln"}).verify()


def test_a_retention_ground_is_only_a_runs_finding(priya: User) -> None:
    case = file_for()
    with pytest.raises(services.GroundNotAllowed):
        services.expunge_person(priya, case.person_id, ground="retention-departed")
    assert not Expungement.objects.exists()


def test_a_guardians_account_outlives_the_childs_expungement(
    gabriela: User, priya: User, child_form: dict
) -> None:
    from apps.registrations import services as registrations

    yusuf, _ = registrations.file_registration(
        gabriela, program_slug="us-2025", for_child=True, data=child_form, language="es",
        idempotency_key=None,
    )  # fmt: skip
    services.expunge_person(priya, yusuf.person_id, ground="citizenship-confirmed")

    gabriela.refresh_from_db()
    assert gabriela.is_active
    assert gabriela.email == "gabriela@example.org"
    person = Person.objects.get(pk=yusuf.person_id)
    assert (person.guardian_id, person.reregistration_due_on) == (None, None)
    yusuf.refresh_from_db()
    assert yusuf.filed_by.email == "expunged@registry.invalid"
    assert not yusuf.filed_by.is_active
    assert (yusuf.language, yusuf.due_on) == ("", None)


def test_amal_keeps_her_account_while_she_files_for_her_son(
    amal: User, priya: User, child_form: dict
) -> None:
    from apps.registrations import services as registrations

    own = file_for(amal)
    registrations.file_registration(
        amal, program_slug="us-2025", for_child=True, data=child_form, language="en",
        idempotency_key=None,
    )  # fmt: skip
    services.expunge_person(priya, own.person_id, ground="naturalisation")
    amal.refresh_from_db()
    assert amal.is_active
    assert amal.has_usable_password()
