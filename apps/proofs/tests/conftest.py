"""Amal's registered case, Olu the officer who registered her, and switches for the
portrait source (a test face, none at all, or a missing biometrics function)."""

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.programs import loader
from apps.registrations import casework, services
from apps.registrations.models import Registration
from apps.registrations.reasons import Decision
from conftest import VALID_FORM, client_for
from tests.programs_in_force import put_in_force

PROGRAMS = Path(__file__).resolve().parents[3] / "programs"


def register(filer: User, officer: User, data: dict[str, Any] | None = None) -> Registration:
    """File a case and take it through the appointment to "registered", as Olu does."""
    case, _ = services.file_registration(
        filer,
        program_slug="us-2025",
        for_child=False,
        data=data or VALID_FORM,
        language="en",
        idempotency_key=None,
    )
    casework.schedule_biometrics(officer, case, office_code="NWK", reason="booked")
    casework.record_interview(officer, case, notes="", document_checked=True)
    casework.record_biometrics(officer, case)  # the capture station's step, without images
    return casework.decide(officer, case, decision=Decision.REGISTER)


@pytest.fixture
def amal_registered(amal: User, olu: User) -> Registration:
    return register(amal, olu)


@pytest.fixture
def olu_client(olu: User) -> Client:
    return client_for(olu)


@pytest.fixture
def with_portrait(settings: Any) -> None:
    settings.PROOF_PORTRAIT_READER = "apps.proofs.tests.portraits.read_portrait"


@pytest.fixture
def without_portrait_reader(settings: Any) -> None:
    """As if the biometrics app had no read_portrait yet."""
    settings.PROOF_PORTRAIT_READER = "apps.proofs.tests.portraits.not_written_yet"


@pytest.fixture
def thumbnail_program(settings: Any, tmp_path: Path) -> None:
    """us-2025 with holder_binding = "qr_thumbnail" (a copy in a temporary directory)."""
    for path in PROGRAMS.glob("*.toml"):
        text = path.read_text()
        if path.name == "us-2025.toml":
            text = text.replace('holder_binding = "card_photo"', 'holder_binding = "qr_thumbnail"')
        (tmp_path / path.name).write_text(text)
    settings.REGISTRY_PROGRAMS_DIR = tmp_path
    put_in_force([tmp_path / "us-2025.toml"])  # the changed text, as if approved
    assert loader.get_program("us-2025").proof.holder_binding == "qr_thumbnail"
