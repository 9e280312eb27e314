"""Console pages for programs in force (privacy officers and the administrator), and the
public page of a version's text. Views parse, authorize, call one service, render."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.models import User
from apps.accounts.permissions import Permission
from apps.accounts.policies import authorize
from apps.console.decorators import console_page
from apps.programs import queries, services
from apps.programs.forms import ApproveForm, DeclineForm
from apps.programs.models import ProgramVersion, VersionStatus
from registry.errors import DomainError
from registry.public import public


@require_GET
@console_page
def programs(request: HttpRequest) -> HttpResponse:
    """The program files, what the check says of each, and every proposal and version."""
    user = authorize(request.user, Permission.PROGRAM_CHECK)
    context = {
        "files": queries.file_rows(),
        "proposed": queries.versions(VersionStatus.PROPOSED),
        "history": queries.versions(
            VersionStatus.ACTIVE, VersionStatus.SUPERSEDED, VersionStatus.DECLINED
        ),
        "can_propose": user.has_registry_permission(Permission.PROGRAM_PROPOSE),
    }
    return render(request, "programs/programs.html", context)


@require_POST
@console_page
def propose(request: HttpRequest, slug: str) -> HttpResponse:
    user = authorize(request.user, Permission.PROGRAM_PROPOSE)
    try:
        version = services.propose(user, slug)
    except DomainError as error:
        return render(request, "programs/refused.html", {"error": error}, status=error.status)
    return redirect("programs:version", pk=version.pk)


@require_GET
@console_page
def version(request: HttpRequest, pk: int) -> HttpResponse:
    """One text: the whole file, its digest, what the check says now, its approvals."""
    user = authorize(request.user, Permission.PROGRAM_CHECK)
    found = get_object_or_404(ProgramVersion.objects.select_related("proposed_by"), pk=pk)
    return _version_page(request, user, found)


def _version_page(
    request: HttpRequest,
    user: User,
    found: ProgramVersion,
    *,
    approve_form: ApproveForm | None = None,
    decline_form: DeclineForm | None = None,
    status: int = 200,
) -> HttpResponse:
    try:
        check = services.recheck(found)
        problem = None
    except DomainError as error:
        check, problem = None, error
    context = {
        "version": found,
        "approvals": found.approvals.select_related("approver"),
        "warnings": check.warnings if check else [],
        "problem": problem,
        "approve_form": approve_form or ApproveForm(),
        "decline_form": decline_form or DeclineForm(),
        "can_approve": found.status == VersionStatus.PROPOSED
        and user.has_registry_permission(Permission.PROGRAM_APPROVE),
    }
    return render(request, "programs/version.html", context, status=status)


@require_POST
@console_page
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    user = authorize(request.user, Permission.PROGRAM_APPROVE)
    found = get_object_or_404(ProgramVersion, pk=pk)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            services.approve(user, found, digest=form.cleaned_data["digest"])
        except DomainError as error:
            error.add_to_form(form)
            return _version_page(request, user, found, approve_form=form, status=error.status)
        return redirect("programs:version", pk=found.pk)
    return _version_page(request, user, found, approve_form=form, status=422)


@require_POST
@console_page
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    user = authorize(request.user, Permission.PROGRAM_APPROVE)
    found = get_object_or_404(ProgramVersion, pk=pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.decline(user, found, reason=form.cleaned_data["reason"])
        except DomainError as error:
            error.add_to_form(form)
            return _version_page(request, user, found, decline_form=form, status=error.status)
        return redirect("programs:version", pk=found.pk)
    return _version_page(request, user, found, decline_form=form, status=422)


@public
@require_GET
def public_text(request: HttpRequest, slug: str, digest: str) -> HttpResponse:
    """Public: the text of a version that is or was in force, exactly as approved."""
    found = ProgramVersion.objects.filter(
        slug=slug,
        digest=digest,
        status__in=[VersionStatus.ACTIVE, VersionStatus.SUPERSEDED],
    ).first()
    if found is None:
        raise Http404("No version of this program with this digest was ever in force.")
    if request.GET.get("format") == "toml":
        response = HttpResponse(found.text, content_type="application/toml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slug}-{digest[:12]}.toml"'
        return response
    approvers = [queries.public_name(a.approver) for a in found.approvals.all()]
    context = {"version": found, "approvers": approvers}
    return render(request, "programs/public_text.html", context)
