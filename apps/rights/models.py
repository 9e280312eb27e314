"""The person's rights: law-enforcement holds on their access log, correction requests,
complaints and citizenship claims.

Free text and evidence are personal data: sealed under the person's key (apps.vault)
and opened only by `apps/rights/access.py`, which logs the read. Codes, dates and
states stay in clear so deadlines, queues and statistics need no decryption.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.registrations.models import Person, Registration


class DisclosureHold(models.Model):
    """A supervisor holds back entries of a person's access log from the person, for a
    law-enforcement reason, until `ends_on` (at most a year; renewable with a new
    reason). Entries are chosen by id, or by the `reference` they were logged with (an
    agreement or request number), which also covers later entries under it."""

    class Scope(models.TextChoices):
        ENTRIES = "entries", _("Chosen entries")
        REFERENCE = "reference", _("Every entry logged under a reference")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="disclosure_holds")
    scope = models.CharField(max_length=16, choices=Scope.choices)
    entry_ids = models.JSONField(default=list, blank=True)
    reference = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=500)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_at = models.DateTimeField(auto_now_add=True)
    ends_at = models.DateTimeField()
    renewals = models.PositiveSmallIntegerField(default=0)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when the end was logged (lifted by hand, or noticed by the sweep after
    # `ends_at`); the hold stops hiding entries at `ends_at` whether or not it is set.
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "ends_at"], name="hold_person_ends")]

    def __str__(self) -> str:
        return f"hold {self.pk} on {self.person_id} until {self.ends_at:%Y-%m-%d}"


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    PARTLY = "partly", _("Partly accepted")
    REFUSED = "refused", _("Refused")


class RedressState(models.TextChoices):
    OPEN = "open", _("Open")
    DECIDED = "decided", _("Decided")


class Redress(models.Model):
    """What corrections and complaints share: a deadline from the program, an
    escalation to the privacy officer when it passes, and a decision with a reason
    code (shown to the person in their language) and an optional sealed note."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    registration = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField(auto_now_add=True)
    language = models.CharField(max_length=8, default="en")
    text_sealed = models.BinaryField()
    evidence_sealed = models.BinaryField(null=True, blank=True)
    evidence_type = models.CharField(max_length=32, blank=True)
    evidence_size = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=16, choices=RedressState.choices, default=RedressState.OPEN)
    due_on = models.DateField()
    escalated_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_role = models.CharField(max_length=32, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    reason_code = models.CharField(max_length=48, blank=True)
    note_sealed = models.BinaryField(null=True, blank=True)

    class Meta:
        abstract = True

    def is_owned_by(self, user: object) -> bool:
        user_id = getattr(user, "pk", None)
        person = self.person
        return user_id is not None and user_id in {person.account_id, person.guardian_id}

    @property
    def is_open(self) -> bool:
        return self.state == RedressState.OPEN


class CorrectionRequest(Redress):
    """The person asks for one field of their form to be corrected. The field name is a
    code of the program's form; the proposed value is in `text_sealed` together with
    the person's explanation."""

    field_name = models.CharField(max_length=64)

    class Meta:
        indexes = [
            models.Index(fields=["state", "due_on"], name="correction_queue"),
            models.Index(fields=["person", "-filed_at"], name="correction_person"),
        ]

    def __str__(self) -> str:
        return f"correction {self.id} of {self.field_name}"


class Complaint(Redress):
    """A complaint about how the person's record or case was handled."""

    class Meta:
        indexes = [
            models.Index(fields=["state", "due_on"], name="complaint_queue"),
            models.Index(fields=["person", "-filed_at"], name="complaint_person"),
        ]

    def __str__(self) -> str:
        return f"complaint {self.id}"


class ClaimState(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed: the record was expunged")
    NOT_CONFIRMED = "not_confirmed", _("Not confirmed")


class CitizenshipClaim(models.Model):
    """A claim or evidence that the person is a citizen. While it is open nothing about
    the person leaves the registry and no adverse decision is taken; the privacy
    officer resolves it (confirmed: the record is expunged)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by_role = models.CharField(max_length=32)
    recorded_at = models.DateTimeField(auto_now_add=True)
    language = models.CharField(max_length=8, default="en")
    text_sealed = models.BinaryField()
    evidence_sealed = models.BinaryField(null=True, blank=True)
    evidence_type = models.CharField(max_length=32, blank=True)
    evidence_size = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=16, choices=ClaimState.choices, default=ClaimState.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    reason_code = models.CharField(max_length=48, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "state"], name="claim_person_state")]

    def __str__(self) -> str:
        return f"citizenship claim {self.id} ({self.state})"

    def is_owned_by(self, user: object) -> bool:
        user_id = getattr(user, "pk", None)
        person = self.person
        return user_id is not None and user_id in {person.account_id, person.guardian_id}
