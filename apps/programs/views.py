"""Console pages for programs in force (privacy officers and the administrator), and the
public page of a version's text. Views parse, authorize, call one service, render."""

from collections.abc import Callable

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
    form = ApproveForm(request.POST)
    return _decide(request, user, pk, form, act=services.approve, field="digest")


@require_POST
@console_page
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    user = authorize(request.user, Permission.PROGRAM_APPROVE)
    form = DeclineForm(request.POST)
    return _decide(request, user, pk, form, act=services.decline, field="reason")


def _decide(
    request: HttpRequest,
    user: User,
    pk: int,
    form: ApproveForm | DeclineForm,
    *,
    act: Callable[..., ProgramVersion],
    field: str,
) -> HttpResponse:
    """Approve or decline: the service decides; its refusal is shown on the version page
    with the form as filled in."""
    found = get_object_or_404(ProgramVersion, pk=pk)
    status = 422
    if form.is_valid():
        try:
            act(user, found, **{field: form.cleaned_data[field]})
        except DomainError as error:
            error.add_to_form(form)
            status = error.status
        else:
            return redirect("programs:version", pk=found.pk)
    if isinstance(form, ApproveForm):
        return _version_page(request, user, found, approve_form=form, status=status)
    return _version_page(request, user, found, decline_form=form, status=status)


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
