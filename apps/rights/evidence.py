"""Evidence a person uploads with a request: a PNG, JPEG or PDF of at most 5 MB.

The type is read from the file's first bytes, never from its name or the browser's
word for it, so a renamed executable is refused."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from registry.errors import FormInvalid

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"%PDF-", "application/pdf"),
)


@dataclass(frozen=True)
class Evidence:
    content: bytes
    content_type: str


def sniff(content: bytes) -> str | None:
    """The media type the bytes start with, or None when it is none we accept."""
    return next((kind for magic, kind in SIGNATURES if content.startswith(magic)), None)


def check_evidence(content: bytes | None, field: str = "evidence") -> Evidence | None:
    """The upload as Evidence, None when nothing was sent; FormInvalid (422) for a file
    over 5 MB or of another type."""
    if not content:
        return None
    if len(content) > MAX_EVIDENCE_BYTES:
        raise FormInvalid(
            _("The file is larger than 5 MB; send a smaller scan or photo."),
            fields={field: [_("At most 5 MB.")]},
        )
    kind = sniff(content)
    if kind is None:
        raise FormInvalid(
            _("Send a PNG or JPEG photo, or a PDF."),
            fields={field: [_("Only PNG, JPEG or PDF files are accepted.")]},
        )
    return Evidence(content, kind)
