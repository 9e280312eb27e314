"""Console pages for officers and supervisors. Each view: authorize, call one query or
service, render. `console_page` sends the anonymous to sign in and staff without a
second factor to the authenticator step; every other refusal is authorize()'s."""

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from apps.accounts.models import User
from apps.accounts.permissions import STAFF_ROLES, Permission
from apps.accounts.policies import authorize
from apps.console import queries, services
from apps.console.dashboard import dashboard as dashboard_figures
from apps.console.decorators import console_page
from apps.console.display import addresses_for_reading, answers_by_section
from apps.console.forms import (
    AssignForm,
    CodeForm,
    DecisionForm,
    DepartureForm,
    InterviewForm,
    PurposeForm,
    QueueFilterForm,
    SearchForm,
    show_errors,
)
from apps.console.pages import case_page, dashboard_charts, qr_code_svg, safe_next
from apps.programs.loader import get_program
from apps.registrations import casework
from apps.registrations.access import StatedPurpose
from apps.registrations.models import Registration
from apps.registrations.reasons import Decision
from registry.errors import DomainError


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


@require_GET
@console_page
def queue(request: HttpRequest) -> HttpResponse:
    """One queue (a state, optionally an office and an assignee), oldest first."""
    user = authorize(request.user, Permission.CASE_QUEUE_READ)
    form = QueueFilterForm(request.GET)
    offices = queries.office_choices()
    if not form.is_valid():
        context = {"form": form, "rows": None, "offices": offices}
        return render(request, "console/queue.html", context, status=400)
    page = queries.queue_page(
        user, form.filters(), after=form.cleaned_data["after"], today=timezone.localdate()
    )
    next_query = ""
    if page.next_cursor:
        query = request.GET.copy()
        query["after"] = page.next_cursor
        next_query = query.urlencode()
    first_query = request.GET.copy()
    first_query.pop("after", None)
    return render(
        request,
        "console/queue.html",
        {
            "form": form,
            "offices": offices,
            "rows": page.rows,
            "next_query": next_query,
            "first_query": first_query.urlencode(),
            "paged": form.cleaned_data["after"] is not None,
        },
    )


@require_http_methods(["GET", "POST"])
@console_page
def search(request: HttpRequest) -> HttpResponse:
    """Exact search: by case number, or through the blind index by name and birth date
    or by document number. Shows case rows only, never a name. Posted, not sent in the
    address, so names stay out of access logs, browser history and Referer headers."""
    authorize(request.user, Permission.CASE_QUEUE_READ)
    form = SearchForm(request.POST or None)
    results = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            results = _search(form.cleaned_data)
        else:
            status = 400
    return render(request, "console/search.html", {"form": form, "results": results}, status=status)


def _search(data: dict[str, object]) -> list[queries.CaseRow]:
    today = timezone.localdate()
    if data["kind"] == "case":
        return queries.find_by_case_number(str(data["case_number"]), today=today)
    if data["kind"] == "document":
        return queries.find_by_document(str(data["document_number"]), today=today)
    if data["kind"] == "reference":
        return queries.find_by_appointment_reference(
            str(data["appointment_reference"]), today=today
        )
    return queries.find_by_name_and_birth(
        str(data["family_name"]),
        str(data["given_names"]),
        cast(dt.date, data["birth_date"]),  # the form made it a date
        today=today,
    )


@require_GET
@console_page
def case(request: HttpRequest, case_number: str) -> HttpResponse:
    """A case without personal data: where it stands, its history, and the forms to
    state a purpose and to work the case."""
    user = authorize(request.user, Permission.CASE_QUEUE_READ)
    return case_page(request, user, queries.case_or_404(case_number))


@require_http_methods(["GET", "POST"])
@console_page
def record(request: HttpRequest, case_number: str) -> HttpResponse:
    """The person's record, opened for a stated purpose; the read is logged with it.
    Before a valid purpose, the page shows the case number and the purpose form only."""
    user = authorize(request.user, Permission.PERSON_READ_ANY)
    registration = queries.case_or_404(case_number)
    program = get_program(registration.program)
    language = _language()
    form = PurposeForm(program, language, request.POST or None)
    status = 200
    opened = None
    if form.is_bound:
        status = 400
        if form.is_valid():
            purpose = StatedPurpose(form.cleaned_data["purpose"], form.cleaned_data["reference"])
            try:
                opened = services.open_case(user, registration, purpose)
                status = 200
            except DomainError as error:
                show_errors(form, error)
                status = error.status
    context: dict[str, Any] = {"registration": registration, "form": form, "opened": None}
    if opened is not None:
        stated = program.purpose(form.cleaned_data["purpose"])
        context.update(
            opened=[
                {
                    **item,
                    "sections": answers_by_section(
                        program, item["form"], language, for_child=item["for_child"]
                    ),
                }
                for item in opened.registrations
            ],
            notes=opened.notes,
            reporting_days=casework.ADDRESS_REPORTING_DAYS,
            addresses=addresses_for_reading(
                program, _form_of(opened.registrations, registration), opened.moves, language
            ),
            purpose_label=program.text(stated.label, language) if stated else "",
            legal_basis=stated.legal_basis if stated else "",
        )
    return render(request, "console/record.html", context, status=status)


def _form_of(opened: list[dict[str, Any]], registration: Registration) -> dict[str, Any]:
    """This case's filing among the person's opened registrations."""
    mine = [item for item in opened if item["case_number"] == registration.case_number]
    return dict((mine or opened or [{"form": {}}])[0]["form"] or {})


