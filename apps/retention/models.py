import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Expungement(models.Model):
    """The signed receipt of one expungement, kept in the database for lookups and for
    idempotency. The same receipt is journalled outside the database
    (settings.REGISTRY_EXPUNGEMENT_JOURNAL), which is what brings a restored backup back
    into line. Holds no personal data: the person id is a random uuid that, once the
    person's key is gone, opens nothing."""

    receipt_id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    person_id = models.UUIDField(unique=True)
    ground = models.CharField(max_length=32)
    at = models.DateTimeField()
    kid = models.CharField(max_length=32)
    signature = models.CharField(max_length=128)
    actor_role = models.CharField(max_length=32)
    run = models.ForeignKey(
        "RetentionRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["ground", "at"], name="expungement_ground_at")]

    def __str__(self) -> str:
        return f"expungement {self.receipt_id} ({self.ground})"


class RunState(models.TextChoices):
    DRY_RUN = "dry_run", _("Dry run (nothing expunged)")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting a privacy officer's approval")
    APPROVED = "approved", _("Approved, about to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    SUPERSEDED = "superseded", _("Superseded by a newer run")
    FAILED = "failed", _("Failed")


class RetentionRun(models.Model):
    """One application of a program's retention rules: who was due (person ids, case
    numbers and the rule, never personal data), whether it waits for approval, and its
    progress while it runs."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    program = models.CharField(max_length=64)
    as_of = models.DateField()
    state = models.CharField(max_length=24, choices=RunState.choices)
    # [{"person": uuid, "ground": "retention-departed", "cases": ["US25-…"]}, …]
    items = models.JSONField(default=list)
    counts = models.JSONField(default=dict)  # due per ground
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    expunged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)  # no longer due when the run reached them
    requested_by_role = models.CharField(max_length=32)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["program", "state"], name="retention_run_state")]

    def __str__(self) -> str:
        return f"retention run {self.id} ({self.program}, {self.state})"

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)
