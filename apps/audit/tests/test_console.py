"""Ali the auditor works the log from the console: he reads the signed heads, looks
through the entries about Amal's case for a stated purpose (logged, and Amal sees it),
opens one entry with its inclusion proof, and checks the whole log with "verify now",
which names the entry someone rewrote."""

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from apps.accounts.models import User
from apps.audit import tree
from apps.audit.models import AuditEntry, AuditVerification, VerificationState
from apps.console import services as console
from apps.registrations import services
from apps.registrations.access import StatedPurpose
from apps.registrations.models import Registration
from conftest import VALID_FORM, client_for

pytestmark = pytest.mark.django_db
Committed = Callable[[], AbstractContextManager[Any]]


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Committed:
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def amal_case(amal: User, olu: User) -> Registration:
    """Amal filed; Olu at the Newark office opened her record to process it."""
    case, _ = services.file_registration(
        amal, program_slug="us-2025", for_child=False, data=VALID_FORM, language="en",
        idempotency_key=None,
    )  # fmt: skip
    case.office_code = "NWK"
    case.save(update_fields=["office_code"])
    console.open_case(olu, case, StatedPurpose("case-processing"))
    return case


def olus_read(case: Registration, olu: User) -> AuditEntry:
    return AuditEntry.objects.get(subject_id=case.person_id, action="read", actor_id=olu.pk)


def test_ali_reads_the_signed_heads(ali: User, amal_case: Registration) -> None:
    client = client_for(ali)
    assert "No head has been signed yet." in client.get("/audit/").content.decode()
    head = tree.sign_tree_head()
    html = client.get("/audit/").content.decode()
    assert f'<tr data-size="{head.tree_size}">' in html
    assert bytes(head.root_hash).hex()[:14] in html
    assert 'id="verify-now"' in html  # the auditor may verify


