"""Amal's subject-access export says what the registry holds of her biometrics and
proofs: when captured, which fingers, quality, duplicate checks, proofs issued; never a
template or an image."""

from typing import Any

import pytest

from apps.accounts.models import User
from apps.biometrics import services
from apps.biometrics.tests.conftest import AMAL_FINGERS, Committed, at_appointment, capture_of
from apps.rights.access import export_subject_access

pytestmark = pytest.mark.django_db


def test_the_export_lists_enrolments_without_templates(
    amal: User, olu: User, committed: Committed
) -> None:
    case = at_appointment(amal, olu)
    with committed():
        services.capture(olu, case, capture_of("astronaut", AMAL_FINGERS))
    export: dict[str, Any] = export_subject_access(amal, case.person, fmt="json")
    text = str(export)
    sections = export.get("sections", export)
    biometrics = sections["biometrics"]["data"]
    assert [e["case_number"] for e in biometrics] == [case.case_number]
    fingers = biometrics[0]["fingers"]
    assert sorted(f["position"] for f in fingers if not f["exception"]) == sorted(AMAL_FINGERS)
    assert len(fingers) == 10  # and why each other finger has no print
    assert biometrics[0]["photo_kept"] is True
    assert "template" not in text
    assert sections["proofs"]["data"] == []
