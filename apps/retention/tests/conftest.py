"""Fixtures for the retention stories: a journal of the test's own, and people filed
through the real services (Amal files for herself; Priya is the privacy officer)."""

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import Role
from apps.registrations import services
from apps.registrations.models import Registration
from conftest import VALID_FORM, make_user


@pytest.fixture(autouse=True)
def journal_file(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "expungements.jsonl"
    settings.REGISTRY_EXPUNGEMENT_JOURNAL = path
    return path


def file_for(user: User | None = None, **answers: Any) -> Registration:
    """A submitted registration by `user` (a new registrant when None)."""
    user = user or make_user(Role.REGISTRANT, f"reg-{uuid.uuid4().hex[:8]}")
    registration, _ = services.file_registration(
        user,
        program_slug="us-2025",
        for_child=False,
        data={**VALID_FORM, **answers},
        language="en",
        idempotency_key=None,
    )
    return registration


def age(registration: Registration, *, days: int = 0, years: int = 0) -> None:
    """Pretend the case last changed that long ago (the clock of most rules)."""
    then = timezone.now() - dt.timedelta(days=days + 366 * years)
    Registration.objects.filter(pk=registration.pk).update(updated_at=then, created_at=then)
