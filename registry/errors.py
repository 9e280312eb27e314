"""Domain errors carry a code, a message that says what to fix, and an HTTP status.

They are mapped to responses in exactly one place for the API (`registry/api.py`) and
shown as form or page messages by views; services never build HTTP responses.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.forms import Form


class DomainError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}

    def add_to_form(self, form: "Form") -> None:
        """Show this refusal on a page's form: each field's messages by that field (or
        at the top for a field the form lacks), the message itself when no field is
        named."""
        for field, messages in self.fields.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        if not self.fields:
            form.add_error(None, self.message)

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return body


class FormInvalid(DomainError):
    code = "invalid"
    status = 422


class Conflict(DomainError):
    code = "conflict"
    status = 409


class NotAllowed(DomainError):
    code = "not_allowed"
    status = 403


class TooManyRequests(DomainError):
    code = "rate_limited"
    status = 429


class NotFound(DomainError):
    code = "not_found"
    status = 404
