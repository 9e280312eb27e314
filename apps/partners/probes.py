"""Face probes from partners: searched 1:N in memory and forgotten.

The photograph arrives in the request body, is decoded and embedded in memory (no file
is written: Django keeps uploads under FILE_UPLOAD_MAX_MEMORY_SIZE in memory, and the
endpoint refuses bigger ones before they reach disk), the embedding is compared with the
enrolled faces at the program's threshold, and both are dropped when the request ends.
Nothing about a probe is written anywhere: not to the database, the log, the index or a
temporary file (apps/partners/tests/test_face_probe.py checks each).
"""

from django.utils.translation import gettext as _

from apps.programs.loader import get_program
from apps.registrations.models import Registration
from registry.errors import FormInvalid

MAX_PROBE_BYTES = 2 * 1024 * 1024
CANDIDATES = 5


def find_by_face(photo: bytes) -> Registration | None:
    """The registered case of the enrolled person nearest to `photo`, when nearer than
    their program's threshold; None otherwise."""
    from apps.biometrics import indexes
    from apps.biometrics.face.pipeline import ImageUnreadable, analyse_face
    from apps.biometrics.models import Enrolment
    from apps.partners.access import find_by_person

    if not photo or len(photo) > MAX_PROBE_BYTES:
        raise FormInvalid(
            _("Send one PNG or JPEG photograph of at most 2 MB."),
            fields={"photo": [_("Missing or too large.")]},
        )
    try:
        result = analyse_face(photo)
    except ImageUnreadable as error:
        raise FormInvalid(
            _("The photograph could not be read: send a PNG or JPEG image."),
            fields={"photo": [str(error)]},
        ) from None
    if result.embedding is None:
        raise FormInvalid(
            _("No usable face in the photograph (%(reasons)s): take another one.")
            % {"reasons": ", ".join(result.quality.reasons)},
            fields={"photo": list(result.quality.reasons)},
        )
    hits = indexes.search_face(result.embedding, CANDIDATES)
    enrolments = Enrolment.objects.in_bulk([face_id for face_id, _distance in hits])
    for face_id, distance in hits:
        enrolment = enrolments.get(face_id)
        if enrolment is None or enrolment.removed_at is not None:
            continue
        threshold = get_program(enrolment.program).biometrics.face_match_distance
        if distance <= threshold:
            return find_by_person(enrolment.person_id)
    return None
