"""The project's URLs with the console mounted at /console/, for this app's tests,
whether or not registry/urls.py mounts it yet."""

from django.urls import URLResolver, include, path

from registry.urls import urlpatterns as project_urls

_mounted = any(isinstance(p, URLResolver) and p.namespace == "console" for p in project_urls)
urlpatterns = (
    list(project_urls)
    if _mounted
    else [*project_urls, path("console/", include("apps.console.urls"))]
)
