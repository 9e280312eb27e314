"""Every rights page and endpoint, for every role: allowed roles get through, the
others are refused (403, or 404 for someone else's case). A new route must be listed
here; `test_every_route_is_listed` fails when one is not."""

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts.permissions import Permission, Role, roles_with
from apps.audit.models import AuditEntry
from apps.rights import redress, services, urls
from apps.rights.api import router
from apps.rights.evidence import Evidence
from apps.rights.tests.conftest import file_for
from conftest import client_for, make_user
from tests.matrix import call, fill, unlisted_operations, unlisted_pages

pytestmark = pytest.mark.django_db

P = Permission
SEE = P.SUBJECT_ACCESS_OWN
PNG = Evidence(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, "image/png")
IN_A_MONTH = (dt.date.today() + dt.timedelta(days=30)).isoformat()  # noqa: DTZ011
HOLD = {"reason": "Ongoing inquiry under DSA-7.", "ends_on": IN_A_MONTH}
DECISION = {"outcome": "refused", "reason_code": "record-matches-documents"}
COMPLAINT_DECISION = {"outcome": "refused", "reason_code": "complaint-not-upheld"}
NOT_CONFIRMED = {"confirmed": "0", "reason_code": "citizenship-not-established"}

# (name, method, path template, permission, body template)
# {case}: the owner's case with a correction, complaint, claim and hold;
# {fresh}: another case of the owner's, without a claim.
ROUTES: list[tuple[str, str, str, Any, Any]] = [
    ("overview page", "get", "/my/rights/", SEE, None),
    ("export json page", "get", "/my/rights/cases/{case}/data.json", SEE, None),
    ("export pdf page", "get", "/my/rights/cases/{case}/data.pdf", SEE, None),
    (
        "correction page",
        "get",
        "/my/rights/cases/{case}/correction/",
        P.CORRECTION_REQUEST_OWN,
        None,
    ),
    (
        "ask correction page",
        "post",
        "/my/rights/cases/{case}/correction/",
        P.CORRECTION_REQUEST_OWN,
        {"field_name": "birth_country", "proposed_value": "LY"},
    ),
    ("complaint page", "get", "/my/rights/cases/{case}/complaint/", P.COMPLAINT_FILE_OWN, None),
    (
        "file complaint page",
        "post",
        "/my/rights/cases/{case}/complaint/",
        P.COMPLAINT_FILE_OWN,
        {"text": "Nobody answered."},
    ),
    ("claim page", "get", "/my/rights/cases/{fresh}/citizenship/", P.CITIZENSHIP_CLAIM_OWN, None),
    (
        "claim on page",
        "post",
        "/my/rights/cases/{fresh}/citizenship/",
        P.CITIZENSHIP_CLAIM_OWN,
        {"statement": "Born in Paterson."},
    ),
    ("corrections queue", "get", "/console/rights/corrections/", P.CORRECTION_DECIDE, None),
    ("correction", "get", "/console/rights/corrections/{correction}/", P.CORRECTION_DECIDE, None),
    (
        "decide correction page",
        "post",
        "/console/rights/corrections/{correction}/",
        P.CORRECTION_DECIDE,
        DECISION,
    ),
    (
        "correction evidence",
        "get",
        "/console/rights/corrections/{correction}/evidence/",
        P.CORRECTION_DECIDE,
        None,
    ),
    ("complaints queue", "get", "/console/rights/complaints/", P.COMPLAINT_DECIDE, None),
    ("complaint", "get", "/console/rights/complaints/{complaint}/", P.COMPLAINT_DECIDE, None),
    (
        "decide complaint page",
        "post",
        "/console/rights/complaints/{complaint}/",
        P.COMPLAINT_DECIDE,
        COMPLAINT_DECISION,
    ),
    (
        "complaint evidence",
        "get",
        "/console/rights/complaints/{complaint}/evidence/",
        P.COMPLAINT_DECIDE,
        None,
    ),
    ("escalated page", "get", "/console/rights/escalated/", P.REDRESS_ESCALATED_READ, None),
    ("holds page", "get", "/console/rights/holds/?case={case}", P.DISCLOSURE_HOLD_PLACE, None),
    (
        "place hold page",
        "post",
        "/console/rights/holds/",
        P.DISCLOSURE_HOLD_PLACE,
        {"case_number": "{case}", "entry_ids": "{entry}", **HOLD},
    ),
    (
        "renew hold page",
        "post",
        "/console/rights/holds/{hold}/renewal/",
        P.DISCLOSURE_HOLD_PLACE,
        {"reason": "Still open: new lead.", "ends_on": IN_A_MONTH},
    ),
    ("end hold page", "post", "/console/rights/holds/{hold}/end/", P.DISCLOSURE_HOLD_PLACE, {}),
    (
        "record claim page",
        "get",
        "/console/rights/cases/{fresh}/citizenship/",
        P.CITIZENSHIP_CLAIM_RECORD,
        None,
    ),
    (
        "record claim on page",
        "post",
        "/console/rights/cases/{fresh}/citizenship/",
        P.CITIZENSHIP_CLAIM_RECORD,
        {"statement": "Showed a US passport."},
    ),
    ("claims page", "get", "/console/rights/claims/", P.CITIZENSHIP_CLAIM_RESOLVE, None),
    (
        "claim page (staff)",
        "get",
        "/console/rights/claims/{claim}/",
        P.CITIZENSHIP_CLAIM_RESOLVE,
        None,
    ),
    (
        "resolve claim page",
        "post",
        "/console/rights/claims/{claim}/",
        P.CITIZENSHIP_CLAIM_RESOLVE,
        NOT_CONFIRMED,
    ),
    (
        "claim evidence",
        "get",
        "/console/rights/claims/{claim}/evidence/",
        P.CITIZENSHIP_CLAIM_RESOLVE,
        None,
    ),
    ("subject access api", "get", "/api/v1/me/subject-access/{case}", SEE, None),
    ("my requests api", "get", "/api/v1/me/requests", SEE, None),
    (
        "correction api",
        "post-json",
        "/api/v1/corrections",
        P.CORRECTION_REQUEST_OWN,
        {"case_number": "{case}", "field_name": "birth_country", "proposed_value": "LY"},
    ),
    (
        "complaint api",
        "post-json",
        "/api/v1/complaints",
        P.COMPLAINT_FILE_OWN,
        {"case_number": "{case}", "text": "Nobody answered."},
    ),
    ("open corrections api", "get", "/api/v1/redress/corrections", P.CORRECTION_DECIDE, None),
    ("open complaints api", "get", "/api/v1/redress/complaints", P.COMPLAINT_DECIDE, None),
    ("escalated api", "get", "/api/v1/redress/escalated", P.REDRESS_ESCALATED_READ, None),
    (
        "decide correction api",
        "post-json",
        "/api/v1/corrections/{correction}/decision",
        P.CORRECTION_DECIDE,
        DECISION,
    ),
    (
        "decide complaint api",
        "post-json",
        "/api/v1/complaints/{complaint}/decision",
        P.COMPLAINT_DECIDE,
        COMPLAINT_DECISION,
    ),
    (
        "own claim api",
        "post-json",
        "/api/v1/citizenship-claims",
        P.CITIZENSHIP_CLAIM_OWN,
        {"case_number": "{fresh}", "statement": "Born in Paterson."},
    ),
    (
        "record claim api",
        "post-json",
        "/api/v1/cases/{fresh}/citizenship-claims",
        P.CITIZENSHIP_CLAIM_RECORD,
        {"statement": "Showed a US passport."},
    ),
    (
        "resolve claim api",
        "post-json",
        "/api/v1/citizenship-claims/{claim}/resolution",
        P.CITIZENSHIP_CLAIM_RESOLVE,
        {"confirmed": False, "reason_code": "citizenship-not-established"},
    ),
    (
        "place hold api",
        "post-json",
        "/api/v1/holds",
        P.DISCLOSURE_HOLD_PLACE,
        {"case_number": "{case}", "entry_ids": ["{entry}"], **HOLD},
    ),
    (
        "renew hold api",
        "post-json",
        "/api/v1/holds/{hold}/renewal",
        P.DISCLOSURE_HOLD_PLACE,
        {"reason": "Still open: new lead.", "ends_on": IN_A_MONTH},
    ),
    ("end hold api", "post-json", "/api/v1/holds/{hold}/end", P.DISCLOSURE_HOLD_PLACE, None),
]
OWN = {
    P.SUBJECT_ACCESS_OWN,
    P.CORRECTION_REQUEST_OWN,
    P.COMPLAINT_FILE_OWN,
    P.CITIZENSHIP_CLAIM_OWN,
}


