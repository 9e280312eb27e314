from django.urls import path

from apps.console import views

app_name = "console"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("search/", views.search, name="search"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("second-factor/", views.second_factor, name="second_factor"),
    path("cases/<str:case_number>/", views.case, name="case"),
    path("cases/<str:case_number>/record/", views.record, name="record"),
    path("cases/<str:case_number>/interview/", views.interview, name="interview"),
    path("cases/<str:case_number>/decision/", views.decide, name="decide"),
    path("cases/<str:case_number>/assignment/", views.assign, name="assign"),
    path("cases/<str:case_number>/departure/", views.departure, name="departure"),
]
