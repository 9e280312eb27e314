"""Capture at the appointment, and removal when a person is erased.

The slow work (face detection and embedding, minutiae, NFIQ 2) runs before the
transaction, on the uploaded bytes; a refusal (a photo that is not good enough, a
finger to recapture, bad input) writes nothing. The transaction stores the sealed
templates, moves the case to biometrics_captured, logs the capture, and after commit
enqueues the 1:N search (dedup.search_enrolment).
"""

import datetime as dt
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

from apps.accounts.models import User
from apps.audit import services as audit
from apps.audit.models import Action
from apps.biometrics.access import (
    FACE_LABEL,
    PORTRAIT_LABEL,
    finger_image_label,
    finger_label,
    seal_bytes,
)
from apps.biometrics.face import pipeline
from apps.biometrics.fingerprints import iso, nbis
from apps.biometrics.models import (
    FINGER_POSITIONS,
    CaptureProgress,
    Enrolment,
    Finger,
    FingerException,
)
from apps.programs.loader import get_program
from apps.programs.schema import Biometrics
from apps.registrations import casework
from apps.registrations.models import CaseState, Registration
from registry.errors import Conflict, FormInvalid

MAX_IMAGE_BYTES = 10 * 1024 * 1024
Progress = Callable[[str, int, int], None]

FACE_REASONS = {
    "no_face": gettext_lazy("No face was found: photograph the person facing the camera."),
    "too_small": gettext_lazy("The face is too small: move closer or zoom in."),
    "blurred": gettext_lazy("The photo is blurred: hold the camera still and focus."),
    "too_dark": gettext_lazy("The photo is too dark: light the person's face from the front."),
    "eyes_not_level": gettext_lazy(
        "The eyes are not level: ask the person to hold their head straight."
    ),
}


@dataclass
class CaptureInput:
    """What the capture station sends: the photo, finger images by ISO position (1-10)
    and the positions that have no print, with why."""

    photo: bytes | None = None
    fingers: dict[int, bytes] = field(default_factory=dict)
    exceptions: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _FingerResult:
    position: int
    template: bytes
    nfiq2: int
    minutiae: int
    image: bytes


def capture(
    actor: User,
    registration: Registration,
    data: CaptureInput,
    progress: Progress | None = None,
) -> Enrolment:
    """Enrol the person of `registration` from the photo and fingers of `data`.

    `progress(step, done, total)` is called as the slow work goes (the photo, then each
    finger, then saving), for a capture station to show; steps are "photo", "finger"
    and "saving". Raises FormInvalid (nothing written) for bad input, a finger with
    neither an image nor a reason (except in a child's case), a photo whose face fails
    a quality check (each reason says what to change) or a finger below the program's
    NFIQ 2 minimum (recapture it); Conflict when the case is not at its appointment or was already
    captured."""
    _check_case(registration)
    policy = get_program(registration.program).biometrics
    _check_shape(data, every_finger=not registration.for_child)
    report = progress or (lambda step, done, total: None)
    total = 2 + len(data.fingers)  # the photo, each finger, saving
    report("photo", 0, total)
    face = analyse_face(data.photo) if data.photo is not None else None
    fingers = _analyse_fingers(data.fingers, policy, lambda done: report("finger", 1 + done, total))
    report("saving", total - 1, total)
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        _check_case(locked)
        return _store(actor, locked, policy, face, fingers, data.exceptions)


def _check_case(registration: Registration) -> None:
    if registration.state not in (CaseState.BIOMETRICS_SCHEDULED, CaseState.BIOMETRICS_CAPTURED):
        raise Conflict(
            _("Biometrics are taken at the appointment; this case is %(state)s.")
            % {"state": registration.get_state_display()}
        )
    enrolments = Enrolment.objects.filter(registration=registration)
    if enrolments.filter(removed_because="duplicate").exists():
        raise Conflict(_("This case was found to duplicate an earlier registration."))
    if enrolments.exclude(state=Enrolment.State.REMOVED).exists():
        raise Conflict(_("Biometrics were already captured for this case."))


