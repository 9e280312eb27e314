from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

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
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
