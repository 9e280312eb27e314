"""Console pages of the biometrics workflow: the capture station, the counter's 1:1
check, the adjudication queue and pair page, and the index status. Each view:
authorize, parse, call one service, render."""

import base64
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
from apps.biometrics import access, dedup, services, verification
from apps.biometrics.forms import DecisionForm, ReviewForm, parse_capture, parse_verify
from apps.biometrics.models import (
    FINGER_LABELS,
    Candidate,
    CaptureProgress,
    FingerException,
    IndexStatus,
)
from apps.console.decorators import console_page
from apps.console.forms import PurposeForm, show_errors
from apps.programs.loader import get_program
from apps.registrations.access import StatedPurpose
from apps.registrations.lookups import case_for
from registry.errors import DomainError

FINGERS = [(position, label) for position, label in FINGER_LABELS.items()]


@require_http_methods(["GET", "POST"])
@console_page
def capture(request: HttpRequest, case_number: str) -> HttpResponse:
    """The capture station: a photo and ten fingers, or why a finger has none. The
    page shows how far the (several-second) analysis has got while it runs."""
    user, registration = case_for(request.user, Permission.BIOMETRICS_CAPTURE, case_number)
    context: dict[str, Any] = {
        "registration": registration,
        "fingers": _finger_rows({}, None),
        "exceptions": FingerException.choices,
        "error": None,
        "token": uuid.uuid4(),
    }
    if request.method == "POST":
        token = _token(request.POST.get("progress_token", ""))
        try:
            services.capture(
                user,
                registration,
                parse_capture(request.POST, request.FILES),
                progress=services.progress_writer(user, registration, token),
            )
        except DomainError as error:
            context.update(error=error, fingers=_finger_rows(request.POST, error))
            return render(request, "biometrics/capture.html", context, status=error.status)
        finally:
            services.forget_progress(user, token)
        messages.success(request, _("Photo and fingerprints captured; the duplicate search runs."))
        return redirect("console:case", case_number=registration.case_number)
    return render(request, "biometrics/capture.html", context)


@require_GET
@console_page
def capture_progress(request: HttpRequest, case_number: str, token: uuid.UUID) -> JsonResponse:
    """How far this officer's capture has got, for the station's page to poll (JSON)."""
    user, _registration = case_for(request.user, Permission.BIOMETRICS_CAPTURE, case_number)
    row = CaptureProgress.objects.filter(token=token, started_by=user).first()
    if row is None:
        return JsonResponse({"done": 0, "total": 0, "finished": False, "label": _("Sending…")})
    labels = {
        "photo": _("Checking the photo…"),
        "finger": _("Checking finger %(done)d of %(count)d…")
        % {"done": row.done, "count": max(row.total - 2, 0)},
        "saving": _("Saving the templates…"),
    }
    return JsonResponse(
        {
            "done": row.done,
            "total": row.total,
            "finished": False,
            "label": labels.get(row.step, ""),
        }
    )


def _token(posted: str) -> uuid.UUID:
    """The page's progress token; a missing or malformed one gets a fresh one (the
    capture still runs, only nobody watches its progress)."""
    try:
        return uuid.UUID(posted)
    except ValueError:
        return uuid.uuid4()


def _finger_rows(post: Any, error: DomainError | None) -> list[dict[str, Any]]:
    """Each finger's row: its label, the reason the officer had chosen (chosen again
    after a refusal) and what the refusal says about it."""
    fields = error.fields if error is not None else {}
    return [
        {
            "position": position,
            "label": label,
            "chosen": str(post.get(f"exception_{position}", "")),
            "errors": [
                *fields.get(f"finger_{position}", []),
                *fields.get(f"exception_{position}", []),
            ],
        }
        for position, label in FINGERS
    ]


@require_http_methods(["GET", "POST"])
@console_page
def verify(request: HttpRequest, case_number: str) -> HttpResponse:
    """The counter: compare the person in front of the officer with this case's record."""
    user, registration = case_for(request.user, Permission.BIOMETRICS_VERIFY, case_number)
    context: dict[str, Any] = {"registration": registration, "fingers": FINGERS, "result": None}
    status = 200
    if request.method == "POST":
        try:
            photo, finger = parse_verify(request.POST, request.FILES)
            context["result"] = verification.verify(user, registration, photo=photo, finger=finger)
        except DomainError as error:
            context["error"] = error
            status = error.status
    return render(request, "biometrics/verify.html", context, status=status)


