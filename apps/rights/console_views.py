"""Staff pages of the rights app, in the console: the correction and complaint queues
and decisions, the privacy officer's escalations and citizenship claims, and a
supervisor's law-enforcement holds. Each view: authorize, call one service, render."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.models import User
from apps.accounts.permissions import Permission
from apps.accounts.policies import authorize
from apps.audit.models import AuditEntry
from apps.console.decorators import console_page
from apps.console.forms import show_errors
from apps.console.queries import case_or_404
from apps.programs.loader import get_program
from apps.rights import access, queries, redress, services
from apps.rights.evidence import check_evidence
from apps.rights.forms import (
    ClaimForm,
    DecisionForm,
    HoldForm,
    RenewHoldForm,
    ResolveClaimForm,
    evidence_bytes,
    parse_value,
)
from apps.rights.models import CitizenshipClaim, Complaint, CorrectionRequest, DisclosureHold
from apps.rights.reasons import REDRESS_REASONS
from registry.errors import DomainError


@require_GET
@console_page
def corrections(request: HttpRequest) -> HttpResponse:
    """Open correction requests, nearest deadline first."""
    authorize(request.user, Permission.CORRECTION_DECIDE)
    items = [
        {"item": c, "field": queries.field_label(c.person.program, c.field_name)}
        for c in queries.open_corrections()[:200]
    ]
    return render(request, "rights/console/corrections.html", {"items": items})


@require_GET
@console_page
def complaints(request: HttpRequest) -> HttpResponse:
    """Open complaints, nearest deadline first."""
    authorize(request.user, Permission.COMPLAINT_DECIDE)
    items = list(queries.open_complaints()[:200])
    return render(request, "rights/console/complaints.html", {"items": items})


def _decide(
    request: HttpRequest,
    item: CorrectionRequest | Complaint,
    shown: dict[str, Any],
    decide: Callable[[dict[str, Any]], object],
) -> HttpResponse:
    form = DecisionForm(request.POST or None)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                decide(form.cleaned_data)
            except DomainError as error:
                show_errors(form, error)
                status = error.status
            else:
                messages.success(request, _("The decision was recorded."))
                return redirect(request.path)
    context = {
        "item": item,
        "form": form,
        "reasons": [(code, label) for code, (label, _o) in REDRESS_REASONS.items()],
        **shown,
    }
    return render(request, "rights/console/decide.html", context, status=status)


@require_http_methods(["GET", "POST"])
@console_page
def correction(request: HttpRequest, item_id: str) -> HttpResponse:
    """One correction request (its text is opened for "privacy-request" and logged),
    and the decision."""
    user = authorize(request.user, Permission.CORRECTION_DECIDE)
    item = get_object_or_404(CorrectionRequest.objects.select_related("person"), pk=item_id)
    program = get_program(item.person.program)
    spec = program.form.field(item.field_name)
    shown = {
        "kind": "correction",
        "field": queries.field_label(item.person.program, item.field_name),
        "opened": access.read_correction(user, item) if item.is_open else None,
    }
    return _decide(
        request,
        item,
        shown,
        lambda data: redress.decide_correction(
            user,
            item,
            outcome=data["outcome"],
            reason_code=data["reason_code"],
            corrected_value=parse_value(spec.type if spec else "", data["corrected_value"])
            if data["corrected_value"]
            else None,
            note=data["note"],
        ),
    )


@require_http_methods(["GET", "POST"])
@console_page
def complaint(request: HttpRequest, item_id: str) -> HttpResponse:
    """One complaint (opened for "privacy-request" and logged), and the decision."""
    user = authorize(request.user, Permission.COMPLAINT_DECIDE)
    item = get_object_or_404(Complaint.objects.select_related("person"), pk=item_id)
    shown = {
        "kind": "complaint",
        "opened_text": access.read_complaint(user, item) if item.is_open else None,
    }
    return _decide(
        request,
        item,
        shown,
        lambda data: redress.decide_complaint(
            user, item, outcome=data["outcome"], reason_code=data["reason_code"], note=data["note"]
        ),
    )


def _evidence_response(user: User, item: Any) -> HttpResponse:
    opened = access.read_evidence(user, item)
    if opened is None:
        raise Http404(_("No evidence was sent with this request."))
    content, kind = opened
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="evidence-{item.pk}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@console_page
def correction_evidence(request: HttpRequest, item_id: str) -> HttpResponse:
    user = authorize(request.user, Permission.CORRECTION_DECIDE)
    item = get_object_or_404(CorrectionRequest.objects.select_related("person"), pk=item_id)
    return _evidence_response(user, item)


@require_GET
@console_page
def complaint_evidence(request: HttpRequest, item_id: str) -> HttpResponse:
    user = authorize(request.user, Permission.COMPLAINT_DECIDE)
    item = get_object_or_404(Complaint.objects.select_related("person"), pk=item_id)
    return _evidence_response(user, item)


@require_GET
@console_page
def claim_evidence(request: HttpRequest, claim_id: str) -> HttpResponse:
    user = authorize(request.user, Permission.CITIZENSHIP_CLAIM_RESOLVE)
    item = get_object_or_404(CitizenshipClaim.objects.select_related("person"), pk=claim_id)
    return _evidence_response(user, item)


@require_GET
@console_page
def escalated(request: HttpRequest) -> HttpResponse:
    """The privacy officer's list: open requests that passed their deadline."""
    authorize(request.user, Permission.REDRESS_ESCALATED_READ)
    items = [
        {"item": i, "kind": "correction" if isinstance(i, CorrectionRequest) else "complaint"}
        for i in queries.escalated()
    ]
    return render(request, "rights/console/escalated.html", {"items": items})


