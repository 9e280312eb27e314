from django.urls import URLPattern, URLResolver, path

from apps.jobs import views

app_name = "jobs"

urlpatterns: list[URLPattern | URLResolver] = [
    path("console/jobs/", views.jobs_page, name="jobs"),
    path("console/jobs/<slug:name>/", views.job_page, name="job"),
    path("console/jobs/<slug:name>/run/", views.start_run, name="start"),
]