def fixtures_for(role: Role) -> tuple[Client, dict[str, Any]]:
    """A user of `role` and, for a registrant, cases of their own; otherwise someone
    else's, which an own-scope permission must not reach."""
    user = make_user(role, f"{role.value}-{uuid.uuid4().hex[:6]}")
    owner = (
        user
        if role is Role.REGISTRANT
        else make_user(Role.REGISTRANT, f"owner-{uuid.uuid4().hex[:6]}")
    )
    staff = make_user(Role.SUPERVISOR, f"sup-{uuid.uuid4().hex[:6]}")
    case = file_for(owner)
    fresh = file_for(owner)
    correction = redress.request_correction(
        owner,
        case,
        field_name="birth_city",
        proposed_value="Tripoli",
        explanation="",
        evidence=PNG,
        language="en",
    )
    complaint = redress.file_complaint(
        owner, case, text="Nobody answered.", evidence=PNG, language="en"
    )
    claim = services.record_claim(
        owner, case.person, statement="Born in Paterson.", evidence=PNG, language="en"
    )
    entry = AuditEntry.objects.filter(subject_id=case.person_id).latest("id")
    hold = services.place_hold(
        staff,
        case.person,
        reason="Ongoing inquiry under DSA-7.",
        ends_on=timezone.localdate() + dt.timedelta(days=20),
        reference="DSA-7",
    )
    ids = {
        "case": str(case.case_number),
        "fresh": str(fresh.case_number),
        "correction": str(correction.pk),
        "complaint": str(complaint.pk),
        "claim": str(claim.pk),
        "hold": str(hold.pk),
        "entry": entry.pk,  # an int in JSON bodies, as the API expects
    }
    return client_for(user), ids


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r[0])
def test_route_for_role(route: tuple[str, str, str, Any, Any], role: Role) -> None:
    name, method, template, permission, body = route
    client, ids = fixtures_for(role)
    response = call(client, method, fill(template, ids), fill(body, ids))
    allowed = role in roles_with(permission)
    about_an_object = permission in OWN and "{" in template + json.dumps(body)
    if allowed and (not about_an_object or role is Role.REGISTRANT):
        assert response.status_code < 400, (
            f"{name}: {role} should be allowed, got {response.status_code} {response.content[:300]}"
        )
    elif allowed:
        assert response.status_code == 404, f"{name}: {role} reached someone else's case"
    else:
        assert response.status_code in (403, 404), (
            f"{name}: {role} was not refused ({response.status_code})"
        )


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r[0])
def test_anonymous_visitors_are_refused(route: tuple[str, str, str, Any, Any]) -> None:
    name, method, template, _permission, body = route
    _, ids = fixtures_for(Role.REGISTRANT)
    response = call(Client(), method, fill(template, ids), fill(body, ids))
    assert response.status_code in (401, 403, 302), f"{name}: anonymous got {response.status_code}"


SHAPES = {
    "{case}": "<str:case_number>",
    "{fresh}": "<str:case_number>",
    "{correction}": "<uuid:item_id>",
    "{complaint}": "<uuid:item_id>",
    "{claim}": "<uuid:claim_id>",
    "{hold}": "<int:hold_id>",
}
API_SHAPES = {
    "{case}": "{case_number}",
    "{fresh}": "{case_number}",
    "{correction}": "{item_id}",
    "{complaint}": "{item_id}",
    "{claim}": "{claim_id}",
    "{hold}": "{hold_id}",
}


def test_every_route_is_listed() -> None:
    unlisted = unlisted_pages(urls.urlpatterns, ROUTES, SHAPES)
    assert not unlisted, f"not in ROUTES: {unlisted}"
    unlisted = unlisted_operations(router, ROUTES, API_SHAPES)
    assert not unlisted, f"not in ROUTES: {unlisted}"
