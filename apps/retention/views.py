"""Retention pages for the privacy officer (and, read-only, the auditor and the
administrator): runs with their dry-run list and progress, the approval of a large run,
a manual expungement on a ground, a receipt. Each view: authorize, call one service,
render."""

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.permissions import Permission
from apps.accounts.policies import authorize
from apps.console.decorators import console_page
from apps.console.forms import show_errors
from apps.registrations.models import Registration
from apps.retention import runs, services
from apps.retention.forms import DryRunForm, ExpungeForm
from apps.retention.models import Expungement, RetentionRun, RunState
from registry.errors import DomainError

PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
@console_page
def runs_page(request: HttpRequest) -> HttpResponse:
    """Recent runs; a privacy officer may start a dry run of one program here."""
    user = authorize(request.user, Permission.RETENTION_READ)
    form = DryRunForm(request.POST or None)
    if request.method == "POST":
        authorize(user, Permission.RETENTION_APPROVE)
        if form.is_valid():
            run = runs.plan_run(form.cleaned_data["program"], dry_run=True)
            return redirect("retention:run", run_id=run.id)
    recent = RetentionRun.objects.defer("items")[:PAGE_SIZE]
    status = 400 if form.is_bound else 200
    return render(request, "retention/runs.html", {"runs": recent, "form": form}, status=status)


@require_GET
@console_page
def run_page(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    """One run: its list (person ids, case numbers, grounds), its counts, its progress
    (the page reloads itself while the run runs), and the approval when it waits."""
    authorize(request.user, Permission.RETENTION_READ)
    run = get_object_or_404(RetentionRun, pk=run_id)
    context = {
        "run": run,
        "items": run.items[:1000],
        "refresh": run.state in (RunState.APPROVED, RunState.RUNNING),
        "awaiting": run.state == RunState.AWAITING_APPROVAL,
    }
    return render(request, "retention/run.html", context)


@require_POST
@console_page
def approve(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    """A privacy officer approves a run that waits; it starts in the background."""
    user = authorize(request.user, Permission.RETENTION_APPROVE)
    run = get_object_or_404(RetentionRun, pk=run_id)
    try:
        runs.approve_run(user, run.id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The run was approved and has started."))
    return redirect("retention:run", run_id=run.id)


@require_http_methods(["GET", "POST"])
@console_page
def expunge(request: HttpRequest) -> HttpResponse:
    """Expunge one person at once on a ground (naturalisation, confirmed citizenship,
    unlawful storage, a court order); shows the signed receipt."""
    user = authorize(request.user, Permission.PERSON_KEY_DESTROY)
    form = ExpungeForm(request.POST or None)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            case = Registration.objects.filter(case_number=form.cleaned_data["case_number"]).first()
            if case is None:
                form.add_error("case_number", _("No case has this number."))
            else:
                try:
                    receipt = services.expunge_person(
                        user, case.person_id, ground=form.cleaned_data["ground"]
                    )
                except DomainError as error:
                    show_errors(form, error)
                    status = error.status
                else:
                    messages.success(request, _("The person was expunged."))
                    return redirect("retention:receipt", receipt_id=receipt.receipt_id)
    return render(request, "retention/expunge.html", {"form": form}, status=status)


@require_GET
@console_page
def receipt_page(request: HttpRequest, receipt_id: uuid.UUID) -> HttpResponse:
    """A receipt and its signature check; ?download gives the JSON to hand over."""
    authorize(request.user, Permission.RETENTION_READ)
    receipt = services.receipt_of(get_object_or_404(Expungement, pk=receipt_id))
    if "download" in request.GET:
        response = HttpResponse(receipt.to_json(), content_type="application/json")
        filename = f"expungement-{receipt.receipt_id}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    context = {"receipt": receipt, "valid": receipt.verify(), "json": receipt.to_json()}
    return render(request, "retention/receipt.html", context)
