"""1:1 verification at the counter: is the person in front of the officer the one on
this case? A live photo and/or one finger are compared with the enrolled templates of
the case's person only (never searched against anyone else) and the check is logged.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.biometrics import access
from apps.biometrics.fingerprints import iso, match, nbis
from apps.biometrics.models import FINGER_POSITIONS
from apps.biometrics.services import MAX_IMAGE_BYTES, analyse_face, check_image_format
from apps.programs.loader import get_program
from apps.registrations.models import Registration
from registry.errors import Conflict, FormInvalid

VERIFY_PURPOSE = "identity-verification"


@dataclass(frozen=True)
class Verification:
    """The outcome: per checked modality the measure and whether it passes the
    program's threshold. `matched` is True only when every checked modality passed."""

    face_distance: float | None = None
    face_match: bool | None = None
    finger_position: int | None = None
    finger_score: int | None = None
    finger_match: bool | None = None

    @property
    def matched(self) -> bool:
        checked = [m for m in (self.face_match, self.finger_match) if m is not None]
        return bool(checked) and all(checked)


def verify(
    actor: User,
    registration: Registration,
    *,
    photo: bytes | None = None,
    finger: tuple[int, bytes] | None = None,
) -> Verification:
    """Check a live photo and/or finger against the case's person.

    FormInvalid for nothing to check, an unreadable or poor image, or a finger with no
    print on file; Conflict when the person has no biometrics on file."""
    if photo is None and finger is None:
        raise FormInvalid(
            _("Take a photo or a finger to compare."), fields={"photo": [_("Required.")]}
        )
    for data in [photo, finger[1] if finger else None]:
        if data is not None and (not data or len(data) > MAX_IMAGE_BYTES):
            raise FormInvalid(_("Send a non-empty image of at most 10 MB."))
    policy = get_program(registration.program).biometrics
    embedding = None if photo is None else analyse_face(photo).embedding
    live_finger = None
    if finger is not None:
        position, image = finger
        if position not in FINGER_POSITIONS:
            raise FormInvalid(
                _("Unknown finger position: use 1 (right thumb) to 10 (left little)."),
                fields={"finger_position": [_("Unknown position.")]},
            )
        try:
            check_image_format(image)
            live_finger = (position, nbis.extract(image))
        except ValueError as exc:
            raise FormInvalid(
                _("The finger image is not a PNG or JPEG fingerprint image."),
                fields={"finger": [_("Not an image.")]},
            ) from exc

    def compare(templates: access.Templates) -> tuple[Verification, dict[str, Any]]:
        result: dict[str, Any] = {}
        if embedding is not None and templates.face is not None:
            distance = float(np.linalg.norm(np.asarray(embedding) - templates.face))
            result.update(face_distance=distance, face_match=distance <= policy.face_match_distance)
        if live_finger is not None:
            position, template = live_finger
            on_file = templates.fingers.get(position)
            if on_file is None:
                raise FormInvalid(
                    _("No print of this finger is on file; use another finger."),
                    fields={"finger_position": [_("No print on file.")]},
                )
            score = int(match.bozorth3(template, iso.from_iso(on_file)))
            result.update(
                finger_position=position,
                finger_score=score,
                finger_match=score >= policy.finger_match_score,
            )
        outcome = Verification(**result)
        return outcome, {
            "face": _code(outcome.face_match),
            "finger": _code(outcome.finger_match),
        }

    outcome = access.verify_against_record(
        actor, registration.person, purpose=VERIFY_PURPOSE, compare=compare
    )
    if outcome is None:
        raise Conflict(_("This person has no biometrics on file to compare with."))
    return outcome


def _code(match: bool | None) -> str:
    return "not_checked" if match is None else ("match" if match else "no_match")
