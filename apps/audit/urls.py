from django.urls import URLPattern, path

from apps.audit import views

app_name = "audit"

urlpatterns: list[URLPattern] = [
    path("audit/", views.console, name="console"),
    path("audit/search/", views.search, name="search"),
    path("audit/entries/<int:entry_id>/", views.entry, name="entry"),
    path("audit/tree-heads/", views.sign_head, name="sign_head"),
    path("audit/verifications/", views.verify, name="verify"),
    path(
        "audit/verifications/<uuid:verification_id>/",
        views.verification,
        name="verification",
    ),
    path(
        "audit/verifications/<uuid:verification_id>/progress/",
        views.verification_progress,
        name="verification_progress",
    ),
]
