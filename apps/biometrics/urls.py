from django.urls import URLPattern, URLResolver, path

from apps.biometrics import views

app_name = "biometrics"

urlpatterns: list[URLPattern | URLResolver] = [
    path("biometrics/cases/<str:case_number>/capture/", views.capture, name="capture"),
    path(
        "biometrics/cases/<str:case_number>/capture/progress/<uuid:token>/",
        views.capture_progress,
        name="capture_progress",
    ),
    path("biometrics/cases/<str:case_number>/verify/", views.verify, name="verify"),
    path("biometrics/candidates/", views.queue, name="queue"),
    path("biometrics/candidates/<int:pk>/", views.candidate, name="candidate"),
    path("biometrics/candidates/<int:pk>/decision/", views.decide, name="decide"),
    path("biometrics/candidates/<int:pk>/review/", views.review, name="review"),
    path("biometrics/index/", views.index_status, name="index_status"),
]