def test_ali_looks_through_amals_entries_for_a_stated_purpose(
    ali: User, olu: User, amal_case: Registration, amal_client: Client
) -> None:
    client = client_for(ali)
    response = client.post(
        "/audit/search/", {"case_number": amal_case.case_number.lower(), "purpose": "oversight"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<tr data-entry="{olus_read(amal_case, olu).pk}">' in html
    assert "case-processing" in html  # the auditor sees the codes as logged
    [search] = AuditEntry.objects.filter(action="search", object_type="audit_log")
    assert (search.actor_id, search.subject_id) == (ali.pk, amal_case.person_id)
    assert search.purpose == "oversight"
    assert "552a(c)" in search.legal_basis

    log = amal_client.get("/my/access-log/").content.decode()
    assert (
        "An auditor looked through the log of your record to check that your record was "
        "used lawfully."
    ) in log


@pytest.mark.parametrize(
    ("posted", "status", "message"),
    [
        ({"purpose": "oversight"}, 400, "Give a case number or an entry number"),
        ({"case_number": "{case}"}, 400, "This field is required"),
        ({"case_number": "{case}", "purpose": "court-order"}, 422, "needs a reference"),
        ({"case_number": "US2025-AAAA-AAAAA", "purpose": "oversight"}, 404, "No case has"),
        ({"entry_id": "999999", "purpose": "oversight"}, 404, "There is no entry 999999"),
        ({"case_number": "{case}", "entry_id": "1", "purpose": "oversight"}, 400, "one of them"),
        (
            {"case_number": "{case}", "purpose": "oversight", "reference": "a\x1bb"},
            400,
            "Remove control characters",
        ),
    ],
)
def test_a_search_without_what_it_needs_says_so_and_logs_nothing(
    ali: User, amal_case: Registration, posted: dict[str, str], status: int, message: str
) -> None:
    before = AuditEntry.objects.count()
    body = {k: v.replace("{case}", str(amal_case.case_number)) for k, v in posted.items()}
    response = client_for(ali).post("/audit/search/", body)
    assert response.status_code == status
    assert message in response.content.decode()
    assert AuditEntry.objects.count() == before


def test_officers_cannot_open_a_record_for_the_audit_only_purpose(
    olu: User, amal_case: Registration
) -> None:
    client = client_for(olu)
    page = client.get(f"/console/cases/{amal_case.case_number}/").content.decode()
    assert 'value="oversight"' not in page
    refused = client.post(
        f"/console/cases/{amal_case.case_number}/record/", {"purpose": "oversight"}
    )
    assert refused.status_code == 400
    assert "Haddad" not in refused.content.decode()


def test_ali_opens_one_entry_with_a_proof_that_checks_out(
    ali: User, olu: User, amal_case: Registration
) -> None:
    tree.sign_tree_head()
    read = olus_read(amal_case, olu)
    client = client_for(ali)

    asked = client.get(f"/audit/entries/{read.pk}/").content.decode()
    assert 'name="purpose"' in asked  # an entry about a person: why first
    assert "canonical" not in asked
    assert not AuditEntry.objects.filter(object_type="audit_entry").exists()

    opened = client.post(f"/audit/entries/{read.pk}/", {"purpose": "oversight"})
    assert opened.status_code == 200
    html = opened.content.decode()
    assert 'data-ok="true"' in html
    assert tree.entry_bytes(read).decode().replace('"', "&quot;") in html
    assert re.search(r'<ol id="audit-path">', html)
    [look] = AuditEntry.objects.filter(object_type="audit_entry")
    assert (look.subject_id, look.object_id, look.purpose) == (
        amal_case.person_id,
        str(read.pk),
        "oversight",
    )


def test_a_system_entry_opens_without_a_purpose_and_a_new_one_waits_for_the_tree(
    ali: User,
) -> None:
    head = tree.sign_tree_head(force=True)
    signing = AuditEntry.objects.filter(object_type="tree_head").latest("id")
    html = client_for(ali).get(f"/audit/entries/{signing.pk}/").content.decode()
    assert f'"tree_size":{head.tree_size}' in html.replace("&quot;", '"')
    assert "enters at the next signing" in html  # the head's own entry is sealed next time


def test_verify_now_checks_the_whole_log_in_the_background(
    ali: User, amal_case: Registration, committed: Committed
) -> None:
    tree.sign_tree_head()
    client = client_for(ali)
    with committed():
        started = client.post("/audit/verifications/")
    assert started.status_code == 302
    check = AuditVerification.objects.get()
    assert started["Location"] == f"/audit/verifications/{check.id}/"
    assert check.state == VerificationState.INTACT
    assert check.checked == check.total > 0
    assert check.heads_checked == 1

    page = client.get(started["Location"]).content.decode()
    assert 'id="check-outcome"' in page
    assert "Intact:" in page
    progress = client.get(f"/audit/verifications/{check.id}/progress/").json()
    assert progress["finished"] is True
    assert progress["done"] == progress["total"]
    # Asking and the outcome are in the log, on the system chain.
    logged = AuditEntry.objects.filter(object_type="audit_verification").order_by("id")
    assert [(e.action, e.subject_id) for e in logged] == [("create", None), ("update", None)]
    assert logged[1].detail["state"] == "intact"


def test_one_check_at_a_time(ali: User, priya: User) -> None:
    waiting = AuditVerification.objects.create(requested_by=priya)
    response = client_for(ali).post("/audit/verifications/")
    assert response["Location"] == f"/audit/verifications/{waiting.id}/"
    assert AuditVerification.objects.count() == 1
    page = client_for(ali).get(response["Location"]).content.decode()
    assert 'data-progress-url="/audit/verifications/' in page
    assert "registry/progress.js" in page
    assert '<noscript><meta http-equiv="refresh"' in page


def test_verify_now_names_the_entry_someone_rewrote(
    ali: User, olu: User, amal_case: Registration, committed: Committed
) -> None:
    tree.sign_tree_head()
    read = olus_read(amal_case, olu)
    with connection.cursor() as cursor:  # an attacker with the database's DDL rights
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_entry_no_update")
    AuditEntry.objects.filter(pk=read.pk).update(purpose="duplicate-resolution")
    with committed():
        response = client_for(ali).post("/audit/verifications/")
    check = AuditVerification.objects.get()
    assert check.state == VerificationState.BROKEN
    assert check.problem_entry_id == read.pk
    page = client_for(ali).get(response["Location"]).content.decode()
    assert f"Open entry {read.pk}" in page