@require_http_methods(["GET", "POST"])
@console_page
def holds(request: HttpRequest) -> HttpResponse:
    """Active holds, and a form to place one on a person's log (by case number; the
    page lists that person's log entries to choose from)."""
    user = authorize(request.user, Permission.DISCLOSURE_HOLD_PLACE)
    form = HoldForm(request.POST or None, initial={"case_number": request.GET.get("case", "")})
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            registration = case_or_404(form.cleaned_data["case_number"])
            try:
                services.place_hold(
                    user,
                    registration.person,
                    reason=form.cleaned_data["reason"],
                    ends_on=form.cleaned_data["ends_on"],
                    entry_ids=form.cleaned_data["entry_ids"],
                    reference=form.cleaned_data["reference"],
                )
            except DomainError as error:
                show_errors(form, error)
                status = error.status
            else:
                messages.success(request, _("The hold was placed."))
                return redirect("rights:holds")
    entries: list[AuditEntry] = []
    case = request.GET.get("case", "").strip()
    if case:
        person_id = case_or_404(case).person_id
        entries = list(AuditEntry.objects.filter(subject_id=person_id).order_by("-at")[:200])
    active = list(queries.active_holds()[:200])
    numbers = queries.case_numbers_of([h.person_id for h in active])
    context = {
        "form": form,
        "entries": entries,
        "case": case,
        "holds": [{"hold": h, "case_number": numbers.get(h.person_id, "")} for h in active],
        "renew_form": RenewHoldForm(),
    }
    return render(request, "rights/console/holds.html", context, status=status)


@require_POST
@console_page
def renew_hold(request: HttpRequest, hold_id: int) -> HttpResponse:
    user = authorize(request.user, Permission.DISCLOSURE_HOLD_PLACE)
    hold = get_object_or_404(DisclosureHold, pk=hold_id)
    form = RenewHoldForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a new reason and an end date."))
        return redirect("rights:holds")
    try:
        services.renew_hold(
            user, hold, reason=form.cleaned_data["reason"], ends_on=form.cleaned_data["ends_on"]
        )
    except DomainError as error:
        messages.error(request, error.message)
        return _render_refusal(request, error)
    messages.success(request, _("The hold was renewed."))
    return redirect("rights:holds")


def _render_refusal(request: HttpRequest, error: DomainError) -> HttpResponse:
    """A refused POST without its own form: the holds page says why, with the error's
    status."""
    context = {"form": HoldForm(), "entries": [], "case": "", "holds": [], "error": error}
    return render(request, "rights/console/holds.html", context, status=error.status)


@require_POST
@console_page
def end_hold(request: HttpRequest, hold_id: int) -> HttpResponse:
    user = authorize(request.user, Permission.DISCLOSURE_HOLD_PLACE)
    hold = get_object_or_404(DisclosureHold, pk=hold_id)
    services.end_hold(user, hold)
    messages.success(request, _("The hold was lifted: the entries show in the person's log."))
    return redirect("rights:holds")


@require_http_methods(["GET", "POST"])
@console_page
def record_claim(request: HttpRequest, case_number: str) -> HttpResponse:
    """An officer records a claim or evidence of citizenship the person gave them."""
    user = authorize(request.user, Permission.CITIZENSHIP_CLAIM_RECORD)
    registration = case_or_404(case_number)
    form = ClaimForm(request.POST or None, request.FILES or None)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                services.record_claim(
                    user,
                    registration.person,
                    statement=form.cleaned_data["statement"],
                    evidence=check_evidence(evidence_bytes(form)),
                    language=registration.language,
                )
            except DomainError as error:
                show_errors(form, error)
                status = error.status
            else:
                messages.success(request, _("The claim was recorded."))
                return redirect("console:case", case_number=registration.case_number)
    context = {"form": form, "registration": registration}
    return render(request, "rights/console/record_claim.html", context, status=status)


@require_GET
@console_page
def claims(request: HttpRequest) -> HttpResponse:
    """Open citizenship claims, oldest first, for the privacy officer."""
    authorize(request.user, Permission.CITIZENSHIP_CLAIM_RESOLVE)
    items = list(queries.open_claims()[:200])
    numbers = queries.case_numbers_of([c.person_id for c in items])
    rows = [{"claim": c, "case_number": numbers.get(c.person_id, "")} for c in items]
    return render(request, "rights/console/claims.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@console_page
def claim(request: HttpRequest, claim_id: str) -> HttpResponse:
    """One claim (the statement is opened and logged) and the decision."""
    user = authorize(request.user, Permission.CITIZENSHIP_CLAIM_RESOLVE)
    item = get_object_or_404(CitizenshipClaim.objects.select_related("person"), pk=claim_id)
    form = ResolveClaimForm(request.POST or None)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                services.resolve_claim(
                    user,
                    item,
                    confirmed=form.cleaned_data["confirmed"],
                    reason_code=form.cleaned_data["reason_code"],
                )
            except DomainError as error:
                show_errors(form, error)
                status = error.status
            else:
                messages.success(request, _("The claim was resolved."))
                return redirect("rights:claims")
    statement = access.read_claim(user, item) if item.state == "open" else None
    context = {
        "claim": item,
        "form": form,
        "statement": statement,
        "language": get_language(),
        "case_number": queries.case_numbers_of([item.person_id]).get(item.person_id, ""),
    }
    return render(request, "rights/console/claim.html", context, status=status)
