"""Biometric enrolments, the candidates their searches find, and the state of the
search indexes.

Templates (the face embedding, ISO finger templates) and any kept image are sealed
under the person's key; the rows hold only what the workflow needs in clear: finger
positions, quality numbers, scores and states. The search indexes on disk
(settings.BIOMETRICS_INDEX_DIR) are derived data, rebuilt from these rows by
`manage.py biometrics rebuild-index`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.registrations.models import Person, Registration

# ISO/IEC 19794-2 finger positions.
FINGER_POSITIONS: dict[int, str] = {
    1: "right thumb",
    2: "right index",
    3: "right middle",
    4: "right ring",
    5: "right little",
    6: "left thumb",
    7: "left index",
    8: "left middle",
    9: "left ring",
    10: "left little",
}
FINGER_LABELS = {
    1: _("Right thumb"),
    2: _("Right index"),
    3: _("Right middle"),
    4: _("Right ring"),
    5: _("Right little"),
    6: _("Left thumb"),
    7: _("Left index"),
    8: _("Left middle"),
    9: _("Left ring"),
    10: _("Left little"),
}


class FingerException(models.TextChoices):
    """Why a finger has no print; recorded, never a reason to refuse a registration."""

    MISSING = "missing", _("Missing (amputated or absent)")
    INJURED = "injured", _("Injured or bandaged")
    UNREADABLE = "unreadable", _("Worn or scarred: no usable print after recapture")


class Enrolment(models.Model):
    """One capture: a person's face template and finger templates, taken at the
    appointment of one case. Removed (templates deleted, out of the indexes) when the
    person is erased or found to be a duplicate of someone already enrolled."""

    class State(models.TextChoices):
        SEARCHING = "searching", _("Searching for duplicates")
        SEARCHED = "searched", _("Searched")
        REMOVED = "removed", _("Removed")

    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="biometric_enrolments"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="enrolments")
    program = models.CharField(max_length=64)
    state = models.CharField(max_length=12, choices=State.choices, default=State.SEARCHING)
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    captured_at = models.DateTimeField(auto_now_add=True)
    searched_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_because = models.CharField(max_length=32, blank=True)
    face_sealed = models.BinaryField(null=True)
    portrait_sealed = models.BinaryField(null=True)
    # Quality measures (numbers only, no image content) for the record.
    face_quality = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["person", "state"], name="enrolment_person_state")]
        constraints = [
            # One live enrolment per case: a second capture replaces nothing silently.
            models.UniqueConstraint(
                fields=["registration"],
                condition=~models.Q(state="removed"),
                name="enrolment_one_live_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"enrolment {self.pk} of {self.registration_id}"

    @property
    def in_index(self) -> bool:
        return self.state == self.State.SEARCHED


class Finger(models.Model):
    """One finger of an enrolment: a sealed ISO template and its NFIQ 2 quality, or an
    exception (missing, injured) with no template."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="fingers")
    position = models.PositiveSmallIntegerField()
    nfiq2 = models.PositiveSmallIntegerField(null=True)
    minutiae = models.PositiveSmallIntegerField(null=True)
    template_sealed = models.BinaryField(null=True)
    image_sealed = models.BinaryField(null=True)
    exception = models.CharField(max_length=12, choices=FingerException.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "position"], name="finger_position"),
        ]
        ordering = ["position"]

    def __str__(self) -> str:
        return f"finger {self.position} of enrolment {self.enrolment_id}"


class Candidate(models.Model):
    """A possible duplicate: a new enrolment (the probe) looks like an enrolled person.
    An officer decides; a supervisor reviews every "same person" decision."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for an officer")
        SAME_PENDING_REVIEW = "same_pending", _("Same person: waiting for a supervisor")
        SAME_CONFIRMED = "same_confirmed", _("Same person (confirmed by a supervisor)")
        DIFFERENT = "different", _("Different people")

    UNRESOLVED = (State.OPEN, State.SAME_PENDING_REVIEW)

    probe = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="candidates")
    match = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="matched_by")
    face_distance = models.FloatField(null=True)
    # [[probe position, matched position, Bozorth3 score], ...] for the finger pairs
    # that scored at or above the program's threshold, best first.
    finger_scores = models.JSONField(default=list)
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=32, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.CharField(max_length=32, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["probe", "match"], name="candidate_pair"),
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="candidate_queue")]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"candidate {self.pk}: {self.probe_id} ~ {self.match_id}"

    @property
    def unresolved(self) -> bool:
        return self.state in self.UNRESOLVED

    @property
    def best_finger_score(self) -> int | None:
        return max((int(row[2]) for row in self.finger_scores), default=None)


class IndexStatus(models.Model):
    """One row per search index ("face", "fingers"): how many entries it holds and how
    the last rebuild went, so the console can show progress while it runs."""

    name = models.CharField(max_length=16, primary_key=True)
    entries = models.PositiveIntegerField(default=0)
    rebuild_started_at = models.DateTimeField(null=True, blank=True)
    rebuild_finished_at = models.DateTimeField(null=True, blank=True)
    rebuild_done = models.PositiveIntegerField(default=0)
    rebuild_total = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} index ({self.entries})"

    @property
    def rebuilding(self) -> bool:
        return self.rebuild_started_at is not None and self.rebuild_finished_at is None

    @property
    def percent(self) -> int:
        return 100 if not self.rebuild_total else 100 * self.rebuild_done // self.rebuild_total


class CaptureProgress(models.Model):
    """How far a capture station's request has got (the photo, each finger, saving),
    so that the page can show it while the request runs. Holds no biometric data, only
    counts; the row goes when the request ends. `token` is drawn by the page."""

    token = models.UUIDField(primary_key=True)
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    step = models.CharField(max_length=16)
    done = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"capture {self.token}: {self.step} {self.done}/{self.total}"
