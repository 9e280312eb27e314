from django.urls import path

from apps.partners import views

app_name = "partners"

urlpatterns = [
    path("console/agreements/", views.agreements, name="agreements"),
    path("console/agreements/new/", views.new_agreement, name="new"),
    path("console/agreements/<slug:reference>/", views.agreement, name="agreement"),
    path(
        "console/agreements/<slug:reference>/versions/<int:number>/approve/",
        views.approve,
        name="approve",
    ),
    path(
        "console/agreements/<slug:reference>/versions/<int:number>/decline/",
        views.decline,
        name="decline",
    ),
    path("console/agreements/<slug:reference>/revoke/", views.revoke, name="revoke"),
]