@require_GET
@console_page
def queue(request: HttpRequest) -> HttpResponse:
    """Candidates waiting for people: open ones for officers, and "same person"
    decisions waiting for a supervisor's review. Case numbers and scores only."""
    user = authorize(request.user, Permission.BIOMETRICS_ADJUDICATE)
    waiting = Candidate.objects.filter(state__in=Candidate.UNRESOLVED).select_related(
        "probe__registration", "match__registration"
    )
    return render(
        request,
        "biometrics/queue.html",
        {
            "candidates": list(waiting[:200]),
            "can_review": user.has_registry_permission(Permission.BIOMETRICS_REVIEW),
        },
    )


def _candidate(pk: int) -> Candidate:
    return get_object_or_404(
        Candidate.objects.select_related(
            "probe__registration", "probe__person", "match__registration", "match__person"
        ),
        pk=pk,
    )


def _data_uri(image: bytes | None) -> str:
    if not image:
        return ""
    kind = "png" if image.startswith(b"\x89PNG") else "jpeg"
    return f"data:image/{kind};base64,{base64.b64encode(image).decode()}"


def _pair_page(
    request: HttpRequest, user: User, candidate: Candidate, *, status: int = 200, **forms: Any
) -> HttpResponse:
    program = get_program(candidate.probe.program)
    language = get_language() or settings.LANGUAGE_CODE
    context: dict[str, Any] = {
        "candidate": candidate,
        "purpose_form": forms.get("purpose_form") or PurposeForm(program, language),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "review_form": forms.get("review_form") or ReviewForm(),
        "can_review": user.has_registry_permission(Permission.BIOMETRICS_REVIEW),
        "finger_rows": [
            (FINGER_LABELS.get(p, p), FINGER_LABELS.get(m, m), score)
            for p, m, score in candidate.finger_scores
        ],
        "sides": None,
    }
    sides = forms.get("sides")
    if sides is not None:
        context["sides"] = [
            {
                "case_number": side.case_number,
                "portrait": _data_uri(side.portrait),
                "fingers": [
                    (FINGER_LABELS[p], _data_uri(side.finger_images.get(p))) for p in side.positions
                ],
                "exceptions": [
                    (FINGER_LABELS[p], FingerException(code).label)
                    for p, code in side.exceptions.items()
                ],
            }
            for side in sides
        ]
    return render(request, "biometrics/candidate.html", context, status=status)


@require_http_methods(["GET", "POST"])
@console_page
def candidate(request: HttpRequest, pk: int) -> HttpResponse:
    """One candidate pair. Scores and case numbers at first; both records side by side
    once the officer states a purpose (each read is logged with it)."""
    user = authorize(request.user, Permission.BIOMETRICS_ADJUDICATE)
    pair = _candidate(pk)
    if request.method != "POST":
        return _pair_page(request, user, pair)
    program = get_program(pair.probe.program)
    form = PurposeForm(program, get_language() or settings.LANGUAGE_CODE, request.POST)
    if not form.is_valid():
        return _pair_page(request, user, pair, status=400, purpose_form=form)
    purpose = StatedPurpose(form.cleaned_data["purpose"], form.cleaned_data["reference"])
    try:
        sides = access.open_for_adjudication(user, pair, purpose)
    except DomainError as error:
        show_errors(form, error)
        return _pair_page(request, user, pair, status=error.status, purpose_form=form)
    return _pair_page(request, user, pair, sides=sides, purpose_form=form)


@require_POST
@console_page
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """An officer's decision: same person (to a supervisor) or different people."""
    user = authorize(request.user, Permission.BIOMETRICS_ADJUDICATE)
    pair = _candidate(pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _pair_page(request, user, pair, status=400, decision_form=form)
    try:
        dedup.decide(
            user,
            pair,
            same_person=form.cleaned_data["same_person"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        show_errors(form, error)
        return _pair_page(request, user, pair, status=error.status, decision_form=form)
    messages.success(request, _("Decision recorded."))
    return redirect("biometrics:queue")


@require_POST
@console_page
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """A supervisor confirms a "same person" decision or sends it back."""
    user = authorize(request.user, Permission.BIOMETRICS_REVIEW)
    pair = _candidate(pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _pair_page(request, user, pair, status=400, review_form=form)
    reason = form.cleaned_data["reason"]
    try:
        dedup.review(user, pair, confirm=reason == "confirmed", reason=reason)
    except DomainError as error:
        show_errors(form, error)
        return _pair_page(request, user, pair, status=error.status, review_form=form)
    messages.success(request, _("Review recorded."))
    return redirect("biometrics:queue")


@require_GET
@console_page
def index_status(request: HttpRequest) -> HttpResponse:
    """How many entries each search index holds and how the last rebuild went."""
    authorize(request.user, Permission.BIOMETRICS_INDEX_MANAGE)
    rows = {row.name: row for row in IndexStatus.objects.all()}
    return render(
        request,
        "biometrics/index_status.html",
        {"rows": [rows.get(name) or IndexStatus(name=name) for name in ("face", "fingers")]},
    )
