"""The public statistics page and downloads (no sign-in), the privacy officer's
release page and the ledger. Views parse, authorize, call one function, render."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.permissions import Permission
from apps.accounts.policies import authorize
from apps.console.decorators import console_page
from apps.transparency import documents, services
from apps.transparency.forms import ReleaseForm
from apps.transparency.models import Release
from apps.transparency.noise import current_policy
from apps.transparency.presentation import public_context, year_usage
from registry.errors import DomainError
from registry.public import public


@public
@require_GET
def transparency(request: HttpRequest) -> HttpResponse:
    """Public: released (noisy, suppressed) figures only, nothing about anyone."""
    return render(request, "transparency/public.html", public_context())


@public
@require_GET
def download(request: HttpRequest, release_id: str, fmt: str) -> HttpResponse:
    """Public: a release as signed JSON, or as CSV with its signature in headers."""
    release = get_object_or_404(Release, release_id=release_id)
    if fmt == "json":
        body = documents.download(
            release.document,
            key_id=release.key_id,
            signature=release.signature,
            csv_signature=release.csv_signature,
        )
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    elif fmt == "csv":
        response = HttpResponse(release.csv.encode(), content_type="text/csv; charset=utf-8")
        response["Registry-Signature-Key-Id"] = release.key_id
        response["Registry-Signature"] = release.csv_signature
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{release.release_id}.{fmt}"'
    return response


@public
@require_GET
def signing_keys(request: HttpRequest) -> HttpResponse:
    """Public: the keys that sign statistics, so anyone can check a download."""
    return JsonResponse({"purpose": documents.PURPOSE, "keys": documents.public_keys()})


@require_GET
@console_page
def ledger(request: HttpRequest) -> HttpResponse:
    authorize(request.user, Permission.STATISTICS_LEDGER_READ)
    releases = list(Release.objects.defer("document", "csv").select_related("released_by"))
    return render(
        request,
        "transparency/ledger.html",
        {"releases": releases, "usage": year_usage({r.year for r in releases})},
    )


@require_http_methods(["GET", "POST"])
@console_page
def release(request: HttpRequest) -> HttpResponse:
    user = authorize(request.user, Permission.STATISTICS_RELEASE)
    form = ReleaseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                made, created = services.release_statistics(
                    user,
                    form.cleaned_data["period"],
                    epsilon=form.cleaned_data["epsilon"] or None,
                    tables=form.cleaned_data["tables"],
                )
            except DomainError as error:
                error.add_to_form(form)
                status = error.status
            else:
                text = _("Released %(release)s.") if created else _("%(release)s was already out.")
                messages.success(request, text % {"release": made.release_id})
                return redirect("transparency:ledger")
        else:
            status = 422
    releases = list(Release.objects.defer("document", "csv")[:5])
    context = {
        "form": form,
        "policy": current_policy(),
        "releases": releases,
        "usage": year_usage({r.year for r in releases}),
    }
    return render(request, "transparency/release.html", context, status=status)