def _check_shape(data: CaptureInput, *, every_finger: bool) -> None:
    """Refuse malformed input. With `every_finger`, each of the ten fingers needs an
    image or a reason; a child filed for by a guardian gives prints at the program's age
    (re-registering in person), so their fingers may be left out."""
    errors: dict[str, list[str]] = {}
    positions = set(data.fingers) | set(data.exceptions)
    unknown = sorted(p for p in positions if p not in FINGER_POSITIONS)
    if unknown:
        errors["fingers"] = [
            _("Unknown finger positions %(positions)s: use 1 (right thumb) to 10 (left little).")
            % {"positions": ", ".join(str(p) for p in unknown)}
        ]
    both = sorted(set(data.fingers) & set(data.exceptions))
    for position in both:
        errors[f"finger_{position}"] = [_("Send an image or an exception, not both.")]
    # Ten prints where possible, and a reason for each one that is not: a finger left
    # blank would look the same as one the officer forgot.
    unaccounted = [p for p in FINGER_POSITIONS if p not in positions] if every_finger else []
    if unaccounted:
        errors["fingers"] = [
            *errors.get("fingers", []),
            _(
                "Fingers %(positions)s have neither an image nor a reason: take each one, "
                "or choose why it has no print."
            )
            % {"positions": ", ".join(str(p) for p in unaccounted)},
        ]
        for position in unaccounted:
            errors[f"exception_{position}"] = [_("Take this finger, or say why it has no print.")]
    for position, reason in data.exceptions.items():
        if reason not in FingerException.values:
            errors[f"exception_{position}"] = [
                _("Give one of: %(codes)s.") % {"codes": ", ".join(FingerException.values)}
            ]
    if data.photo is None:
        errors["photo"] = [_("Take the person's photo.")]
    images = [("photo", data.photo)] if data.photo is not None else []
    images += [(f"finger_{p}", image) for p, image in data.fingers.items()]
    for name, image in images:
        if not image:
            errors.setdefault(name, []).append(_("This file is empty."))
        elif len(image) > MAX_IMAGE_BYTES:
            errors.setdefault(name, []).append(_("Images of at most 10 MB, please."))
    if errors:
        raise FormInvalid(_("Some images need attention; see each field."), fields=errors)


def analyse_face(photo: bytes) -> Any:
    try:
        result = pipeline.analyse_face(photo)
    except pipeline.ImageUnreadable as exc:
        raise FormInvalid(
            _("The photo is not a PNG or JPEG image."), fields={"photo": [_("Not an image.")]}
        ) from exc
    if not result.quality.ok or result.embedding is None:
        reasons = [str(FACE_REASONS.get(code, code)) for code in result.quality.reasons]
        error = FormInvalid(
            _("Take a new photo: %(reasons)s") % {"reasons": " ".join(reasons)},
            fields={"photo": reasons},
        )
        error.code = "face_quality"
        raise error
    return result


def check_image_format(image: bytes, formats: tuple[str, ...] = ("PNG", "JPEG")) -> None:
    """ValueError unless the bytes start like an image of one of `formats` (the header
    only; the libraries decode the pixels)."""
    try:
        with Image.open(io.BytesIO(image)) as opened:
            if opened.format not in formats:
                raise ValueError(f"format {opened.format}")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValueError("not an image") from exc


