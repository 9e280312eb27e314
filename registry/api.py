"""The JSON API (django-ninja) and the one place where errors become HTTP answers.

Every error body has the same shape: {"code", "message", "fields"?}; messages say what
is wrong and how to fix it. Routers live in each app's `api.py`."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import django_auth

from apps.programs.errors import ProgramError
from registry.errors import DomainError

api = NinjaAPI(
    title="Registry API",
    version="1",
    description=(
        "Registration with safeguards: every read of personal data is logged and "
        "visible to the person. Authenticate with a session (POST /auth/login) and send "
        "the csrftoken cookie's value in the X-CSRFToken header on writes."
    ),
    auth=django_auth,
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status, exc.as_dict())


@api.exception_handler(ProgramError)
def program_error(request: HttpRequest, exc: ProgramError) -> HttpResponse:
    status = 404 if exc.code == "program_not_found" else 400
    return _error(request, status, {"code": exc.code, "message": str(exc)})


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload")]
        fields.setdefault(".".join(location) or "body", []).append(str(error.get("msg", "")))
    message = _("The request does not match the schema; see each field and /api/v1/docs.")
    return _error(request, 422, {"code": "invalid", "message": message, "fields": fields})


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, {"code": "forbidden", "message": str(exc) or _("Not allowed.")})


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, {"code": "not_found", "message": str(exc) or _("No such record.")})


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = _("Sign in first (POST /api/v1/auth/login), then send the session cookie.")
    return _error(request, 401, {"code": "unauthenticated", "message": message})


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = "malformed" if exc.status_code == 400 else "error"
    return _error(request, exc.status_code, {"code": code, "message": str(exc)})


def _register_routers() -> None:
    from apps.accounts.api import router as accounts_router
    from apps.appointments.api import router as appointments_router
    from apps.audit.api import router as audit_router
    from apps.biometrics.api import router as biometrics_router
    from apps.jobs.api import router as jobs_router
    from apps.partners.api import router as partners_router
    from apps.proofs.api import router as proofs_router
    from apps.registrations.api import router as registrations_router
    from apps.registrations.casework_api import router as casework_router
    from apps.retention.api import router as retention_router
    from apps.rights.api import router as rights_router
    from apps.transparency.api import router as transparency_router

    api.add_router("/", accounts_router)
    api.add_router("/", registrations_router)
    api.add_router("/", casework_router)
    api.add_router("/", appointments_router)
    api.add_router("/", biometrics_router)
    api.add_router("/", proofs_router)
    api.add_router("/", audit_router)
    api.add_router("/", rights_router)
    api.add_router("/", retention_router)
    api.add_router("/", transparency_router)
    api.add_router("/", partners_router)
    api.add_router("/", jobs_router)


_register_routers()
