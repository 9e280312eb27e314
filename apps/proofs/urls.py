from django.urls import URLPattern, URLResolver

app_name = "proofs"

urlpatterns: list[URLPattern | URLResolver] = []
