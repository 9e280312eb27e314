from django.urls import URLPattern, URLResolver, path

from apps.transparency import views

app_name = "transparency"

urlpatterns: list[URLPattern | URLResolver] = [
    path("transparency/", views.transparency, name="public"),
    path(
        "transparency/statistics/<slug:release_id>.json",
        views.download,
        {"fmt": "json"},
        name="json",
    ),
    path(
        "transparency/statistics/<slug:release_id>.csv",
        views.download,
        {"fmt": "csv"},
        name="csv",
    ),
    path("transparency/keys.json", views.signing_keys, name="keys"),
    path("transparency/ledger/", views.ledger, name="ledger"),
    path("transparency/release/", views.release, name="release"),
]
