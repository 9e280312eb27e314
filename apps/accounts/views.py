from urllib.parse import urlencode

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language

from apps.accounts import services, throttle
from apps.accounts.forms import EmailAuthenticationForm, ResendActivationForm, SignupForm
from apps.accounts.models import User
from apps.accounts.permissions import STAFF_ROLES, Role
from registry.errors import DomainError
from registry.public import public


def signup(request: HttpRequest) -> HttpResponse:
    """Public: anyone may open a registrant or guardian account."""
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.signup(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                role=Role(form.cleaned_data["role"]),
                language=get_language() or "en",
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            return render(
                request, "accounts/signup_done.html", {"email": form.cleaned_data["email"]}
            )
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/signup.html", {"form": form}, status=status)


def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the link from the verification e-mail."""
    try:
        services.verify_email(token)
    except DomainError as error:
        return render(request, "accounts/verify.html", {"error": error.message}, status=400)
    return render(request, "accounts/verify.html", {"error": None})


@public
def resend_activation(request: HttpRequest) -> HttpResponse:
    """Public: a new activation link for an account that never got (or lost) its
    e-mail. The same answer whether or not the address has an account."""
    form = ResendActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = throttle.retry_after("resend-activation", throttle.client_key(request))
        if wait is not None:
            response = render(
                request,
                "accounts/resend_activation.html",
                {"form": form, "wait_minutes": wait // 60 + 1},
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
        services.resend_activation(form.cleaned_data["email"])
        return render(request, "accounts/resend_activation_done.html")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/resend_activation.html", {"form": form}, status=status)


class LoginView(auth_views.LoginView):
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        """Staff go on to the authenticator step (keeping where they were going);
        registrants go where they asked, or to their registrations."""
        user = self.request.user
        if isinstance(user, User) and user.role_enum in STAFF_ROLES:
            wanted = self.get_redirect_url()
            query = f"?{urlencode({'next': wanted})}" if wanted else ""
            return reverse("console:second_factor") + query
        return super().get_success_url()