def _analyse_fingers(
    images: dict[int, bytes], policy: Biometrics, analysed: Callable[[int], None]
) -> list[_FingerResult]:
    errors: dict[str, list[str]] = {}
    results = []
    for count, position in enumerate(sorted(images), start=1):
        analysed(count - 1)
        name = f"finger_{position}"
        try:
            check_image_format(images[position])
            analysis = nbis.analyse(images[position])
        except ValueError:
            # WSQ too: the NBIS binding we use does not decode it (docs/biometrics.md).
            errors[name] = [_("Not a PNG or JPEG fingerprint image (500 dpi).")]
            continue
        template, quality = analysis.template, int(analysis.nfiq2)
        if quality < policy.nfiq2_minimum:
            errors[name] = [
                _("Quality %(quality)d is below the minimum %(minimum)d: recapture this finger.")
                % {"quality": quality, "minimum": policy.nfiq2_minimum}
            ]
            continue
        results.append(
            _FingerResult(
                position,
                iso.to_iso(template),
                quality,
                len(template.minutiae),
                images[position],
            )
        )
    if errors:
        raise FormInvalid(_("Some fingers need a new capture; see each finger."), fields=errors)
    return results


def _store(  # noqa: PLR0917 - private; the capture's parts in the order they were taken
    actor: User,
    registration: Registration,
    policy: Biometrics,
    face: Any,
    fingers: list[_FingerResult],
    exceptions: dict[int, str],
) -> Enrolment:
    person_id = registration.person_id
    embedding = None if face is None else np.asarray(face.embedding, dtype=np.float32)
    portrait = face.portrait_jpeg if face is not None and policy.keep_photo else None
    enrolment = Enrolment.objects.create(
        registration=registration,
        person_id=person_id,
        program=registration.program,
        captured_by=actor,
        face_sealed=None
        if embedding is None
        else seal_bytes(person_id, FACE_LABEL, embedding.tobytes()),
        portrait_sealed=None
        if portrait is None
        else seal_bytes(person_id, PORTRAIT_LABEL, portrait),
        face_quality={k: round(float(v), 2) for k, v in face.quality.measures.items()}
        if face is not None
        else {},
    )
    Finger.objects.bulk_create(
        [
            Finger(
                enrolment=enrolment,
                position=f.position,
                nfiq2=f.nfiq2,
                minutiae=f.minutiae,
                template_sealed=seal_bytes(person_id, finger_label(f.position), f.template),
                image_sealed=seal_bytes(person_id, finger_image_label(f.position), f.image)
                if policy.keep_fingerprint_images
                else None,
            )
            for f in fingers
        ]
        + [
            Finger(enrolment=enrolment, position=position, exception=reason)
            for position, reason in sorted(exceptions.items())
        ]
    )
    casework.record_biometrics(actor, registration)
    audit.record(
        actor=actor,
        action=Action.CREATE,
        subject_id=person_id,
        object_type="biometric_enrolment",
        object_id=str(enrolment.pk),
        detail={
            "face": embedding is not None,
            "fingers": len(fingers),
            "exceptions": sorted(exceptions.values()),
            "portrait_kept": portrait is not None,
        },
    )
    from apps.biometrics.tasks import search_enrolment
    from registry.tasks import enqueue_in_transaction

    # The search commits with the enrolment: a crash between the two cannot skip it.
    enqueue_in_transaction(search_enrolment, enrolment.pk)
    return enrolment


def progress_writer(actor: User, registration: Registration, token: uuid.UUID) -> Progress:
    """A `capture` progress callback that keeps the station's progress row up to date,
    outside the capture's transaction so that the page's polls see it at once. A token
    someone else already uses is left alone (the caller only loses its own progress)."""
    taken = CaptureProgress.objects.filter(token=token).exclude(started_by=actor).exists()

    def write(step: str, done: int, total: int) -> None:
        if not taken:
            CaptureProgress.objects.update_or_create(
                token=token,
                defaults={
                    "registration": registration,
                    "started_by": actor,
                    "step": step,
                    "done": done,
                    "total": total,
                },
            )

    return write


def forget_progress(actor: User, token: uuid.UUID) -> None:
    """The request ended: drop its progress row, and any left by a station that died
    more than an hour ago."""
    stale = timezone.now() - dt.timedelta(hours=1)
    CaptureProgress.objects.filter(
        models.Q(token=token, started_by=actor) | models.Q(updated_at__lt=stale)
    ).delete()
