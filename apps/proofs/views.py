"""Proof pages. The registrant's proof and its PDF; the officer's proof page (print for
a stated purpose, re-issue); and the public verifier, which logs nothing about the
verifier or the holder. Each view: authorize, call one service, render."""

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.permissions import Permission
from apps.accounts.policies import authorize
from apps.console.decorators import console_page
from apps.console.forms import show_errors
from apps.console.queries import case_or_404
from apps.programs.loader import get_program
from apps.proofs import printing, services, verifier
from apps.proofs.forms import DownloadForm, PrintForm, VerifyForm
from apps.registrations.access import StatedPurpose
from apps.registrations.lookups import case_for
from apps.registrations.models import CaseState, Registration
from registry.errors import DomainError
from registry.public import public


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


def _qr_svg(text: str) -> str:
    svg = segno.make(text, error="m", micro=False).svg_inline(scale=3, border=4)
    return str(svg)


def _pdf_response(pdf: bytes, case_number: str, layout: str, language: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"proof-{case_number}-{layout}-{language}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def proof(request: HttpRequest, case_number: str) -> HttpResponse:
    """The registrant's current proof: its QR, validity, and the printable versions."""
    user, registration = case_for(request.user, Permission.PROOF_READ_OWN, case_number)
    context = {
        "registration": registration,
        "form": DownloadForm(initial={"language": _language()}),
    }
    if registration.state == CaseState.REGISTERED:
        issued = services.current_proof(user, registration)
        context.update(
            issued=issued,
            card_number=services.card_number_display(issued.proof.card_number),
            qr_svg=_qr_svg(issued.text),
            thumbnail=base64.b64encode(issued.thumbnail).decode() if issued.thumbnail else "",
        )
    response = render(request, "proofs/proof.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def proof_pdf(request: HttpRequest, case_number: str) -> HttpResponse:
    """The printable proof (card or A4, English or Spanish); the name and photo reads
    are logged as the registrant's own."""
    user, registration = case_for(request.user, Permission.PROOF_READ_OWN, case_number)
    form = DownloadForm(request.GET)
    if not form.is_valid():
        return render(
            request, "proofs/proof.html", {"registration": registration, "form": form}, status=400
        )
    layout, language = form.cleaned_data["layout"], form.cleaned_data["language"]
    try:
        pdf = printing.pdf_for(user, registration, None, layout=layout, language=language)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("proofs:proof", case_number=registration.case_number)
    return _pdf_response(pdf, str(registration.case_number), layout, language)


@require_GET
@console_page
def console_proof(request: HttpRequest, case_number: str) -> HttpResponse:
    """An officer's view of a case's proof: no personal data until a purpose is given."""
    authorize(request.user, Permission.PROOF_ISSUE_ANY)
    registration = case_or_404(case_number)
    return _console_page(
        request, registration, PrintForm(get_program(registration.program), _language())
    )


def _console_page(
    request: HttpRequest, registration: Registration, form: PrintForm, status: int = 200
) -> HttpResponse:
    context = {
        "registration": registration,
        "form": form,
        "history": printing.history(registration),
    }
    return render(request, "proofs/console.html", context, status=status)


@require_POST
@console_page
def console_print(request: HttpRequest, case_number: str) -> HttpResponse:
    """Print a person's proof for a stated purpose (logged with the name and photo read)."""
    user = authorize(request.user, Permission.PROOF_ISSUE_ANY)
    registration = case_or_404(case_number)
    form = PrintForm(get_program(registration.program), _language(), request.POST)
    if not form.is_valid():
        return _console_page(request, registration, form, status=400)
    data = form.cleaned_data
    purpose = StatedPurpose(data["purpose"], data["reference"])
    try:
        pdf = printing.pdf_for(
            user, registration, purpose, layout=data["layout"], language=data["language"]
        )
    except DomainError as error:
        show_errors(form, error)
        return _console_page(request, registration, form, status=error.status)
    return _pdf_response(pdf, str(registration.case_number), data["layout"], data["language"])


@require_POST
@console_page
def console_reissue(request: HttpRequest, case_number: str) -> HttpResponse:
    """Revoke the current proof and issue a new one (a lost or damaged card)."""
    user = authorize(request.user, Permission.PROOF_ISSUE_ANY)
    registration = case_or_404(case_number)
    try:
        services.reissue(user, registration, purpose="case-processing")
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("A new proof was issued; the old one is revoked."))
    return redirect("proofs:console", case_number=registration.case_number)


@public
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Public: check a proof from its QR text or a picture of it. Writes no audit entry
    and no log line, and keeps nothing: the verifier stays anonymous, and so does the
    holder."""
    form = VerifyForm(request.POST, request.FILES) if request.method == "POST" else VerifyForm()
    checked = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            text = form.cleaned_data["text"]
            image = form.cleaned_data["image"]
            if not text and image is not None:
                text = verifier.read_qr_image(image.read()) or ""
            checked = verifier.check(text, _language()) if text else verifier.unreadable_picture()
        else:
            status = 400
    response = render(
        request,
        "proofs/verify.html",
        {"form": form, "checked": checked, "jwks_url": reverse("proofs:jwks")},
        status=status,
    )
    # Not "no-referrer": browsers then send "Origin: null", which CSRF checking refuses.
    response["Referrer-Policy"] = "same-origin"
    return response
