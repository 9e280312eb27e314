"""Amal is told by e-mail, in her language, when her registration is received and when
it is complete; Gabriela, who files for her son, is told too. A filing that fails, or a
retry of one that succeeded, sends nothing more."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core import mail

from apps.accounts.models import User
from apps.registrations import casework, services
from apps.registrations.reasons import Decision
from conftest import CHILD_FORM, VALID_FORM
from registry.errors import FormInvalid

pytestmark = pytest.mark.django_db
Committed = Callable[[], AbstractContextManager[Any]]


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Committed:
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_amal_is_told_when_received_and_when_registered(
    amal: User, olu: User, committed: Committed
) -> None:
    amal.preferred_language = "es"
    amal.save(update_fields=["preferred_language"])
    with committed():
        case, created = services.file_registration(
            amal, program_slug="us-2025", for_child=False, data=VALID_FORM, language="es",
            idempotency_key="filing-1",
        )  # fmt: skip
    assert created
    [received] = mail.outbox
    assert received.to == [amal.email]
    assert case.case_number in received.subject
    assert case.case_number in received.body
    assert "Haddad" not in received.body  # nothing personal beyond the case number
    assert f"/cases/{case.case_number}/" in received.body

    with committed():  # the client retries: nothing is filed, nothing is sent again
        again, created = services.file_registration(
            amal, program_slug="us-2025", for_child=False, data=VALID_FORM, language="es",
            idempotency_key="filing-1",
        )  # fmt: skip
    assert (again.pk, created) == (case.pk, False)
    assert len(mail.outbox) == 1

    casework.schedule_biometrics(olu, case, office_code="NWK", reason="booked")
    casework.record_biometrics(olu, case)
    with committed():
        casework.decide(olu, case, decision=Decision.REGISTER)
    registered = mail.outbox[-1]
    assert registered.to == [amal.email]
    assert case.case_number in registered.subject
    assert "prueba de registro" in registered.body  # in Spanish, her language


def test_a_draft_submitted_from_the_page_is_confirmed_once(
    amal: User, committed: Committed
) -> None:
    draft = services.start_draft(amal, program_slug="us-2025", for_child=False, language="en")
    with committed():
        filed = services.submit(amal, draft, VALID_FORM)
    with committed():
        services.submit(amal, filed, VALID_FORM)  # a double click
    assert [m.subject for m in mail.outbox] == [
        f"We received your registration {filed.case_number}"
    ]


def test_gabriela_is_told_about_her_sons_registration(gabriela: User, committed: Committed) -> None:
    with committed():
        services.file_registration(
            gabriela, program_slug="us-2025", for_child=True, data=CHILD_FORM, language="en",
            idempotency_key=None,
        )  # fmt: skip
    [received] = mail.outbox
    assert received.to == [gabriela.email]
    assert "registration you filed for a child" in received.body


def test_a_refused_filing_sends_nothing(amal: User, committed: Committed) -> None:
    with committed(), pytest.raises(FormInvalid):
        services.file_registration(
            amal, program_slug="us-2025", for_child=False, data={**VALID_FORM, "birth_date": ""},
            language="en", idempotency_key=None,
        )  # fmt: skip
    assert mail.outbox == []


def test_a_rejection_is_not_announced_as_a_registration(
    amal: User, olu: User, committed: Committed
) -> None:
    case, _ = services.file_registration(
        amal, program_slug="us-2025", for_child=False, data=VALID_FORM, language="en",
        idempotency_key=None,
    )  # fmt: skip
    with committed():
        casework.decide(olu, case, decision=Decision.REJECT, reason_code="duplicate-filing")
    assert mail.outbox == []
