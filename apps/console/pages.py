"""What several console views render the same way: the case page with its work forms,
the dashboard's charts, the enrolment QR code and where to go after the second step."""

from typing import Any

import segno
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.accounts.permissions import STAFF_ROLES, Permission
from apps.console.charts import bar_chart, line_chart
from apps.console.dashboard import Dashboard
from apps.console.forms import (
    AssignForm,
    DecisionForm,
    DepartureForm,
    InterviewForm,
    PurposeForm,
    reasons_as_read,
)
from apps.console.queries import is_overdue, latest_booking
from apps.programs.loader import get_program
from apps.registrations.access import moves_of
from apps.registrations.casework import ADDRESS_REPORTING_DAYS, interview_of
from apps.registrations.models import TRANSITIONS, CaseState, Registration
from apps.registrations.reasons import Decision, reason_for_reader

DECISIONS = [
    (Decision.REGISTER, CaseState.REGISTERED, _("Register")),
    (Decision.REQUEST_EVIDENCE, CaseState.EVIDENCE_REQUESTED, _("Request evidence")),
    (Decision.REJECT, CaseState.REJECTED, _("Reject")),
]
STAFF_ROLE_CODES = {role.value for role in STAFF_ROLES}
AT_APPOINTMENT = (CaseState.BIOMETRICS_SCHEDULED, CaseState.BIOMETRICS_CAPTURED)
CHART_SERIES = [_("Open cases"), _("Overdue"), _("Decided")]


def case_page(
    request: HttpRequest,
    user: User,
    registration: Registration,
    *,
    status: int = 200,
    interview_form: InterviewForm | None = None,
    decision_forms: dict[Decision, DecisionForm] | None = None,
    assign_form: AssignForm | None = None,
    departure_form: DepartureForm | None = None,
) -> HttpResponse:
    """The case page: no personal data, only what the caller's role may act on. A form
    passed in (bound, with errors) replaces the blank one."""
    state = registration.state
    moves = TRANSITIONS[state]
    language = get_language() or settings.LANGUAGE_CODE
    can_decide = user.has_registry_permission(Permission.CASE_DECIDE)
    interview = interview_of(registration)
    context: dict[str, Any] = {
        "registration": registration,
        "overdue": is_overdue(state, registration.due_on, timezone.localdate()),
        "history": _history(registration),
        "can_read": user.has_registry_permission(Permission.PERSON_READ_ANY),
        "purpose_form": PurposeForm(get_program(registration.program), language),
        "booking": latest_booking(registration),
        "interview": interview,
        # A bound form comes back with its errors even when the case moved meanwhile.
        "interview_form": interview_form
        or (InterviewForm() if can_decide and state in AT_APPOINTMENT and not interview else None),
        # Dates and lateness only: the addresses open with the record, for a purpose.
        "address_moves": moves_of(registration.person),
        "reporting_days": ADDRESS_REPORTING_DAYS,
        "decisions": [
            {
                "decision": decision.value,
                "label": label,
                "form": (decision_forms or {}).get(decision) or DecisionForm(decision),
                "needs_reason": decision is not Decision.REGISTER,
            }
            for decision, target, label in DECISIONS
            if can_decide and target in moves
        ],
        "assign_form": (assign_form or AssignForm(initial={"officer": registration.assigned_to}))
        if user.has_registry_permission(Permission.CASE_ASSIGN) and moves
        else None,
        "departure_form": (departure_form or DepartureForm())
        if user.has_registry_permission(Permission.DEPARTURE_RECORD_ANY)
        and CaseState.DEPARTED in moves
        else None,
        "registrant_language": dict(settings.LANGUAGES).get(
            registration.language, registration.language
        ),
        "reasons": reasons_as_read(registration.language),
    }
    return render(request, "console/case.html", context, status=status)


def _history(registration: Registration) -> list[dict[str, Any]]:
    """Each move with its reason in the officer's language. Staff are named by their
    account; the registrant only by role (their e-mail address is personal data)."""
    return [
        {
            "transition": t,
            "reason": reason_for_reader(t.reason)[0],
            "by": t.actor.get_username()
            if t.actor is not None and t.actor_role in STAFF_ROLE_CODES
            else "",
        }
        for t in registration.transitions.select_related("actor")
    ]


def dashboard_charts(figures: Dashboard) -> dict[str, Any]:
    offices = figures.offices
    return {
        "office_chart": bar_chart(
            [o.office_code or "—" for o in offices],
            [
                [o.backlog for o in offices],
                [o.overdue for o in offices],
                [o.decided for o in offices],
            ],
        ),
        "series": list(zip(CHART_SERIES, ("#0b5cad", "#b42318", "#1a7f37"), strict=True)),
        "daily_chart": line_chart(
            [(formats.date_format(day, "j M"), count) for day, count in figures.daily]
        ),
    }


def qr_code_svg(uri: str) -> SafeString:
    """The otpauth:// URI as an inline SVG QR code, drawn here: no image request, and
    the key never leaves the page."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, title=str(_("Authenticator QR code")))
    return mark_safe(svg)  # noqa: S308 - segno's own markup; the URI is ours, not user input


def safe_next(request: HttpRequest, user: User) -> str:
    """Where the second step sends the user: the page they came from (on this site), or
    their starting page."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    if user.has_registry_permission(Permission.CASE_QUEUE_READ):
        return reverse("console:queue")
    return reverse("home")
