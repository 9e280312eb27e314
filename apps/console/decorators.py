"""Console pages answer people who cannot use them yet with a way forward, not an
error: the anonymous go to the sign-in page, staff who signed in with a password only
go to the authenticator step and come back. Every other refusal stays a 403/404 from
`authorize()`."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from apps.accounts.policies import SecondFactorRequired

View = Callable[..., HttpResponse]


def second_factor_url(next_url: str = "") -> str:
    url = reverse("console:second_factor")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def console_page(view: View) -> View:
    """Wrap a console view that calls `authorize()` itself."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            return view(request, *args, **kwargs)
        except SecondFactorRequired:
            # A form posted without the second factor cannot be replayed by a redirect:
            # come back to the page it was on instead.
            back = request.get_full_path() if request.method == "GET" else ""
            return HttpResponseRedirect(second_factor_url(back))

    return wrapper
