"""The person's own pages: download everything held about them, ask for a correction,
file a complaint, record a citizenship claim, and see the outcomes. Each view:
authorize, call one service, render."""

import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.permissions import Permission
from apps.accounts.policies import authorize
from apps.programs.loader import get_program
from apps.registrations.access import persons_of
from apps.registrations.lookups import case_for
from apps.registrations.models import Registration
from apps.rights import access, redress, services
from apps.rights.evidence import check_evidence
from apps.rights.forms import (
    ClaimForm,
    ComplaintForm,
    CorrectionForm,
    evidence_bytes,
    parse_value,
)
from apps.rights.pdf import render_pdf
from apps.rights.queries import requests_of
from registry.errors import DomainError


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


def _refusal(error: DomainError) -> HttpResponse:
    return HttpResponse(
        error.message, status=error.status, content_type="text/plain; charset=utf-8"
    )


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """The person's filed cases, with what they can ask for, and every request's
    outcome with its reason in their language."""
    user = authorize(request.user, Permission.SUBJECT_ACCESS_OWN)
    persons = persons_of(user)
    cases = (
        Registration.objects.filter(person__in=persons, case_number__isnull=False)
        .select_related("person")
        .order_by("-submitted_at")
    )
    context = {"cases": cases, **requests_of(list(persons.values_list("id", flat=True)))}
    return render(request, "rights/overview.html", context)


@require_GET
def export_json(request: HttpRequest, case_number: str) -> HttpResponse:
    """Everything held about the person of this case, decrypted, as JSON; logged."""
    user, registration = case_for(request.user, Permission.SUBJECT_ACCESS_OWN, case_number)
    try:
        export = access.export_subject_access(user, registration.person, fmt="json")
    except DomainError as error:  # an erased record: nothing personal is left to show
        return _refusal(error)
    response = HttpResponse(
        json.dumps(export, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="my-record-{case_number}.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def export_pdf(request: HttpRequest, case_number: str) -> HttpResponse:
    """The same export as a readable PDF; logged."""
    user, registration = case_for(request.user, Permission.SUBJECT_ACCESS_OWN, case_number)
    try:
        export = access.export_subject_access(user, registration.person, fmt="pdf")
    except DomainError as error:
        return _refusal(error)
    response = HttpResponse(render_pdf(export), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="my-record-{case_number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _form_page(
    request: HttpRequest,
    form: forms.Form,
    registration: Registration,
    *,
    template: str,
    act: Callable[[dict[str, Any]], object],
    received: str,
) -> HttpResponse:
    """A request page: a bound, valid form is handed to `act`; a DomainError lands on
    the form (4xx, nothing written), success says `received` and goes back to the
    overview."""
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                act(form.cleaned_data)
            except DomainError as error:
                error.add_to_form(form)
                status = error.status
            else:
                messages.success(request, received)
                return redirect("rights:overview")
    context = {"form": form, "registration": registration}
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def request_correction(request: HttpRequest, case_number: str) -> HttpResponse:
    """Choose a field of the form, say what it should say, add evidence."""
    user, registration = case_for(request.user, Permission.CORRECTION_REQUEST_OWN, case_number)
    form = CorrectionForm(
        redress.correctable_fields(registration), request.POST or None, request.FILES or None
    )

    def act(data: dict[str, Any]) -> object:
        spec = get_program(registration.program).form.field(data["field_name"])
        return redress.request_correction(
            user,
            registration,
            field_name=data["field_name"],
            proposed_value=parse_value(spec.type if spec else "", data["proposed_value"]),
            explanation=data["explanation"],
            evidence=check_evidence(evidence_bytes(form)),
            language=_language(),
        )

    received = _("Your request was received. You will see the outcome here.")
    return _form_page(
        request, form, registration, template="rights/correction.html", act=act, received=received
    )


@require_http_methods(["GET", "POST"])
def file_complaint(request: HttpRequest, case_number: str) -> HttpResponse:
    """Say what went wrong with the record or the case."""
    user, registration = case_for(request.user, Permission.COMPLAINT_FILE_OWN, case_number)
    form = ComplaintForm(request.POST or None, request.FILES or None)

    def act(data: dict[str, Any]) -> object:
        return redress.file_complaint(
            user,
            registration,
            text=data["text"],
            evidence=check_evidence(evidence_bytes(form)),
            language=_language(),
        )

    received = _("Your complaint was received. You will see the outcome here.")
    return _form_page(
        request, form, registration, template="rights/complaint.html", act=act, received=received
    )


@require_http_methods(["GET", "POST"])
def claim_citizenship(request: HttpRequest, case_number: str) -> HttpResponse:
    """Record a claim of US citizenship: nothing about the person leaves the registry
    and no decision against them is taken until the privacy officer resolves it."""
    user, registration = case_for(request.user, Permission.CITIZENSHIP_CLAIM_OWN, case_number)
    form = ClaimForm(request.POST or None, request.FILES or None)

    def act(data: dict[str, Any]) -> object:
        return services.record_claim(
            user,
            registration.person,
            statement=data["statement"],
            evidence=check_evidence(evidence_bytes(form)),
            language=_language(),
        )

    received = _("Your claim was recorded.")
    return _form_page(
        request, form, registration, template="rights/claim.html", act=act, received=received
    )
