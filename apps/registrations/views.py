"""Registrant pages. Each view: authorize, call one service, render."""

import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from apps.accounts.permissions import Permission
from apps.accounts.policies import authorize
from apps.programs.loader import get_program
from apps.registrations import access, access_sentences, services
from apps.registrations.forms import (
    EligibilityForm,
    countries,
    data_from_post,
    sections_for_page,
)
from apps.registrations.lookups import case_for
from apps.registrations.models import CaseState, Registration
from registry.errors import DomainError


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


def home(request: HttpRequest) -> HttpResponse:
    """The registrant's own cases and drafts."""
    user = authorize(request.user, Permission.REGISTRATION_READ_OWN)
    cases = (
        Registration.objects.filter(filed_by=user).select_related("person").order_by("-created_at")
    )
    return render(request, "registrations/home.html", {"cases": cases})


def eligibility(request: HttpRequest) -> HttpResponse:
    """Ask the program's questions; answer with the outcome and the notice."""
    user = authorize(request.user, Permission.ELIGIBILITY_CHECK)
    program = get_program(settings.REGISTRY_DEFAULT_PROGRAM)
    language = _language()
    form = EligibilityForm(program, language, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome, shown = services.check_eligibility(user, program, form.answers(), language)
        except DomainError as error:
            error.add_to_form(form)
            return render(
                request,
                "registrations/eligibility.html",
                {"form": form, "program": program},
                status=error.status,
            )
        return render(
            request,
            "registrations/eligibility_result.html",
            {
                "program": program,
                "outcome": outcome,
                "message": outcome.message(program, language),
                "notice": program.notice.text[shown.language],
                "shown": shown,
            },
        )
    status = 400 if request.method == "POST" else 200
    return render(
        request, "registrations/eligibility.html", {"form": form, "program": program}, status=status
    )


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    for_child = request.POST.get("for_child") == "1"
    permission = (
        Permission.REGISTRATION_FILE_CHILD if for_child else Permission.REGISTRATION_FILE_OWN
    )
    user = authorize(request.user, permission)
    registration = services.start_draft(
        user,
        program_slug=settings.REGISTRY_DEFAULT_PROGRAM,
        for_child=for_child,
        language=_language(),
    )
    return redirect("registrations:edit", registration_id=registration.id)


def edit(request: HttpRequest, registration_id: uuid.UUID) -> HttpResponse:
    """The registration form: save as draft, or submit."""
    registration = get_object_or_404(
        Registration.objects.select_related("person"), pk=registration_id
    )
    user = authorize(request.user, Permission.REGISTRATION_READ_OWN, registration)
    if not registration.is_draft:
        return redirect("registrations:case", case_number=registration.case_number)
    program = get_program(registration.program)
    errors: dict[str, list[str]] = {}
    message = ""
    status = 200
    if request.method == "POST":
        data = data_from_post(program, request.POST)
        try:
            if request.POST.get("action") == "submit":
                filed = services.submit(user, registration, data)
                return redirect("registrations:case", case_number=filed.case_number)
            services.save_draft(user, registration, data)
            return redirect(f"{request.path}?saved=1")
        except DomainError as error:
            errors, message, status, values = error.fields, error.message, error.status, data
    else:
        values = access.read_own_form(user, registration)
    context = {
        "registration": registration,
        "program": program,
        "sections": sections_for_page(
            program, _language(), values, errors, for_child=registration.for_child
        ),
        "countries": countries(_language()),
        "message": message,
        "saved": request.GET.get("saved") == "1",
    }
    return render(request, "registrations/edit.html", context, status=status)


def case(request: HttpRequest, case_number: str) -> HttpResponse:
    """Where a case stands and every step it took."""
    _, registration = case_for(request.user, Permission.REGISTRATION_READ_OWN, case_number)
    return render(
        request,
        "registrations/case.html",
        {
            "registration": registration,
            "transitions": registration.transitions.all(),
            "states": CaseState,
        },
    )


def access_log(request: HttpRequest) -> HttpResponse:
    """Every audit entry about the user's record and their children's, as sentences in
    their language, the entries of one visit on one line."""
    user = authorize(request.user, Permission.ACCESS_LOG_READ_OWN)
    entries = list(access.access_log_for(user)[: access_sentences.PAGE_ENTRIES])
    lines = access_sentences.lines_for(user, entries, access_sentences.programs_of(entries))
    several_cases = len({line.case_number for line in lines if line.case_number}) > 1
    return render(
        request,
        "registrations/access_log.html",
        {"lines": lines, "several_cases": several_cases, "shown": len(entries)},
    )
