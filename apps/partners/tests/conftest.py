"""Fixtures for the partner stories: Priya records agreements, Pia (a second privacy
officer) approves them; a port authority and a court query with their own tokens."""

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import Role
from apps.partners import services
from apps.registrations import services as filing
from apps.registrations.models import CaseState, CaseTransition, Registration
from conftest import VALID_FORM, make_user

PDF = b"%PDF-1.7\n% signed agreement\n%%EOF\n"


@pytest.fixture
def pia(db: None) -> User:
    return make_user(Role.PRIVACY_OFFICER, "pia")


def terms(**changes: Any) -> services.Terms:
    now = timezone.now()
    values: dict[str, Any] = {
        "purpose": "Departures at the port of Newark",
        "legal_basis": "8 U.S.C. 1306 and the agreement of 2026-11-01",
        "query_types": ["registration_number", "departure"],
        "fields": [],
        "rate_limit_per_minute": 100,
        "starts_at": now - dt.timedelta(days=1),
        "ends_at": now + dt.timedelta(days=365),
        "document": PDF,
    }
    values.update(changes)
    return services.Terms(**values)


class Partner:
    """A partner agency's client: gets a token like any OAuth client would."""

    def __init__(self, reference: str, client_id: str, secret: str) -> None:
        self.reference = reference
        self.client_id = client_id
        self.secret = secret
        self.http = Client()
        self.token = self.fetch_token()

    def fetch_token(self) -> str:
        response = self.http.post(
            "/o/token/",
            {
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.secret,
            },
        )
        assert response.status_code == 200, response.content
        return str(response.json()["access_token"])

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.http.post(
            f"/api/v1/partner/{path}",
            json.dumps(body, default=str),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.token}",
        )

    def ask(self, number: str, reference: str = "PORT-CASE-1") -> Any:
        return self.post(
            "queries/registration-number",
            {"reference": reference, "registration_number": number},
        )


@pytest.fixture
def make_partner(priya: User, pia: User) -> Callable[..., Partner]:
    def make(reference: str, organisation: str = "Port Authority", **changes: Any) -> Partner:
        version = services.propose(
            priya, reference=reference, organisation=organisation, terms=terms(**changes)
        )
        approval = services.approve(pia, version)
        assert approval.client_secret
        return Partner(reference, approval.client_id, approval.client_secret)

    return make


def register(user: User, form: dict[str, Any] | None = None) -> Registration:
    """File a case and put it straight into the register (the test is about partners)."""
    registration, _ = filing.file_registration(
        user,
        program_slug="us-2025",
        for_child=False,
        data=form or VALID_FORM,
        language="en",
        idempotency_key=None,
    )
    CaseTransition.objects.create(
        registration=registration,
        from_state=registration.state,
        to_state=CaseState.REGISTERED,
        actor_role="officer",
        reason="registered",
    )
    Registration.objects.filter(pk=registration.pk).update(state=CaseState.REGISTERED)
    registration.refresh_from_db()
    return registration


@pytest.fixture
def amal_registered(amal: User) -> Registration:
    return register(amal)
