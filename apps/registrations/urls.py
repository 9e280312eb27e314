from django.urls import path

from apps.registrations import views

app_name = "registrations"

urlpatterns = [
    path("my/", views.home, name="home"),
    path("my/access-log/", views.access_log, name="access_log"),
    path("eligibility/", views.eligibility, name="eligibility"),
    path("register/start/", views.start, name="start"),
    path("register/<uuid:registration_id>/", views.edit, name="edit"),
    path("cases/<str:case_number>/", views.case, name="case"),
]
