"""What the registry publishes for verifiers, to anyone, without signing in: the trust
list (JWKS) and the signed status lists. Both are public by design (public keys and
compressed bit arrays with no personal data), cacheable, and log nothing about who
fetches them."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.proofs import keys, lists
from apps.proofs.models import StatusList
from registry.public import public

JWKS_MAX_AGE = 3600


@public
@require_GET
def jwks(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(keys.jwks(), json_dumps_params={"indent": 1})
    response["Cache-Control"] = f"public, max-age={JWKS_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@public
@require_GET
def status_list(request: HttpRequest, list_id: int) -> HttpResponse:
    try:
        token, expires = lists.signed_token(list_id)
    except StatusList.DoesNotExist as exc:
        raise Http404("No such status list.") from exc
    response = HttpResponse(token, content_type="application/statuslist+cwt")
    remaining = int((expires - timezone.now()).total_seconds())
    max_age = max(0, min(int(lists.TTL.total_seconds()), remaining))
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["Expires"] = expires.strftime("%a, %d %b %Y %H:%M:%S GMT")
    response["Access-Control-Allow-Origin"] = "*"
    return response