def _act(
    request: HttpRequest,
    user: User,
    registration: Registration,
    form: forms.Form,
    *,
    shown_as: dict[str, Any],
    action: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Run one casework action from a bound form: back to the case page with the
    form's errors (400, or the refusal's own status), or on to it with `done`.
    `shown_as` names the case page's slot for the bound form."""
    if not form.is_valid():
        return case_page(request, user, registration, status=400, **shown_as)
    try:
        action(form.cleaned_data)
    except DomainError as error:
        show_errors(form, error)
        return case_page(request, user, registration, status=error.status, **shown_as)
    messages.success(request, done)
    return redirect("console:case", case_number=registration.case_number)


@require_POST
@console_page
def interview(request: HttpRequest, case_number: str) -> HttpResponse:
    """The appointment: the identity document was checked; the notes are sealed. The
    case stays where it is until the photo and fingerprints are taken."""
    user = authorize(request.user, Permission.CASE_DECIDE)
    registration = queries.case_or_404(case_number)
    form = InterviewForm(request.POST)
    return _act(
        request,
        user,
        registration,
        form,
        shown_as={"interview_form": form},
        action=lambda data: services.record_appointment(
            user, registration, notes=data["notes"], document_checked=data["document_checked"]
        ),
        done=_("The appointment was recorded."),
    )


@require_POST
@console_page
def decide(request: HttpRequest, case_number: str) -> HttpResponse:
    """Register, request evidence or reject; against the registrant, with a reason
    they can read."""
    user = authorize(request.user, Permission.CASE_DECIDE)
    registration = queries.case_or_404(case_number)
    try:
        decision = Decision(request.POST.get("decision", ""))
    except ValueError:  # the decision is the button's hidden field: only a forged post lacks it
        return case_page(request, user, registration, status=400)
    form = DecisionForm(decision, request.POST)
    return _act(
        request,
        user,
        registration,
        form,
        shown_as={"decision_forms": {decision: form}},
        action=lambda data: casework.decide(
            user,
            registration,
            decision=decision,
            reason_code=data["reason_code"],
            note=data["note"],
        ),
        done=_("The decision was recorded."),
    )


@require_POST
@console_page
def assign(request: HttpRequest, case_number: str) -> HttpResponse:
    """Give the case to an officer, or back to the shared queue."""
    user = authorize(request.user, Permission.CASE_ASSIGN)
    registration = queries.case_or_404(case_number)
    form = AssignForm(request.POST)
    return _act(
        request,
        user,
        registration,
        form,
        shown_as={"assign_form": form},
        action=lambda data: casework.assign(user, registration, officer=data["officer"]),
        done=_("The case was assigned."),
    )


@require_POST
@console_page
def departure(request: HttpRequest, case_number: str) -> HttpResponse:
    """An officer at a port records that the registrant left."""
    user = authorize(request.user, Permission.DEPARTURE_RECORD_ANY)
    registration = queries.case_or_404(case_number)
    form = DepartureForm(request.POST)
    return _act(
        request,
        user,
        registration,
        form,
        shown_as={"departure_form": form},
        action=lambda data: casework.record_departure(
            user, registration, departed_on=data["departed_on"], port=data["port"]
        ),
        done=_("The departure was recorded."),
    )


@require_GET
@console_page
def dashboard(request: HttpRequest) -> HttpResponse:
    """Backlog, overdue cases and throughput per office, as numbers and as charts."""
    authorize(request.user, Permission.CASE_DASHBOARD_READ)
    office = request.GET.get("office", "").strip()[:32]
    figures = dashboard_figures(timezone.localdate(), office_code=office)
    return render(
        request, "console/dashboard.html", {"figures": figures, **dashboard_charts(figures)}
    )


@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """The staff sign-in's second step, after the password. Not permissioned, like the
    sign-in page: `authorize` refuses staff until this step is passed, so this view
    checks only that someone on the staff is signed in. A member of staff without a
    confirmed authenticator enrols one (QR code and key, then a code); one with an
    authenticator gives a code from it."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not isinstance(user, User) or user.role_enum not in STAFF_ROLES:
        raise PermissionDenied(_("The authenticator step is for staff accounts."))
    next_url = safe_next(request, user)
    if getattr(user, "is_verified", lambda: False)():  # set by django-otp's middleware
        return redirect(next_url)
    device = services.confirmed_device(user)
    enrolling = device is None
    device = device or services.pending_device(user)
    form = CodeForm(request.POST or None)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            result = services.check_code(user, device, form.cleaned_data["code"])
            if result.outcome is services.CodeCheck.ACCEPTED:
                otp_login(request, result.device)
                return redirect(next_url)
            if result.outcome is services.CodeCheck.THROTTLED:
                status = 429
                form.add_error(
                    "code",
                    ngettext(
                        "Too many wrong codes. Wait %(seconds)d second, then try again.",
                        "Too many wrong codes. Wait %(seconds)d seconds, then try again.",
                        result.wait_seconds,
                    )
                    % {"seconds": result.wait_seconds},
                )
            else:
                form.add_error("code", _("This code is not right. Check the app and retry."))
    context = {"form": form, "enrolling": enrolling, "next": next_url}
    if enrolling:
        context["qr_svg"] = qr_code_svg(device.config_url)
        context["secret"] = services.secret_for_display(device)
    return render(request, "console/second_factor.html", context, status=status)
