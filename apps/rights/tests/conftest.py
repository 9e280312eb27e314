"""Fixtures for the rights stories: Amal's filed case, Olu the officer, Sam the
supervisor and Priya the privacy officer, each with a signed-in client."""

import json
from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.accounts.permissions import Role
from apps.registrations import services
from apps.registrations.models import Registration
from conftest import VALID_FORM, client_for, make_user


@pytest.fixture
def sam(db: None) -> User:
    return make_user(Role.SUPERVISOR)


@pytest.fixture
def olu_client(olu: User) -> Client:
    return client_for(olu)


@pytest.fixture
def sam_client(sam: User) -> Client:
    return client_for(sam)


@pytest.fixture
def priya_client(priya: User) -> Client:
    return client_for(priya)


def file_for(user: User, language: str = "en", **changes: Any) -> Registration:
    registration, _ = services.file_registration(
        user,
        program_slug="us-2025",
        for_child=False,
        data={**VALID_FORM, **changes},
        language=language,
        idempotency_key=None,
    )
    return registration


@pytest.fixture
def amal_case(amal: User) -> Registration:
    """Amal filed her registration (in Spanish)."""
    return file_for(amal, language="es")


def post_json(client: Client, path: str, body: Any) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")
