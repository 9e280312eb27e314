"""Partner clients authenticate with OAuth 2.0 client credentials (django-oauth-toolkit):
POST /o/token/ with the agreement's client id and secret gives a short-lived bearer
token with the "partner" scope; the partner API accepts nothing else, and a session
cookie gives no access to it."""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer
from oauth2_provider.oauth2_backends import get_oauthlib_core

from apps.accounts.models import User
from registry.errors import NotAllowed

PARTNER_SCOPE = "partner"


class PartnerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[PARTNER_SCOPE])
        if not valid:
            return None
        return oauth_request.access_token.application.user


def partner_client(request: HttpRequest) -> User:
    """The partner account that the bearer token belongs to; every partner endpoint
    starts here (the agreement's terms are checked by the query itself)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise NotAllowed("A partner client's bearer token is required.")
    return user
