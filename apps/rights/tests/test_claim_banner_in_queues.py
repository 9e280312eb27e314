"""The console shows an open citizenship claim on every view of the case: the queue and
search rows too, in the same query as the rows."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.registrations import services
from apps.rights import services as rights
from conftest import VALID_FORM, client_for

pytestmark = pytest.mark.django_db


def test_queue_and_search_rows_flag_an_open_claim(amal: User, olu: User) -> None:
    registration, _ = services.file_registration(
        amal, program_slug="us-2025", for_child=False, data=VALID_FORM, language="en",
        idempotency_key=None,
    )  # fmt: skip
    officer: Client = client_for(olu)
    assert "Citizenship claim open" not in officer.get(reverse("console:queue")).content.decode()
    rights.record_claim(
        amal, registration.person, statement="Born in Newark.", evidence=None, language="en"
    )
    queue = officer.get(reverse("console:queue")).content.decode()
    assert "Citizenship claim open" in queue
    found = officer.post(
        reverse("console:search"), {"case_number": registration.case_number}
    ).content.decode()
    assert registration.case_number in found
    assert "Citizenship claim open" in found
