"""Priya releases from the console, the API and the command line; Ali the auditor
reads the ledger. Refusals say what to do and write nothing."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.accounts.models import User
from apps.audit.models import AuditEntry
from apps.transparency.models import Release
from conftest import client_for

pytestmark = pytest.mark.django_db


def test_priya_releases_from_the_console_and_ali_reads_the_ledger(priya: User, ali: User) -> None:
    client = client_for(priya)
    form = client.get("/transparency/release/")
    assert form.status_code == 200
    assert b'id="release-form"' in form.content
    done = client.post(
        "/transparency/release/", {"period": "2026-10", "epsilon": "0.5"}, follow=True
    )
    assert done.redirect_chain[-1][0] == "/transparency/ledger/"
    release = Release.objects.get()
    assert release.released_by == priya
    assert release.released_by_role == "privacy_officer"
    assert f"Released {release.release_id}." in done.content.decode()
    again = client.post("/transparency/release/", {"period": "2026-10"}, follow=True)
    assert f"{release.release_id} was already out." in again.content.decode()
    ledger = client_for(ali).get("/transparency/ledger/").content.decode()
    assert f'data-release="{release.release_id}"' in ledger
    assert priya.username in ledger
    assert "0.5" in ledger


def test_the_console_shows_refusals_on_the_form(priya: User, settings: object) -> None:
    client = client_for(priya)
    bad = client.post("/transparency/release/", {"period": "October"})
    assert bad.status_code == 422
    assert b"Write the period as a month" in bad.content
    too_early = client.post("/transparency/release/", {"period": "2099-01"})
    assert too_early.status_code == 422
    settings.STATISTICS_YEARLY_EPSILON = "1.5"  # type: ignore[attr-defined]
    assert client.post("/transparency/release/", {"period": "2026-09"}).status_code == 302
    over = client.post("/transparency/release/", {"period": "2026-10"})
    assert over.status_code == 409
    assert "only 0.5 of 2026" in over.content.decode()
    assert Release.objects.count() == 1


def test_the_api_releases_once_and_refuses_past_the_budget(priya: User, settings: object) -> None:
    client = client_for(priya)
    post = lambda body: client.post(  # noqa: E731
        "/api/v1/statistics/releases", json.dumps(body), content_type="application/json"
    )
    first = post({"period": "2026-10", "tables": ["complaints"], "epsilon": "2"})
    assert first.status_code == 201, first.content
    assert first.json()["epsilon"] == "2"
    assert first.json()["tables"] == ["complaints"]
    assert post({"period": "2026-10", "tables": ["complaints"]}).status_code == 200
    settings.STATISTICS_YEARLY_EPSILON = "2.5"  # type: ignore[attr-defined]
    refused = post({"period": "2026-09"})
    assert refused.status_code == 409
    assert refused.json()["code"] == "privacy_budget_exceeded"
    assert post({"period": "2026-9"}).status_code == 422
    assert post({"period": "2026-08", "tables": ["addresses"]}).json()["fields"]["tables"]
    assert post({"period": "2026-08", "surprise": 1}).status_code == 422
    listed = client.get("/api/v1/statistics/releases").json()
    assert [r["period"] for r in listed] == ["2026-10"]
    ledger = client.get("/api/v1/statistics/ledger").json()
    assert ledger["years"] == [{"year": 2026, "spent": "2", "budget": "2.5"}]


def test_the_command_releases_and_refuses_with_exit_code_2(priya: User, settings: object) -> None:
    out = io.StringIO()
    call_command("statistics", "release", "--period", "2026-10", "--as", priya.username, stdout=out)
    assert "released: epsilon 1 (0.111111 per table, 9 tables)" in out.getvalue()
    call_command("statistics", "release", "--period", "2026-10", stdout=out)
    assert "already released" in out.getvalue()
    call_command("statistics", "release", "--period", "2026-09", "--tables", "holds", stdout=out)
    assert Release.objects.get(period_label="2026-09").released_by_role == "system"
    settings.STATISTICS_YEARLY_EPSILON = "2"  # type: ignore[attr-defined]
    entries = AuditEntry.objects.count()
    with pytest.raises(CommandError, match="privacy_budget_exceeded") as refused:
        call_command("statistics", "release", "--period", "2026-08", stdout=out)
    assert refused.value.returncode == 2
    assert AuditEntry.objects.count() == entries
    with pytest.raises(CommandError, match="may release") as not_officer:
        call_command("statistics", "release", "--period", "2026-08", "--as", "nobody@x", stdout=out)
    assert not_officer.value.returncode == 2
    call_command("statistics", "ledger", stdout=out)
    assert "2026: spent 2 of 2" in out.getvalue()
