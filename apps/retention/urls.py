from django.urls import URLPattern, URLResolver, path

from apps.retention import views

app_name = "retention"

urlpatterns: list[URLPattern | URLResolver] = [
    path("retention/runs/", views.runs_page, name="runs"),
    path("retention/runs/<uuid:run_id>/", views.run_page, name="run"),
    path("retention/runs/<uuid:run_id>/approve/", views.approve, name="approve"),
    path("retention/expunge/", views.expunge, name="expunge"),
    path("retention/receipts/<uuid:receipt_id>/", views.receipt_page, name="receipt"),
]
