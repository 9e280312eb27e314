"""A page that needs a program no one has put in force yet says so, instead of failing.

A fresh deployment has program files but no approved text until two privacy officers
approve one (services.py). Pages that need it answer 503 with what is missing and who
can fix it; the API maps the same error in registry/api.py."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.programs.errors import ProgramNotFound


class ProgramNotInForceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ProgramNotFound) and not request.path.startswith("/api/"):
            return render(request, "programs/not_in_force.html", status=503)
        return None
