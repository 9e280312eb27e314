from django.urls import path

from apps.registrations import casework_views, views

app_name = "registrations"

urlpatterns = [
    path("my/", views.home, name="home"),
    path("my/access-log/", views.access_log, name="access_log"),
    path("eligibility/", views.eligibility, name="eligibility"),
    path("register/start/", views.start, name="start"),
    path("register/<uuid:registration_id>/", views.edit, name="edit"),
    path("cases/<str:case_number>/", views.case, name="case"),
    path("cases/<str:case_number>/address/", casework_views.report_address, name="address"),
    path("cases/<str:case_number>/departure/", casework_views.record_departure, name="departure"),
    path(
        "cases/<str:case_number>/evidence-response/",
        casework_views.respond_to_evidence_request,
        name="evidence_response",
    ),
]
