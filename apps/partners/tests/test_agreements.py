"""Agreements are recorded by one privacy officer and put in force by a second; a change
is a new version approved again; revoking takes effect at once."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from apps.accounts.models import User
from apps.audit.models import AuditEntry
from apps.partners import services
from apps.partners.models import Agreement, AgreementVersion, VersionStatus
from apps.partners.tests.conftest import terms
from registry.errors import Conflict, FormInvalid, NotAllowed

pytestmark = pytest.mark.django_db


def test_the_proposer_cannot_approve_their_own_terms(priya: User):
    version = services.propose(priya, reference="port-newark", organisation="Port", terms=terms())
    with pytest.raises(NotAllowed, match="second privacy officer"):
        services.approve(priya, version)
    assert not Application.objects.exists()


def test_a_second_officer_puts_terms_in_force_and_gets_the_client_secret_once(
    priya: User, pia: User
):
    version = services.propose(priya, reference="port-newark", organisation="Port", terms=terms())
    approval = services.approve(pia, version)
    version.refresh_from_db()
    assert version.status == VersionStatus.ACTIVE
    assert version.approved_by == pia
    application = Application.objects.get(client_id=approval.client_id)
    assert approval.client_secret
    assert approval.client_secret not in application.client_secret  # stored hashed
    assert application.user.role == "partner"
    assert not application.user.has_usable_password()


def test_incomplete_terms_are_refused_field_by_field(priya: User):
    bad = terms(
        purpose=" ",
        query_types=["everything"],
        fields=["nationality"],
        rate_limit_per_minute=0,
        ends_at=timezone.now() - dt.timedelta(days=400),
        document=b"not a pdf",
    )
    with pytest.raises(FormInvalid) as refused:
        services.propose(priya, reference="x-1", organisation="X", terms=bad)
    assert set(refused.value.fields) == {
        "purpose",
        "query_types",
        "fields",
        "rate_limit_per_minute",
        "ends_at",
        "document",
    }
    assert not Agreement.objects.exists()


def test_new_terms_take_effect_only_when_approved(
    make_partner: Callable, priya: User, pia: User, amal_registered
):
    port = make_partner("port-newark")
    agreement = Agreement.objects.get(reference="port-newark")
    change = services.propose(
        priya,
        reference="port-newark",
        organisation="Port Authority",
        terms=terms(fields=["family_name"]),
    )
    assert change.number == 2
    # Proposing the same change again (a retried form) gives the same version.
    again = services.propose(
        priya,
        reference="port-newark",
        organisation="Port Authority",
        terms=terms(fields=["family_name"], starts_at=change.starts_at, ends_at=change.ends_at),
    )
    assert again.pk == change.pk
    assert port.ask(amal_registered.case_number).json()["fields"] == {}
    services.approve(pia, change)
    assert port.ask(amal_registered.case_number).json()["fields"] == {"family_name": "Haddad"}
    statuses = dict(agreement.versions.values_list("number", "status"))
    assert statuses == {1: VersionStatus.SUPERSEDED, 2: VersionStatus.ACTIVE}


def test_a_second_pending_change_waits_for_the_first(make_partner: Callable, priya: User):
    make_partner("port-newark")
    services.propose(
        priya, reference="port-newark", organisation="P", terms=terms(fields=["status"])
    )
    with pytest.raises(Conflict, match="awaits a second approver"):
        services.propose(
            priya, reference="port-newark", organisation="P", terms=terms(fields=["program"])
        )


def test_revoking_kills_tokens_at_once(make_partner: Callable, priya: User, amal_registered):
    port = make_partner("port-newark")
    assert port.ask(amal_registered.case_number).status_code == 200
    agreement = Agreement.objects.get(reference="port-newark")
    services.revoke(priya, agreement, reason="Misuse reported by the inspector general")
    assert not AccessToken.objects.exists()
    answer = port.ask(amal_registered.case_number)
    assert answer.status_code == 401
    # A fresh token is still issued by OAuth, but the agreement refuses every query.
    port.token = port.fetch_token()
    refused = port.ask(amal_registered.case_number)
    assert refused.status_code == 403
    assert "revoked" in refused.json()["message"]
    with pytest.raises(Conflict):
        services.propose(priya, reference="port-newark", organisation="P", terms=terms())


def test_every_step_is_in_the_audit_log(make_partner: Callable, priya: User):
    make_partner("port-newark")
    services.revoke(priya, Agreement.objects.get(), reason="ended")
    steps = list(
        AuditEntry.objects.filter(object_type="agreement").values_list("action", flat=True)
    )
    assert steps == ["create", "decide", "update"]
    assert bytes(AgreementVersion.objects.get().document).startswith(b"%PDF")


def test_the_public_transparency_page_lists_agreements_and_their_use(
    make_partner: Callable, priya: User, amal_registered
):
    from django.test import Client

    port = make_partner("port-newark")
    port.ask(amal_registered.case_number)
    port.ask("US25-0000-0000")
    services.revoke(priya, Agreement.objects.get(), reason="ended")
    page = Client().get("/transparency/").content.decode()
    assert "port-newark" in page
    assert "Departures at the port of Newark" in page
    assert "8 U.S.C. 1306" in page
    assert f"{timezone.localdate():%Y-%m}: 2 / 1" in page
    assert "revoked" in page
