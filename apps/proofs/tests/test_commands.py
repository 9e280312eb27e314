"""`manage.py proof export` prints the QR text of a registered case's current proof;
`proof status-list --out DIR` saves signed lists for offline verifiers."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.accounts.models import User
from apps.proofs import keys, services, statuslist
from apps.registrations.models import Registration

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("proof", *args, stdout=out)
    return out.getvalue().strip()


def test_export_prints_the_current_proof(amal: User, amal_registered: Registration) -> None:
    text = run("export", str(amal_registered.case_number).lower())
    assert text.startswith("RG1:")
    assert text == services.current_proof(amal, amal_registered).text


def test_export_refuses_an_unknown_or_unregistered_case(amal: User) -> None:
    with pytest.raises(CommandError, match="No case"):
        run("export", "US2025-NONE-00000")
    from apps.registrations import services as filing
    from conftest import VALID_FORM

    case, _ = filing.file_registration(
        amal,
        program_slug="us-2025",
        for_child=False,
        data=VALID_FORM,
        language="en",
        idempotency_key=None,
    )
    with pytest.raises(CommandError, match="registered"):
        run("export", str(case.case_number))


def test_status_lists_are_saved_for_offline_use(
    amal: User, amal_registered: Registration, tmp_path: Path
) -> None:
    issued = services.current_proof(amal, amal_registered)
    summary = run("status-list", "--out", str(tmp_path))
    assert "1 proofs, 0 revoked" in summary
    saved = tmp_path / f"status-{issued.proof.status_list_id}.cwt"
    view = statuslist.read_token(saved.read_bytes(), keys.trust_list())
    assert view.status(issued.proof.status_index) == 0


def test_the_system_check_warns_when_the_qr_would_outgrow_version_12(settings: object) -> None:
    from apps.proofs.keys import check_qr_size

    assert check_qr_size() == []
    settings.SITE_URL = "https://registry.a-very-long-agency-name.example.gov"  # type: ignore[attr-defined]
    warnings = check_qr_size()
    assert [w.id for w in warnings] == ["proofs.W001"]
    settings.PROOF_ISSUER = "registry.example.gov"  # type: ignore[attr-defined]
    settings.SITE_URL = "https://registry.example.gov"  # type: ignore[attr-defined]
    assert check_qr_size() == []
