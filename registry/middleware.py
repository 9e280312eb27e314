from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

WRITE_METHODS = {"POST", "PUT", "PATCH"}
ACCEPTED_TYPES = {"application/json", "multipart/form-data"}


class JsonContentTypeMiddleware:
    """The API reads JSON, and multipart/form-data for endpoints that take files (photos,
    fingerprints, QR images): a write with another content type is refused with 415
    before any parsing, rather than guessed at."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path.startswith("/api/")
            and request.method in WRITE_METHODS
            and request.headers.get("Content-Length", "0") not in ("", "0")
            and request.content_type not in ACCEPTED_TYPES
        ):
            return JsonResponse(
                {
                    "code": "unsupported_media_type",
                    "message": _(
                        "Send the body as JSON with Content-Type: application/json "
                        "(or multipart/form-data where the endpoint takes files)."
                    ),
                },
                status=415,
            )
        return self.get_response(request)
