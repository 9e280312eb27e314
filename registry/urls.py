from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView
from oauth2_provider import views as oauth2_views

from registry.api import api

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("apps.accounts.urls")),
    path("", include("apps.registrations.urls")),
    path("appointments/", include("apps.appointments.urls")),
    path("console/", include("apps.console.urls")),
    path("", include("apps.biometrics.urls")),
    path("", include("apps.proofs.urls")),
    path("", include("apps.rights.urls")),
    path("", include("apps.retention.urls")),
    path("", include("apps.transparency.urls")),
    path("", include("apps.partners.urls")),
    path("", include("apps.jobs.urls")),
    path("", include("apps.programs.urls")),  # issue 15: programs in force
    # The auditor's console (issue 17): the log's heads, search, proofs, "verify now".
    path("", include("apps.audit.urls")),
    # Partner clients get bearer tokens here (client credentials) and may revoke them.
    path("o/token/", oauth2_views.TokenView.as_view(), name="oauth2_token"),
    path("o/revoke_token/", oauth2_views.RevokeTokenView.as_view(), name="oauth2_revoke"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
