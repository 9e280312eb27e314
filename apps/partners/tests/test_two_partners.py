"""Two partners at once: a port whose agreement expires during the test and a court
whose agreement is revoked mid-run. Each is refused from that moment, with the reason,
while the other goes on."""

import datetime as dt
import time
from collections.abc import Callable

import pytest
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import Action, AuditEntry
from apps.partners import services
from apps.partners.models import Agreement
from apps.registrations.models import Registration

pytestmark = pytest.mark.django_db


def test_expiry_and_revocation_mid_run(
    make_partner: Callable, priya: User, amal_registered: Registration
):
    port = make_partner("port-newark", ends_at=timezone.now() + dt.timedelta(seconds=2))
    court = make_partner("court-essex", "Essex County Court")
    number = amal_registered.case_number
    assert port.ask(number).json()["hit"] is True
    assert court.ask(number).json()["hit"] is True

    services.revoke(priya, Agreement.objects.get(reference="court-essex"), reason="Court order")
    court.token = court.fetch_token()
    assert court.ask(number).status_code == 403
    assert port.ask(number).json()["hit"] is True  # the port is unaffected

    time.sleep(2.1)
    expired = port.ask(number)
    assert expired.status_code == 403
    assert "ended" in expired.json()["message"]

    disclosures = AuditEntry.objects.filter(action=Action.DISCLOSE)
    assert sorted(e.detail["agreement"] for e in disclosures) == [
        "court-essex",
        "port-newark",
        "port-newark",
    ]
