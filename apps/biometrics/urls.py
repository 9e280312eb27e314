from django.urls import URLPattern, URLResolver

app_name = "biometrics"

urlpatterns: list[URLPattern | URLResolver] = []
