"""Account endpoints: the same services as the pages."""

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import ConfigDict, EmailStr, Field, StrictStr

from apps.accounts import services, throttle
from apps.accounts.models import User
from apps.accounts.permissions import Role
from registry.errors import DomainError, NotAllowed
from registry.public import public

router = Router(tags=["accounts"])


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class SignupIn(Strict):
    email: EmailStr
    password: StrictStr = Field(max_length=128)
    role: Role = Role.REGISTRANT
    language: str = Field(default="en", pattern="^(en|es)$")


class VerifyIn(Strict):
    token: StrictStr = Field(max_length=500)


class ResendActivationIn(Strict):
    email: EmailStr


class LoginIn(Strict):
    email: StrictStr = Field(max_length=254)
    password: StrictStr = Field(max_length=128)


class MeOut(Schema):
    id: int
    email: str
    role: str
    email_verified: bool


def _me(user: User) -> MeOut:
    return MeOut(
        id=user.pk,
        email=user.email,
        role=user.role,
        email_verified=user.email_verified_at is not None,
    )


@router.post("/auth/signup", auth=None, response={201: MeOut})
def signup(request: HttpRequest, payload: SignupIn) -> Status:
    """Public. Creates an inactive account and e-mails a verification link."""
    user = services.signup(
        email=payload.email, password=payload.password, role=payload.role, language=payload.language
    )
    return Status(201, _me(user))


@router.post("/auth/verify", auth=None, response=MeOut)
def verify(request: HttpRequest, payload: VerifyIn) -> MeOut:
    """Public. Activates the account the e-mailed token was made for."""
    return _me(services.verify_email(payload.token))


class RefusalOut(Schema):
    code: str
    message: str


@public
@router.post("/auth/resend-activation", auth=None, response={202: None, 429: RefusalOut})
def resend_activation(
    request: HttpRequest, response: HttpResponse, payload: ResendActivationIn
) -> Status:
    """Public. E-mails a new activation link if the address has an account waiting
    for one; 202 whether or not it has (nobody learns which addresses have accounts).
    An account is sent at most a few such e-mails an hour; 429 when this client asked
    too often."""
    wait = throttle.retry_after("resend-activation", throttle.client_key(request))
    if wait is not None:
        response["Retry-After"] = str(wait)
        message = _("Too many requests for activation links; try again in %(minutes)s minutes.")
        return Status(
            429, RefusalOut(code="rate_limited", message=message % {"minutes": wait // 60 + 1})
        )
    services.resend_activation(payload.email)
    return Status(202, None)


@router.post("/auth/login", auth=None, response=MeOut)
def sign_in(request: HttpRequest, payload: LoginIn) -> MeOut:
    """Public. Starts a session; send its cookie and X-CSRFToken on later writes."""
    user = authenticate(request, username=payload.email.strip().lower(), password=payload.password)
    if not isinstance(user, User):
        raise DomainError("Wrong e-mail or password.")
    if not user.is_active:
        raise NotAllowed("Verify your e-mail first: follow the link we sent you.")
    login(request, user)
    return _me(user)


@router.post("/auth/logout", response={204: None})
def sign_out(request: HttpRequest) -> Status:
    """Any signed-in user."""
    logout(request)
    return Status(204, None)


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    """Any signed-in user: who am I."""
    assert isinstance(request.user, User)  # noqa: S101 - django_auth guarantees it
    return _me(request.user)
