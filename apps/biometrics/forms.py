"""Parsing what the capture station and the counter send (multipart), the same way for
pages and the API, and the forms of the adjudication pages. Shape only: the services
judge the images."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.biometrics.dedup import DIFFERENT_REASONS, REVIEW_REASONS, SAME_REASONS
from apps.biometrics.models import FINGER_POSITIONS
from apps.biometrics.services import MAX_IMAGE_BYTES, CaptureInput
from registry.errors import FormInvalid

MAX_FILES = 1 + len(FINGER_POSITIONS)
Files = MultiValueDict[str, UploadedFile]


def _read(upload: UploadedFile, name: str, errors: dict[str, list[str]]) -> bytes | None:
    if upload.size is not None and upload.size > MAX_IMAGE_BYTES:
        errors.setdefault(name, []).append(_("Images of at most 10 MB, please."))
        return None
    return upload.read()


def _position(name: str, prefix: str) -> int | None:
    suffix = name.removeprefix(prefix)
    return int(suffix) if suffix.isascii() and suffix.isdigit() and len(suffix) <= 2 else None


def parse_capture(post: QueryDict, files: Files) -> CaptureInput:
    """CaptureInput from fields `photo`, `finger_<1-10>` (files) and
    `exception_<1-10>` (a reason code). FormInvalid for an unknown field, a field sent
    twice, or more files than one photo and ten fingers."""
    errors: dict[str, list[str]] = {}
    data = CaptureInput()
    if sum(len(files.getlist(name)) for name in files) > MAX_FILES:
        raise FormInvalid(
            _("Send at most one photo and ten fingers."), fields={"fingers": [_("Too many.")]}
        )
    for name in files:
        if len(files.getlist(name)) > 1:
            errors.setdefault(name, []).append(_("Send one image per field."))
            continue
        upload = files.getlist(name)[0]
        if name == "photo":
            data.photo = _read(upload, name, errors)
        elif (position := _position(name, "finger_")) is not None:
            image = _read(upload, name, errors)
            if image is not None:
                data.fingers[position] = image
        else:
            errors.setdefault("fingers", []).append(
                _("Unknown field %(name)s: use photo and finger_1 to finger_10.") % {"name": name}
            )
    for name in post:
        if name.startswith("exception_") and post.get(name):
            position = _position(name, "exception_")
            if position is None:
                errors.setdefault("fingers", []).append(
                    _("Unknown field %(name)s.") % {"name": name}
                )
            else:
                data.exceptions[position] = str(post.get(name))
    if errors:
        raise FormInvalid(_("Some images need attention; see each field."), fields=errors)
    return data


def parse_verify(post: QueryDict, files: Files) -> tuple[bytes | None, tuple[int, bytes] | None]:
    """(photo, (finger position, finger image)) from `photo`, `finger` and
    `finger_position`; FormInvalid for a finger without a valid position."""
    errors: dict[str, list[str]] = {}
    photo = _read(files.getlist("photo")[0], "photo", errors) if "photo" in files else None
    finger = None
    if "finger" in files:
        image = _read(files.getlist("finger")[0], "finger", errors)
        raw = str(post.get("finger_position", "")).strip()
        if not raw.isdigit() or int(raw) not in FINGER_POSITIONS:
            errors["finger_position"] = [_("Give the finger's position, 1 to 10.")]
        elif image is not None:
            finger = (int(raw), image)
    if errors:
        raise FormInvalid(_("Some images need attention; see each field."), fields=errors)
    return photo, finger


class DecisionForm(forms.Form):
    same_person = forms.TypedChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("yes", gettext_lazy("Same person")), ("no", gettext_lazy("Different people"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label=gettext_lazy("Why"),
        choices=[
            (gettext_lazy("Same person"), list(SAME_REASONS.items())),
            (gettext_lazy("Different people"), list(DIFFERENT_REASONS.items())),
        ],
    )


class ReviewForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Review"), choices=list(REVIEW_REASONS.items()), widget=forms.RadioSelect
    )
