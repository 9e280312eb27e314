"""The auditor's console: the log's signed tree heads, a search of the log by case or by
entry (for a stated purpose, logged), one entry with its inclusion proof, and "verify
now", which checks the whole log in the background while the page shows its progress.

For holders of audit:log:read (the auditor, the privacy officer); signing a head and
verifying need audit:log:verify. Each view: authorize, parse, call one service, render."""

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.models import User
from apps.accounts.permissions import Permission
from apps.accounts.policies import authorize
from apps.audit import inspection, tree, verifications
from apps.audit.forms import LogSearchForm, PurposeFields
from apps.audit.models import AuditEntry, AuditPending, AuditTreeHead, AuditVerification
from apps.console.decorators import console_page
from apps.console.forms import show_errors
from apps.registrations.access import StatedPurpose
from registry.errors import DomainError

HEADS_PER_PAGE = 20


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


def _search_form(data: Any = None) -> LogSearchForm:
    return LogSearchForm(inspection.audit_purposes(), _language(), data)


@require_GET
@console_page
def console(request: HttpRequest) -> HttpResponse:
    """The start page: the latest signed heads (older ones page by tree size), entries
    waiting to be sealed, the latest checks, and the search."""
    user = authorize(request.user, Permission.AUDIT_LOG_READ)
    return _console_page(request, user, _search_form())


def _console_page(
    request: HttpRequest, user: User, form: LogSearchForm, *, status: int = 200
) -> HttpResponse:
    before = request.GET.get("before", "")
    heads = AuditTreeHead.objects.order_by("-tree_size", "-timestamp_ms", "-id")
    if before.isdigit() and len(before) <= 19:
        heads = heads.filter(tree_size__lt=int(before))
    page = list(heads[: HEADS_PER_PAGE + 1])
    context = {
        "form": form,
        "heads": [
            {
                "head": head,
                "signed_at": dt.datetime.fromtimestamp(head.timestamp_ms / 1000, tz=dt.UTC),
                "root": bytes(head.root_hash).hex(),
            }
            for head in page[:HEADS_PER_PAGE]
        ],
        "older": page[HEADS_PER_PAGE - 1].tree_size if len(page) > HEADS_PER_PAGE else None,
        "paged": bool(before),
        "waiting": AuditPending.objects.count(),
        "entries": AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0,
        "checks": list(AuditVerification.objects.order_by("-requested_at")[:5]),
        "can_verify": user.has_registry_permission(Permission.AUDIT_LOG_VERIFY),
    }
    return render(request, "audit/console.html", context, status=status)


@require_POST
@console_page
def search(request: HttpRequest) -> HttpResponse:
    """By case number: every entry about its person. By entry number: that entry and
    its proof. A purpose is stated either way (posted: nothing lands in addresses)."""
    user = authorize(request.user, Permission.AUDIT_LOG_READ)
    form = _search_form(request.POST)
    if not form.is_valid():
        return _console_page(request, user, form, status=400)
    data = form.cleaned_data
    purpose = StatedPurpose(data["purpose"], data["reference"])
    try:
        if data["kind"] == "entry":
            opened = inspection.open_entry(user, data["entry_id"], purpose)
            return _entry_page(request, opened, form)
        found = inspection.search_case(user, data["case_number"], purpose)
    except DomainError as error:
        show_errors(form, error)
        return _console_page(request, user, form, status=error.status)
    rows = [(e, found.leaves.get(e.pk)) for e in found.entries]
    return render(request, "audit/results.html", {"found": found, "rows": rows, "form": form})


@require_http_methods(["GET", "POST"])
@console_page
def entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    """One entry with its inclusion proof. An entry about a person opens for a stated
    purpose (asked for first, then logged); a system entry opens at once."""
    user = authorize(request.user, Permission.AUDIT_LOG_READ)
    found = get_object_or_404(AuditEntry, pk=entry_id)
    form = PurposeFields(inspection.audit_purposes(), _language(), request.POST or None)
    if inspection.needs_purpose(found) and not form.is_bound:
        return render(request, "audit/entry.html", {"entry_id": entry_id, "form": form})
    purpose = None
    if form.is_bound:
        if not form.is_valid():
            context = {"entry_id": entry_id, "form": form}
            return render(request, "audit/entry.html", context, status=400)
        purpose = StatedPurpose(form.cleaned_data["purpose"], form.cleaned_data["reference"])
    try:
        opened = inspection.open_entry(user, entry_id, purpose)
    except DomainError as error:
        show_errors(form, error)
        context = {"entry_id": entry_id, "form": form}
        return render(request, "audit/entry.html", context, status=error.status)
    return _entry_page(request, opened, form)


def _entry_page(request: HttpRequest, opened: inspection.OpenedEntry, form: Any) -> HttpResponse:
    context = {"entry_id": opened.entry.pk, "opened": opened, "form": form}
    return render(request, "audit/entry.html", context)


@require_POST
@console_page
def sign_head(request: HttpRequest) -> HttpResponse:
    """Seal the entries waiting for the tree into a new signed head now."""
    authorize(request.user, Permission.AUDIT_LOG_VERIFY)
    head = tree.sign_tree_head()
    messages.success(
        request, _("Tree head signed: %(size)s entries.") % {"size": f"{head.tree_size:,}"}
    )
    return redirect("audit:console")


@require_POST
@console_page
def verify(request: HttpRequest) -> HttpResponse:
    """Start a check of the whole log in the background (or follow the one running)."""
    user = authorize(request.user, Permission.AUDIT_LOG_VERIFY)
    verification, created = verifications.start_verification(user)
    if not created:
        messages.info(request, _("A check is already under way; here is its progress."))
    return redirect("audit:verification", verification_id=verification.id)


@require_GET
@console_page
def verification(request: HttpRequest, verification_id: uuid.UUID) -> HttpResponse:
    """One check: its progress while it runs (the page polls, or reloads itself
    without JavaScript), then what it found."""
    authorize(request.user, Permission.AUDIT_LOG_VERIFY)
    found = get_object_or_404(AuditVerification, pk=verification_id)
    return render(request, "audit/verification.html", {"check": found})


@require_GET
@console_page
def verification_progress(request: HttpRequest, verification_id: uuid.UUID) -> JsonResponse:
    """The check's progress as JSON, for the page to poll."""
    authorize(request.user, Permission.AUDIT_LOG_VERIFY)
    found = get_object_or_404(AuditVerification, pk=verification_id)
    if found.total:
        label = _("%(checked)s of about %(total)s entries checked") % {
            "checked": f"{found.checked:,}",
            "total": f"{found.total:,}",
        }
    else:
        label = str(found.get_state_display())
    return JsonResponse(
        {
            "state": found.state,
            "done": found.checked,
            "total": found.total,
            "finished": found.finished,
            "label": label,
        }
    )
