"""Privacy officers' pages for data-sharing agreements: record, approve (a second
officer), change (a new version, approved again) and revoke."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.permissions import Permission
from apps.accounts.policies import authorize
from apps.console.decorators import console_page
from apps.partners import queries, services
from apps.partners.forms import NewAgreementForm, RevokeForm, TermsForm
from apps.partners.models import Agreement, AgreementVersion
from registry.errors import DomainError


@require_GET
@console_page
def agreements(request: HttpRequest) -> HttpResponse:
    authorize(request.user, Permission.AGREEMENT_RECORD)
    return render(request, "partners/agreements.html", {"rows": queries.agreement_rows()})


@require_http_methods(["GET", "POST"])
@console_page
def new_agreement(request: HttpRequest) -> HttpResponse:
    user = authorize(request.user, Permission.AGREEMENT_RECORD)
    form = NewAgreementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.propose(
                user,
                reference=form.cleaned_data["reference"],
                organisation=form.cleaned_data["organisation"],
                terms=form.terms(),
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            return redirect("partners:agreement", reference=version.agreement.reference)
    status = 422 if form.errors else 200
    return render(request, "partners/new.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@console_page
def agreement(request: HttpRequest, reference: str) -> HttpResponse:
    """The agreement, its versions and use; POST proposes new terms (a new version)."""
    user = authorize(request.user, Permission.AGREEMENT_RECORD)
    found = get_object_or_404(Agreement, reference=reference)
    form = TermsForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.propose(
                user, reference=found.reference, organisation=found.organisation, terms=form.terms()
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            return redirect("partners:agreement", reference=found.reference)
    context = {
        "agreement": found,
        "versions": found.versions.all(),
        "usage": found.usage.order_by("-month")[:24],
        "refusals": queries.refusals(found),
        "form": form,
        "revoke_form": RevokeForm(),
        "can_approve": user.has_registry_permission(Permission.AGREEMENT_APPROVE),
    }
    return render(request, "partners/agreement.html", context, status=422 if form.errors else 200)


@require_POST
@console_page
def approve(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    user = authorize(request.user, Permission.AGREEMENT_APPROVE)
    version = get_object_or_404(AgreementVersion, agreement__reference=reference, number=number)
    try:
        approval = services.approve(user, version)
    except DomainError as error:
        return render(
            request,
            "partners/refused.html",
            {"error": error, "reference": reference},
            status=error.status,
        )
    return render(request, "partners/approved.html", {"approval": approval})


@require_POST
@console_page
def decline(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    user = authorize(request.user, Permission.AGREEMENT_APPROVE)
    version = get_object_or_404(AgreementVersion, agreement__reference=reference, number=number)
    try:
        services.decline(user, version)
    except DomainError as error:
        return render(
            request,
            "partners/refused.html",
            {"error": error, "reference": reference},
            status=error.status,
        )
    return redirect("partners:agreement", reference=reference)


@require_POST
@console_page
def revoke(request: HttpRequest, reference: str) -> HttpResponse:
    user = authorize(request.user, Permission.AGREEMENT_RECORD)
    found = get_object_or_404(Agreement, reference=reference)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "partners/refused.html",
            {"error": DomainError(str(form.errors.get("reason", [""])[0])), "reference": reference},
            status=422,
        )
    services.revoke(user, found, reason=form.cleaned_data["reason"])
    return redirect("partners:agreement", reference=reference)
